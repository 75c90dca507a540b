"""✨ Enrichir, from a /todos line: one model request proposes a draft, shown as a card;
✅ applies it (no model request), ❌ drops it. Nothing is written to the todo before ✅, and
what the card says after ✅ comes from the row written."""

from __future__ import annotations

import logging
import uuid

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender

from agent.errors import (
    BudgetSpentError,
    EnrichFailedError,
    EnrichUnavailableError,
    ProposalNotFoundError,
)
from agent.service import AgentService
from bot import texts
from bot.keyboards import EnrichCb, enrich_card
from bot.render.enrich import draft_card, enriched_text
from bot.render.escape import esc
from bot.sending import answer, clip
from store.errors import NotFoundError

log = logging.getLogger(__name__)


def enrich_available(agent: AgentService | None) -> bool:
    """Whether /todos offers ✨: only with a language model (no draft is ever invented)."""
    return agent is not None and agent.enricher.available


async def on_ask(
    query: CallbackQuery, callback_data: EnrichCb, bot: Bot, agent: AgentService | None = None
) -> None:
    if agent is None or not isinstance(query.message, Message):
        await query.answer(texts.ENRICH_UNAVAILABLE, show_alert=True)
        return
    chat_id = query.message.chat.id
    try:
        # Answered first: the model may take seconds, and Telegram shows a spinner until then.
        await query.answer(texts.ENRICH_WORKING)
        async with ChatActionSender.typing(bot=bot, chat_id=chat_id):
            draft = await agent.enricher.draft(
                uuid.UUID(hex=callback_data.id), source="telegram", telegram_chat_id=chat_id
            )
    except NotFoundError:
        await query.message.answer(texts.NOT_FOUND)
        return
    except BudgetSpentError as exc:
        if exc.notice is None:  # else the owner was just told, in a message of its own
            await query.message.answer(f"💸 {esc(exc.reason)}")
        return
    except EnrichUnavailableError:
        await query.message.answer(texts.ENRICH_UNAVAILABLE)
        return
    except EnrichFailedError as exc:
        await query.message.answer(texts.ENRICH_FAILED.format(reason=esc(exc.reason)))
        return
    card = await answer(
        query.message,
        draft_card(draft.title, draft.draft),
        reply_markup=enrich_card(draft.draft_id),
    )
    await agent.attach_telegram_message(
        draft.draft_id, chat_id=card.chat.id, message_id=card.message_id
    )


async def on_apply(query: CallbackQuery, callback_data: EnrichCb, agent: AgentService) -> None:
    try:
        applied = await agent.enricher.apply(uuid.UUID(hex=callback_data.id))
    except (ProposalNotFoundError, NotFoundError):
        await query.answer(texts.NOT_FOUND)
        return
    if not applied.confirmed:  # tapped twice, or dropped before
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer("✅")
    if isinstance(query.message, Message):
        await query.message.edit_text(clip(enriched_text(applied.todo)), reply_markup=None)


async def on_drop(query: CallbackQuery, callback_data: EnrichCb, agent: AgentService) -> None:
    if not await agent.enricher.drop(uuid.UUID(hex=callback_data.id)):
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(texts.ENRICH_DROPPED, reply_markup=None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_ask, EnrichCb.filter(F.op == "ask"))
    router.callback_query.register(on_apply, EnrichCb.filter(F.op == "ok"))
    router.callback_query.register(on_drop, EnrichCb.filter(F.op == "no"))
    return router
