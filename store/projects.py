"""Project, step and idea queries. Keyword-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import STEP_STATUSES
from store.by_id import delete_by_id, update_by_id
from store.errors import NotFoundError
from store.tables import Project, ProjectIdea, ProjectStep


async def create_project(*, session: AsyncSession, data: dict[str, Any]) -> Project:
    return (await session.execute(insert(Project).values(**data).returning(Project))).scalar_one()


async def get_project(*, session: AsyncSession, project_id: uuid.UUID) -> Project:
    project = await session.get(Project, project_id)
    if project is None:
        raise NotFoundError("project", project_id)
    return project


async def list_projects(
    *, session: AsyncSession, active_only: bool = False, limit: int | None = None, offset: int = 0
) -> Sequence[Project]:
    stmt = select(Project).order_by(Project.created_at, Project.name, Project.id)
    if active_only:
        stmt = stmt.where(Project.status == "active")
    return (await session.execute(stmt.limit(limit).offset(offset))).scalars().all()


async def add_idea(*, session: AsyncSession, project_id: uuid.UUID, content: str) -> ProjectIdea:
    await get_project(session=session, project_id=project_id)
    stmt = (
        insert(ProjectIdea).values(project_id=project_id, content=content).returning(ProjectIdea)
    )
    return (await session.execute(stmt)).scalar_one()


async def delete_idea(*, session: AsyncSession, idea_id: uuid.UUID) -> bool:
    stmt = delete(ProjectIdea).where(ProjectIdea.id == idea_id).returning(ProjectIdea.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def add_step(
    *,
    session: AsyncSession,
    project_id: uuid.UUID,
    title: str,
    now: datetime,
    status: str = "backlog",
    description: str | None = None,
) -> ProjectStep:
    """A new step goes to the end of its column; `now` (the app's clock) is its first move."""
    await get_project(session=session, project_id=project_id)
    last = select(func.coalesce(func.max(ProjectStep.position) + 1, 0)).where(
        ProjectStep.project_id == project_id, ProjectStep.status == status
    )
    stmt = (
        insert(ProjectStep)
        .values(
            project_id=project_id,
            title=title,
            status=status,
            description=description,
            position=last.scalar_subquery(),
            moved_at=now,
        )
        .returning(ProjectStep)
    )
    return (await session.execute(stmt)).scalar_one()


async def delete_step(*, session: AsyncSession, step_id: uuid.UUID) -> bool:
    stmt = delete(ProjectStep).where(ProjectStep.id == step_id).returning(ProjectStep.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def update_project(
    *, session: AsyncSession, project_id: uuid.UUID, data: dict[str, Any]
) -> Project:
    return await update_by_id(session, Project, project_id, data)


async def delete_project(*, session: AsyncSession, project_id: uuid.UUID) -> None:
    await delete_by_id(session, Project, project_id)


async def list_steps(*, session: AsyncSession, project_id: uuid.UUID) -> Sequence[ProjectStep]:
    """The project's board: column by column (`STEP_STATUSES` order), top to bottom."""
    await get_project(session=session, project_id=project_id)
    column = case({s: i for i, s in enumerate(STEP_STATUSES)}, value=ProjectStep.status)
    stmt = (
        select(ProjectStep)
        .where(ProjectStep.project_id == project_id)
        .order_by(column, ProjectStep.position, ProjectStep.created_at, ProjectStep.id)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def update_step(
    *,
    session: AsyncSession,
    project_id: uuid.UUID,
    step_id: uuid.UUID,
    data: dict[str, Any],
    now: datetime,
) -> ProjectStep:
    """A step moved to another column without a position goes to the end of it. A change of
    column or place is dated `now` (the app's clock): the weekly review looks for still ones."""
    if "status" in data or "position" in data:
        data = {**data, "moved_at": now}
    if "status" in data and "position" not in data:
        last = select(func.coalesce(func.max(ProjectStep.position) + 1, 0)).where(
            ProjectStep.project_id == project_id, ProjectStep.status == data["status"]
        )
        moved = ProjectStep.status != data["status"]
        data = {
            **data,
            "position": case((moved, last.scalar_subquery()), else_=ProjectStep.position),
        }
    return await update_by_id(
        session, ProjectStep, step_id, data, ProjectStep.project_id == project_id
    )


async def delete_project_step(
    *, session: AsyncSession, project_id: uuid.UUID, step_id: uuid.UUID
) -> None:
    await delete_by_id(session, ProjectStep, step_id, ProjectStep.project_id == project_id)


async def reorder_steps(
    *,
    session: AsyncSession,
    project_id: uuid.UUID,
    order: Sequence[uuid.UUID],
    now: datetime,
) -> Sequence[ProjectStep]:
    """Each listed step takes its index in `order` as position; the others keep theirs.
    Every id must be a step of this project."""
    steps = await list_steps(session=session, project_id=project_id)
    unknown = set(order) - {s.id for s in steps}
    if unknown:
        raise NotFoundError("step", ", ".join(sorted(map(str, unknown))))
    if order:
        position = case({step_id: i for i, step_id in enumerate(order)}, value=ProjectStep.id)
        stmt = (
            update(ProjectStep)
            .where(ProjectStep.id.in_(order))
            .values(position=position, moved_at=now)
        )
        await session.execute(stmt)
    return await list_steps(session=session, project_id=project_id)


async def list_ideas(*, session: AsyncSession, project_id: uuid.UUID) -> Sequence[ProjectIdea]:
    """Newest first."""
    await get_project(session=session, project_id=project_id)
    stmt = (
        select(ProjectIdea)
        .where(ProjectIdea.project_id == project_id)
        .order_by(ProjectIdea.created_at.desc(), ProjectIdea.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def delete_project_idea(
    *, session: AsyncSession, project_id: uuid.UUID, idea_id: uuid.UUID
) -> None:
    await delete_by_id(session, ProjectIdea, idea_id, ProjectIdea.project_id == project_id)
