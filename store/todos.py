"""Todo queries. Keyword-only; never commit (the caller owns the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core import recurrence
from core.vocabulary import CLOSED_TODO_STATUSES
from store.errors import NotFoundError
from store.tables import Todo

_FRESH = {"populate_existing": True}


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
    stmt = stmt.order_by(Todo.due_at.asc().nulls_last(), Todo.created_at, Todo.id)
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


async def get_todos(*, session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Todo]:
    """These todos, in the order given; the ones that no longer exist left out."""
    rows = (await session.execute(select(Todo).where(Todo.id.in_(list(ids))))).scalars()
    found = {todo.id: todo for todo in rows}
    return [found[i] for i in ids if i in found]


# ---------------------------------------------------------------- completion and recurrence
# The smallest version of what the `time-todos` part owns (store.todos.complete_todo and
# stop_series); the buttons only need these signatures.


@dataclass(frozen=True)
class CompletedTodo:
    done: Todo
    next: Todo | None  # the series' next occurrence, when there is one


def _anchor(todo: Todo) -> datetime | None:
    """The moment an occurrence stands for: its due time, else its reminder."""
    return todo.due_at or todo.remind_at


def _same_wall_clock(moment: datetime | None, days: int, tz: ZoneInfo) -> datetime | None:
    """`moment` moved by whole days in the owner's zone: 18:00 stays 18:00 across DST."""
    if moment is None:
        return None
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)


async def complete_todo(
    *, session: AsyncSession, todo_id: uuid.UUID, now: datetime, tz: ZoneInfo
) -> CompletedTodo | None:
    """Mark it done (once: None when it already was) and, for a recurring todo, insert the
    next occurrence, once (`previous_id` is unique) in the same transaction."""
    stmt = (
        update(Todo)
        .where(Todo.id == todo_id, Todo.status != "done")
        .values(status="done", completed_at=now)
        .returning(Todo)
    )
    done = (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()
    if done is None:
        await get_todo(session=session, todo_id=todo_id)  # NotFoundError when it is gone
        return None
    return CompletedTodo(done=done, next=await _insert_next(session, done, tz))


async def _insert_next(session: AsyncSession, done: Todo, tz: ZoneInfo) -> Todo | None:
    anchor = _anchor(done)
    if done.recurrence is None or anchor is None:
        return None
    following = recurrence.next_after(done.recurrence, anchor, tz, anchor)
    if following is None:  # UNTIL or COUNT reached: the series ends here
        return None
    days = (following.astimezone(tz).date() - anchor.astimezone(tz).date()).days
    values = {
        "title": done.title,
        "description": done.description,
        "priority": done.priority,
        "tags": done.tags,
        "project_id": done.project_id,
        "energy": done.energy,
        "context": done.context,
        "recurrence": done.recurrence,
        "status": "todo",
        "due_at": _same_wall_clock(done.due_at, days, tz),
        "remind_at": _same_wall_clock(done.remind_at, days, tz),
        "previous_id": done.id,
    }
    stmt = (
        pg_insert(Todo)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Todo.previous_id])
        .returning(Todo)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def stop_series(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo | None:
    """End the series at this occurrence (it stays, nothing comes after it); None when it is
    not recurring or already ends here."""
    todo = await get_todo(session=session, todo_id=todo_id)
    anchor = _anchor(todo)
    if todo.recurrence is None or anchor is None:
        return None
    ended = recurrence.until_rule(todo.recurrence, anchor)
    if ended == todo.recurrence:
        return None
    stmt = (
        update(Todo)
        .where(Todo.id == todo_id, Todo.recurrence == todo.recurrence)
        .values(recurrence=ended)
        .returning(Todo)
    )
    return (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()


# ---------------------------------------------------------------- reminders and postponing


async def move_reminder(
    *,
    session: AsyncSession,
    todo_id: uuid.UUID,
    remind_at: datetime,
    now: datetime,
    current: datetime | None = None,
) -> Todo | None:
    """Ring again at `remind_at` (not before `now`). With `current`, only if the reminder is
    still the one rung then (to the minute): a second press of the same ⏰ button changes
    nothing (None)."""
    where = [Todo.id == todo_id, Todo.status.not_in(CLOSED_TODO_STATUSES)]
    if current is not None:  # a card names its reminder to the minute
        where.append(func.date_trunc("minute", Todo.remind_at) == current)
    stmt = update(Todo).where(*where).values(remind_at=max(remind_at, now)).returning(Todo)
    return (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()


async def postpone_to(
    *, session: AsyncSession, todo_id: uuid.UUID, day: date, tz: ZoneInfo, at: time
) -> Todo | None:
    """Due on `day`, at its own time of day (`at` for an undated todo), and its reminder, if it
    has one, on that day too; None when it is closed or already due that day."""
    todo = await get_todo(session=session, todo_id=todo_id)
    due = todo.due_at.astimezone(tz) if todo.due_at is not None else None
    if todo.status in CLOSED_TODO_STATUSES or (due is not None and due.date() == day):
        return None
    values: dict[str, Any] = {"due_at": datetime.combine(day, due.time() if due else at, tz)}
    if todo.remind_at is not None:
        ring = todo.remind_at.astimezone(tz).time()
        values["remind_at"] = datetime.combine(day, ring, tzinfo=tz)
    stmt = (
        update(Todo)
        .where(
            Todo.id == todo_id,
            Todo.status.not_in(CLOSED_TODO_STATUSES),
            Todo.due_at.is_not_distinct_from(todo.due_at),
        )
        .values(**values)
        .returning(Todo)
    )
    return (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()


async def reminders_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> Sequence[Todo]:
    """Open todos whose reminder falls in (start, end], soonest first."""
    stmt = (
        select(Todo)
        .where(
            Todo.remind_at > start,
            Todo.remind_at <= end,
            Todo.status.not_in(CLOSED_TODO_STATUSES),
        )
        .order_by(Todo.remind_at, Todo.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def next_reminder(*, session: AsyncSession, after: datetime) -> datetime | None:
    """The soonest reminder of an open todo after `after`."""
    stmt = select(func.min(Todo.remind_at)).where(
        Todo.remind_at > after, Todo.status.not_in(CLOSED_TODO_STATUSES)
    )
    return (await session.execute(stmt)).scalar_one()
