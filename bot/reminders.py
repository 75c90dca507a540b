"""What rings: medication reminders (while today's check-in is neither taken nor skipped),
todo reminders (at `remind_at`) and event reminders (before each occurrence). Each is claimed in
the send log, and what it says is read again once the claim is won: a todo done, an event moved
or deleted meanwhile rings for nothing."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.keyboards import meds_reminder, todo_reminder
from bot.render.reminders import event_reminder_text, todo_reminder_text
from bot.sending import Outcome, Outgoing, send_once
from core.vocabulary import CLOSED_TODO_STATUSES
from store import agenda, health, reminders
from store.clock import Clock
from store.reminders import Ring
from store.tables import Todo

REMINDER_KIND = "meds_reminder"
SNOOZE_KIND = "meds_snooze"


async def needs_reminder(*, session: AsyncSession, day: date) -> bool:
    row = await health.get_checkin(session=session, day=day)
    return row is None or not (row.meds_taken or row.skipped)


async def send_med_reminder(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    day: date,
    slot: str,
    kind: str = REMINDER_KIND,
) -> Outcome:
    """`slot` names the reminder within the day (its local time, e.g. '13:00')."""

    async def prepare(session: AsyncSession) -> Outgoing | None:
        if not await needs_reminder(session=session, day=day):
            return None
        return Outgoing(texts.MEDS_REMINDER, meds_reminder(day.isoformat()))

    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        chat_id=chat_id,
        kind=kind,
        slot=f"{day.isoformat()}T{slot}",
        message=prepare,
    )


async def send_reminder(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    ring: Ring,
    default_minutes: int,
) -> Outcome:
    """A todo's or an event's reminder, if it still rings as it did when it was found."""

    async def prepare(session: AsyncSession) -> Outgoing | None:
        if ring.kind == reminders.TODO_REMINDER:
            return await _todo_card(session, ring, clock)
        return await _event_card(session, ring, clock, default_minutes)

    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        chat_id=chat_id,
        kind=ring.kind,
        slot=ring.slot,
        message=prepare,
    )


async def _todo_card(session: AsyncSession, ring: Ring, clock: Clock) -> Outgoing | None:
    todo = await session.get(Todo, ring.object_id, populate_existing=True)
    if todo is None or todo.status in CLOSED_TODO_STATUSES or todo.remind_at != ring.occurrence:
        return None
    keyboard = todo_reminder(todo.id, ring.occurrence, recurring=todo.recurrence is not None)
    return Outgoing(todo_reminder_text(todo, clock), keyboard)


async def _event_card(
    session: AsyncSession, ring: Ring, clock: Clock, default_minutes: int
) -> Outgoing | None:
    start = ring.occurrence
    # A second each side: an event of no duration overlaps nothing narrower.
    found = await agenda.list_occurrences(
        session=session,
        start=start - timedelta(seconds=1),
        end=start + timedelta(seconds=1),
        tz=clock.tz,
    )
    for occurrence in found:
        same = occurrence.event.id == ring.object_id and occurrence.occurrence_start == start
        lead = reminders.event_lead(occurrence, default_minutes)
        if same and lead is not None and start - lead == ring.at:
            return Outgoing(event_reminder_text(occurrence, clock))
    return None
