"""What the weekly review reads (besides events, check-ins and job offers). Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import CLOSED_TODO_STATUSES
from store.tables import Project, ProjectStep, Todo


async def done_between(*, session: AsyncSession, start: datetime, end: datetime) -> Sequence[Todo]:
    """Todos done in [start, end), in the order they were done."""
    stmt = (
        select(Todo)
        .where(Todo.status == "done", Todo.completed_at >= start, Todo.completed_at < end)
        .order_by(Todo.completed_at, Todo.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def overdue(*, session: AsyncSession, now: datetime) -> Sequence[Todo]:
    """Open todos whose due time has passed, the oldest first."""
    stmt = (
        select(Todo)
        .where(Todo.status.not_in(CLOSED_TODO_STATUSES), Todo.due_at < now)
        .order_by(Todo.due_at, Todo.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def stalled_projects(
    *, session: AsyncSession, since: datetime
) -> Sequence[tuple[Project, datetime]]:
    """Active projects with steps, none of which moved (nor was added) since `since`, with the
    last move, the longest still first. A project with no step yet has nothing to move."""
    last_move = func.max(ProjectStep.moved_at)
    stmt = (
        select(Project, last_move)
        .join(ProjectStep, ProjectStep.project_id == Project.id)
        .where(Project.status == "active")
        .group_by(Project.id)
        .having(last_move < since)
        .order_by(last_move, Project.name)
    )
    return [(project, moved) for project, moved in (await session.execute(stmt)).all()]
