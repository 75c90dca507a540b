"""Project, step and idea queries. Keyword-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import NotFoundError
from store.tables import Project, ProjectIdea, ProjectStep


async def create_project(*, session: AsyncSession, data: dict[str, Any]) -> Project:
    return (await session.execute(insert(Project).values(**data).returning(Project))).scalar_one()


async def get_project(*, session: AsyncSession, project_id: uuid.UUID) -> Project:
    project = await session.get(Project, project_id)
    if project is None:
        raise NotFoundError("project", project_id)
    return project


async def list_projects(*, session: AsyncSession, active_only: bool = False) -> Sequence[Project]:
    stmt = select(Project).order_by(Project.created_at, Project.name)
    if active_only:
        stmt = stmt.where(Project.status == "active")
    return (await session.execute(stmt)).scalars().all()


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
    status: str = "backlog",
    description: str | None = None,
) -> ProjectStep:
    """A new step goes to the end of its column."""
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
        )
        .returning(ProjectStep)
    )
    return (await session.execute(stmt)).scalar_one()


async def delete_step(*, session: AsyncSession, step_id: uuid.UUID) -> bool:
    stmt = delete(ProjectStep).where(ProjectStep.id == step_id).returning(ProjectStep.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None
