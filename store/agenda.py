"""Calendar event queries. Keyword-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import recurrence
from store.by_id import update_by_id
from store.errors import NotFoundError
from store.tables import CalendarEvent


async def create_event(
    *, session: AsyncSession, data: dict[str, Any], now: datetime
) -> CalendarEvent:
    """`now` (the app's clock) stamps the row unless `data` carries its own stamps: the Google
    sync compares these, so they never come from the database's own now()."""
    data = {"created_at": now, "updated_at": now, **data}
    stmt = insert(CalendarEvent).values(**data).returning(CalendarEvent)
    return (await session.execute(stmt)).scalar_one()


async def get_event(*, session: AsyncSession, event_id: uuid.UUID) -> CalendarEvent:
    event = await session.get(CalendarEvent, event_id)
    if event is None:
        raise NotFoundError("event", event_id)
    return event


async def delete_event(*, session: AsyncSession, event_id: uuid.UUID) -> bool:
    stmt = delete(CalendarEvent).where(CalendarEvent.id == event_id).returning(CalendarEvent.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def list_events(
    *, session: AsyncSession, start: datetime | None = None, end: datetime | None = None
) -> Sequence[CalendarEvent]:
    """Events overlapping [start, end), in start order."""
    stmt = select(CalendarEvent).order_by(CalendarEvent.starts_at, CalendarEvent.id)
    if start is not None:
        stmt = stmt.where(CalendarEvent.ends_at > start)
    if end is not None:
        stmt = stmt.where(CalendarEvent.starts_at < end)
    return (await session.execute(stmt)).scalars().all()


async def update_event(
    *, session: AsyncSession, event_id: uuid.UUID, data: dict[str, Any], now: datetime
) -> CalendarEvent:
    if data:
        data = {**data, "updated_at": now}
    return await update_by_id(session, CalendarEvent, event_id, data)


# ---------------------------------------------------------------- occurrences
# The smallest version of what the `time-events` part owns (store.agenda.list_occurrences):
# what reminders and the weekly review read events through.


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event: a one-off event's only one, or one of a series'."""

    event: CalendarEvent
    occurrence_start: datetime
    occurrence_end: datetime


async def list_occurrences(
    *, session: AsyncSession, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end): one-off events and each occurrence of every
    series (expanded in the owner's zone, exception dates left out), in start order."""
    one_offs = select(CalendarEvent).where(
        CalendarEvent.recurrence.is_(None),
        CalendarEvent.ends_at > start,
        CalendarEvent.starts_at < end,
    )
    series = select(CalendarEvent).where(
        CalendarEvent.recurrence.is_not(None), CalendarEvent.starts_at < end
    )
    found = [
        Occurrence(e, e.starts_at, e.ends_at) for e in (await session.execute(one_offs)).scalars()
    ]
    for event in (await session.execute(series)).scalars():
        found += _expanded(event, start, end, tz)
    return sorted(found, key=lambda o: (o.occurrence_start, o.event.id))


def _expanded(
    event: CalendarEvent, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Occurrence]:
    assert event.recurrence is not None
    length = event.ends_at - event.starts_at
    starts = recurrence.expand(
        event.recurrence,
        event.starts_at,
        tz,
        start=start - length,
        end=end,
        exdates=event.recurrence_exdates,
    )
    return [Occurrence(event, s, s + length) for s in starts if s + length > start or s >= start]


async def longest_reminder(*, session: AsyncSession) -> int:
    """The most minutes any event asks to be reminded before it (0 when none asks)."""
    stmt = select(func.max(CalendarEvent.reminder_minutes))
    return (await session.execute(stmt)).scalar_one() or 0
