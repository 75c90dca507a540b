"""Todos: a line of /todos, a line of the digest, a proposed or written todo."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from bot import texts
from bot.render.dates import as_datetime, day_name, when
from bot.render.escape import esc
from bot.render.projects import Projects, project_name
from core import recurrence
from core.vocabulary import CLOSED_TODO_STATUSES, PRIORITY_LABELS, hhmm
from store.clock import Clock
from store.tables import Todo
from store.todos import CompletedTodo


def repeat_words(rule: str | None, first: datetime | None, clock: Clock) -> str:
    """ "🔁 chaque lundi à 18:00", or "" for a todo that does not repeat."""
    if not rule:
        return ""
    # A todo with no moment, or due at midnight (a day picked in the PWA), has no hour.
    all_day = first is None or first.astimezone(clock.tz).time() == time()
    try:
        words = recurrence.describe(rule, first or clock.now(), clock.tz, all_day=all_day)
    except (ValueError, OverflowError):  # a date past what a calendar holds
        return "🔁"
    return f"🔁 {words}"


def _repeats(todo: Todo, clock: Clock) -> str:
    words = repeat_words(todo.recurrence, todo.due_at or todo.remind_at, clock)
    return f" · {words}" if words else ""


def todo_line(todo: Todo, clock: Clock) -> str:
    """In /todos: its due moment (⚠️ when past and still open), one ❗ per priority step, its
    repetition."""
    line = f"• {esc(todo.title)}"
    if todo.due_at is not None:
        late = todo.due_at < clock.now() and todo.status not in CLOSED_TODO_STATUSES
        overdue = " ⚠️" if late else ""
        line += f" — {when(todo.due_at, clock.tz, today=clock.today())}{overdue}"
    if todo.priority:
        line += " " + "❗" * todo.priority
    return line + _repeats(todo, clock)


def done_notice(completed: CompletedTodo, clock: Clock) -> str:
    """The answer to ✅ (a toast, plain text, at most 200 characters): and when it comes back."""
    title = completed.done.title
    following = completed.next
    moment = (following.due_at or following.remind_at) if following is not None else None
    if moment is None:
        return texts.TODO_DONE.format(title=title)[:200]
    again = when(moment, clock.tz, today=clock.today())
    notice = texts.TODO_DONE_NEXT.format(title=title, when=again)
    if len(notice) > 200:  # the title gives way, the date is the news
        room = 200 - len(texts.TODO_DONE_NEXT.format(title="…", when=again))
        notice = texts.TODO_DONE_NEXT.format(title=title[:room] + "…", when=again)
    return notice


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
    return f"• {esc(todo.title)} — {moment}{_repeats(todo, clock)}"


def _details(
    due: datetime | None,
    remind: datetime | None,
    repeats: str,
    priority: int | None,
    clock: Clock,
) -> list[str]:
    details = []
    if due is not None:
        details.append(f"pour {when(due, clock.tz, today=clock.today())}")
    if remind is not None:
        # Most reminders ring at the due moment; only another moment needs saying.
        at = "" if remind == due else f" {when(remind, clock.tz, today=clock.today())}"
        details.append(f"⏰ rappel{at}")
    if repeats:
        details.append(repeats)
    if priority is not None:
        details.append(f"priorité {PRIORITY_LABELS[priority]}")
    return details


def describe_todo(args: Mapping[str, Any], projects: Projects, clock: Clock) -> str:
    """A proposed todo (its arguments) or a written one (its row): its due moment, reminder
    and repetition in words ("🔁 chaque lundi à 18:00"), priority, project, tags."""
    project_id = args.get("project_id")
    due = as_datetime(args.get("due_at"))
    remind = as_datetime(args.get("remind_at"))
    repeats = repeat_words(args.get("recurrence"), due or remind, clock)
    details = _details(due, remind, repeats, args.get("priority"), clock)
    if project_id is not None:
        details.append(f"projet {project_name(project_id, projects) or 'inconnu'}")
    details += [f"#{esc(t)}" for t in args.get("tags") or []]
    extra = f"\n   {' · '.join(details)}" if details else ""
    return f"📝 Tâche « {esc(str(args.get('title') or ''))} »{extra}"
