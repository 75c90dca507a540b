"""The settings page's AI cost in Chromium: the last 30 days drawn in SVG by the PWA, the same
numbers in a table, no serious accessibility issue, and the monthly budget changed there."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import ai_usage
from store.clock import FrozenClock
from tests.web.browser import axe_source, axe_violations, go, shot, sign_in

BLOCKING = {"serious", "critical"}


async def _spent(
    sessionmaker: async_sessionmaker[AsyncSession],
    at: datetime,
    cost_usd: str | None,
    model: str = "mistral-small-latest",
) -> None:
    async with sessionmaker.begin() as session:
        await ai_usage.record(
            session=session,
            at=at,
            kind="chat",
            provider="mistral",
            model=model,
            requests=2,
            input_tokens=1_500,
            output_tokens=200,
            cost_usd=None if cost_usd is None else Decimal(cost_usd),
        )


async def test_the_settings_page_charts_thirty_days_tables_them_and_sets_the_budget(
    page: Page, base_url: str, clock: FrozenClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    now = clock.now()  # Wednesday 25 November
    await _spent(sessionmaker, now, "0.02")
    await _spent(sessionmaker, now - timedelta(days=3), "0.05")  # the dearest day
    await _spent(sessionmaker, now - timedelta(days=10), None, model="mistral-maison-7b")
    await _spent(sessionmaker, now - timedelta(days=40), "1")  # before the 30 days

    await sign_in(page, base_url)
    await go(page, "/app/settings")
    await page.wait_for_selector("#ai-usage-chart")

    chart = page.locator("#ai-usage-chart")
    assert await chart.get_attribute("role") == "img"
    assert (
        await page.text_content("#ai-usage-chart-title")
        == "Coût de l'IA par jour, 30 derniers jours"
    )
    assert await page.text_content("#ai-usage-chart-desc") == (
        "Total 0,06 € sur 30 jours ; le jour le plus cher : 22 nov., 0,04 €. "
        "Le détail est dans le tableau qui suit."
    )
    heights = [
        float(h)
        for h in await chart.locator("rect.bar").evaluate_all(
            "(bars) => bars.map((b) => b.getAttribute('height'))"
        )
    ]
    assert len(heights) == 30
    assert heights.index(max(heights)) == 26  # 22 November: the bars go 27 Oct → 25 Nov
    assert heights[29] == max(heights) * 2 / 5  # today: 0.02 against 0.05
    assert heights[19] == 0  # 15 November: a model with no known price draws nothing
    assert await chart.locator("rect.bar.today").count() == 1

    await page.click(".usage-details summary")
    rows = await page.locator("#ai-usage-table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["15 nov.", "22 nov.", "25 nov."]
    assert "prix inconnu" in rows[0]
    total = await page.inner_text("#ai-usage-table tfoot tr")
    assert "6" in total and "0,06 €" in total and "(+ 2 sans prix)" in total
    violations = await axe_violations(page, axe_source())
    assert [v for v in violations if v["impact"] in BLOCKING] == []
    await shot(page, "settings-ai-usage")

    await page.fill("#ai-budget-input", "0.05")
    await page.click("#ai-budget-form button[type=submit]")
    await page.wait_for_selector("#ai-month-cost >> text=sur 0,05 €")
    await page.wait_for_selector("#ai-budget >> text=atteint")
    async with sessionmaker() as session:
        assert await ai_usage.get_budget(session=session) == Decimal("0.05")

    await page.fill("#ai-budget-input", "")
    await page.click("#ai-budget-form button[type=submit]")
    await page.wait_for_selector("#ai-month-cost:not(:has-text('sur'))")
    async with sessionmaker() as session:
        assert await ai_usage.get_budget(session=session) is None
