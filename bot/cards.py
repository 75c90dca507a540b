"""Proposal cards: what the agent proposes, and then what was written, in readable French.

A proposal is rendered from the validated arguments; once confirmed, from the rows the
database returned (`ActionRecord.row`), never from what the model said.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from agent.actions import ActionArgs
from agent.service import ActionRecord, ProposalState
from bot.fmt import PRIORITIES, day_name, esc, hhmm, when
from store.clock import Clock

Projects = Mapping[uuid.UUID, str]
STEP_COLUMNS = {
    "backlog": "backlog",
    "todo": "à faire",
    "doing": "en cours",
    "review": "en revue",
    "done": "fait",
}


def _project(project_id: Any, projects: Projects) -> str:
    if project_id is None:
        return ""
    name = projects.get(uuid.UUID(str(project_id)))
    return esc(name) if name else "projet inconnu"


def _todo_details(
    due: datetime | None, priority: int | None, tags: Sequence[str], project: str, clock: Clock
) -> str:
    details = []
    if due is not None:
        details.append(f"pour {when(due, clock.tz, today=clock.today())}")
    if priority:
        details.append(f"priorité {PRIORITIES[priority]}")
    if project:
        details.append(f"projet {project}")
    details += [f"#{esc(t)}" for t in tags]
    return f"\n   {' · '.join(details)}" if details else ""


def _span(start: datetime, end: datetime, clock: Clock) -> str:
    start, end = start.astimezone(clock.tz), end.astimezone(clock.tz)
    text = f"{day_name(start.date(), today=clock.today())}, {hhmm(start)}–{hhmm(end)}"
    if end.date() != start.date():
        text = f"{when(start, clock.tz, today=clock.today())} → {when(end, clock.tz)}"
    return text


def describe(fn: str, args: Mapping[str, Any], projects: Projects, clock: Clock) -> str:
    """One action, from its arguments or from the row written (same field names)."""
    title = esc(str(args.get("title") or ""))
    if fn in ("create_todo", "todos"):
        due = _dt(args.get("due_at"))
        project = _project(args.get("project_id"), projects)
        extra = _todo_details(due, args.get("priority"), args.get("tags") or [], project, clock)
        return f"📝 Tâche « {title} »{extra}"
    if fn in ("add_project_idea", "project_ideas"):
        project = _project(args.get("project_id"), projects)
        return f"💡 Idée pour {project} : « {esc(str(args.get('content') or ''))} »"
    if fn in ("add_project_step", "project_steps"):
        project = _project(args.get("project_id"), projects)
        column = STEP_COLUMNS.get(str(args.get("status") or "backlog"), "backlog")
        return f"🪜 Étape pour {project} ({column}) : « {title} »"
    if fn in ("create_calendar_event", "calendar_events"):
        start, end = _dt(args.get("starts_at")), _dt(args.get("ends_at"))
        assert start is not None and end is not None
        line = f"📅 « {title} » — {_span(start, end, clock)}"
        if args.get("location"):
            line += f"\n   📍 {esc(str(args['location']))}"
        return line
    if fn == "daily_checkins":
        taken = "pris ✅" if args.get("meds_taken") else "pas pris"
        day = date.fromisoformat(str(args["day"]))
        return f"💊 Médicaments ({day_name(day, today=clock.today())}) : {taken}"
    note = args.get("note")
    return "💊 Cocher les médicaments du jour" + (f" — « {esc(str(note))} »" if note else "")


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _args(args: ActionArgs | Mapping[str, Any]) -> Mapping[str, Any]:
    return args if isinstance(args, Mapping) else dict(args)


def proposal_text(
    actions: Sequence[tuple[str, ActionArgs | Mapping[str, Any]]],
    *,
    projects: Projects,
    clock: Clock,
    dropped: frozenset[int] = frozenset(),
    transcript: str | None = None,
    fallback: bool = False,
) -> str:
    lines = []
    if transcript:
        lines.append(f"🎤 <i>{esc(transcript)}</i>\n")
    lines.append("Je propose :")
    for i, (fn, args) in enumerate(actions):
        text = describe(fn, _args(args), projects, clock)
        number = f"{i + 1}. " if len(actions) > 1 else ""
        lines.append(f"<s>{number}{text}</s>" if i in dropped else f"{number}{text}")
    if fallback:
        lines.append("\n<i>(analyse hors ligne : le modèle ne répondait pas)</i>")
    return "\n".join(lines)


def done_text(state: ProposalState, *, projects: Projects, clock: Clock) -> str:
    """After a confirm: what the database now holds."""
    if state.status == "failed":
        return f"⚠️ Rien n'a été enregistré : {esc(state.error or 'erreur inconnue')}"
    written = [a for a in state.actions if a.status == "confirmed" and a.row is not None]
    lines = ["✅ C'est fait :"] + [_written(a, projects, clock) for a in written]
    return "\n".join(lines)


def _written(action: ActionRecord, projects: Projects, clock: Clock) -> str:
    assert action.row is not None
    return describe(action.table or action.fn, action.row, projects, clock)


def undone_text(state: ProposalState, *, projects: Projects, clock: Clock) -> str:
    undone = [a for a in state.actions if a.status == "undone" and a.row is not None]
    lines = ["↩️ Annulé, plus rien de ceci :"] + [
        f"<s>{_written(a, projects, clock)}</s>" for a in undone
    ]
    return "\n".join(lines)
