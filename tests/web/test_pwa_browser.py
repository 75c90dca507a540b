"""The PWA in a real browser (headless Chromium from the system, driven by Playwright) against
the real app on a loopback port: onboarding, a todo made through the UI, the palette's command
confirmed in the modal, the service worker, and a todo made offline then replayed.
The plumbing (and why no browser is downloaded) is in `tests/web/browser.py`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from playwright.async_api import Browser, Page
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import CalendarEvent, DailyCheckin, OwnerSettings, Todo
from tests.conftest import BEARER, PARIS
from tests.fakes import FakeGroq
from tests.web.browser import QUEUED, go, open_page, serving, shot, sign_in


async def todos_titled(sessionmaker: async_sessionmaker[AsyncSession], title: str) -> list[Todo]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Todo).where(Todo.title.ilike(title))))


async def test_onboarding_then_a_todo_made_in_the_ui_is_in_the_database(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await page.goto(f"{base_url}/app/")
    await page.fill("#token-input", "not-the-token")
    await page.press("#token-input", "Enter")
    await page.wait_for_selector(".msg.err >> text=Token refusé")
    assert "Arthur" not in await page.inner_text("body")  # no name comes with the app
    await shot(page, "onboarding")
    await page.fill("#token-input", BEARER)
    await page.press("#token-input", "Enter")
    await page.wait_for_selector("#today-todos")
    assert await page.evaluate("localStorage.getItem('ordinarthur-os.bearer')") == BEARER

    await page.click("#nav a[data-route=todos]")
    await page.fill("#todo-title", "Acheter des piles")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Acheter des piles")
    [todo] = await todos_titled(sessionmaker, "Acheter des piles")
    assert todo.status == "inbox"  # no status picked: the Inbox (issue 16, item 8)

    await page.click("#todo-list li.todo input.check")
    await page.wait_for_selector("#todo-list >> text=Rien à faire")  # left the active ones
    await page.click("[data-filter=done]")
    await page.wait_for_selector("#todo-list li.todo.done >> text=Acheter des piles")
    await shot(page, "todos")
    scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.active && r.scope)")
    assert scope == f"{base_url}/app/"
    [todo] = await todos_titled(sessionmaker, "Acheter des piles")
    assert todo.status == "done"


async def test_the_pwa_shows_the_labels_the_api_serves(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.click("#nav a[data-route=todos]")
    await page.fill("#todo-title", "Payer le loyer")
    await page.select_option("#todo-form select[name=priority]", label="P3 · urgente")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=P3 urgente")
    [todo] = await todos_titled(sessionmaker, "Payer le loyer")
    assert todo.priority == 3

    await page.click("#nav a[data-route=projects]")
    await page.fill("#project-form input[name=name]", "Portfolio")
    await page.click("#project-form button[type=submit]")
    # A project still being created is shown without a link: open it once the server has it.
    await page.click("#project-list a.title >> text=Portfolio")
    await page.wait_for_selector("#board .col")
    heads = await page.locator("#board .col-head span:first-child").all_text_contents()
    assert heads == ["Backlog", "À faire", "En cours", "En revue", "Fait"]


async def test_a_command_from_the_palette_is_confirmed_in_the_modal(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.keyboard.press("Control+k")
    await page.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions >> text=/acheter du pain/i")
    await shot(page, "proposal")
    assert await todos_titled(sessionmaker, "%pain%") == []  # nothing before confirm

    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results .action.ok >> text=/acheter du pain/i")
    await shot(page, "confirmed")
    [todo] = await todos_titled(sessionmaker, "%pain%")
    assert todo.due_at is not None
    assert todo.due_at.astimezone(PARIS).date() == date(2026, 11, 26)


async def test_offline_the_shell_opens_and_a_todo_waits_then_is_replayed(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await page.goto(f"{base_url}/app/todos")  # through the worker: the data gets cached
    await page.wait_for_selector("#todo-form")

    await page.context.set_offline(True)
    await page.reload()  # the shell and the last data, from the worker's caches
    await page.wait_for_selector("#todo-list")
    await page.wait_for_selector("#sync-state >> text=Hors ligne")
    await page.fill("#todo-title", "Appeler maman")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo.pending >> text=Appeler maman")
    await page.wait_for_selector("#sync-state >> text=1 en attente")
    queued = await page.evaluate(QUEUED)
    assert [(m["method"], m["path"], m["body"]["title"]) for m in queued] == [
        ("POST", "/todos", "Appeler maman")
    ]
    assert queued[0]["client_mutation_id"]
    await shot(page, "offline")
    assert await todos_titled(sessionmaker, "Appeler maman") == []

    await page.context.set_offline(False)
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Appeler maman")
    await page.wait_for_function("document.querySelector('#sync-state').textContent === ''")
    assert len(await todos_titled(sessionmaker, "Appeler maman")) == 1
    assert await page.evaluate(QUEUED) == []


async def test_reads_come_from_the_cache_then_the_fresh_copy_replaces_them(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await page.click("#nav a[data-route=todos]")
    await page.wait_for_selector("#todo-list >> text=Rien à faire")
    async with sessionmaker() as session, session.begin():
        session.add(Todo(title="Ajoutée par le bot", status="todo"))
    await page.click("#nav a[data-route=projects]")
    await page.click("#nav a[data-route=todos]")  # the cached empty list, then the worker's news
    await page.wait_for_selector("#todo-list >> text=Ajoutée par le bot")


async def test_a_voice_note_shows_its_transcript_and_is_confirmed(
    page: Page,
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeGroq.start(transcript="Ajoute une tâche acheter du pain demain") as groq:
        update = {"groq_api_key": SecretStr(groq.api_key), "groq_base_url": groq.url}
        app = create_app(settings.model_copy(update=update), clock=clock, run_migrations=False)
        async with serving(app) as base_url:
            await sign_in(page, base_url)
            await page.click("#mic-btn")
            await page.wait_for_selector("#voice-modal[data-bytes]")  # some audio was heard
            await page.click("#voice-send")
            await page.wait_for_selector("#transcript >> text=acheter du pain demain")
            await page.wait_for_selector("#proposed-actions >> text=/acheter du pain/i")
            await shot(page, "voice")
            await page.click("#proposal-confirm")
            await page.wait_for_selector("#action-results .action.ok")
        upload = groq.last_upload
        assert upload is not None and upload.size > 0
        assert (upload.content_type or "").startswith(("audio/webm", "audio/ogg"))
    [todo] = await todos_titled(sessionmaker, "%pain%")
    assert todo.due_at is not None


#  the owner's time, not the device's

# Thursday 26 November, 01:30 in Paris: still Wednesday 19:30 in New York.
LATE_NIGHT = datetime(2026, 11, 26, 1, 30, tzinfo=PARIS)
NEW_YORK = "America/New_York"


async def add_todos(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session, session.begin():
        # Late in Paris (due yesterday there); due today, not late, in New York.
        session.add(
            Todo(
                title="Rendre le rapport",
                status="todo",
                due_at=datetime(2026, 11, 25, 18, 0, tzinfo=PARIS),
            )
        )
        # Today in Paris; tomorrow in New York.
        session.add(
            Todo(
                title="Appeler le plombier",
                status="todo",
                due_at=datetime(2026, 11, 26, 20, 0, tzinfo=PARIS),
            )
        )


async def stat(page: Page, name: str) -> str:
    return await page.inner_text(f".stat:has(p:text-is('{name}')) .v")


async def test_a_browser_in_new_york_shows_paris_times_and_paris_today(
    browser: Browser,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock.set(LATE_NIGHT)
    await add_todos(sessionmaker)
    async with open_page(browser, clock, timezone_id=NEW_YORK) as page:
        assert await page.evaluate("new Date().getHours()") == 19  # the device is in New York
        await sign_in(page, base_url, ready="#today-todos li.todo")
        assert await page.inner_text(".hero h1") == "Jeudi 26 novembre."
        assert (await stat(page, "Tâches du jour"), await stat(page, "En retard")) == ("1", "1")
        rows = await page.locator("#today-todos li.todo").all_inner_texts()
        assert any("Rendre le rapport" in r and "EN RETARD · HIER · 18:00" in r for r in rows)
        assert any("Appeler le plombier" in r and "AUJOURD'HUI · 20:00" in r for r in rows)

        await go(page, "/app/agenda")
        await page.wait_for_selector("#event-form")
        # The form starts at Paris's next hour, on Paris's day.
        assert await page.input_value("#event-form [name=day]") == "2026-11-26"
        assert await page.input_value("#event-form [name=start]") == "02:00"
        assert await page.get_attribute(".day.today", "data-day") == "2026-11-26"
        await page.fill("#event-title", "Dentiste")
        await page.fill("#event-form [name=start]", "15:00")
        await page.fill("#event-form [name=end]", "16:00")
        await page.click("#event-form button[type=submit]")
        event = "[data-day='2026-11-26'] .ev:not(.pending)"
        await page.wait_for_selector(f"{event} >> text=Dentiste")
        assert await page.inner_text(f"{event} .tm") == "15:00–16:00"
        async with sessionmaker() as session:
            [row] = await session.scalars(select(CalendarEvent))
        assert row.starts_at == datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)

        await go(page, "/app/")
        await page.wait_for_selector("#today-events .event-row")
        assert "15:00" in await page.inner_text("#today-events .event-row .when")
        await shot(page, "new-york")


async def test_presses_queued_offline_keep_their_day_when_replayed_the_next(
    browser: Browser,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock.set(LATE_NIGHT)
    await add_todos(sessionmaker)
    async with open_page(browser, clock, timezone_id=NEW_YORK) as page:
        await sign_in(page, base_url, ready="#meds-toggle")
        await page.context.set_offline(True)
        await page.click("#meds-toggle")
        await page.wait_for_selector("#meds-toggle[aria-pressed=true] >> text=en attente")
        await page.click("#today-todos li.todo:has-text('Appeler le plombier') input.check")
        await page.wait_for_selector("#sync-state >> text=2 en attente")
        queued = await page.evaluate(QUEUED)
        assert [(m["path"], m["body"]) for m in queued] == [
            ("/health-tab/today/toggle", {"day": "2026-11-26", "meds_taken": True}),
            (queued[1]["path"], {"status": "done", "completed_at": "2026-11-26T00:30:00.000Z"}),
        ]

        clock.advance(timedelta(days=1))  # back online the next day
        await page.context.set_offline(False)
        await page.wait_for_selector("#sync-state:empty", state="attached")
    async with sessionmaker() as session:
        checkins = {c.day: c.meds_taken for c in await session.scalars(select(DailyCheckin))}
        [done] = await session.scalars(select(Todo).where(Todo.status == "done"))
    assert checkins == {date(2026, 11, 26): True}
    assert done.completed_at == LATE_NIGHT


# ---------------------------------------------------------------- what is (not) configured


async def test_the_greeting_names_the_owner_and_google_says_what_it_lacks(
    page: Page,
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - starts from an empty db
) -> None:
    app = create_app(
        settings.model_copy(update={"owner_name": "Camille"}), clock=clock, run_migrations=False
    )
    async with serving(app) as base_url:
        await sign_in(page, base_url)
        await page.wait_for_selector(".hero >> text=Bonjour Camille · mercredi")
        await go(page, "/app/settings")
        status = await page.wait_for_selector("#google-status")
        assert "Non configuré" in (await status.text_content() or "")
        assert await page.locator("#google-missing li").all_inner_texts() == [
            "GOOGLE_OAUTH_CLIENT_ID",
            "GOOGLE_OAUTH_CLIENT_SECRET",
            "GOOGLE_OAUTH_REDIRECT_URI",
        ]
        assert await page.locator("text=Connecter Google Agenda").count() == 0
        await shot(page, "settings-unconfigured")
        # Forgetting the token forgets the name with it: the door greets no one by name.
        await page.click("#forget-token")
        await page.wait_for_selector("#onboarding-form")
        assert "Bonjour." in await page.inner_text(".onboard h1")


async def test_event_reminders_and_the_weekly_review_are_set_in_the_settings_page(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await go(page, "/app/settings")
    await page.wait_for_selector("#settings-form")
    assert await page.input_value("#event-reminder") == "30"
    assert await page.input_value("#review-day") == "SUN"
    assert await page.input_value("#review-time") == "18:00"
    await page.fill("#event-reminder", "0")
    await page.select_option("#review-day", label="Vendredi")
    await page.fill("#review-time", "17:30")
    await page.click("#settings-form button[type=submit]")
    await page.wait_for_selector("text=aucun rappel d'événement")
    async with sessionmaker() as session:
        row = await session.get(OwnerSettings, 1)
    assert row is not None and row.event_reminder_minutes == 0
    assert (row.weekly_review_day, row.weekly_review_time) == (4, time(17, 30))
    await go(page, "/app/settings")  # drawn again from GET /settings
    await page.wait_for_selector("#settings-form")
    assert await page.input_value("#review-day") == "FRI"


def test_the_clock_fixture_is_the_day_the_browser_tests_assume(clock: FrozenClock) -> None:
    assert clock.now() == datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
