"""Questions and clashes in the PWA, in a real browser against the real app (the offline parser
answers: no model is configured): the palette's question shows its answer in the panel, and
the confirm modal says what a proposed event overlaps (issue 13, §1 and §2)."""

from __future__ import annotations

from playwright.async_api import Page
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from tests.agent.owner_week import seed
from tests.fakes import FakeGroq
from tests.web.browser import serving, shot, sign_in


async def palette(page: Page, text: str) -> None:
    await page.keyboard.press("Control+k")
    await page.fill("#palette-input", text)
    await page.keyboard.press("Enter")


async def test_a_question_from_the_palette_is_answered_in_the_panel(
    page: Page,
    base_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    await sign_in(page, base_url)

    await palette(page, "qu'est-ce que j'ai demain ?")

    answer = page.locator("#proposal-answer")
    await answer.locator("text=15:00–16:00 Dentiste").wait_for()
    text = await answer.inner_text()
    assert "Acheter du pain" in text and "Payer le loyer" not in text
    # One line per row, as the API wrote them.
    assert "\n" in text.split("Dentiste")[0]
    modal = (await page.inner_text("#proposal-modal")).lower()
    assert "rien à faire" not in modal and "réponse de l'agent" in modal
    assert await page.locator("#proposed-actions").count() == 0
    await shot(page, "question")


async def test_a_question_and_an_order_show_the_answer_then_the_actions_to_confirm(
    page: Page,
    base_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    await sign_in(page, base_url)

    await palette(page, "j'ai quoi demain ? et ajoute acheter du lait")

    await page.locator("#proposal-answer >> text=15:00–16:00 Dentiste").wait_for()
    await page.wait_for_selector("#proposed-actions >> text=/acheter du lait/i")
    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results .action.ok >> text=/acheter du lait/i")


async def test_the_confirm_modal_says_what_a_new_event_overlaps_and_still_confirms(
    page: Page,
    base_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    await sign_in(page, base_url)

    await palette(page, "rdv coiffeur demain à 15h30")

    warning = page.locator("#proposed-actions .warnings li")
    await warning.first.wait_for()
    assert await warning.all_inner_texts() == ["⚠️ chevauche « Dentiste » 15:00–16:00"]
    await shot(page, "clash")
    await page.click("#proposal-confirm")  # a warning never blocks ✅
    await page.wait_for_selector("#action-results .action.ok >> text=/coiffeur/i")


async def test_a_spoken_question_is_answered_in_the_panel_under_its_transcript(
    page: Page,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    async with FakeGroq.start(transcript="Qu'est-ce que j'ai demain ?") as groq:
        update = {"groq_api_key": SecretStr(groq.api_key), "groq_base_url": groq.url}
        app = create_app(settings.model_copy(update=update), clock=clock, run_migrations=False)
        async with serving(app) as base_url:
            await sign_in(page, base_url)
            await page.click("#mic-btn")
            await page.wait_for_selector("#voice-modal[data-bytes]")  # some audio was heard
            await page.click("#voice-send")
            await page.wait_for_selector("#transcript >> text=j'ai demain")
            await page.locator("#proposal-answer >> text=15:00–16:00 Dentiste").wait_for()
            assert await page.locator("#proposed-actions").count() == 0
