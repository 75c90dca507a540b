"""Proposal cards: what the agent proposes, and then what was written, in readable French.

A proposal is rendered from the validated arguments; once confirmed, from the rows the
database returned (`ActionRecord.row`), never from what the model said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.actions import ActionArgs, ActionWarning
from agent.service import ActionRecord, ProposalState
from bot.render.dates import as_datetime, day_name
from bot.render.escape import esc
from bot.render.events import describe_event
from bot.render.meds import describe_checkin, describe_toggle
from bot.render.projects import Projects, describe_idea, describe_step
from bot.render.todos import describe_todo
from core.vocabulary import hhmm
from store.clock import Clock


def describe(fn: str, args: Mapping[str, Any], projects: Projects, clock: Clock) -> str:
    """One action, from its arguments (by function) or from the row written (by table)."""
    if fn in ("create_todo", "todos"):
        return describe_todo(args, projects, clock)
    if fn in ("add_project_idea", "project_ideas"):
        return describe_idea(args, projects)
    if fn in ("add_project_step", "project_steps"):
        return describe_step(args, projects)
    if fn in ("create_calendar_event", "calendar_events"):
        return describe_event(args, clock)
    if fn == "daily_checkins":
        return describe_checkin(args, clock)
    return describe_toggle(args)


def _args(args: ActionArgs | Mapping[str, Any]) -> Mapping[str, Any]:
    return args if isinstance(args, Mapping) else dict(args)


# A card says this many clashes of an action, then how many more (the app lists them all).
WARNINGS_SHOWN = 3
_WARNING_WORDS = {"overlap": "chevauche", "reminder_during_event": "rappel pendant"}


def _first_day(args: Mapping[str, Any], clock: Clock) -> Any:
    moment = as_datetime(args.get("starts_at") or args.get("remind_at"))
    return moment.astimezone(clock.tz).date() if moment is not None else None


def warning_lines(
    warnings: Sequence[ActionWarning], args: Mapping[str, Any], clock: Clock
) -> list[str]:
    """'⚠️ chevauche « Dentiste » 15:00–16:00' (with its day when it is another one)."""
    day = _first_day(args, clock)
    lines = []
    for warning in warnings[:WARNINGS_SHOWN]:
        start, end = warning.starts_at.astimezone(clock.tz), warning.ends_at.astimezone(clock.tz)
        on = "" if start.date() == day else f"{day_name(start.date(), today=clock.today())} "
        what = _WARNING_WORDS.get(warning.code, "⚠️")
        lines.append(f"   ⚠️ {what} « {esc(warning.title)} » {on}{hhmm(start)}–{hhmm(end)}")
    if len(warnings) > WARNINGS_SHOWN:
        lines.append(f"   ⚠️ … et {len(warnings) - WARNINGS_SHOWN} de plus")
    return lines


def proposal_text(
    actions: Sequence[tuple[str, ActionArgs | Mapping[str, Any]]],
    *,
    projects: Projects,
    clock: Clock,
    dropped: frozenset[int] = frozenset(),
    transcript: str | None = None,
    fallback: bool = False,
    warnings: Sequence[Sequence[ActionWarning]] = (),
) -> str:
    """`warnings`: each action's clashes with the agenda (agent/clashes.py), said under it."""
    lines = []
    if transcript:
        lines.append(f"{transcript_text(transcript)}\n")
    lines.append("Je propose :")
    for i, (fn, args) in enumerate(actions):
        text = describe(fn, _args(args), projects, clock)
        number = f"{i + 1}. " if len(actions) > 1 else ""
        lines.append(f"<s>{number}{text}</s>" if i in dropped else f"{number}{text}")
        if i < len(warnings) and i not in dropped:
            lines += warning_lines(warnings[i], _args(args), clock)
    if fallback:
        lines.append("\n<i>(analyse hors ligne : le modèle ne répondait pas)</i>")
    return "\n".join(lines)


def transcript_text(transcript: str) -> str:
    """What a voice note said, as heard."""
    return f"🎤 <i>{esc(transcript)}</i>"


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
    lines = ["↩️ Annulé, ceci n'est plus enregistré :"] + [
        f"<s>{_written(a, projects, clock)}</s>" for a in undone
    ]
    return "\n".join(lines)
