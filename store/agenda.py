"""Calendar event queries. Keyword-only; never commit.

A row with a `recurrence` is a series: its `starts_at`/`ends_at` are the first occurrence's,
and `list_occurrences` expands it, in the owner's wall-clock time, wherever events are read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    any_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core import recurrence
from store.by_id import update_by_id
from store.errors import NotFoundError
from store.tables import CalendarEvent

_INSTANT = timedelta(seconds=1)


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event: a one-off event is its own single occurrence. Its identity
    is (`event.id`, `occurrence_start`)."""

    event: CalendarEvent
    occurrence_start: datetime
    occurrence_end: datetime

    @property
    def recurring(self) -> bool:
        return self.event.recurrence is not None


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


def _may_touch(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """Rows that overlap [start, end) or, for a series, may have an occurrence in it (one that
    began before the window is read from its rule, not from its first occurrence's end)."""
    where = []
    if start is not None:
        where.append(or_(CalendarEvent.ends_at > start, CalendarEvent.recurrence.is_not(None)))
    if end is not None:
        where.append(CalendarEvent.starts_at < end)
    return where


async def list_events(
    *,
    session: AsyncSession,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
) -> Sequence[CalendarEvent]:
    """Rows (a series once, at its first occurrence) overlapping [start, end), or series that
    may recur in it, in start order; the first `limit` of them."""
    stmt = select(CalendarEvent).order_by(CalendarEvent.starts_at, CalendarEvent.id)
    stmt = stmt.where(*_may_touch(start, end)).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def list_occurrences(
    *, session: AsyncSession, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end): one-off events and each occurrence of each
    series (expanded in `tz`'s wall-clock, exception dates left out), in start order. An
    occurrence overridden by a row of its own (moved or changed in Google) is that row."""
    rows = await list_events(session=session, start=start, end=end)
    overridden = await overridden_starts(
        session=session, series_ids=[row.id for row in rows if row.recurrence is not None]
    )
    found = [
        o
        for row in rows
        for o in occurrences(row, tz, start=start, end=end, skip=overridden.get(row.id, ()))
    ]
    return sorted(found, key=lambda o: (o.occurrence_start, o.event.id))


async def overridden_starts(
    *, session: AsyncSession, series_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[datetime]]:
    """For each series, the original starts of its occurrences that a row overrides."""
    if not series_ids:
        return {}
    stmt = select(CalendarEvent.recurring_event_id, CalendarEvent.original_start).where(
        CalendarEvent.recurring_event_id.in_(list(series_ids))
    )
    found: dict[uuid.UUID, list[datetime]] = {}
    for series_id, original in (await session.execute(stmt)).all():
        if series_id is not None and original is not None:
            found.setdefault(series_id, []).append(original)
    return found


def occurrences(
    event: CalendarEvent,
    tz: ZoneInfo,
    *,
    start: datetime,
    end: datetime,
    skip: Sequence[datetime] = (),
) -> list[Occurrence]:
    """The event's occurrences overlapping [start, end) (an instant event at `start` counts);
    `skip`: starts of a series' occurrences shown by rows of their own."""
    if event.recurrence is None:
        starts = [event.starts_at]
    else:
        # Starts this far before the window still overlap it.
        duration = event.ends_at - event.starts_at
        starts = recurrence.expand(
            event.recurrence,
            event.starts_at,
            tz,
            start=start - duration,
            end=end,
            exdates=[*event.recurrence_exdates, *skip],
        )
    spans = ((moment, occurrence_end(event, moment, tz)) for moment in starts)
    return [
        Occurrence(event, begin.astimezone(tz), finish.astimezone(tz))
        for begin, finish in spans
        if begin < end and (finish > start or begin >= start)
    ]


def occurrence_end(event: CalendarEvent, occurrence_start: datetime, tz: ZoneInfo) -> datetime:
    """Its start plus the event's length; for an all-day event, the same number of the owner's
    days (a day across a DST change lasts 23 or 25 hours)."""
    if not event.all_day:
        return occurrence_start + (event.ends_at - event.starts_at)
    wall_length = _wall(event.ends_at, tz) - _wall(event.starts_at, tz)
    wall_end = _wall(occurrence_start, tz) + wall_length
    return wall_end.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


async def skip_occurrence(
    *,
    session: AsyncSession,
    event_id: uuid.UUID,
    occurrence_start: datetime,
    tz: ZoneInfo,
    now: datetime,
) -> CalendarEvent | None:
    """Leave one occurrence out of a series (an exception date), and the row overriding it if
    any; None when the event is not a series or has no occurrence starting then. Skipping it
    twice changes nothing more."""
    event = await get_event(session=session, event_id=event_id)
    if event.recurrence is None or not _is_occurrence(event, occurrence_start, tz):
        return None
    moment = occurrence_start.astimezone(UTC)
    await session.execute(
        delete(CalendarEvent).where(
            CalendarEvent.recurring_event_id == event_id, CalendarEvent.original_start == moment
        )
    )
    stmt = (
        update(CalendarEvent)
        .where(
            CalendarEvent.id == event_id,
            ~(literal(moment, DateTime(timezone=True)) == any_(CalendarEvent.recurrence_exdates)),
        )
        .values(
            recurrence_exdates=func.array_append(CalendarEvent.recurrence_exdates, moment),
            updated_at=now,
        )
        .returning(CalendarEvent)
    )
    result = await session.execute(stmt, execution_options={"populate_existing": True})
    return result.scalar_one_or_none() or event


def _is_occurrence(event: CalendarEvent, moment: datetime, tz: ZoneInfo) -> bool:
    assert event.recurrence is not None
    found = recurrence.expand(
        event.recurrence, event.starts_at, tz, start=moment, end=moment + _INSTANT
    )
    return bool(found)


async def update_event(
    *, session: AsyncSession, event_id: uuid.UUID, data: dict[str, Any], now: datetime
) -> CalendarEvent:
    if data:
        data = {**data, "updated_at": now}
    return await update_by_id(session, CalendarEvent, event_id, data)


async def prune_overrides(
    *, session: AsyncSession, series_id: uuid.UUID, tz: ZoneInfo
) -> list[str]:
    """After a series' rule or start changed: delete the rows overriding occurrences it no
    longer has (a series ended by "this and following" leaves no orphan); their Google ids."""
    series = await session.get(CalendarEvent, series_id, populate_existing=True)
    stmt = select(CalendarEvent).where(CalendarEvent.recurring_event_id == series_id)
    overrides = (await session.execute(stmt)).scalars().all()
    orphans = [
        row
        for row in overrides
        if series is None
        or series.recurrence is None
        or row.original_start is None
        or not _is_occurrence(series, row.original_start, tz)
    ]
    if not orphans:
        return []
    gone = [row.google_event_id for row in orphans if row.google_event_id is not None]
    await session.execute(
        delete(CalendarEvent).where(CalendarEvent.id.in_([r.id for r in orphans]))
    )
    return gone


async def delete_override(
    *, session: AsyncSession, event: CalendarEvent, tz: ZoneInfo, now: datetime
) -> None:
    """Deleting the row of one occurrence deletes that occurrence: an exception date of its
    series (the series shows it no more), and the row goes."""
    assert event.recurring_event_id is not None and event.original_start is not None
    await skip_occurrence(
        session=session,
        event_id=event.recurring_event_id,
        occurrence_start=event.original_start,
        tz=tz,
        now=now,
    )
    await delete_event(session=session, event_id=event.id)


async def longest_reminder(*, session: AsyncSession) -> int:
    """The most minutes any event asks to be reminded before it (0 when none asks)."""
    stmt = select(func.max(CalendarEvent.reminder_minutes))
    return (await session.execute(stmt)).scalar_one() or 0
