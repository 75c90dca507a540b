"""The AI's actions as /history lists them: when, what, and what became of it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.dates import when
from bot.render.escape import esc
from core.vocabulary import ACTION_STATUS_LABELS
from store.clock import Clock
from store.tables import AiAction

STATUS_ICONS = {
    "proposed": "⏳",
    "confirmed": "✅",
    "cancelled": "❌",
    "failed": "⚠️",
    "undone": "↩️",
    "superseded": "✏️",
    "answered": "🔎",
}
FUNCTIONS = {
    "create_todo": "tâche",
    "add_project_idea": "idée",
    "add_project_step": "étape",
    "create_calendar_event": "événement",
    "toggle_daily_checkin": "médicaments",
    "enrich_todo": "enrichissement",
    "find_events": "question agenda",
    "find_todos": "question tâches",
    "project_overview": "question projet",
    "find_checkins": "question médicaments",
    "find_job_offers": "question offres",
}


def _status(status: str) -> str:
    label = ACTION_STATUS_LABELS.get(status)
    return f"{STATUS_ICONS[status]} {label}" if label else status


def action_line(action: AiAction, clock: Clock) -> str:
    what = FUNCTIONS.get(action.function_name or "", action.function_name or "message")
    args = action.function_args or {}
    label = args.get("title") or args.get("content") or args.get("note") or ""
    if action.status == "answered":  # a question: what the owner asked
        label = action.transcript or action.input_text or ""
    line = f"• {when(action.created_at, clock.tz, today=clock.today())} — {what}"
    if label:
        line += f" « {esc(str(label))[:60]} »"
    line += f" : {_status(action.status)}"
    if action.error:
        line += f" ({esc(action.error)[:80]})"
    return line


def history_text(actions: Sequence[AiAction], clock: Clock) -> str:
    return "\n".join(["<b>🕰 Dernières actions</b>"] + [action_line(a, clock) for a in actions])
