"""Todos: a line of /todos, a line of the digest, a proposed or written todo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.render.dates import as_datetime, day_name, when
from bot.render.escape import esc
from bot.render.projects import Projects, project_name
from core.vocabulary import PRIORITY_LABELS, hhmm
from store.clock import Clock
from store.tables import Todo


def todo_line(todo: Todo, clock: Clock) -> str:
    """In /todos: its due moment (⚠️ when past) and one ❗ per priority step."""
    line = f"• {esc(todo.title)}"
    if todo.due_at is not None:
        overdue = " ⚠️" if todo.due_at < clock.now() else ""
        line += f" — {when(todo.due_at, clock.tz, today=clock.today())}{overdue}"
    if todo.priority:
        line += " " + "❗" * todo.priority
    return line


def listed_todo_line(todo: Todo, clock: Clock, *, due_by: datetime | None = None) -> str:
    """A line of a list you can act on, as the todo is now: ✓ once done, its new date once
    postponed. `due_by`: the end of the digest's day (its lines say the hour, or how late)."""
    if todo.status == "done":
        return f"✓ <s>{esc(todo.title)}</s>"
    if todo.status == "archived":
        return f"• <s>{esc(todo.title)}</s> (archivée)"
    if due_by is None:
        return todo_line(todo, clock)
    if todo.due_at is None or todo.due_at >= due_by:
        later = when(todo.due_at, clock.tz, today=clock.today()) if todo.due_at else "sans date"
        return f"• {esc(todo.title)} — ⏰ {later}"
    return due_todo_line(todo, clock)


def due_todo_line(todo: Todo, clock: Clock) -> str:
    """In the digest, where every todo is due today or late: the hour, or how late."""
    assert todo.due_at is not None
    due = todo.due_at.astimezone(clock.tz)
    if due.date() < clock.today():
        moment = f"⚠️ en retard ({day_name(due.date(), today=clock.today())})"
    else:
        moment = hhmm(due)
    return f"• {esc(todo.title)} — {moment}"


def _details(
    due: datetime | None, priority: int | None, tags: Sequence[str], project: str, clock: Clock
) -> str:
    details = []
    if due is not None:
        details.append(f"pour {when(due, clock.tz, today=clock.today())}")
    if priority is not None:
        details.append(f"priorité {PRIORITY_LABELS[priority]}")
    if project:
        details.append(f"projet {project}")
    details += [f"#{esc(t)}" for t in tags]
    return f"\n   {' · '.join(details)}" if details else ""


def describe_todo(args: Mapping[str, Any], projects: Projects, clock: Clock) -> str:
    """A proposed todo (its arguments) or a written one (its row)."""
    project = project_name(args.get("project_id"), projects)
    due = as_datetime(args.get("due_at"))
    extra = _details(due, args.get("priority"), args.get("tags") or [], project, clock)
    return f"📝 Tâche « {esc(str(args.get('title') or ''))} »{extra}"
