"""Todos: list with filters, create, read, patch, delete."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import HIGHEST_PRIORITY, LOWEST_PRIORITY, Energy, TodoStatus
from store import todos
from store.clock import Clock
from web.api import Api
from web.errors import NotFound
from web.models import In, Instant, Out, QueryInstant, Tag, Text, Title, many

api = Api("todos")

Priority = Annotated[int, Field(ge=LOWEST_PRIORITY, le=HIGHEST_PRIORITY)]


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
    recurrence: Text | None = None
    ticket_url: Text | None = None
    verification_steps: list[Text] = Field(default_factory=list, max_length=100)


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
    recurrence: Text | None | MISSING = MISSING
    ticket_url: Text | None | MISSING = MISSING
    verification_steps: Annotated[list[Text], Field(max_length=100)] | MISSING = MISSING


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


class TodoQuery(In):
    status: TodoStatus | None = None
    project_id: uuid.UUID | None = Field(None, alias="project")
    due_before: QueryInstant | None = None
    due_after: QueryInstant | None = None
    tag: Tag | None = None
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@api.get("/todos")
async def list_todos(session: AsyncSession, query: TodoQuery) -> list[TodoOut]:
    """Todos, soonest due first, undated last."""
    return many(TodoOut, await todos.list_todos(session=session, **query.model_dump()))


@api.post("/todos", status=201)
async def create_todo(session: AsyncSession, clock: Clock, body: TodoIn) -> TodoOut:
    """Create a todo; created done, it is stamped `completed_at`."""
    todo = await todos.create_todo(session=session, data=body.model_dump(), now=clock.now())
    return TodoOut.model_validate(todo)


@api.get("/todos/{todo_id}")
async def get_todo(session: AsyncSession, todo_id: uuid.UUID) -> TodoOut:
    """One todo."""
    return TodoOut.model_validate(await todos.get_todo(session=session, todo_id=todo_id))


@api.patch("/todos/{todo_id}")
async def update_todo(
    session: AsyncSession, clock: Clock, todo_id: uuid.UUID, body: TodoPatch
) -> TodoOut:
    """Change the fields given; becoming done stamps `completed_at`."""
    data = body.model_dump(exclude_unset=True)
    todo = await todos.update_todo(session=session, todo_id=todo_id, data=data, now=clock.now())
    return TodoOut.model_validate(todo)


@api.delete("/todos/{todo_id}")
async def delete_todo(session: AsyncSession, todo_id: uuid.UUID) -> None:
    """Delete a todo."""
    if not await todos.delete_todo(session=session, todo_id=todo_id):
        raise NotFound(f"todo {todo_id} not found")
