"""What a question reads through `store/`: one function per query of agent/queries.py.

`run` returns a `Found`: the rows as JSON (what the API shows) and as the store returned them
(what the bot's renderers take). Every list holds at most `ROWS` rows and says how many match.
Read-only: the caller's session is never committed.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from agent.answers import Found
from agent.queries import (
    FindCheckinsArgs,
    FindEventsArgs,
    FindJobOffersArgs,
    FindTodosArgs,
    ProjectOverviewArgs,
    QueryArgs,
)
from store import agenda, projects, questions
from store.agenda import Occurrence
from store.errors import NotFoundError
from store.tables import Job, Project, ProjectIdea, ProjectStep, Todo

ROWS = 50
# The longest period a question reads: what `GET /agenda/events` allows too.
MAX_PERIOD = timedelta(days=400)
# The most days of check-ins one answer lists (the most recent ones of a longer period).
MAX_CHECKIN_DAYS = 92
IDEAS_SHOWN = 5


@dataclass(frozen=True)
class DayCheck:
    """A day's medication, as recorded (a day with no row: not taken, not skipped)."""

    day: date
    meds_taken: bool
    skipped: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Overview:
    project: Project
    steps: Sequence[ProjectStep]
    ideas: Sequence[ProjectIdea]
    idea_count: int
    todos: Sequence[Todo]
    todo_count: int


def _json(value: dict[str, Any]) -> dict[str, Any]:
    jsonable: dict[str, Any] = to_jsonable_python(value)
    return jsonable


def fold(text: str | None) -> str:
    """Lower case, no accents: how a question's words meet the rows'."""
    decomposed = unicodedata.normalize("NFKD", text or "").replace("’", "'")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def event_json(occurrence: Occurrence) -> dict[str, Any]:
    event = occurrence.event
    return _json(
        {
            "event_id": event.id,
            "title": event.title,
            "starts_at": occurrence.occurrence_start,
            "ends_at": occurrence.occurrence_end,
            "all_day": event.all_day,
            "location": event.location,
            "recurring": occurrence.recurring,
            "source": event.source,
        }
    )


def todo_json(todo: Todo) -> dict[str, Any]:
    return _json(
        {
            "id": todo.id,
            "title": todo.title,
            "status": todo.status,
            "priority": todo.priority,
            "due_at": todo.due_at,
            "remind_at": todo.remind_at,
            "project_id": todo.project_id,
            "tags": todo.tags,
            "recurrence": todo.recurrence,
        }
    )


def job_json(job: Job) -> dict[str, Any]:
    names = ("id", "title", "company", "location", "remote_type", "salary_min", "salary_max")
    flags = ("starred", "archived", "applied_at", "first_seen_at", "apply_url")
    return _json({name: getattr(job, name) for name in (*names, *flags)})


def _overview_json(overview: Overview) -> dict[str, Any]:
    project = overview.project
    return _json(
        {
            "project": {
                "id": project.id,
                "name": project.name,
                "kind": project.kind,
                "status": project.status,
                "description": project.description,
            },
            "steps": [{"id": s.id, "title": s.title, "status": s.status} for s in overview.steps],
            "ideas": [{"id": i.id, "content": i.content} for i in overview.ideas],
            "idea_count": overview.idea_count,
            "todos": [todo_json(t) for t in overview.todos],
            "todo_count": overview.todo_count,
        }
    )


async def _events(session: AsyncSession, args: FindEventsArgs, tz: ZoneInfo) -> Found:
    end = min(args.end, args.start + MAX_PERIOD)
    found = await agenda.list_occurrences(session=session, start=args.start, end=end, tz=tz)
    if args.text:
        words = fold(args.text)
        found = [o for o in found if words in fold(_event_text(o))]
    shown = found[:ROWS]
    return _found("find_events", args, [event_json(o) for o in shown], len(found), shown)


def _event_text(occurrence: Occurrence) -> str:
    event = occurrence.event
    return " ".join(filter(None, (event.title, event.location, event.description)))


async def _project_id(session: AsyncSession, asked: uuid.UUID | str | None) -> uuid.UUID | None:
    """The project a query names. A name rather than an id is one the prompt did not list: a
    paused, done or archived project (found by its name, accents and case aside), or none."""
    if not isinstance(asked, str):
        return asked
    wanted = fold(asked)
    for project in await projects.list_projects(session=session):
        if fold(project.name) == wanted:
            return project.id
    return None


async def _todos(session: AsyncSession, args: FindTodosArgs, now: datetime) -> Found:
    project_id = await _project_id(session, args.project_id)
    if args.project_id is not None and project_id is None:  # no such project: no todo of it
        return _found("find_todos", args, [], 0, [])
    args = args.model_copy(update={"project_id": project_id})
    due_before = args.due_before
    if args.overdue:
        due_before = min(due_before, now) if due_before else now
    page = await questions.find_todos(
        session=session,
        statuses=[args.status] if args.status else None,
        due_after=args.due_after,
        due_before=due_before,
        project_id=project_id,
        tag=args.tag,
        text=args.text,
        limit=ROWS,
    )
    subject = None
    if project_id is not None:
        project = await session.get(Project, project_id)
        subject = project.name if project is not None else None
    rows = [todo_json(t) for t in page.rows]
    return _found("find_todos", args, rows, page.total, page.rows, subject=subject)


async def _overview(session: AsyncSession, args: ProjectOverviewArgs) -> Found:
    project_id = await _project_id(session, args.project_id)
    if project_id is None:  # no such project: nothing to read
        return _found("project_overview", args, [], 0, None)
    args = args.model_copy(update={"project_id": project_id})
    try:
        project = await projects.get_project(session=session, project_id=project_id)
    except NotFoundError:
        return _found("project_overview", args, [], 0, None)
    steps = await projects.list_steps(session=session, project_id=project.id)
    ideas = await projects.list_ideas(session=session, project_id=project.id)
    todos = await questions.find_todos(session=session, project_id=project.id, limit=ROWS)
    overview = Overview(project, steps, ideas[:IDEAS_SHOWN], len(ideas), todos.rows, todos.total)
    rows = [_overview_json(overview)]
    return _found("project_overview", args, rows, 1, overview, subject=project.name)


def _days(args: FindCheckinsArgs, tz: ZoneInfo) -> tuple[date, date]:
    """The owner's days the period touches: the last one is the day before `end` when `end`
    is a midnight."""
    first = args.start.astimezone(tz).date()
    last = (args.end.astimezone(tz) - timedelta(microseconds=1)).date()
    return max(first, last - timedelta(days=MAX_CHECKIN_DAYS - 1)), max(first, last)


async def _checkins(session: AsyncSession, args: FindCheckinsArgs, tz: ZoneInfo) -> Found:
    first, last = _days(args, tz)
    rows = await questions.checkins_between(session=session, first=first, last=last)
    recorded = {row.day: row for row in rows}
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = recorded.get(day)
        days.append(
            DayCheck(day, row.meds_taken, row.skipped, row.note) if row else DayCheck(day, False)
        )
    as_json = [_json(d.__dict__) for d in days]
    return _found("find_checkins", args, as_json, len(days), days)


async def _jobs(session: AsyncSession, args: FindJobOffersArgs) -> Found:
    page = await questions.find_jobs(
        session=session,
        since=args.since,
        text=args.text,
        status=args.status,
        starred=args.starred,
        limit=ROWS,
    )
    return _found("find_job_offers", args, [job_json(j) for j in page.rows], page.total, page.rows)


def _found(
    fn: str,
    args: QueryArgs,
    rows: list[dict[str, Any]],
    total: int,
    records: Any,
    *,
    subject: str | None = None,
) -> Found:
    return Found(
        fn=fn,
        args=args.to_json(),
        total=total,
        rows=rows,
        subject=subject,
        query=args,
        records=records,
    )


async def run(session: AsyncSession, args: QueryArgs, *, now: datetime, tz: ZoneInfo) -> Found:
    """Run one query; `now` (the clock's) is what "overdue" compares with."""
    if isinstance(args, FindEventsArgs):
        return await _events(session, args, tz)
    if isinstance(args, FindTodosArgs):
        return await _todos(session, args, now)
    if isinstance(args, ProjectOverviewArgs):
        return await _overview(session, args)
    if isinstance(args, FindCheckinsArgs):
        return await _checkins(session, args, tz)
    if isinstance(args, FindJobOffersArgs):
        return await _jobs(session, args)
    raise TypeError(f"no reader for {type(args).__name__}")
