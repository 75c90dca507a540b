"""Telegram update ids already processed: Telegram redelivers (webhook retries, polling after a
crash), and an update is handled once. Never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import TelegramUpdate


async def claim(*, session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True for the first delivery of the update, False for every later one."""
    stmt = (
        pg_insert(TelegramUpdate)
        .values(update_id=update_id, received_at=now)
        .on_conflict_do_nothing()
        .returning(TelegramUpdate.update_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def prune(*, session: AsyncSession, before: datetime) -> int:
    """Forget the updates received before `before` (Telegram redelivers for a day at most);
    how many."""
    stmt = delete(TelegramUpdate).where(TelegramUpdate.received_at < before)
    return len((await session.execute(stmt.returning(TelegramUpdate.update_id))).all())
