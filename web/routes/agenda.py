"""Calendar events (CRUD, listed by window) and the owner's iCal feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import Field, model_validator
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from store import agenda
from store.clock import Clock
from web.api import Api
from web.errors import NotFound
from web.models import In, Instant, Out, QueryInstant, Text, Title, many

api = Api("agenda")


class EventIn(In):
    title: Title
    description: Text | None = None
    location: Text | None = None
    starts_at: Instant
    ends_at: Instant
    all_day: bool = False

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


class EventWindow(In):
    """Events overlapping [from, to)."""

    start: QueryInstant | None = Field(None, alias="from")
    end: QueryInstant | None = Field(None, alias="to")


@api.get("/agenda/events")
async def list_events(session: AsyncSession, query: EventWindow) -> list[EventOut]:
    """Events overlapping the window, in start order."""
    events = await agenda.list_events(session=session, start=query.start, end=query.end)
    return many(EventOut, events)


@api.post("/agenda/events", status=201)
async def create_event(session: AsyncSession, clock: Clock, body: EventIn) -> EventOut:
    """Create an event."""
    event = await agenda.create_event(session=session, data=body.model_dump(), now=clock.now())
    return EventOut.model_validate(event)


@api.get("/agenda/events/{event_id}")
async def get_event(session: AsyncSession, event_id: uuid.UUID) -> EventOut:
    """One event."""
    return EventOut.model_validate(await agenda.get_event(session=session, event_id=event_id))


@api.patch("/agenda/events/{event_id}")
async def update_event(
    session: AsyncSession, clock: Clock, event_id: uuid.UUID, body: EventPatch
) -> EventOut:
    """Change the fields given."""
    data = body.model_dump(exclude_unset=True)
    event = await agenda.update_event(
        session=session, event_id=event_id, data=data, now=clock.now()
    )
    return EventOut.model_validate(event)


@api.delete("/agenda/events/{event_id}")
async def delete_event(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Delete an event."""
    if not await agenda.delete_event(session=session, event_id=event_id):
        raise NotFound(f"event {event_id} not found")
