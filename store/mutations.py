"""Offline-sync bookkeeping: each client mutation id is applied at most once, ever.

The claim is the first statement of the transaction that applies the mutation: a second
claimer of the same id waits on the primary key until the first commits (then gets nothing
back and skips) or rolls back (then claims it and applies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import ClientMutation


async def claim(*, session: AsyncSession, client_mutation_id: str, now: datetime) -> bool:
    """True when this transaction is the one that applies the mutation."""
    insert = pg_insert(ClientMutation).values(
        client_mutation_id=client_mutation_id, applied_at=now
    )
    stmt = insert.on_conflict_do_nothing(index_elements=[ClientMutation.client_mutation_id])
    return (await session.execute(stmt.returning(literal_column("1")))).first() is not None


async def record_result(
    *, session: AsyncSession, client_mutation_id: str, result: dict[str, Any]
) -> None:
    stmt = (
        update(ClientMutation)
        .where(ClientMutation.client_mutation_id == client_mutation_id)
        .values(result=result)
    )
    await session.execute(stmt)


async def get_result(*, session: AsyncSession, client_mutation_id: str) -> dict[str, Any] | None:
    """What the transaction that applied the mutation recorded (None: nothing, or no such id)."""
    stmt = select(ClientMutation.result).where(
        ClientMutation.client_mutation_id == client_mutation_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def prune(*, session: AsyncSession, before: datetime) -> int:
    """Forget the mutations applied before `before`; how many. A replay of one of them after
    that would apply it again: the retention is far longer than a phone stays offline."""
    stmt = delete(ClientMutation).where(ClientMutation.applied_at < before)
    return len((await session.execute(stmt.returning(literal_column("1")))).all())
