"""Calendar events (CRUD, listed by window, one occurrence of a series deleted) and the
owner's iCal feed.

A series is one row (its `starts_at`/`ends_at` are the first occurrence's) with an RRULE in
`recurrence`; listed for a window, it is one item per occurrence, each with the series' `id`
and its own `occurrence_start`, `starts_at` and `ends_at`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from core.recurrence import RRule, describe
from core.vocabulary import MAX_EVENT_REMINDER_MINUTES
from store import agenda
from store.clock import Clock
from store.tables import CalendarEvent
from web.api import Api
from web.errors import NotFound
from web.models import In, Instant, Out, QueryInstant, Text, Title

api = Api("agenda")

# The longest window listed at once: a year and a month (an hourly series gives some 10,000
# items; a window with one bound only reaches this far from it).
MAX_WINDOW = timedelta(days=400)

ReminderMinutes = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_EVENT_REMINDER_MINUTES,
        description="minutes before each occurrence to remind; 0: never, null: the default",
    ),
]
RecurrenceField = Annotated[
    RRule,
    Field(description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO; null: a one-off event"),
]


class EventIn(In):
    title: Title
    description: Text | None = None
    location: Text | None = None
    starts_at: Instant
    ends_at: Instant
    all_day: bool = False
    recurrence: RecurrenceField | None = None
    reminder_minutes: ReminderMinutes | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at is before starts_at")
        return self


class EventPatch(In):
    """Only the fields present change; the result must still end after it starts."""

    title: Title | MISSING = MISSING
    description: Text | None | MISSING = MISSING
    location: Text | None | MISSING = MISSING
    starts_at: Instant | MISSING = MISSING
    ends_at: Instant | MISSING = MISSING
    all_day: bool | MISSING = MISSING
    recurrence: RecurrenceField | None | MISSING = MISSING
    reminder_minutes: ReminderMinutes | None | MISSING = MISSING


class EventOut(Out):
    id: uuid.UUID
    google_event_id: str | None
    title: str
    description: str | None
    location: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    source: str
    created_at: datetime
    updated_at: datetime
    recurrence: str | None
    recurrence_text: str | None = Field(description="the rule in French words")
    recurrence_exdates: list[datetime] = Field(description="occurrences left out of the series")
    reminder_minutes: int | None
    recurring_event_id: uuid.UUID | None = Field(
        description="the series one occurrence of which this event replaces (moved or changed "
        "in Google); null for any other event"
    )
    original_start: datetime | None = Field(
        description="the start, in its series, of the occurrence this event replaces"
    )
    google_error: str | None = Field(
        description="why the last push of this event to Google failed; null when it went"
    )


class OccurrenceOut(EventOut):
    """One occurrence: `id` is the event's (the series'), `starts_at`/`ends_at` this
    occurrence's; a one-off event is its own single occurrence."""

    occurrence_start: datetime


_COLUMNS = tuple(name for name in EventOut.model_fields if name != "recurrence_text")


def _fields(event: CalendarEvent, tz: ZoneInfo) -> dict[str, Any]:
    data = {name: getattr(event, name) for name in _COLUMNS}
    data["recurrence_exdates"] = sorted(m.astimezone(UTC) for m in event.recurrence_exdates)
    data["recurrence_text"] = (
        describe(event.recurrence, event.starts_at, tz, all_day=event.all_day)
        if event.recurrence
        else None
    )
    return data


def event_out(event: CalendarEvent, tz: ZoneInfo) -> EventOut:
    return EventOut.model_validate(_fields(event, tz))


def occurrences_out(found: Iterable[agenda.Occurrence], tz: ZoneInfo) -> list[OccurrenceOut]:
    rows: dict[uuid.UUID, dict[str, Any]] = {}  # a series' fields, once for all its occurrences
    items = []
    for occurrence in found:
        event = occurrence.event
        fields = rows.get(event.id) or rows.setdefault(event.id, _fields(event, tz))
        start = occurrence.occurrence_start.astimezone(UTC)
        end = occurrence.occurrence_end.astimezone(UTC)
        items.append(fields | {"starts_at": start, "ends_at": end, "occurrence_start": start})
    return [OccurrenceOut.model_validate(item) for item in items]


class EventWindow(In):
    """Occurrences overlapping [from, to)."""

    start: QueryInstant | None = Field(None, alias="from")
    end: QueryInstant | None = Field(None, alias="to")
    limit: int = Field(1000, ge=1, le=5000, description="at most this many, in start order")

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.start is not None and self.end is not None and self.end - self.start > MAX_WINDOW:
            raise ValueError(f"the window is longer than {MAX_WINDOW.days} days")
        return self


@api.get("/agenda/events")
async def list_events(
    session: AsyncSession, clock: Clock, query: EventWindow
) -> list[OccurrenceOut]:
    """Every occurrence overlapping [from, to) (at most 400 days; one bound alone reaches 400
    days from it), in start order: one-off events, and each occurrence of a series. Without
    either bound: every event once, a series at its first occurrence. At most `limit` (1000
    by default) either way."""
    tz = clock.tz
    if query.start is None and query.end is None:
        events = await agenda.list_events(session=session, limit=query.limit)
        first = (agenda.Occurrence(e, e.starts_at, e.ends_at) for e in events)
        return occurrences_out(first, tz)
    start, end = _window(query.start, query.end)
    found = await agenda.list_occurrences(session=session, start=start, end=end, tz=tz)
    return occurrences_out(found[: query.limit], tz)


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    if start is None:
        assert end is not None
        return end - MAX_WINDOW, end
    return start, end or start + MAX_WINDOW


@api.post("/agenda/events", status=201)
async def create_event(session: AsyncSession, clock: Clock, body: EventIn) -> EventOut:
    """Create an event; with `recurrence`, a series."""
    event = await agenda.create_event(session=session, data=body.model_dump(), now=clock.now())
    return event_out(event, clock.tz)


@api.get("/agenda/events/{event_id}")
async def get_event(session: AsyncSession, clock: Clock, event_id: uuid.UUID) -> EventOut:
    """One event (a series: its first occurrence, its rule and exception dates)."""
    return event_out(await agenda.get_event(session=session, event_id=event_id), clock.tz)


@api.patch("/agenda/events/{event_id}")
async def update_event(
    session: AsyncSession, clock: Clock, event_id: uuid.UUID, body: EventPatch
) -> EventOut:
    """Change the fields given (of a whole series); `recurrence: null` ends a series' repeats,
    leaving its first occurrence."""
    data = body.model_dump(exclude_unset=True)
    if "recurrence" in data and data["recurrence"] is None:
        data["recurrence_exdates"] = []
    event = await agenda.update_event(
        session=session, event_id=event_id, data=data, now=clock.now()
    )
    if data.keys() & {"recurrence", "starts_at", "all_day"}:
        await agenda.prune_overrides(session=session, series_id=event_id, tz=clock.tz)
    return event_out(event, clock.tz)


class DeleteQuery(In):
    occurrence: QueryInstant | None = Field(
        None, description="only this occurrence of a series (its `occurrence_start`)"
    )


@api.delete("/agenda/events/{event_id}")
async def delete_event(
    session: AsyncSession, clock: Clock, event_id: uuid.UUID, query: DeleteQuery
) -> None:
    """Delete an event, a whole series (with the occurrences it had moved); with
    `occurrence`, only that occurrence of a series (it becomes an exception date; the one
    occurrence of a one-off event deletes it). An event replacing one occurrence of a series
    is that occurrence: deleting it leaves the occurrence out of its series."""
    if query.occurrence is not None:
        await _delete_occurrence(session, clock, event_id, query.occurrence)
        return
    event = await agenda.get_event(session=session, event_id=event_id)
    if event.recurring_event_id is not None:
        await agenda.delete_override(session=session, event=event, tz=clock.tz, now=clock.now())
    else:
        await agenda.delete_event(session=session, event_id=event_id)


async def _delete_occurrence(
    session: AsyncSession, clock: Clock, event_id: uuid.UUID, occurrence: datetime
) -> None:
    event = await agenda.get_event(session=session, event_id=event_id)
    if event.recurrence is None:
        if event.starts_at != occurrence:
            raise NotFound(f"event {event_id} has no occurrence at {occurrence.isoformat()}")
        if event.recurring_event_id is not None:
            await agenda.delete_override(
                session=session, event=event, tz=clock.tz, now=clock.now()
            )
        else:
            await agenda.delete_event(session=session, event_id=event_id)
        return
    skipped = await agenda.skip_occurrence(
        session=session,
        event_id=event_id,
        occurrence_start=occurrence,
        tz=clock.tz,
        now=clock.now(),
    )
    if skipped is None:
        raise NotFound(f"event {event_id} has no occurrence at {occurrence.isoformat()}")
