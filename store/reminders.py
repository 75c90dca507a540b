"""Which todo and event reminders ring in a window of time. Never commits.

A todo rings at its `remind_at`; an event `reminder_minutes` before each occurrence (NULL: the
owner's default, 0: never; all-day events never: they are in the digest). Each ring is named by
its object and the occurrence it is about, which is its slot in the send log: a todo whose
reminder is moved rings again, an event moved to another time rings for the new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from store import agenda, todos
from store.agenda import Occurrence

ReminderKind = Literal["todo_reminder", "event_reminder"]
TODO_REMINDER: ReminderKind = "todo_reminder"
EVENT_REMINDER: ReminderKind = "event_reminder"


@dataclass(frozen=True)
class Ring:
    kind: ReminderKind
    object_id: uuid.UUID
    occurrence: datetime  # the todo's remind_at, or the event occurrence's start
    at: datetime  # when it rings

    @property
    def slot(self) -> str:
        return slot(self.object_id, self.occurrence)


def slot(object_id: uuid.UUID, occurrence: datetime) -> str:
    return f"{object_id}:{occurrence.astimezone(UTC).isoformat()}"


def event_lead(occurrence: Occurrence, default_minutes: int) -> timedelta | None:
    """How long before this occurrence its reminder rings; None: it does not ring."""
    event = occurrence.event
    minutes = default_minutes if event.reminder_minutes is None else event.reminder_minutes
    if event.all_day or minutes <= 0:
        return None
    return timedelta(minutes=minutes)


async def ringing(
    *,
    session: AsyncSession,
    start: datetime,
    end: datetime,
    default_minutes: int,
    tz: ZoneInfo,
) -> list[Ring]:
    """Every reminder that rings in (start, end], soonest first."""
    found = [
        Ring(TODO_REMINDER, t.id, t.remind_at, t.remind_at)
        for t in await todos.reminders_between(session=session, start=start, end=end)
        if t.remind_at is not None
    ]
    longest = max(default_minutes, await agenda.longest_reminder(session=session))
    if longest > 0:
        window_end = end + timedelta(minutes=longest, seconds=1)
        for occ in await agenda.list_occurrences(
            session=session, start=start, end=window_end, tz=tz
        ):
            lead = event_lead(occ, default_minutes)
            if lead is not None and start < occ.occurrence_start - lead <= end:
                at = occ.occurrence_start - lead
                found.append(Ring(EVENT_REMINDER, occ.event.id, occ.occurrence_start, at))
    return sorted(found, key=lambda r: (r.at, r.kind, r.object_id))


async def next_ring(
    *,
    session: AsyncSession,
    after: datetime,
    within: timedelta,
    default_minutes: int,
    tz: ZoneInfo,
) -> datetime | None:
    """When the next reminder after `after` rings, looking `within` ahead at most."""
    todo = await todos.next_reminder(session=session, after=after)
    events = await ringing(
        session=session, start=after, end=after + within, default_minutes=default_minutes, tz=tz
    )
    times = [r.at for r in events if r.kind == EVENT_REMINDER]
    if todo is not None and todo <= after + within:
        times.append(todo)
    return min(times, default=None)
