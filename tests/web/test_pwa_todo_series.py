"""Reminders and repetitions in the PWA, in Chromium against the real app: the todo form's
"Rappel" and "Répéter", the rule in words on the list and in the confirm modal, the checkbox
bringing the next occurrence, "Arrêter la série"."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import todos
from store.clock import FrozenClock
from store.tables import Todo
from tests.conftest import PARIS
from tests.web.browser import open_page, shot, sign_in


async def rows(sessionmaker: async_sessionmaker[AsyncSession], title: str) -> list[Todo]:
    async with sessionmaker() as session:
        stmt = select(Todo).where(Todo.title == title).order_by(Todo.due_at)
        return list(await session.scalars(stmt))


async def test_the_form_sets_a_reminder_in_the_owners_zone_and_a_repetition(
    browser: Browser,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # A device in New York: the reminder typed is still Paris's wall clock.
    async with open_page(browser, clock, timezone_id="America/New_York") as page:
        await sign_in(page, base_url)
        await page.click("#nav a[data-route=todos]")
        await page.fill("#todo-title", "Appeler maman")
        await page.fill("#todo-form input[name=due]", "2026-11-30")
        await page.fill("#todo-remind", "2026-11-30T18:00")
        await page.select_option("#todo-repeat", label="Chaque semaine")
        await page.click("#todo-form button[type=submit]")
        item = "#todo-list li.todo:not(.pending):has-text('Appeler maman')"
        await page.wait_for_selector(f"{item} >> text=🔁 chaque lundi")
        assert "⏰" in await page.inner_text(item)
        await shot(page, "todo-repeat")

    [todo] = await rows(sessionmaker, "Appeler maman")
    assert todo.remind_at == datetime(2026, 11, 30, 17, tzinfo=UTC)  # 18:00 in Paris
    assert todo.recurrence == "FREQ=WEEKLY"


async def test_the_repeat_select_offers_the_common_rules(page: Page, base_url: str) -> None:
    await sign_in(page, base_url)
    await page.click("#nav a[data-route=todos]")
    options = await page.locator("#todo-repeat option").all_text_contents()
    assert options == [
        "Répéter · non",
        "Chaque jour",
        "En semaine",
        "Chaque semaine",
        "Toutes les 2 semaines",
        "Chaque mois",
        "Chaque année",
    ]
    values = await page.locator("#todo-repeat option").evaluate_all(
        "(els) => els.map((e) => e.value)"
    )
    assert values[1:] == [
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2",
        "FREQ=MONTHLY",
        "FREQ=YEARLY",
    ]


async def test_the_checkbox_brings_the_next_occurrence_and_the_series_can_be_stopped(
    page: Page,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        await todos.create_todo(
            session=session,
            data={
                "title": "Arroser les plantes",
                "status": "todo",
                "due_at": datetime(2026, 11, 25, 18, tzinfo=PARIS),
                "recurrence": "FREQ=DAILY",
            },
            now=clock.now(),
        )
    await sign_in(page, base_url)
    await page.click("#nav a[data-route=todos]")
    item = "#todo-list li.todo:has-text('Arroser les plantes')"
    await page.wait_for_selector(f"{item} >> text=🔁 chaque jour à 18:00")

    await page.click(f"{item} input.check")
    # The next occurrence, tomorrow 18:00, joins the active list once the list is read again.
    await page.wait_for_selector(f"{item}:not(.done) >> text=demain · 18:00")
    first, following = await rows(sessionmaker, "Arroser les plantes")
    assert first.status == "done" and following.previous_id == first.id

    await page.click(f"{item}:not(.done) button.stop-series")
    await page.wait_for_selector("text=Série arrêtée")
    await page.wait_for_selector(f"{item}:not(.done) >> text=demain · 18:00")
    assert await page.locator(f"{item}:not(.done) .repeat").count() == 0
    _, stopped = await rows(sessionmaker, "Arroser les plantes")
    assert stopped.recurrence is None
    await shot(page, "todo-series-stopped")


async def test_the_confirm_modal_says_the_rule_in_words(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.keyboard.press("Control+k")
    await page.fill("#palette-input", "rappelle-moi d'appeler maman tous les lundis à 18h")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions >> text=🔁 chaque lundi à 18:00")
    assert "⏰ rappel" in (await page.text_content("#proposed-actions") or "")
    await shot(page, "proposal-repeat")

    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results .action.ok >> text=🔁 chaque lundi à 18:00")
    [todo] = await rows(sessionmaker, "Appeler maman")
    assert todo.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert todo.remind_at == todo.due_at == datetime(2026, 11, 30, 17, tzinfo=UTC)


async def test_a_todos_page_sets_its_reminder_and_stops_its_series(
    page: Page,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        todo = await todos.create_todo(
            session=session,
            data={
                "title": "Payer le loyer",
                "status": "todo",
                "due_at": datetime(2026, 12, 5, 9, tzinfo=PARIS),
                "recurrence": "FREQ=MONTHLY;BYMONTHDAY=5",
            },
            now=clock.now(),
        )
    await sign_in(page, base_url, f"/app/todos/{todo.id}", ready="#todo-edit-form")
    assert "chaque mois le 5 à 09:00" in (await page.text_content("#todo-recurrence") or "")
    # A rule the form does not offer stays selected, in its words.
    assert await page.input_value("#todo-edit-repeat") == "FREQ=MONTHLY;BYMONTHDAY=5"

    await page.fill("#todo-edit-remind", "2026-12-04T20:00")
    await page.select_option("#todo-edit-repeat", label="Répéter · non")
    await page.click("#todo-save")
    await page.wait_for_selector("text=Tâche enregistrée.")

    [saved] = await rows(sessionmaker, "Payer le loyer")
    assert saved.remind_at == datetime(2026, 12, 4, 19, tzinfo=UTC)
    assert saved.recurrence is None
