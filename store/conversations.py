"""Telegram conversation state (aiogram FSM), one row per conversation key. Never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import BotConversation


async def get(*, session: AsyncSession, key: str) -> tuple[str | None, dict[str, Any]]:
    stmt = select(BotConversation.state, BotConversation.data).where(BotConversation.key == key)
    row = (await session.execute(stmt)).first()
    return (row.state, dict(row.data)) if row is not None else (None, {})


async def put(*, session: AsyncSession, key: str, **values: Any) -> None:
    """Set `state` and/or `data` of the conversation, creating it when needed."""
    insert = pg_insert(BotConversation).values(key=key, **values)
    stmt = insert.on_conflict_do_update(
        index_elements=[BotConversation.key], set_={**values, "updated_at": func.now()}
    )
    await session.execute(stmt)
