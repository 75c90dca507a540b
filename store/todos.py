"""Todo queries. Keyword-only; never commit (the caller owns the transaction).

A recurring todo is one occurrence at a time: completing it (`complete_todo`) inserts the next
one, whose `previous_id` is the completed one. `previous_id` is unique and the INSERT does
nothing on a conflict, so an occurrence brings its next one once, whatever double taps, undos
and replays happen. Deleting or archiving an open occurrence skips it: the next one comes all
the same (the series goes on; `stop_series` ends it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core import recurrence
from core.vocabulary import CLOSED_TODO_STATUSES
from store.errors import NotFoundError
from store.tables import Todo

# A series given without a date starts at its first occurrence from now, at this hour (the hour
# of a todo given a day but no time, everywhere else).
SERIES_DEFAULT_TIME = time(9)

# What an occurrence hands on to the next one; the checklist comes back unticked.
_CARRIED = (
    "title",
    "description",
    "priority",
    "tags",
    "project_id",
    "energy",
    "context",
    "recurrence",
    "ticket_url",
    "verification_steps",
)
_FRESH = {"populate_existing": True}


@dataclass(frozen=True)
class CompletedTodo:
    """A todo just marked done, and the occurrence that follows it (None: not recurring, or
    the series ended)."""

    done: Todo
    next: Todo | None


def _zone(now: datetime, tz: tzinfo | None) -> ZoneInfo:
    """The owner's zone: given, or the clock's (its `now` is in the owner's zone)."""
    zone = tz or now.tzinfo
    if not isinstance(zone, ZoneInfo):
        raise ValueError("a recurring todo needs the owner's time zone (a ZoneInfo)")
    return zone


def _series(data: dict[str, Any], row: Todo | None, now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """A new or changed rule, ready to store: canonical; dated (its first occurrence from now
    at 09:00 when neither the todo nor the change says when); COUNT turned into UNTIL."""
    rule = recurrence.normalize(data["recurrence"])
    due = data.get("due_at", row.due_at if row else None)
    remind = data.get("remind_at", row.remind_at if row else None)
    anchor = due or remind
    if anchor is None:
        start = datetime.combine(now.astimezone(tz).date(), SERIES_DEFAULT_TIME, tzinfo=tz)
        anchor = recurrence.first_on_or_after(rule, start, tz, now) or start
        data = {**data, "due_at": anchor}
    with suppress(ValueError, OverflowError):  # a series running past the year 9999: as given
        rule = recurrence.count_as_until(rule, anchor, tz)
    return {**data, "recurrence": rule}


async def create_todo(
    *, session: AsyncSession, data: dict[str, Any], now: datetime, tz: ZoneInfo | None = None
) -> Todo:
    """`now` (the app's clock) stamps `completed_at` when the todo is created done; `tz` (the
    owner's zone, by default `now`'s) places a recurring todo's occurrences."""
    if data.get("status") == "done":
        data = {"completed_at": now, **data}
    if data.get("recurrence"):
        data = _series(data, None, now, _zone(now, tz))
    stmt = insert(Todo).values(**data).returning(Todo)
    return (await session.execute(stmt)).scalar_one()


async def get_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo:
    todo = await session.get(Todo, todo_id)
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


def _completion(data: dict[str, Any]) -> dict[str, Any]:
    """Leaving done clears `completed_at` (becoming done is `complete_todo`'s)."""
    if "status" not in data or "completed_at" in data:
        return data
    return {**data, "completed_at": None}


async def update_todo(
    *,
    session: AsyncSession,
    todo_id: uuid.UUID,
    data: dict[str, Any],
    now: datetime,
    tz: ZoneInfo | None = None,
) -> Todo:
    """Change the fields given. Becoming done goes through `complete_todo` (stamped with
    `data["completed_at"]` when given, else `now`; the next occurrence comes), and a done todo
    given `completed_at` again takes it (a correction); archiving an open occurrence skips it
    (the next one comes); `recurrence: None` is `stop_series`."""
    fields = dict(data)
    completing = fields.get("status") == "done"
    given = fields.pop("completed_at", None) if completing else None
    if completing:
        del fields["status"]
    stops = "recurrence" in fields and fields["recurrence"] is None
    if stops:
        del fields["recurrence"]
    todo = await _changed(session, todo_id, fields, now, tz)
    if stops:
        todo = await stop_series(session=session, todo_id=todo_id)
    if completing:
        completed = await complete_todo(session=session, todo_id=todo_id, now=given or now, tz=tz)
        if completed is None and given is not None:  # already done: a correction of when
            await session.execute(
                update(Todo).where(Todo.id == todo_id).values(completed_at=given)
            )
        todo = await _fresh(session, todo_id)
    return todo


async def _changed(
    session: AsyncSession,
    todo_id: uuid.UUID,
    data: dict[str, Any],
    now: datetime,
    tz: ZoneInfo | None,
) -> Todo:
    if not data:
        return await get_todo(session=session, todo_id=todo_id)
    before = await _fresh(session, todo_id, lock=True)
    was_open = before.status not in CLOSED_TODO_STATUSES
    if data.get("recurrence"):
        data = _series(data, before, now, _zone(now, tz))
    data = _completion(data)
    stmt = update(Todo).where(Todo.id == todo_id).values(**data).returning(Todo)
    todo = (await session.execute(stmt, execution_options=_FRESH)).scalar_one()
    if was_open and todo.status == "archived" and todo.recurrence:
        await _follow(session, todo, after=now, tz=_zone(now, tz))
    return todo


async def _fresh(session: AsyncSession, todo_id: uuid.UUID, *, lock: bool = False) -> Todo:
    stmt = select(Todo).where(Todo.id == todo_id)
    if lock:  # a concurrent change of the same todo waits: "was it open?" stays true
        stmt = stmt.with_for_update()
    todo = (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


async def complete_todo(
    *, session: AsyncSession, todo_id: uuid.UUID, now: datetime, tz: ZoneInfo | None = None
) -> CompletedTodo | None:
    """Mark a todo done, stamped `completed_at = now` (the one place that stamps a completion),
    and, if it recurs and its series goes on, insert the next occurrence, in the caller's
    transaction. None when it was already done (a second tap, a replay): nothing changes.
    Raises NotFoundError for an unknown id."""
    stmt = (
        update(Todo)
        .where(Todo.id == todo_id, Todo.status != "done")
        .values(status="done", completed_at=now)
        .returning(Todo)
    )
    done = (await session.execute(stmt, execution_options=_FRESH)).scalar_one_or_none()
    if done is None:
        await get_todo(session=session, todo_id=todo_id)
        return None
    following = (
        await _follow(session, done, after=now, tz=_zone(now, tz)) if done.recurrence else None
    )
    return CompletedTodo(done=done, next=following)


def _next_moments(
    todo: Todo, after: datetime, tz: ZoneInfo
) -> tuple[str, datetime | None, datetime | None] | None:
    """The rule, due and reminder of the occurrence after `todo`, or None when the series ended.

    The next occurrence is the rule's first after the later of the todo's due moment and
    `after` (when it was done): done late, a series leaves no trail of overdue copies. Both
    moments move by the rule in the owner's wall-clock time (18:00 stays 18:00 across DST)."""
    assert todo.recurrence is not None
    anchor = todo.due_at or todo.remind_at or after
    try:
        # A rule stored before COUNT was turned into UNTIL counts from here.
        rule = recurrence.count_as_until(todo.recurrence, anchor, tz)
        occurrence = recurrence.next_after(rule, anchor, tz, max(anchor, after))
        if occurrence is None:
            return None
        due = todo.due_at and recurrence.carried(todo.due_at, anchor, occurrence, tz)
        remind = todo.remind_at and recurrence.carried(todo.remind_at, anchor, occurrence, tz)
    except (ValueError, OverflowError):  # past the year 9999: the series ends there
        return None
    return rule, due, remind


async def _follow(
    session: AsyncSession, todo: Todo, *, after: datetime, tz: ZoneInfo
) -> Todo | None:
    """Insert the occurrence after `todo` unless one already follows it (then that one)."""
    moments = _next_moments(todo, after, tz)
    if moments is None:
        return None
    rule, due, remind = moments
    values = {key: getattr(todo, key) for key in _CARRIED}
    values |= {
        "recurrence": rule,
        "due_at": due,
        "remind_at": remind,
        "checklist": [{**item, "done": False} for item in todo.checklist],
        "status": "todo",
        "previous_id": todo.id,
    }
    stmt = (
        pg_insert(Todo)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Todo.previous_id])
        .returning(Todo)
    )
    inserted = (await session.execute(stmt)).scalar_one_or_none()
    if inserted is not None:
        return inserted
    existing = select(Todo).where(Todo.previous_id == todo.id)
    return (await session.execute(existing)).scalar_one_or_none()


async def stop_series(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo:
    """End a series at this occurrence: its rule is cleared, and so is the rule of any
    occurrence that already follows it, so completing them brings nothing. The todo itself
    stays as it is. Raises NotFoundError for an unknown id."""
    series = select(Todo.id).where(Todo.id == todo_id).cte("series", recursive=True)
    series = series.union(select(Todo.id).join(series, Todo.previous_id == series.c.id))
    stmt = (
        update(Todo)
        .where(Todo.id.in_(select(series.c.id)))
        .values(recurrence=None)
        .returning(Todo)
    )
    stopped = (await session.execute(stmt, execution_options=_FRESH)).scalars().all()
    todo = next((t for t in stopped if t.id == todo_id), None)
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


async def delete_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> bool:
    """Delete a row, nothing else (undoing the agent's creation of it)."""
    result = await session.execute(delete(Todo).where(Todo.id == todo_id).returning(Todo.id))
    return result.scalar_one_or_none() is not None


async def delete_occurrence(
    *, session: AsyncSession, todo_id: uuid.UUID, now: datetime, tz: ZoneInfo | None = None
) -> bool:
    """The owner deletes a todo: an open occurrence of a series is skipped, the next one comes
    first (the series goes on; `stop_series` ends it). False when there was no such todo."""
    todo = await session.get(Todo, todo_id, with_for_update=True)
    if todo is None:
        return False
    if todo.recurrence and todo.status not in CLOSED_TODO_STATUSES:
        await _follow(session, todo, after=now, tz=_zone(now, tz))
    return await delete_todo(session=session, todo_id=todo_id)


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
