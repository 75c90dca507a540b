"""✨ Enrichir through Telegram: /todos → ✨ → one request to the fake Mistral → the draft's
card → ✅ writes it (once) and the card says what the row holds; ❌ drops it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from pydantic_ai.models import override_allow_model_requests
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService, RetryPolicy
from agent.writes import row_json
from bot.dispatcher import create_dispatcher
from bot.keyboards import EnrichCb, TodoCb
from integrations.mistral import mistral_model
from store import todos
from store.clock import FrozenClock
from store.tables import AiAction, Todo
from tests.agent.conftest import all_rows
from tests.bot.conftest import Conversation
from tests.fakes import FakeMistral, FakeTelegram, Status, ToolCalls
from tests.fakes.telegram import OWNER_ID, message_update

Sessionmaker = async_sessionmaker[AsyncSession]
DRAFT = {
    "description": "Comparer les <b>devis</b> avant de signer.",
    "checklist": ["Demander deux devis", "Vérifier l'assurance"],
    "energy": "low",
    "context": "@phone",
    "tags": ["maison"],
    "verification_steps": ["Le rendez-vous est fixé"],
}


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start() as fake:
        yield fake


@pytest.fixture
async def agent(
    sessionmaker: Sessionmaker, clock: FrozenClock, mistral: FakeMistral
) -> AsyncIterator[AgentService]:
    """The agent service with Mistral (the fake), as the bot gets it with MISTRAL_API_KEY."""
    model = mistral_model(
        api_key=mistral.api_key, model_name="mistral-small-latest", base_url=mistral.url
    )
    retry = RetryPolicy(timeout=0.5, attempts=2, backoff=0.01)
    with override_allow_model_requests(True):
        async with model:
            yield AgentService(sessionmaker=sessionmaker, clock=clock, model=model, retry=retry)


async def a_todo(sessionmaker: Sessionmaker, clock: FrozenClock, **data: Any) -> Todo:
    async with sessionmaker.begin() as s:
        return await todos.create_todo(
            session=s, data={"title": "Appeler le plombier", **data}, now=clock.now()
        )


async def the_todo(sessionmaker: Sessionmaker, todo_id: uuid.UUID) -> Todo:
    async with sessionmaker() as s:
        return await todos.get_todo(session=s, todo_id=todo_id)


async def unchanged(sessionmaker: Sessionmaker, todo: Todo) -> bool:
    return row_json(await the_todo(sessionmaker, todo.id)) == row_json(todo)


async def ask_enrich(chat: Conversation, todo: Todo) -> None:
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    [row] = chat.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert TodoCb.unpack(row[0]["callback_data"]).op == "done"  # ✅ stays first
    # Then ⏰ Demain (issue 12's lists you can act on), then ✨ at the end of the row.
    assert [b["text"] for b in row[1:]] == ["⏰ Demain", "✨ Enrichir"]
    assert EnrichCb.unpack(row[2]["callback_data"]) == EnrichCb(op="ask", id=todo.id.hex)
    await chat.press(row[2]["callback_data"])


async def test_enrich_shows_the_draft_then_applies_it_once(
    chat: Conversation,
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    todo = await a_todo(sessionmaker, clock, description="Fuite sous l'évier.")
    mistral.push(ToolCalls([("final_result", DRAFT)]))

    await ask_enrich(chat, todo)

    assert len(mistral.requests) == 1
    card = chat.last_text()
    assert "✨ <b>Enrichir « Appeler le plombier »</b>" in card
    assert "Comparer les &lt;b&gt;devis&lt;/b&gt;" in card  # the model's text is escaped
    assert "☐ Demander deux devis" in card and "📍 @phone (au téléphone)" in card
    assert (
        "⚡ énergie faible" in card and "#maison" in card and "• Le rendez-vous est fixé" in card
    )
    assert set(chat.buttons()) == {"✅ Appliquer", "❌ Ignorer"}
    assert await unchanged(sessionmaker, todo)  # nothing written before ✅
    [row] = await all_rows(sessionmaker, AiAction)
    assert (row.status, row.source, row.telegram_message_id) == (
        "proposed",
        "telegram",
        chat.card_id(),
    )

    buttons, card_id = chat.buttons(), chat.card_id()
    await chat.press(buttons["✅ Appliquer"], card_id)

    enriched = await the_todo(sessionmaker, todo.id)
    assert enriched.ai_enriched and enriched.energy == "low" and enriched.context == "@phone"
    assert (
        enriched.description == "Fuite sous l'évier.\n\nComparer les <b>devis</b> avant de signer."
    )
    assert enriched.checklist == [
        {"text": "Demander deux devis", "done": False},
        {"text": "Vérifier l'assurance", "done": False},
    ]
    edited = chat.sent("editMessageText")[-1]
    assert edited["message_id"] == card_id
    assert "✅ <b>Tâche enrichie : « Appeler le plombier »</b>" in edited["text"]
    assert "☐ Vérifier l'assurance" in edited["text"]

    await chat.press(buttons["✅ Appliquer"], card_id)  # a double tap
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "Déjà fait 👍"
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.status == "confirmed"
    assert len(mistral.requests) == 1  # ✅ costs no model request


async def test_ignore_drops_the_draft_and_writes_nothing(
    chat: Conversation, mistral: FakeMistral, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    todo = await a_todo(sessionmaker, clock)
    mistral.push(ToolCalls([("final_result", DRAFT)]))
    await ask_enrich(chat, todo)
    buttons, card_id = chat.buttons(), chat.card_id()

    await chat.press(buttons["❌ Ignorer"], card_id)
    await chat.press(buttons["✅ Appliquer"], card_id)  # a stale ✅ after ❌

    assert "Ignoré" in chat.sent("editMessageText")[-1]["text"]
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "Déjà fait 👍"
    assert await unchanged(sessionmaker, todo)
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.status == "cancelled"


async def test_a_failing_model_says_so_and_shows_no_card(
    chat: Conversation, mistral: FakeMistral, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    todo = await a_todo(sessionmaker, clock)
    mistral.push(Status(500), Status(500))

    await ask_enrich(chat, todo)

    assert "n'a pas pu proposer" in chat.last_text() and "HTTP 500" in chat.last_text()
    assert chat.buttons() == {}
    assert await unchanged(sessionmaker, todo)


async def test_without_a_model_todos_offer_no_enrich_and_a_stale_button_says_why(
    bot: Bot,
    tg: FakeTelegram,
    workflow: dict[str, Any],
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    offline = AgentService(sessionmaker=sessionmaker, clock=clock)  # no MISTRAL_API_KEY
    chat = Conversation(
        create_dispatcher(owner_id=OWNER_ID, **{**workflow, "agent": offline}), bot, tg
    )
    todo = await a_todo(sessionmaker, clock)

    await chat.feed(message_update(chat.update_id(), text="/todos"))
    row = chat.sent()[-1]["reply_markup"]["inline_keyboard"][0]
    assert [b["text"][:1] for b in row] == ["✅", "⏰"]  # and no ✨

    await chat.press(EnrichCb(op="ask", id=todo.id.hex).pack())
    assert "MISTRAL_API_KEY" in chat.last_text()
    assert await all_rows(sessionmaker, AiAction) == []
