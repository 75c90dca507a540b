"""/today: the morning digest on demand (not claimed: the scheduled one still goes out)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digest import build_digest
from bot.sending import answer
from store.clock import Clock


async def today(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessionmaker() as session:
        digest = await build_digest(session=session, clock=clock)
    await answer(message, digest.text, reply_markup=digest.reply_markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(today, Command("today"))
    return router
