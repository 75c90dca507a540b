"""Todo queries. Keyword-only; never commit (the caller owns the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import CLOSED_TODO_STATUSES
from store.errors import NotFoundError
from store.tables import Todo


async def create_todo(*, session: AsyncSession, data: dict[str, Any], now: datetime) -> Todo:
    """`now` (the app's clock) stamps `completed_at` when the todo is created done."""
    if data.get("status") == "done":
        data = {"completed_at": now, **data}
    stmt = insert(Todo).values(**data).returning(Todo)
    return (await session.execute(stmt)).scalar_one()


async def get_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo:
    todo = await session.get(Todo, todo_id)
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


def _completion(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A status change stamps `completed_at`: `now` when the todo becomes done (the first
    stamp kept if it already was), cleared when it leaves done."""
    if "status" not in data or "completed_at" in data:
        return data
    if data["status"] != "done":
        return {**data, "completed_at": None}
    return {**data, "completed_at": case((Todo.status == "done", Todo.completed_at), else_=now)}


async def update_todo(
    *,
    session: AsyncSession,
    todo_id: uuid.UUID,
    data: dict[str, Any],
    now: datetime,
) -> Todo:
    if not data:
        return await get_todo(session=session, todo_id=todo_id)
    data = _completion(data, now)
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
    stmt = select(Todo).where(Todo.status.not_in(CLOSED_TODO_STATUSES))
    if due_before is not None:
        stmt = stmt.where(Todo.due_at < due_before)
    stmt = stmt.order_by(Todo.due_at.asc().nulls_last(), Todo.created_at)
    return (await session.execute(stmt)).scalars().all()


def todos_query(
    *,
    status: str | None = None,
    project_id: uuid.UUID | None = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    tag: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Select[Any]:
    """Soonest due first, undated last, then oldest first. A Core select of every column:
    a list page can hold a thousand rows, and ORM objects cost three times more to load."""
    todo = Todo.__table__.c
    where: list[ColumnElement[bool]] = []
    if status is not None:
        where.append(todo.status == status)
    if project_id is not None:
        where.append(todo.project_id == project_id)
    if due_before is not None:
        where.append(todo.due_at < due_before)
    if due_after is not None:
        where.append(todo.due_at >= due_after)
    if tag is not None:
        where.append(todo.tags.contains([tag]))
    stmt = select(*todo).where(*where)
    stmt = stmt.order_by(todo.due_at.asc().nulls_last(), todo.created_at, todo.id)
    return stmt.limit(limit).offset(offset)


async def list_todos(*, session: AsyncSession, **filters: Any) -> list[dict[str, Any]]:
    """`todos_query`'s filters; the page it selects, one dict per todo."""
    return [row._asdict() for row in await session.execute(todos_query(**filters))]
