"""Projects, their kanban steps (with reorder) and their ideas."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import ProjectKind, StepStatus
from store import projects
from store.clock import Clock
from web.api import Api
from web.models import INT32_MAX, In, Out, Tag, Text, Title, many

api = Api("projects")

Position = Annotated[int, Field(ge=0, le=INT32_MAX)]


class ProjectIn(In):
    name: Title
    kind: ProjectKind = "perso"
    status: Tag = "active"
    description: Text | None = None


class ProjectPatch(In):
    name: Title | MISSING = MISSING
    kind: ProjectKind | MISSING = MISSING
    status: Tag | MISSING = MISSING
    description: Text | None | MISSING = MISSING


class ProjectOut(Out):
    id: uuid.UUID
    name: str
    kind: ProjectKind
    status: str
    description: str | None
    created_at: datetime


class StepIn(In):
    title: Title
    description: Text | None = None
    status: StepStatus = "backlog"


class StepPatch(In):
    """A new `status` without `position` puts the step at the end of that column."""

    title: Title | MISSING = MISSING
    description: Text | None | MISSING = MISSING
    status: StepStatus | MISSING = MISSING
    position: Position | MISSING = MISSING


class StepOut(Out):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    description: str | None
    status: StepStatus
    position: int
    created_at: datetime


class StepOrder(In):
    """Step ids of the project; each takes its index as position."""

    order: list[uuid.UUID] = Field(max_length=10_000)


class IdeaIn(In):
    content: Annotated[str, Field(min_length=1, max_length=100_000)]


class IdeaOut(Out):
    id: uuid.UUID
    project_id: uuid.UUID
    content: str
    created_at: datetime


class ProjectPage(In):
    limit: int = Field(200, ge=1, le=1000, description="at most this many projects")
    offset: int = Field(0, ge=0, le=1_000_000, description="after skipping this many")


@api.get("/projects")
async def list_projects(session: AsyncSession, query: ProjectPage) -> list[ProjectOut]:
    """The projects, oldest first, a page at a time (200 by default, 1000 at most)."""
    return many(ProjectOut, await projects.list_projects(session=session, **query.model_dump()))


@api.post("/projects", status=201)
async def create_project(session: AsyncSession, body: ProjectIn) -> ProjectOut:
    """Create a project."""
    project = await projects.create_project(session=session, data=body.model_dump())
    return ProjectOut.model_validate(project)


@api.get("/projects/{project_id}")
async def get_project(session: AsyncSession, project_id: uuid.UUID) -> ProjectOut:
    """One project."""
    project = await projects.get_project(session=session, project_id=project_id)
    return ProjectOut.model_validate(project)


@api.patch("/projects/{project_id}")
async def update_project(
    session: AsyncSession, project_id: uuid.UUID, body: ProjectPatch
) -> ProjectOut:
    """Change the fields given."""
    data = body.model_dump(exclude_unset=True)
    project = await projects.update_project(session=session, project_id=project_id, data=data)
    return ProjectOut.model_validate(project)


@api.delete("/projects/{project_id}")
async def delete_project(session: AsyncSession, project_id: uuid.UUID) -> None:
    """Delete a project with its steps and ideas; its todos stay, unlinked."""
    await projects.delete_project(session=session, project_id=project_id)


@api.get("/projects/{project_id}/steps")
async def list_steps(session: AsyncSession, project_id: uuid.UUID) -> list[StepOut]:
    """The board: column by column, top to bottom."""
    return many(StepOut, await projects.list_steps(session=session, project_id=project_id))


@api.post("/projects/{project_id}/steps", status=201)
async def create_step(
    session: AsyncSession, clock: Clock, project_id: uuid.UUID, body: StepIn
) -> StepOut:
    """Add a step at the end of its column."""
    step = await projects.add_step(
        session=session, project_id=project_id, now=clock.now(), **body.model_dump()
    )
    return StepOut.model_validate(step)


@api.post("/projects/{project_id}/steps/reorder")
async def reorder_steps(
    session: AsyncSession, clock: Clock, project_id: uuid.UUID, body: StepOrder
) -> list[StepOut]:
    """Set the positions of the listed steps; answer the whole board."""
    steps = await projects.reorder_steps(
        session=session, project_id=project_id, order=body.order, now=clock.now()
    )
    return many(StepOut, steps)


@api.patch("/projects/{project_id}/steps/{step_id}")
async def update_step(
    session: AsyncSession, clock: Clock, project_id: uuid.UUID, step_id: uuid.UUID, body: StepPatch
) -> StepOut:
    """Change the fields given."""
    data = body.model_dump(exclude_unset=True)
    step = await projects.update_step(
        session=session, project_id=project_id, step_id=step_id, data=data, now=clock.now()
    )
    return StepOut.model_validate(step)


@api.delete("/projects/{project_id}/steps/{step_id}")
async def delete_step(session: AsyncSession, project_id: uuid.UUID, step_id: uuid.UUID) -> None:
    """Delete a step."""
    await projects.delete_project_step(session=session, project_id=project_id, step_id=step_id)


@api.get("/projects/{project_id}/ideas")
async def list_ideas(session: AsyncSession, project_id: uuid.UUID) -> list[IdeaOut]:
    """The project's ideas, newest first."""
    return many(IdeaOut, await projects.list_ideas(session=session, project_id=project_id))


@api.post("/projects/{project_id}/ideas", status=201)
async def create_idea(session: AsyncSession, project_id: uuid.UUID, body: IdeaIn) -> IdeaOut:
    """Note an idea."""
    idea = await projects.add_idea(session=session, project_id=project_id, content=body.content)
    return IdeaOut.model_validate(idea)


@api.delete("/projects/{project_id}/ideas/{idea_id}")
async def delete_idea(session: AsyncSession, project_id: uuid.UUID, idea_id: uuid.UUID) -> None:
    """Delete an idea."""
    await projects.delete_project_idea(session=session, project_id=project_id, idea_id=idea_id)
