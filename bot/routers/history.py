"""/history: the last AI actions and what became of them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.render.actions import history_text
from bot.sending import answer
from store import actions as actions_q
from store.clock import Clock

SHOWN = 10


async def history(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessionmaker() as session:
        actions = await actions_q.list_actions(session=session, limit=SHOWN)
    if not actions:
        await message.answer(texts.NO_HISTORY)
        return
    await answer(message, history_text(actions, clock))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(history, Command("history"))
    return router
