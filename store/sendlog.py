"""Exactly-once sends: claim (kind, slot) before sending; only the claimer sends. Never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import SentLog


async def claim(*, session: AsyncSession, kind: str, slot: str) -> int | None:
    """The claim's id, or None when someone (a replica, an earlier run) already claimed it."""
    stmt = (
        pg_insert(SentLog)
        .values(kind=kind, slot=slot)
        .on_conflict_do_nothing(index_elements=[SentLog.kind, SentLog.slot])
        .returning(SentLog.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def mark_sent(
    *, session: AsyncSession, claim_id: int, telegram_message_id: int | None = None
) -> None:
    stmt = (
        update(SentLog)
        .where(SentLog.id == claim_id)
        .values(sent_at=func.now(), telegram_message_id=telegram_message_id)
    )
    await session.execute(stmt)


async def mark_failed(*, session: AsyncSession, claim_id: int, error: str) -> None:
    await session.execute(update(SentLog).where(SentLog.id == claim_id).values(error=error))


async def prune(*, session: AsyncSession, before: datetime) -> int:
    """Forget the claims made before `before`, long past the windows they guarded; how many."""
    stmt = delete(SentLog).where(SentLog.claimed_at < before)
    return len((await session.execute(stmt.returning(SentLog.id))).all())
