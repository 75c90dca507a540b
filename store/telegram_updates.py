"""Telegram update ids already processed: Telegram redelivers (webhook retries, polling after a
crash), and an update is handled once. Never commit."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import TelegramUpdate


async def claim(*, session: AsyncSession, update_id: int) -> bool:
    """True for the first delivery of the update, False for every later one."""
    stmt = (
        pg_insert(TelegramUpdate)
        .values(update_id=update_id)
        .on_conflict_do_nothing()
        .returning(TelegramUpdate.update_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None
