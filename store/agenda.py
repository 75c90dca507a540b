"""Calendar event queries. Keyword-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

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
