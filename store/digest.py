"""What the morning digest reads. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import CLOSED_TODO_STATUSES
from store.tables import Job, JobSearchCriteria, Project, ProjectStep, SentLog, Todo


async def todos_due(*, session: AsyncSession, before: datetime) -> Sequence[Todo]:
    """Open todos due before `before` (the end of today): today's and the overdue ones."""
    stmt = (
        select(Todo)
        .where(Todo.status.not_in(CLOSED_TODO_STATUSES), Todo.due_at < before)
        .order_by(Todo.due_at, Todo.priority.desc().nulls_last(), Todo.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def steps_in_progress(*, session: AsyncSession) -> Sequence[tuple[str, ProjectStep]]:
    stmt = (
        select(Project.name, ProjectStep)
        .join(Project, Project.id == ProjectStep.project_id)
        .where(ProjectStep.status == "doing")
        .order_by(Project.name, ProjectStep.position)
    )
    return [(name, step) for name, step in (await session.execute(stmt)).all()]


async def last_sent(
    *, session: AsyncSession, kind: str, before_slot: str | None = None
) -> datetime | None:
    """When the last `kind` was sent; with `before_slot`, the last one of an earlier slot (the
    digest of the day before, when a day's digest is drawn again after it was sent)."""
    stmt = select(func.max(SentLog.sent_at)).where(SentLog.kind == kind)
    if before_slot is not None:
        stmt = stmt.where(SentLog.slot < before_slot)
    return (await session.execute(stmt)).scalar_one()


async def jobs_seen_since(*, session: AsyncSession, since: datetime) -> Sequence[Job]:
    stmt = (
        select(Job)
        .where(Job.first_seen_at >= since, Job.archived.is_(False))
        .order_by(Job.first_seen_at.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def active_criteria(*, session: AsyncSession) -> Sequence[JobSearchCriteria]:
    stmt = select(JobSearchCriteria).where(JobSearchCriteria.active.is_(True))
    return (await session.execute(stmt)).scalars().all()
