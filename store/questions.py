"""What the agent's questions read ("qu'est-ce que j'ai demain ?", "quelles tâches en retard",
"les nouvelles offres"…). Keyword-only; read-only; never commit.

Each list query returns at most `limit` rows and how many match in all (one statement: the
count is a window over the same filter), so an answer can say "… et 12 de plus".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, Text, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import CLOSED_TODO_STATUSES
from store.tables import DailyCheckin, Job, Todo, search_key

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int


def _contains(column: SQLColumnExpression[Any], text: str) -> ColumnElement[bool]:
    """`text` inside `column`, ignoring case and accents; a % or _ is a character."""
    value: ColumnElement[str] = func.coalesce(column, "")
    return func.strpos(search_key(value), search_key(literal(text, Text))) > 0


async def find_todos(
    *,
    session: AsyncSession,
    statuses: Sequence[str] | None = None,
    due_after: datetime | None = None,
    due_before: datetime | None = None,
    project_id: uuid.UUID | None = None,
    tag: str | None = None,
    text: str | None = None,
    limit: int = 50,
) -> Page[Todo]:
    """Todos in `statuses` (None: the open ones), soonest due first, undated last, the most
    urgent first among those due at the same time."""
    where: list[ColumnElement[bool]] = [
        Todo.status.in_(statuses) if statuses else Todo.status.not_in(CLOSED_TODO_STATUSES)
    ]
    if due_after is not None:
        where.append(Todo.due_at >= due_after)
    if due_before is not None:
        where.append(Todo.due_at < due_before)
    if project_id is not None:
        where.append(Todo.project_id == project_id)
    if tag is not None:
        where.append(Todo.tags.contains([tag]))
    if text is not None:
        where.append(or_(_contains(Todo.title, text), _contains(Todo.description, text)))
    total = func.count().over().label("total")
    order = (Todo.due_at.asc().nulls_last(), Todo.priority.desc().nulls_last(), Todo.created_at)
    stmt = select(Todo, total).where(*where).order_by(*order, Todo.id).limit(limit)
    found = (await session.execute(stmt)).all()
    return Page([todo for todo, _ in found], found[0].total if found else 0)


async def find_jobs(
    *,
    session: AsyncSession,
    since: datetime | None = None,
    text: str | None = None,
    status: str | None = None,
    starred: bool | None = None,
    limit: int = 50,
) -> Page[Job]:
    """Offers, newest found first; `status` as agent/queries.py reads it (archived ones only
    when asked for, or for "applied")."""
    where: list[ColumnElement[bool]] = []
    if status == "archived":
        where.append(Job.archived.is_(True))
    elif status == "applied":
        where.append(Job.applied_at.is_not(None))
    else:
        where.append(Job.archived.is_(False))
    if status == "new":
        where += [Job.starred.is_(False), Job.applied_at.is_(None)]
    if status == "starred":
        where.append(Job.starred.is_(True))
    if starred is not None:
        where.append(Job.starred.is_(starred))
    if since is not None:
        where.append(Job.first_seen_at >= since)
    if text is not None:
        where.append(or_(*(_contains(c, text) for c in (Job.title, Job.company, Job.description))))
    total = func.count().over().label("total")
    order = (Job.first_seen_at.desc(), Job.id)
    stmt = select(Job, total).where(*where).order_by(*order).limit(limit)
    found = (await session.execute(stmt)).all()
    return Page([job for job, _ in found], found[0].total if found else 0)


async def checkins_between(
    *, session: AsyncSession, first: date, last: date
) -> Sequence[DailyCheckin]:
    """The check-in rows of the days from `first` to `last`, both included (a day nothing was
    recorded for has no row)."""
    stmt = (
        select(DailyCheckin)
        .where(DailyCheckin.day >= first, DailyCheckin.day <= last)
        .order_by(DailyCheckin.day)
    )
    return (await session.execute(stmt)).scalars().all()
