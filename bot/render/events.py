"""Calendar events: a line of the agenda or the digest (one occurrence), the agenda by day, a
proposed event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.render.dates import as_datetime, capitalised, day_name, when
from bot.render.escape import esc
from core.recurrence import describe
from core.vocabulary import hhmm
from store.agenda import Occurrence
from store.clock import Clock


def event_line(occurrence: Occurrence, clock: Clock) -> str:
    """One occurrence; 🔁 marks an occurrence of a series."""
    event = occurrence.event
    if event.all_day:
        line = f"• {esc(event.title)} (toute la journée)"
    else:
        start = occurrence.occurrence_start.astimezone(clock.tz)
        end = occurrence.occurrence_end.astimezone(clock.tz)
        line = f"• {hhmm(start)}–{hhmm(end)} {esc(event.title)}"
    if occurrence.recurring:
        line += " 🔁"
    if event.location:
        line += f" 📍 {esc(event.location)}"
    return line


def agenda_text(occurrences: Sequence[Occurrence], clock: Clock) -> str:
    """/agenda: the occurrences under a heading per day."""
    lines = ["<b>📅 Agenda</b>"]
    current = None
    for occurrence in occurrences:
        # All-day events are stored from local midnight to local midnight.
        day = occurrence.occurrence_start.astimezone(clock.tz).date()
        if day != current:
            current = day
            lines.append(f"\n<b>{capitalised(day_name(day, today=clock.today()))}</b>")
        lines.append(event_line(occurrence, clock))
    return "\n".join(lines)


def _span(start: datetime, end: datetime, clock: Clock) -> str:
    start, end = start.astimezone(clock.tz), end.astimezone(clock.tz)
    text = f"{day_name(start.date(), today=clock.today())}, {hhmm(start)}–{hhmm(end)}"
    if end.date() != start.date():
        text = f"{when(start, clock.tz, today=clock.today())} → {when(end, clock.tz)}"
    return text


def describe_event(args: Mapping[str, Any], clock: Clock) -> str:
    """A proposed event (its arguments) or a written one (its row)."""
    start, end = as_datetime(args.get("starts_at")), as_datetime(args.get("ends_at"))
    assert start is not None and end is not None
    line = f"📅 « {esc(str(args.get('title') or ''))} » — {_span(start, end, clock)}"
    if args.get("recurrence"):
        rule = str(args["recurrence"])
        words = describe(rule, start, clock.tz, all_day=bool(args.get("all_day")))
        line += f"\n   🔁 {esc(words)}"
    if args.get("reminder_minutes") is not None:
        line += f"\n   {_reminder(int(args['reminder_minutes']))}"
    if args.get("location"):
        line += f"\n   📍 {esc(str(args['location']))}"
    return line


def _reminder(minutes: int) -> str:
    if minutes == 0:
        return "🔕 sans rappel"
    hours, rest = divmod(minutes, 60)
    if rest:
        return f"⏰ rappel {minutes} min avant"
    days, hours_left = divmod(hours, 24)
    if days and not hours_left:
        return f"⏰ rappel {days} j avant"
    return f"⏰ rappel {hours} h avant"
