"""Todos: list with filters, create, read, patch, delete."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from core import recurrence
from core.recurrence import RRule
from core.vocabulary import HIGHEST_PRIORITY, LOWEST_PRIORITY, Energy, TodoStatus
from store import todos
from store.clock import Clock
from web.api import Api
from web.errors import NotFound, Unprocessable
from web.models import In, Instant, Out, QueryInstant, Tag, Text, Title, many

api = Api("todos")

Priority = Annotated[int, Field(ge=LOWEST_PRIORITY, le=HIGHEST_PRIORITY)]


# A change queued offline is replayed later: the PWA says when the todo was done.
COMPLETED_AT = "when it was done, with status done (default: now); never later than now"
REMIND_AT = "when to ring: a Telegram message at that minute, once"
RECURRENCE = (
    "an RFC 5545 RRULE without its prefix (FREQ=WEEKLY;BYDAY=MO): completing the todo brings "
    "the next occurrence, moved by the rule in the owner's time zone; COUNT is stored as the "
    "UNTIL day it makes. In a PATCH, null stops the series (this occurrence and any after it)."
)


class ChecklistItem(In):
    text: Text
    done: bool = False


class TodoIn(In):
    title: Title
    description: Text | None = None
    status: TodoStatus = "inbox"
    priority: Priority | None = None
    due_at: Instant | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=100)
    project_id: uuid.UUID | None = None
    checklist: list[ChecklistItem] = Field(default_factory=list, max_length=500)
    energy: Energy | None = None
    context: Tag | None = None
    recurrence: RRule | None = Field(None, description=RECURRENCE)
    remind_at: Instant | None = Field(None, description=REMIND_AT)
    ticket_url: Text | None = None
    verification_steps: list[Text] = Field(default_factory=list, max_length=100)
    completed_at: Instant | None = Field(None, description=COMPLETED_AT)


class TodoPatch(In):
    """Only the fields present change; `null` clears a nullable field."""

    title: Title | MISSING = MISSING
    description: Text | None | MISSING = MISSING
    status: TodoStatus | MISSING = MISSING
    priority: Priority | None | MISSING = MISSING
    due_at: Instant | None | MISSING = MISSING
    tags: Annotated[list[Tag], Field(max_length=100)] | MISSING = MISSING
    project_id: uuid.UUID | None | MISSING = MISSING
    checklist: Annotated[list[ChecklistItem], Field(max_length=500)] | MISSING = MISSING
    energy: Energy | None | MISSING = MISSING
    context: Tag | None | MISSING = MISSING
    recurrence: Annotated[RRule | None, Field(description=RECURRENCE)] | MISSING = MISSING
    remind_at: Annotated[Instant | None, Field(description=REMIND_AT)] | MISSING = MISSING
    ticket_url: Text | None | MISSING = MISSING
    verification_steps: Annotated[list[Text], Field(max_length=100)] | MISSING = MISSING
    completed_at: Annotated[Instant, Field(description=COMPLETED_AT)] | MISSING = MISSING


def _done_at(body: TodoIn | TodoPatch, now: datetime) -> dict[str, datetime]:
    """`completed_at` for a todo becoming done: the one given (at most now), else now."""
    given = body.completed_at
    if isinstance(given, datetime):
        return {"completed_at": min(given, now)}
    return {"completed_at": now}


class ChecklistItemOut(BaseModel):  # from a JSON dict: `from_attributes` would make it 10x slower
    text: str
    done: bool = False


class TodoOut(Out):
    id: uuid.UUID
    title: str
    description: str | None
    status: TodoStatus
    priority: int | None
    due_at: datetime | None
    tags: list[str]
    project_id: uuid.UUID | None
    checklist: list[ChecklistItemOut]
    energy: Energy | None
    context: str | None
    recurrence: str | None
    ticket_url: str | None
    verification_steps: list[str]
    ai_enriched: bool
    created_at: datetime
    completed_at: datetime | None
    remind_at: datetime | None
    # Not `previous_id`: one more column read per row made a 1,000-row page twice as slow to
    # validate (bench/todos_list.py), and no client needs it.
    recurrence_text: str | None = Field(
        None, description="the rule in French words, in the owner's time zone"
    )


def _all_day(first: datetime | None, tz: ZoneInfo) -> bool:
    """A todo with no moment, or due at midnight (a day picked in the PWA), has no hour."""
    return first is None or first.astimezone(tz).time() == time()


def _in_words(todos_out: list[TodoOut], tz: ZoneInfo) -> list[TodoOut]:
    """Each recurring todo's rule in words, from its first moment, so that no client reads
    RRULEs itself."""
    for todo in todos_out:
        if todo.recurrence:
            first = todo.due_at or todo.remind_at
            with suppress(ValueError, OverflowError):  # a date past what a calendar holds
                todo.recurrence_text = recurrence.describe(
                    todo.recurrence, first or todo.created_at, tz, all_day=_all_day(first, tz)
                )
    return todos_out


def _out(row: Any, tz: ZoneInfo) -> TodoOut:
    return _in_words([TodoOut.model_validate(row)], tz)[0]


class TodoQuery(In):
    status: TodoStatus | None = None
    project_id: uuid.UUID | None = Field(None, alias="project")
    due_before: QueryInstant | None = None
    due_after: QueryInstant | None = None
    tag: Tag | None = None
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@api.get("/todos")
async def list_todos(session: AsyncSession, clock: Clock, query: TodoQuery) -> list[TodoOut]:
    """Todos, soonest due first, undated last."""
    rows = await todos.list_todos(session=session, **query.model_dump())
    return _in_words(many(TodoOut, rows), clock.tz)


@api.post("/todos", status=201)
async def create_todo(session: AsyncSession, clock: Clock, body: TodoIn) -> TodoOut:
    """Create a todo; created done, it is stamped `completed_at` (now, or the moment given).
    A recurring todo given no date is due at its first occurrence from now, at 09:00."""
    data: dict[str, Any] = body.model_dump()
    data.update(_done_at(body, clock.now()) if body.status == "done" else {"completed_at": None})
    todo = await todos.create_todo(session=session, data=data, now=clock.now(), tz=clock.tz)
    return _out(todo, clock.tz)


@api.get("/todos/{todo_id}")
async def get_todo(session: AsyncSession, clock: Clock, todo_id: uuid.UUID) -> TodoOut:
    """One todo."""
    return _out(await todos.get_todo(session=session, todo_id=todo_id), clock.tz)


@api.patch("/todos/{todo_id}")
async def update_todo(
    session: AsyncSession, clock: Clock, todo_id: uuid.UUID, body: TodoPatch
) -> TodoOut:
    """Change the fields given. Becoming done stamps `completed_at` (now, or the one given)
    and, for a recurring todo, brings its next occurrence, once however often it is sent;
    archiving an open occurrence skips it (the next one comes); `recurrence: null` stops the
    series."""
    data = body.model_dump(exclude_unset=True)
    if "completed_at" in data:
        if body.status != "done":
            message = "completed_at goes with status 'done'"
            details = [{"loc": ["body", "completed_at"], "msg": message}]
            raise Unprocessable(message, details=details)
        data.update(_done_at(body, clock.now()))
    todo = await todos.update_todo(
        session=session, todo_id=todo_id, data=data, now=clock.now(), tz=clock.tz
    )
    return _out(todo, clock.tz)


@api.delete("/todos/{todo_id}")
async def delete_todo(session: AsyncSession, clock: Clock, todo_id: uuid.UUID) -> None:
    """Delete a todo. An open occurrence of a series is skipped: the next one comes (stop the
    series with `recurrence: null`)."""
    deleted = await todos.delete_occurrence(
        session=session, todo_id=todo_id, now=clock.now(), tz=clock.tz
    )
    if not deleted:
        raise NotFound(f"todo {todo_id} not found")
