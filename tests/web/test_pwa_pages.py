"""The PWA pages of issue 16 in Chromium, against the real app: job criteria, one offer, the
location filter, the agenda's day view, "Éditer" before confirming, the account page, the
kanban's order, todos in the Inbox, and every list read offline with its age.
(Accessibility of the same pages: tests/web/test_pwa_a11y.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import TypeVar

import pytest
from alembic.script import ScriptDirectory
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from store.clock import FrozenClock
from store.tables import (
    CalendarEvent,
    Job,
    JobSearchCriteria,
    Project,
    ProjectIdea,
    ProjectStep,
    Todo,
)
from tests.conftest import PARIS
from tests.web.browser import DESKTOP, PHONE, QUEUED, go, open_page, shot, sign_in

Sessions = async_sessionmaker[AsyncSession]
T = TypeVar("T")


def at(clock: FrozenClock, hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(clock.now().date() + timedelta(days=days), time(hour, minute), PARIS)


async def add_jobs(sessionmaker: Sessions, clock: FrozenClock) -> dict[str, str]:
    """Offers in Marseille (two spellings), Paris and Évry; their ids by title."""
    now = clock.now()
    rows = [
        Job(
            source="wttj",
            source_url="https://example.org/m1",
            title="Dev Python Marseille",
            company="Calanques",
            location="Marseille",
            remote_type="hybrid",
            stack=["python"],
            description="Première ligne.\n\n<script>alert('x')</script> <b>pas gras</b>",
            salary_min=50000,
            salary_max=60000,
            apply_url="https://example.org/apply/m1",
        ),
        Job(
            source="wttj",
            source_url="https://example.org/m2",
            title="Lead Marseille",
            location="marseille 13e",
            remote_type="remote",
        ),
        Job(
            source="wttj",
            source_url="https://example.org/p1",
            title="Dev Paris",
            location="Paris",
            remote_type="remote",
        ),
        Job(
            source="other",
            source_url="javascript:alert(1)",
            title="Dev Évry",
            location="Évry",
            description="Sans lien.",
        ),
    ]
    async with sessionmaker() as session, session.begin():
        for job in rows:
            job.first_seen_at = job.last_seen_at = now
            session.add(job)
    return {job.title: str(job.id) for job in rows}


async def settled(read: Callable[[], Awaitable[T]], expected: T) -> None:
    """Wait (a few seconds at most) for what the page sent to reach the database."""
    for _ in range(100):
        if (value := await read()) == expected:
            return
        await asyncio.sleep(0.05)
    assert value == expected


async def jobs_shown(page: Page, count: int) -> None:
    await page.wait_for_function(
        "(n) => document.querySelectorAll('#job-list li.job').length === n", arg=count
    )


@pytest.fixture(params=[PHONE, DESKTOP], ids=["390px", "1280px"])
async def page(
    browser: Browser, clock: FrozenClock, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    """Each page of the issue at a phone's width, then a desktop's, in Paris at "now"."""
    async with open_page(browser, clock, viewport=request.param) as page:
        yield page


# ---------------------------------------------------------------- 1. criteria


async def test_criteria_are_listed_created_edited_and_deleted(
    page: Page, base_url: str, sessionmaker: Sessions
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(
            JobSearchCriteria(
                name="Python remote",
                titles=["python"],
                stack=["django"],
                remote_types=["remote"],
                salary_min=55000,
            )
        )
    await sign_in(page, base_url)
    await go(page, "/app/settings")
    await page.click("#criteria-link")
    await page.wait_for_selector("#criteria-list li >> text=Python remote")
    assert "un mot du titre" in await page.inner_text("#criteria-explained")
    summary = await page.inner_text("#criteria-list li")
    assert "python" in summary and "≥ 55 k€" in summary

    await page.fill("#criteria-name", "Marseille hybride")
    await page.fill("#criteria-form [name=titles]", "backend, python ,backend")
    await page.fill("#criteria-form [name=locations]", "Marseille")
    await page.check("#criteria-form [name=remote_types][value=hybrid]")
    await page.fill("#criteria-form [name=salary_min]", "45000")
    await page.click("#criteria-form button[type=submit]")
    await page.wait_for_selector("#criteria-list li >> text=Marseille hybride")
    async with sessionmaker() as session:
        made = await session.scalar(
            select(JobSearchCriteria).where(JobSearchCriteria.name == "Marseille hybride")
        )
    assert made is not None
    assert (made.titles, made.locations, made.remote_types, made.salary_min, made.active) == (
        ["backend", "python"],
        ["Marseille"],
        ["hybrid"],
        45000,
        True,
    )

    row = "#criteria-list li:has-text('Marseille hybride')"
    await page.click(f"{row} >> text=Modifier")
    assert await page.input_value("#criteria-name") == "Marseille hybride"
    await page.uncheck("#criteria-form [name=active]")
    await page.fill("#criteria-form [name=salary_min]", "")
    await page.click("#criteria-form button[type=submit] >> text=Enregistrer")
    await page.wait_for_selector(f"{row} >> text=En pause")
    async with sessionmaker() as session:
        edited = await session.get(JobSearchCriteria, made.id)
    assert edited is not None and (edited.active, edited.salary_min) == (False, None)

    await page.click(f"{row} .x-btn")
    await page.click(f"{row} .x-btn.armed")
    await page.wait_for_selector(row, state="detached")
    async with sessionmaker() as session:
        names = list(await session.scalars(select(JobSearchCriteria.name)))
    assert names == ["Python remote"]


# ---------------------------------------------------------------- 2 and 3. offers


async def test_an_offer_page_shows_its_text_safely_and_acts(
    page: Page, base_url: str, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    ids = await add_jobs(sessionmaker, clock)
    await sign_in(page, base_url)
    await go(page, "/app/jobs")
    await page.click("#job-list a >> text=Dev Python Marseille")
    await page.wait_for_selector("#job-description")
    assert page.url.endswith(f"/app/jobs/{ids['Dev Python Marseille']}")
    text = await page.inner_text("#job-description")
    assert "<script>alert('x')</script> <b>pas gras</b>" in text  # shown, not run nor parsed
    assert await page.locator("#job-description script, #job-description b").count() == 0
    facts = await page.text_content("#job-facts") or ""
    assert "Calanques" in facts and "Marseille" in facts and "50–60 k€" in facts
    assert await page.inner_text("#job-stack") == "PYTHON"
    source = page.locator("#job-source")
    assert await source.get_attribute("href") == "https://example.org/m1"
    assert await source.get_attribute("rel") == "noopener noreferrer"
    assert await page.get_attribute("#job-apply", "href") == "https://example.org/apply/m1"
    await shot(page, "job-detail")

    await page.click("#job-actions .star")
    await page.wait_for_selector("#job-actions .star[aria-pressed=true]")
    await page.click("#job-actions >> text=Postulé")
    await page.wait_for_selector("#job-actions >> text=✓ Postulé")
    await page.click("#job-archive")
    await page.wait_for_selector("#job-archive >> text=Désarchiver")

    async def marks() -> tuple[bool, bool, bool]:
        async with sessionmaker() as session:
            job = await session.get(Job, ids["Dev Python Marseille"])
        assert job is not None
        return job.starred, job.archived, job.applied_at is not None

    await settled(marks, (True, True, True))

    await go(page, f"/app/jobs/{ids['Dev Évry']}")  # a javascript: link never becomes one
    await page.wait_for_selector("#job-description >> text=Sans lien.")
    assert await page.locator("#job-source, #job-apply").count() == 0


async def test_the_frequent_places_are_chips_and_any_place_can_be_typed(
    page: Page, base_url: str, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    await add_jobs(sessionmaker, clock)
    await sign_in(page, base_url)
    await go(page, "/app/jobs")
    await page.wait_for_selector("#job-list li.job >> nth=3")
    chips = await page.locator("#place-chips button").all_inner_texts()
    assert chips[0] == "PARTOUT"
    assert "MARSEILLE" in chips and "PARIS" in chips

    await page.click("#place-chips [data-place=Marseille]")
    await page.wait_for_selector("#place-chips [data-place=Marseille][aria-pressed=true]")
    await jobs_shown(page, 2)
    titles = await page.locator("#job-list .title").all_inner_texts()
    assert sorted(titles) == ["Dev Python Marseille", "Lead Marseille"]
    await page.click("#nav a[data-route=jobs]")  # the place stays while the app is open
    await jobs_shown(page, 2)
    await page.click("[data-filter=remote]")  # with the remote filter: both apply
    await jobs_shown(page, 1)
    assert await page.locator("#job-list .title").all_inner_texts() == ["Lead Marseille"]

    await page.click("[data-filter=all]")
    await page.fill("#place-input", "evry")  # accents and case aside
    await page.press("#place-input", "Enter")
    await jobs_shown(page, 1)
    assert await page.locator("#job-list .title").all_inner_texts() == ["Dev Évry"]
    await page.click("#place-chips >> text=Partout")
    await jobs_shown(page, 4)


# ---------------------------------------------------------------- 4. the day view


async def test_the_day_view_shows_the_hours_and_the_current_time(
    page: Page, base_url: str, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add_all(
            [
                CalendarEvent(
                    title="Dentiste",
                    starts_at=at(clock, 15),
                    ends_at=at(clock, 16),
                    updated_at=clock.now(),
                ),
                CalendarEvent(
                    title="Café",
                    starts_at=at(clock, 15, 30),
                    ends_at=at(clock, 16, 30),
                    updated_at=clock.now(),
                ),
                CalendarEvent(
                    title="Férié",
                    all_day=True,
                    starts_at=at(clock, 0),
                    ends_at=at(clock, 0, days=1),
                    updated_at=clock.now(),
                ),
                CalendarEvent(
                    title="Demain",
                    starts_at=at(clock, 9, days=1),
                    ends_at=at(clock, 10, days=1),
                    updated_at=clock.now(),
                ),
            ]
        )
    await sign_in(page, base_url)
    await go(page, "/app/agenda")
    await page.wait_for_selector("#week .ev >> text=Dentiste")
    await page.click("[data-mode=day]")
    await page.wait_for_selector("#dayview[data-day='2026-11-25']")
    assert await page.is_hidden("#week")
    assert await page.text_content(".section-head .t") == "Mercredi 25 novembre"
    assert await page.locator("#dayview .allday .ev").all_text_contents() == ["Férié×"]
    assert await page.locator("#dayview .slot").count() == 2  # side by side: they overlap
    line = page.locator("#now-line")
    assert await line.get_attribute("data-time") == "10:00"
    box = await page.locator("#dayview .hours").bounding_box()
    mark = await line.bounding_box()
    assert box is not None and mark is not None
    assert abs((mark["y"] - box["y"]) / box["height"] - 10 / 24) < 0.01
    dentist = await page.locator("#dayview .slot:has-text('Dentiste')").bounding_box()
    assert dentist is not None
    assert abs((dentist["y"] - box["y"]) / box["height"] - 15 / 24) < 0.01
    await shot(page, f"agenda-day-{page.viewport_size['width'] if page.viewport_size else 0}")

    await page.click("[aria-label='Jour suivant']")
    await page.wait_for_selector("#dayview[data-day='2026-11-26'] .slot >> text=Demain")
    assert await page.locator("#now-line").count() == 0  # not today
    await page.click("#agenda-today")
    await page.wait_for_selector("#now-line")
    await page.click("[data-mode=week]")
    await page.wait_for_selector("#week .ev >> text=Dentiste")


# ---------------------------------------------------------------- 5. Éditer


async def test_an_action_edited_in_the_modal_is_written_as_edited(
    page: Page, base_url: str, sessionmaker: Sessions
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(Project(name="Maison"))
    await sign_in(page, base_url)
    await page.keyboard.press("Control+k")
    await page.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions")
    await page.click("#proposed-actions .edit-btn")
    form = "#proposed-actions .edit-form"
    await page.wait_for_selector(form)
    assert await page.get_attribute("#proposed-actions .edit-btn", "aria-expanded") == "true"
    title = page.locator(f"{form} [name=title]")
    assert "pain" in (await title.input_value()).lower()
    assert await page.input_value(f"{form} [name=due_at]") == "2026-11-26T09:00"
    await shot(page, "proposal-edit")

    await title.fill("")  # refused by the server's model: said, and nothing written
    await page.click("#proposal-confirm")
    await page.wait_for_selector("#proposal-error >> text=Modification refusée")
    assert await page.is_enabled("#proposal-confirm")

    await title.fill("Acheter du pain complet")
    await page.fill(f"{form} [name=due_at]", "2026-11-27T18:30")
    await page.select_option(f"{form} [name=priority]", "2")
    await page.select_option(f"{form} [name=project_id]", label="Maison")
    await page.fill(f"{form} [name=tags]", "courses, maison")
    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results .action.ok >> text=Acheter du pain complet")
    async with sessionmaker() as session:
        [todo] = await session.scalars(select(Todo))
        project = await session.scalar(select(Project))
    assert project is not None
    assert todo.title == "Acheter du pain complet"
    assert todo.due_at == datetime(2026, 11, 27, 18, 30, tzinfo=PARIS)
    assert (todo.priority, todo.project_id, todo.tags) == (2, project.id, ["courses", "maison"])


# ---------------------------------------------------------------- 6. account


def head_revision() -> str:
    """The newest migration, the one the schema is at."""
    head = ScriptDirectory.from_config(migrations.alembic_config("")).get_current_head()
    assert head is not None
    return head


async def test_the_account_page_shows_the_status(page: Page, base_url: str) -> None:
    await sign_in(page, base_url)
    await go(page, "/app/settings")
    await page.click("#account-link")
    await page.wait_for_selector("#status")
    text = await page.inner_text("#status")
    for expected in (
        "TELEGRAM",
        "NON CONFIGURÉ",
        "GOOGLE_OAUTH_CLIENT_ID",
        "PLANIFICATEUR",
        "POSTGRESQL EXTERNE",
        head_revision().upper(),
    ):
        assert expected in text.upper(), expected
    await shot(page, "account")


# ---------------------------------------------------------------- 7. kanban order


async def add_board(sessionmaker: Sessions) -> tuple[str, list[str]]:
    async with sessionmaker() as session, session.begin():
        project = Project(name="Site")
        session.add(project)
        await session.flush()
        steps = [
            ProjectStep(project_id=project.id, title=title, status="todo", position=i)
            for i, title in enumerate(["Un", "Deux", "Trois"])
        ]
        session.add_all(steps)
        session.add(ProjectStep(project_id=project.id, title="Ailleurs", status="doing"))
        session.add(ProjectIdea(project_id=project.id, content="Une idée"))
    return str(project.id), [str(s.id) for s in steps]


async def todo_column(sessionmaker: Sessions) -> list[str]:
    async with sessionmaker() as session:
        stmt = (
            select(ProjectStep.title)
            .where(ProjectStep.status == "todo")
            .order_by(ProjectStep.position)
        )
        return list(await session.scalars(stmt))


TODO_COLUMN = (
    "[...document.querySelectorAll('#board [data-status=todo] .card .t')]"
    ".map((e) => e.textContent).join(',')"
)


async def test_cards_move_within_a_column_by_keyboard_drag_and_offline(
    page: Page, base_url: str, sessionmaker: Sessions
) -> None:
    project_id, _ = await add_board(sessionmaker)
    await sign_in(page, base_url)
    await go(page, f"/app/projects/{project_id}")
    await page.wait_for_selector("#board .card >> text=Trois")

    await page.focus("[aria-label='Descendre « Un »']")
    await page.keyboard.press("Enter")
    await page.wait_for_function(f"() => {TODO_COLUMN} === 'Deux,Un,Trois'")
    # The focus stays on the card that moved, and a screen reader hears where it went.
    assert await page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Descendre « Un »"
    )
    assert await page.inner_text("#board-status") == "« Un » : 2 sur 3 dans À faire."
    await page.keyboard.press("Enter")
    await page.wait_for_function(f"() => {TODO_COLUMN} === 'Deux,Trois,Un'")
    # At the bottom now: the focus went to its ↑, the only way left.
    assert await page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Monter « Un »"
    )
    await settled(lambda: todo_column(sessionmaker), ["Deux", "Trois", "Un"])

    # By the mouse: "Un" dropped on the top half of "Deux" takes its place.
    await page.locator("#board .card:has-text('Un')").drag_to(
        page.locator("#board .card:has-text('Deux')"), target_position={"x": 20, "y": 5}
    )
    await page.wait_for_function(f"() => {TODO_COLUMN} === 'Un,Deux,Trois'")
    await settled(lambda: todo_column(sessionmaker), ["Un", "Deux", "Trois"])

    await page.context.set_offline(True)  # queued, and still in that order after a reload
    await page.click("[aria-label='Monter « Trois »']")
    await page.wait_for_function(f"() => {TODO_COLUMN} === 'Un,Trois,Deux'")
    queued = await page.evaluate(QUEUED)
    assert [(m["method"], m["path"]) for m in queued] == [
        ("POST", f"/projects/{project_id}/steps/reorder")
    ]
    await go(page, "/app/projects")
    await go(page, f"/app/projects/{project_id}")
    await page.wait_for_function(f"() => {TODO_COLUMN} === 'Un,Trois,Deux'")
    assert await todo_column(sessionmaker) == ["Un", "Deux", "Trois"]
    await page.context.set_offline(False)
    await page.wait_for_selector("#sync-state:empty", state="attached")
    assert await todo_column(sessionmaker) == ["Un", "Trois", "Deux"]


# ---------------------------------------------------------------- 8. the Inbox


async def test_a_todo_made_in_the_pwa_lands_in_the_inbox_unless_a_status_is_picked(
    page: Page, base_url: str, sessionmaker: Sessions
) -> None:
    await sign_in(page, base_url)
    await go(page, "/app/todos")
    await page.fill("#todo-title", "Trier les papiers")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Trier les papiers")
    await page.fill("#todo-title", "Réparer le vélo")
    await page.select_option("#todo-form select[name=status]", "doing")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Réparer le vélo")
    async with sessionmaker() as session:
        statuses = dict((t.title, t.status) for t in await session.scalars(select(Todo)))
    assert statuses == {"Trier les papiers": "inbox", "Réparer le vélo": "doing"}
    await page.click("[data-filter=inbox]")
    assert await page.locator("#todo-list .title").all_inner_texts() == ["Trier les papiers"]


# ---------------------------------------------------------------- 9. offline reading


async def test_every_list_reads_offline_on_pages_never_opened_with_its_age(
    page: Page, base_url: str, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    ids = await add_jobs(sessionmaker, clock)
    project_id, _ = await add_board(sessionmaker)
    async with sessionmaker() as session, session.begin():
        session.add(Todo(title="Arroser les plantes", status="todo"))
        session.add(
            CalendarEvent(
                title="Dentiste",
                starts_at=at(clock, 15),
                ends_at=at(clock, 16),
                updated_at=clock.now(),
            )
        )
        session.add(
            CalendarEvent(
                title="Dans trois semaines",
                starts_at=at(clock, 9, days=21),
                ends_at=at(clock, 10, days=21),
                updated_at=clock.now(),
            )
        )
    await sign_in(page, base_url)  # the dashboard only: no other page was opened
    await page.wait_for_function("() => document.documentElement.dataset.listsKept")
    await page.context.set_offline(True)
    await page.clock.set_fixed_time(clock.now() + timedelta(hours=3))

    pages = [
        ("/app/todos", "#todo-list >> text=Arroser les plantes"),
        ("/app/projects", "#project-list >> text=Site"),
        (f"/app/projects/{project_id}", "#board .card >> text=Trois"),
        ("/app/agenda", "#week .ev >> text=Dentiste"),
        ("/app/jobs", "#job-list >> text=Dev Paris"),
        (f"/app/jobs/{ids['Dev Python Marseille']}", "#job-description >> text=Première ligne."),
    ]
    for path, shown in pages:
        await go(page, path)
        await page.wait_for_selector(shown)
        assert await page.inner_text("#data-age") == "HORS LIGNE · DONNÉES D'IL Y A 3 H", path
    await go(page, f"/app/projects/{project_id}")
    await page.wait_for_selector("#idea-list >> text=Une idée")
    # Three weeks on, still inside the kept window; filters apply to the kept offers.
    await go(page, "/app/agenda")
    for _ in range(3):
        await page.click("[aria-label='Semaine suivante']")
    await page.wait_for_selector("#week .ev >> text=Dans trois semaines")
    await go(page, "/app/jobs")
    await page.click("#place-chips [data-place=Marseille]")
    await jobs_shown(page, 2)
    await shot(page, "offline-jobs")

    await page.context.set_offline(False)  # live again: the age goes
    await go(page, "/app/todos")
    await page.wait_for_selector("#todo-list >> text=Arroser les plantes")
    assert await page.inner_text("#data-age") == ""
