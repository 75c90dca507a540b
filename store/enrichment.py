"""A todo's enrichment: the todo locked while a draft is applied, and its enrichable fields set
(or put back by an undo). Keyword-only; never commit (the caller owns the transaction)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import NotFoundError
from store.tables import Todo

# The columns a draft sets; `ai_enriched` says that one was applied.
ENRICHED_COLUMNS = (
    "description",
    "checklist",
    "energy",
    "context",
    "tags",
    "verification_steps",
    "ai_enriched",
)


async def lock_todo(*, session: AsyncSession, todo_id: uuid.UUID) -> Todo:
    """The todo, locked until the transaction ends: two applies of a draft (a double tap, a
    replay racing the live call) run one after the other, and the second sees the first's
    values."""
    stmt = select(Todo).where(Todo.id == todo_id).with_for_update()
    todo = (
        await session.execute(stmt, execution_options={"populate_existing": True})
    ).scalar_one_or_none()
    if todo is None:
        raise NotFoundError("todo", todo_id)
    return todo


async def set_fields(
    *, session: AsyncSession, todo_id: uuid.UUID, values: dict[str, Any]
) -> Todo | None:
    """Set enrichable columns (only those of `ENRICHED_COLUMNS`); None when the todo is gone."""
    unknown = set(values) - set(ENRICHED_COLUMNS)
    if unknown:
        raise ValueError(f"not enrichable: {', '.join(sorted(unknown))}")
    stmt = update(Todo).where(Todo.id == todo_id).values(**values).returning(Todo)
    result = await session.execute(stmt, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()
