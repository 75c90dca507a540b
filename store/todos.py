"""Todo queries. Keyword-only; never commit (the caller owns the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import NotFoundError
from store.tables import Todo


async def create_todo(*, session: AsyncSession, data: dict[str, Any]) -> Todo:
    stmt = insert(Todo).values(**data).returning(Todo)
    return (await session.execute(stmt)).scalar_one()


async def get_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo:
    todo = await session.get(Todo, todo_id)
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


async def update_todo(*, session: AsyncSession, todo_id: uuid.UUID, data: dict[str, Any]) -> Todo:
    if not data:
        return await get_todo(session=session, todo_id=todo_id)
    stmt = update(Todo).where(Todo.id == todo_id).values(**data).returning(Todo)
    todo = (await session.execute(stmt)).scalar_one_or_none()
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


async def delete_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> bool:
    result = await session.execute(delete(Todo).where(Todo.id == todo_id).returning(Todo.id))
    return result.scalar_one_or_none() is not None


async def list_open_todos(
    *, session: AsyncSession, due_before: datetime | None = None
) -> Sequence[Todo]:
    """Todos not done nor archived, soonest due first, undated last."""
    stmt = select(Todo).where(Todo.status.not_in(("done", "archived")))
    if due_before is not None:
        stmt = stmt.where(Todo.due_at < due_before)
    stmt = stmt.order_by(Todo.due_at.asc().nulls_last(), Todo.created_at)
    return (await session.execute(stmt)).scalars().all()
