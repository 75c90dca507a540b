"""`ordinarthur-os review [--send]`: this week's review, printed, or sent like the scheduled
one (the same claim: once a week)."""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.database import open_database
from app.digest_cli import plain, send_with_bot
from app.settings import Settings
from bot.review import build_review, send_review
from bot.sending import Outcome
from store.clock import Clock


async def review(settings: Settings, *, send: bool, clock: Clock | None = None) -> int:
    clock = clock or Clock(settings.tz)
    if send:

        async def send_it(
            bot: Bot, sessions: async_sessionmaker[AsyncSession], chat: int
        ) -> Outcome:
            return await send_review(bot=bot, sessionmaker=sessions, clock=clock, chat_id=chat)

        return await send_with_bot(settings, "weekly review", send_it)
    async with open_database(settings) as db, db.sessionmaker() as session:
        built = await build_review(session=session, clock=clock)
    print(plain(built.text))  # noqa: T201
    return 0
