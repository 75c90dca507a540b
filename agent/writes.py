"""What a confirmed action writes through `store/`, and how it is undone.

`execute` returns what goes into `ai_actions.result`: the table, the row written (every column,
JSON-ready, so callers render from the database) and, for a check-in, the state before the
toggle so that `undo` can put it back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from agent.actions import (
    ActionArgs,
    AddProjectIdeaArgs,
    AddProjectStepArgs,
    CreateCalendarEventArgs,
    CreateTodoArgs,
    ToggleDailyCheckinArgs,
)
from store import agenda, enrichment, health, projects, todos
from store.errors import NotFoundError
from store.tables import Base

JsonDict = dict[str, Any]


class ActionFailedError(Exception):
    """An action that cannot be carried out; the message is shown to the owner."""


def row_json(row: Base) -> JsonDict:
    columns = inspect(row).mapper.column_attrs
    return {c.key: to_jsonable_python(getattr(row, c.key)) for c in columns}


async def _require_project(session: AsyncSession, project_id: uuid.UUID) -> None:
    try:
        await projects.get_project(session=session, project_id=project_id)
    except NotFoundError:
        raise ActionFailedError(f"le projet {project_id} n'existe pas (ou plus)") from None


async def execute(
    session: AsyncSession, args: ActionArgs, *, day: date, now: datetime
) -> JsonDict:
    """Write one action; `day` is the owner's day the check-in belongs to, `now` the clock's."""
    if isinstance(args, CreateTodoArgs):
        if args.project_id is not None:
            await _require_project(session, args.project_id)
        data = args.model_dump(exclude_none=True)
        todo = await todos.create_todo(session=session, data=data, now=now)
        return {"table": "todos", "row": row_json(todo)}
    if isinstance(args, AddProjectIdeaArgs):
        await _require_project(session, args.project_id)
        idea = await projects.add_idea(
            session=session, project_id=args.project_id, content=args.content
        )
        return {"table": "project_ideas", "row": row_json(idea)}
    if isinstance(args, AddProjectStepArgs):
        await _require_project(session, args.project_id)
        step = await projects.add_step(
            session=session,
            project_id=args.project_id,
            title=args.title,
            status=args.status or "backlog",
            now=now,
        )
        return {"table": "project_steps", "row": row_json(step)}
    if isinstance(args, CreateCalendarEventArgs):
        data = args.model_dump(exclude_none=True)
        event = await agenda.create_event(session=session, data=data, now=now)
        return {"table": "calendar_events", "row": row_json(event)}
    if isinstance(args, ToggleDailyCheckinArgs):
        before = await health.get_checkin(session=session, day=day)
        previous = (
            None if before is None else {"meds_taken": before.meds_taken, "note": before.note}
        )
        checkin = await health.toggle_meds(session=session, day=day, note=args.note)
        return {"table": "daily_checkins", "row": row_json(checkin), "previous": previous}
    raise TypeError(f"no executor for {type(args).__name__}")


async def undo(session: AsyncSession, result: JsonDict) -> None:
    """Remove what `execute` created, or put the check-in back as it was, or the fields of an
    enriched todo (agent/enricher.py) as they were before."""
    table, row = result["table"], result["row"]
    if "enriched_from" in result:
        await enrichment.set_fields(
            session=session, todo_id=uuid.UUID(row["id"]), values=result["enriched_from"]
        )
        return
    if table == "daily_checkins":
        previous = result.get("previous") or {"meds_taken": False, "note": None}
        await health.restore_checkin(
            session=session,
            day=date.fromisoformat(row["day"]),
            meds_taken=previous["meds_taken"],
            note=previous["note"],
        )
        return
    row_id = uuid.UUID(row["id"])
    # A row the owner already deleted is fine: it is gone either way.
    if table == "todos":
        await todos.delete_todo(session=session, todo_id=row_id)
    elif table == "project_ideas":
        await projects.delete_idea(session=session, idea_id=row_id)
    elif table == "project_steps":
        await projects.delete_step(session=session, step_id=row_id)
    elif table == "calendar_events":
        await agenda.delete_event(session=session, event_id=row_id)
    else:
        raise ValueError(f"cannot undo a write to {table!r}")
