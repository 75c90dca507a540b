"""What the account and status page reads: the last Telegram update, the last sends, the
Google link's state, the model that answered last, the migration head. Read-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import (
    SCHEMA,
    AiAction,
    CalendarEvent,
    GoogleOAuthToken,
    GoogleSyncState,
    SentLog,
    TelegramUpdate,
)


async def last_telegram_update(*, session: AsyncSession) -> datetime | None:
    """When the last update from Telegram was received (webhook or polling alike)."""
    return await session.scalar(select(func.max(TelegramUpdate.received_at)))


async def recent_sends(*, session: AsyncSession, limit: int = 10) -> Sequence[SentLog]:
    """The latest claimed sends (digests, reminders, reviews…), newest first."""
    stmt = select(SentLog).order_by(SentLog.claimed_at.desc(), SentLog.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


@dataclass(frozen=True)
class GoogleEventError:
    event_id: uuid.UUID
    title: str
    starts_at: datetime
    error: str


@dataclass(frozen=True)
class GoogleLink:
    connected: bool
    calendar_id: str | None
    last_synced_at: datetime | None
    last_error: str | None
    stopped: str | None = None  # core.vocabulary.SyncStop: why it waits for a reconnection
    stopped_since: datetime | None = None
    event_errors: Sequence[GoogleEventError] = ()
    last_report: dict[str, Any] | None = None


async def google_link(*, session: AsyncSession) -> GoogleLink:
    """Whether an account is connected, its calendar, how the last sync went, whether the
    sync waits for a reconnection, and the events Google refused."""
    token = await session.get(GoogleOAuthToken, 1)
    calendar_id = token.calendar_id if token is not None else None
    state = await session.get(GoogleSyncState, calendar_id) if calendar_id else None
    refused = select(CalendarEvent).where(CalendarEvent.google_error.is_not(None))
    rows = (await session.execute(refused.order_by(CalendarEvent.starts_at))).scalars()
    return GoogleLink(
        connected=token is not None,
        calendar_id=calendar_id,
        last_synced_at=state.last_synced_at if state else None,
        last_error=state.last_error if state else None,
        stopped=state.stopped if state else None,
        stopped_since=state.stopped_since if state else None,
        event_errors=[
            GoogleEventError(row.id, row.title, row.starts_at, row.google_error or "")
            for row in rows
        ],
        last_report=state.last_report if state else None,
    )


async def last_model_used(*, session: AsyncSession) -> tuple[str | None, datetime | None]:
    """The model that answered the latest proposal, and when."""
    stmt = (
        select(AiAction.model_name, AiAction.created_at)
        .where(AiAction.model_name.is_not(None))
        .order_by(AiAction.created_at.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else (None, None)


async def migration_head(*, session: AsyncSession) -> str | None:
    """The revision the schema is at (Alembic's version table lives inside the schema)."""
    head: str | None = await session.scalar(
        text(f'select version_num from "{SCHEMA}".alembic_version')
    )
    return head
