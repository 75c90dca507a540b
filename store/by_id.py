"""Get, update and delete one row by its primary key, for every table with a `uuid` id.
Never commit."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import NotFoundError
from store.tables import Base

T = TypeVar("T", bound=Base)


async def get_by_id(
    session: AsyncSession, table: type[T], row_id: uuid.UUID, *where: ColumnElement[bool]
) -> T:
    stmt = select(table).where(table.id == row_id, *where)  # type: ignore[attr-defined]
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(table.__tablename__, row_id)
    return row


async def update_by_id(
    session: AsyncSession,
    table: type[T],
    row_id: uuid.UUID,
    data: dict[str, Any],
    *where: ColumnElement[bool],
) -> T:
    """Set the given columns; an empty `data` only checks that the row exists."""
    if not data:
        return await get_by_id(session, table, row_id, *where)
    stmt = (
        update(table)
        .where(table.id == row_id, *where)  # type: ignore[attr-defined]
        .values(**data)
        .returning(table)
    )
    result = await session.execute(stmt, execution_options={"populate_existing": True})
    row = result.scalar_one_or_none()
    if row is None:
        raise NotFoundError(table.__tablename__, row_id)
    return row


async def delete_by_id(
    session: AsyncSession, table: type[T], row_id: uuid.UUID, *where: ColumnElement[bool]
) -> None:
    stmt = delete(table).where(table.id == row_id, *where).returning(table.id)  # type: ignore[attr-defined]
    if (await session.execute(stmt)).scalar_one_or_none() is None:
        raise NotFoundError(table.__tablename__, row_id)
