"""/agenda: today and the next 7 days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.render.events import agenda_text
from bot.sending import answer
from store import agenda
from store.clock import Clock


async def show_agenda(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    start = datetime.combine(clock.today(), time(), tzinfo=clock.tz)
    end = datetime.combine(clock.today() + timedelta(days=8), time(), tzinfo=clock.tz)
    async with sessionmaker() as session:
        events = await agenda.list_occurrences(session=session, start=start, end=end, tz=clock.tz)
    if not events:
        await message.answer(texts.NO_EVENTS)
        return
    await answer(message, agenda_text(events, clock))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_agenda, Command("agenda"))
    return router
