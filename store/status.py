"""What the account and status page reads: the last Telegram update, the last sends, the
Google link's state, the model that answered last, the migration head. Read-only; never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import (
    SCHEMA,
    AiAction,
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
class GoogleLink:
    connected: bool
    calendar_id: str | None
    last_synced_at: datetime | None
    last_error: str | None


async def google_link(*, session: AsyncSession) -> GoogleLink:
    """Whether an account is connected, its calendar, and how the last sync went."""
    token = await session.get(GoogleOAuthToken, 1)
    calendar_id = token.calendar_id if token is not None else None
    state = await session.get(GoogleSyncState, calendar_id) if calendar_id else None
    return GoogleLink(
        connected=token is not None,
        calendar_id=calendar_id,
        last_synced_at=state.last_synced_at if state else None,
        last_error=state.last_error if state else None,
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
