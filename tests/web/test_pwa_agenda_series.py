"""A series in the PWA's agenda (headless Chromium against the real app): each occurrence in
its day with 🔁 and the rule in words; × asks "cette occurrence / toute la série", in the week
and in the day view."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.async_api import Page, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.tables import CalendarEvent
from tests.conftest import PARIS
from tests.web.browser import axe_source, axe_violations, go, shot, sign_in

SERIES = "#week [data-day] .ev:has-text('Piscine')"


async def add_series(sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock) -> None:
    start = datetime(2026, 3, 2, 18, tzinfo=PARIS)  # begun in winter time, months ago
    async with sessionmaker.begin() as session:
        session.add(
            CalendarEvent(
                title="Piscine",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                recurrence="FREQ=WEEKLY;BYDAY=MO,WE",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )


def deleted(response: Response) -> bool:
    return response.request.method == "DELETE"


async def exdates(sessionmaker: async_sessionmaker[AsyncSession]) -> list[datetime] | None:
    async with sessionmaker() as session:
        row = await session.scalar(select(CalendarEvent))
    return None if row is None else list(row.recurrence_exdates)


async def test_the_week_shows_each_occurrence_and_deletes_one_or_the_series(
    page: Page,
    base_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await add_series(sessionmaker, clock)
    await sign_in(page, base_url)
    await go(page, "/app/agenda")
    await page.wait_for_selector(SERIES)
    # Week of Monday 23 November: Monday and Wednesday, at 18:00 in summer and winter alike.
    days = page.locator("#week [data-day]").filter(has=page.locator(".ev", has_text="Piscine"))
    assert await days.evaluate_all("(els) => els.map((e) => e.dataset.day)") == [
        "2026-11-23",
        "2026-11-25",
    ]
    monday = "#week [data-day='2026-11-23'] .ev"
    assert await page.inner_text(f"{monday} .tm") == "18:00–19:00"
    assert await page.inner_text(f"{monday} .rule") == "🔁 chaque lundi et mercredi à 18:00"

    await page.click(f"{monday} .x-btn")
    dialog = page.get_by_role("dialog", name="Supprimer « Piscine »")
    await dialog.wait_for()
    violations = [
        v
        for v in await axe_violations(page, axe_source())
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == []
    await shot(page, "agenda-series-delete")
    async with page.expect_response(deleted) as answer:
        await dialog.get_by_role("button", name="Cette occurrence").click()
    assert (await answer.value).status == 204
    await page.wait_for_selector(monday, state="detached")
    assert await page.is_visible("#week [data-day='2026-11-25'] .ev:has-text('Piscine')")
    assert await exdates(sessionmaker) == [datetime(2026, 11, 23, 18, tzinfo=PARIS)]

    # The day view asks too (after its "Sûr ?").
    await page.click("[data-mode=day]")
    slot = "#dayview[data-day='2026-11-25'] .slot:has-text('Piscine')"
    await page.click(f"{slot} .x-btn")
    await page.click(f"{slot} .x-btn")
    await page.get_by_role("dialog", name="Supprimer « Piscine »").wait_for()
    await page.keyboard.press("Escape")
    await page.click("[data-mode=week]")

    await page.click("#week [data-day='2026-11-25'] .ev .x-btn")
    async with page.expect_response(deleted) as answer:
        await page.get_by_role("dialog").get_by_role("button", name="Toute la série").click()
    assert (await answer.value).status == 204
    await page.wait_for_selector(SERIES, state="detached")
    assert await exdates(sessionmaker) is None
