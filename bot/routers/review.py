"""/review: the weekly review on demand (not claimed: the scheduled one still goes out)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.review import build_review
from bot.sending import answer
from store.clock import Clock


async def show_review(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessionmaker() as session:
        built = await build_review(session=session, clock=clock)
    await answer(message, built.text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_review, Command("review"))
    return router
