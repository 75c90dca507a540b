"""The PWA for every user: axe-core finds no serious or critical violation on any view, on a
phone and on a desktop; and it all works from the keyboard (focus visible, the palette and the
dialogs keep the focus inside and give it back when they close).

`AXE_REPORT=FILE` writes the count of violations per view, impact and rule to FILE (JSON)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.tables import (
    AiUsage,
    CalendarEvent,
    DailyCheckin,
    Job,
    JobSearchCriteria,
    Project,
    ProjectIdea,
    ProjectStep,
    Todo,
)
from tests.conftest import PARIS
from tests.web.browser import (
    DESKTOP,
    PHONE,
    axe_source,
    axe_violations,
    go,
    open_page,
    shot,
    sign_in,
)

BLOCKING = {"serious", "critical"}


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> tuple[str, str]:
    """A bit of everything each view can show (late, done, starred, Google, skipped…); the
    project's id and a job offer's."""
    now = clock.now()
    today = now.date()

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=PARIS)

    async with sessionmaker() as session, session.begin():
        project = Project(name="Refonte du site", kind="freelance", description="Pour Léa")
        session.add(project)
        await session.flush()
        session.add_all(
            [
                Todo(
                    title="Rendre le rapport",
                    status="todo",
                    priority=3,
                    tags=["boulot"],
                    due_at=at(today - timedelta(days=1), 18),
                    created_at=now,
                    # Everything its own page shows (/app/todos/{id}).
                    description="Pour le comité de lundi.",
                    checklist=[{"text": "Plan", "done": True}, {"text": "Relire", "done": False}],
                    energy="med",
                    context="@office",
                    ticket_url="https://tickets.example/42",
                    verification_steps=["Envoyé à Léa"],
                    recurrence="FREQ=WEEKLY;BYDAY=FR",
                    ai_enriched=True,
                ),
                Todo(
                    title="Appeler le plombier",
                    status="doing",
                    priority=1,
                    due_at=at(today, 17, 30),
                    remind_at=at(today, 17, 15),  # a reminder and a series: their chips, and
                    recurrence="FREQ=WEEKLY",  # the "Arrêter la série" button, audited too
                    created_at=now,
                ),
                Todo(
                    title="Acheter du pain",
                    status="done",
                    due_at=at(today, 0),
                    created_at=now,
                    completed_at=now,
                ),
                Todo(title="Lire l'article", status="inbox", created_at=now),
                CalendarEvent(
                    title="Dentiste",
                    location="Rue de Rivoli",
                    starts_at=at(today, 15),
                    ends_at=at(today, 16),
                    created_at=now,
                    updated_at=now,
                ),
                CalendarEvent(
                    title="Anniversaire",
                    all_day=True,
                    source="google",
                    google_event_id="g1",
                    starts_at=at(today + timedelta(days=1), 0),
                    ends_at=at(today + timedelta(days=2), 0),
                    created_at=now,
                    updated_at=now,
                ),
                *(
                    ProjectStep(
                        project_id=project.id,
                        title=f"Étape {status}",
                        status=status,
                        created_at=now,
                    )
                    for status in ("backlog", "todo", "doing", "review", "done")
                ),
                ProjectIdea(project_id=project.id, content="Un mode sombre", created_at=now),
                *(
                    DailyCheckin(
                        day=today - timedelta(days=n),
                        meds_taken=n % 3 != 0,
                        skipped=n == 4,
                        note="fatigué" if n == 2 else None,
                        updated_at=now,
                    )
                    for n in range(1, 12)
                ),
                JobSearchCriteria(name="Python", titles=["python"], remote_types=["remote"]),
                starred := Job(
                    source="wttj",
                    source_url="https://example.org/1",
                    title="Dev Python",
                    company="Acme",
                    description="Une équipe de cinq.\n\nDu Python, du PostgreSQL.",
                    location="Paris",
                    remote_type="remote",
                    salary_min=55000,
                    salary_max=65000,
                    stack=["python", "postgres"],
                    starred=True,
                    first_seen_at=now,
                    last_seen_at=now,
                ),
                *(  # the AI's cost, charted on the settings page (one unknown model too)
                    AiUsage(
                        at=now - timedelta(days=n),
                        kind="chat",
                        provider="mistral",
                        model="mistral-small-latest" if n else "mistral-inconnu",
                        requests=n + 1,
                        input_tokens=900 * (n + 1),
                        output_tokens=120 * (n + 1),
                        cost_usd=Decimal("0.0002") * (n + 1) if n else None,
                    )
                    for n in (0, 1, 3, 8, 20)
                ),
                AiUsage(
                    at=now,
                    kind="transcription",
                    provider="groq",
                    model="whisper-large-v3-turbo",
                    audio_seconds=12.5,
                    cost_usd=Decimal("0.00013889"),
                ),
                Job(
                    source="wttj",
                    source_url="https://example.org/2",
                    title="Lead backend",
                    company="Globex",
                    remote_type="hybrid",
                    applied_at=now,
                    first_seen_at=now,
                    last_seen_at=now,
                ),
            ]
        )
    return str(project.id), str(starred.id)


async def palette_open(page: Page) -> None:
    await page.keyboard.press("Control+k")
    await page.wait_for_selector("#palette-list li[aria-selected=true]")


async def modal_open(page: Page) -> None:
    await palette_open(page)
    await page.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions")


async def modal_edit(page: Page) -> None:
    await page.click("#proposed-actions .edit-btn")
    await page.wait_for_selector("#proposed-actions .edit-form")


async def modal_done(page: Page) -> None:
    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results")


async def close_dialog(page: Page) -> None:
    await page.keyboard.press("Escape")
    await page.wait_for_selector(".overlay", state="detached")


async def report_id(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The seeded todo that holds every field."""
    async with sessionmaker() as session:
        todo = await session.scalar(select(Todo).where(Todo.title == "Rendre le rapport"))
    assert todo is not None
    return str(todo.id)


def views(project_id: str, todo_id: str, job_id: str) -> list[tuple[str, str, str]]:
    """(name, path, what shows once its data is drawn)."""
    return [
        ("dashboard", "/app/", "#today-todos li.todo"),
        ("todos", "/app/todos", "#todo-list li.todo"),
        ("todo", f"/app/todos/{todo_id}", "#todo-checklist li.done"),
        ("projects", "/app/projects", "#project-list li.item"),
        ("kanban", f"/app/projects/{project_id}", "#board .card"),
        ("agenda", "/app/agenda", "#week .ev"),
        ("health", "/app/health", "#heatmap .cell.on"),
        ("jobs", "/app/jobs", "#place-chips [data-place]"),
        ("job", f"/app/jobs/{job_id}", "#job-description"),
        ("settings", "/app/settings", "#journal"),
        ("criteria", "/app/settings/jobs", "#criteria-list li.item"),
        ("account", "/app/settings/account", "#status .meta"),
    ]


async def enrich_draft_open(page: Page) -> None:
    """The todo's page, then ✨ Enrichir: the model's draft for review."""
    await page.click("#todo-enrich")
    await page.wait_for_selector("#enrich-draft")


async def agenda_day(page: Page) -> None:
    await go(page, "/app/agenda")
    await page.click("[data-mode=day]")
    await page.wait_for_selector("#dayview .slot")
    await page.wait_for_selector("#now-line")


async def agenda_week(page: Page) -> None:
    await page.click("[data-mode=week]")  # the mode is kept while the app is open


async def todos_offline(page: Page) -> None:
    """A list read offline, with its age."""
    await page.wait_for_function("() => document.documentElement.dataset.listsKept")
    await page.context.set_offline(True)
    await go(page, "/app/todos")
    await page.wait_for_selector("#data-age .stale")


async def back_online(page: Page) -> None:
    await page.context.set_offline(False)


Step = Callable[[Page], Awaitable[None]]
# States reached by doing something, after the views: (name, how, and how to leave it).
STATES: list[tuple[str, Step, Step]] = [
    ("agenda-day", agenda_day, agenda_week),
    ("todos-offline", todos_offline, back_online),
]


async def test_axe_finds_nothing_serious_on_any_view_phone_or_desktop(
    browser: Browser,
    model_base_url: str,  # a language model (the fake Mistral), for ✨ Enrichir's draft
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    base_url = model_base_url
    source = axe_source()
    project_id, job_id = await seed(sessionmaker, clock)
    todo_id = await report_id(sessionmaker)
    found: dict[str, list[dict[str, Any]]] = {}

    async def audit(page: Page, name: str) -> None:
        width = page.viewport_size["width"] if page.viewport_size else 0
        found[f"{name}@{width}"] = await axe_violations(page, source)
        await shot(page, f"a11y-{name}-{width}")

    async with open_page(browser, clock, viewport=PHONE) as page:
        await page.goto(f"{base_url}/app/")
        await page.wait_for_selector("#onboarding-form")
        for viewport in (PHONE, DESKTOP):
            await page.set_viewport_size(viewport)  # type: ignore[arg-type]
            await audit(page, "onboarding")
        await sign_in(page, base_url)
        dialogs: list[tuple[str, Callable[[Page], Awaitable[None]]]] = [
            ("palette", palette_open),
            ("modal", modal_open),
            ("modal-edit", modal_edit),
            ("modal-done", modal_done),
        ]
        for viewport in (PHONE, DESKTOP):
            await page.set_viewport_size(viewport)  # type: ignore[arg-type]
            await go(page, "/app/")
            await page.wait_for_selector("#today-todos li.todo")
            for name, opening in dialogs:  # first: the agent's journal (settings) gets a line
                await opening(page)
                await audit(page, name)
            await close_dialog(page)
            for name, path, ready in views(project_id, todo_id, job_id):
                await go(page, path)
                await page.wait_for_selector(ready)
                await audit(page, name)
                if name == "todo":
                    await enrich_draft_open(page)
                    await audit(page, "enrich-draft")
                    await close_dialog(page)
            for name, reach, leave in STATES:
                await reach(page)
                await audit(page, name)
                await leave(page)

    if os.environ.get("AXE_REPORT"):
        counts = {
            view: dict(Counter(f"{v['impact']} {v['rule']}" for v in violations))
            for view, violations in found.items()
        }
        Path(os.environ["AXE_REPORT"]).write_text(json.dumps(counts, indent=1))
    blocking = {
        view: [
            f"{v['rule']} ({v['impact']}) {v['target']}: {v['why']}"
            for v in violations
            if v["impact"] in BLOCKING
        ]
        for view, violations in found.items()
    }
    assert {view: v for view, v in blocking.items() if v} == {}
    assert len(found) == 2 * 20  # every view was audited at both widths


# ---------------------------------------------------------------- the keyboard alone

# Where the focus is, and whether it shows: a 2px outline, or an inset ring (inputs). The
# picker button inside a date, time or datetime-local input takes the focus without its input
# matching :focus, and
# computed styles do not show a pseudo-element's focus: there, app.css must style it.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const css = getComputedStyle(el);
  const styled = (rule) => /calendar-picker-indicator:focus-visible/.test(rule.selectorText)
    && /outline: 2px solid/.test(rule.cssText);
  const picker = ["date", "time", "datetime-local"].includes(el.type) && !el.matches(":focus")
    && [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules]).some(styled);
  const ring = picker || (css.outlineStyle !== "none" && parseFloat(css.outlineWidth) >= 2);
  const name = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${el.className}`;
  return { name, text: (el.getAttribute("aria-label") || el.textContent).trim().slice(0, 40),
           shows: ring || css.boxShadow !== "none",
           dialog: el.closest("[role=dialog]")?.id ?? null,
           view: document.getElementById("view").contains(el) };
}"""


async def tab_through(page: Page, presses: int = 150) -> list[dict[str, Any]]:
    """Everything Tab reaches from the top of the page, in order: past the last control the
    focus leaves the page, and the next Tab starts again from the top."""
    seen: list[dict[str, Any]] = []
    started = False
    for _ in range(presses):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(_FOCUSED)
        if focused is None:
            if started:
                return seen
            started = True
        elif started:
            seen.append(focused)
    raise AssertionError(f"Tab never left the page: {seen}")


async def test_every_control_reached_with_tab_shows_its_focus(
    page: Page,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    project_id, job_id = await seed(sessionmaker, clock)
    await sign_in(page, base_url, ready="#today-todos li.todo")
    for _name, path, ready in views(project_id, await report_id(sessionmaker), job_id):
        if path == "/app/settings":
            ready = "#settings-form"  # the agent's journal is empty here
        await go(page, path)
        await page.wait_for_selector(ready)
        reached = await tab_through(page)
        assert any(f["view"] for f in reached), (path, reached)
        assert reached[0]["name"] == "#skip-link"
        assert [f for f in reached if not f["shows"]] == [], path

    await page.keyboard.press("Tab")  # from the top again: the skip link goes to the view
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "view"
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.getElementById('view').contains(document.activeElement)")


async def test_the_palette_and_the_modal_keep_the_focus_and_give_it_back(
    page: Page, base_url: str
) -> None:
    await sign_in(page, base_url)
    await page.focus("#palette-btn")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#palette")
    assert (await page.evaluate(_FOCUSED))["name"] == "#palette-input"
    assert await page.evaluate("document.getElementById('app').inert")
    for key in ("Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
        await page.keyboard.press(key)
        assert (await page.evaluate(_FOCUSED))["dialog"] == "palette", key
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#palette", state="detached")
    assert (await page.evaluate(_FOCUSED))["name"] == "#palette-btn"
    assert not await page.evaluate("document.getElementById('app').inert")

    await page.keyboard.press("Enter")  # the palette again, from the same button
    await page.keyboard.type("ajoute une tâche acheter du pain demain")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions")
    assert (await page.evaluate(_FOCUSED))["name"] == "#proposal-confirm"
    names = []
    for _ in range(8):  # more presses than the modal has controls: it goes round
        await page.keyboard.press("Tab")
        focused = await page.evaluate(_FOCUSED)
        assert focused["dialog"] == "proposal-modal", focused
        names.append(focused["name"])
    assert "#proposal-cancel" in names and "#proposal-confirm" in names
    await page.keyboard.press("Shift+Tab")
    assert (await page.evaluate(_FOCUSED))["dialog"] == "proposal-modal"
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#proposal-modal", state="detached")
    # Back where the owner was before the palette, not on the palette's input (gone).
    assert (await page.evaluate(_FOCUSED))["name"] == "#palette-btn"
