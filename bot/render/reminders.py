"""What rings: a todo's reminder card, an event's reminder, and what a button made of them."""

from __future__ import annotations

from datetime import datetime

from bot.render.dates import day_name, when
from bot.render.escape import esc
from core import recurrence
from core.vocabulary import hhmm
from store.agenda import Occurrence
from store.clock import Clock
from store.tables import Todo


def series_line(todo: Todo, clock: Clock) -> str:
    """'🔁 chaque lundi à 18:00' for a recurring todo, '' otherwise."""
    first = todo.due_at or todo.remind_at
    if todo.recurrence is None or first is None:
        return ""
    return f"\n🔁 {recurrence.describe(todo.recurrence, first, clock.tz)}"


def todo_reminder_text(todo: Todo, clock: Clock) -> str:
    """'⏰ Appeler maman', and the series it belongs to."""
    return f"⏰ {esc(todo.title)}{series_line(todo, clock)}"


def lead_time(start: datetime, now: datetime) -> str:
    """'Dans 30 min', 'Dans 1 h 30', 'Dans 2 j'; 'Maintenant' once it has started."""
    minutes = round((start - now).total_seconds() / 60)
    if minutes <= 0:
        return "Maintenant"
    if minutes < 60:
        return f"Dans {minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"Dans {hours} h {rest:02d}" if rest else f"Dans {hours} h"
    return f"Dans {round(minutes / (24 * 60))} j"


def event_reminder_text(occurrence: Occurrence, clock: Clock) -> str:
    """'⏰ Dans 30 min : Dentiste — 15:00–16:00, 12 rue de la Paix'."""
    event, now = occurrence.event, clock.now()
    start = occurrence.occurrence_start.astimezone(clock.tz)
    end = occurrence.occurrence_end.astimezone(clock.tz)
    span = f"{hhmm(start)}–{hhmm(end)}"
    if start.date() != now.date():
        span = f"{day_name(start.date(), today=now.date())} {span}"
    text = f"⏰ {lead_time(start, now)} : {esc(event.title)} — {span}"
    if event.location:
        text += f", {esc(event.location)}"
    return text


def reminder_done(todo: Todo, following: Todo | None, clock: Clock) -> str:
    """The card once ✅ is pressed: done, and when the series comes back."""
    text = f"⏰ {esc(todo.title)}\n✅ Fait."
    moment = following.remind_at or following.due_at if following is not None else None
    if moment is not None:
        text += f"\n🔁 Prochaine fois : {when(moment, clock.tz, today=clock.today())}."
    return text


def reminder_moved(todo: Todo, clock: Clock) -> str:
    assert todo.remind_at is not None
    moment = when(todo.remind_at, clock.tz, today=clock.today())
    return f"⏰ {esc(todo.title)}\n⏰ Je te le rappelle {moment}."


def series_stopped(todo: Todo, clock: Clock) -> str:
    return f"{todo_reminder_text(todo, clock)}\n🔁 Série arrêtée : celle-ci est la dernière."
