"""/agenda: today and the next 7 days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.fmt import day_name, esc, hhmm, split_message
from store import agenda
from store.clock import Clock
from store.tables import CalendarEvent


def render_event(event: CalendarEvent, clock: Clock) -> str:
    if event.all_day:
        line = f"• {esc(event.title)} (toute la journée)"
    else:
        start, end = event.starts_at.astimezone(clock.tz), event.ends_at.astimezone(clock.tz)
        line = f"• {hhmm(start)}–{hhmm(end)} {esc(event.title)}"
    if event.location:
        line += f" 📍 {esc(event.location)}"
    return line


def render_agenda(events: list[CalendarEvent], clock: Clock) -> str:
    lines = ["<b>📅 Agenda</b>"]
    current = None
    for event in events:
        # All-day events are stored from local midnight to local midnight.
        day = event.starts_at.astimezone(clock.tz).date()
        if day != current:
            current = day
            name = day_name(day, today=clock.today())
            lines.append(f"\n<b>{name[0].upper() + name[1:]}</b>")
        lines.append(render_event(event, clock))
    return "\n".join(lines)


async def show_agenda(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    start = datetime.combine(clock.today(), time(), tzinfo=clock.tz)
    end = datetime.combine(clock.today() + timedelta(days=8), time(), tzinfo=clock.tz)
    async with sessionmaker() as session:
        events = list(await agenda.list_events(session=session, start=start, end=end))
    if not events:
        await message.answer(texts.NO_EVENTS)
        return
    for part in split_message(render_agenda(events, clock)):
        await message.answer(part)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_agenda, Command("agenda"))
    return router
