"""Calendar events: a line of the agenda or the digest, the agenda by day, a proposed event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.render.dates import as_datetime, capitalised, day_name, when
from bot.render.escape import esc
from core.vocabulary import hhmm
from store.clock import Clock
from store.tables import CalendarEvent


def event_line(event: CalendarEvent, clock: Clock) -> str:
    if event.all_day:
        line = f"• {esc(event.title)} (toute la journée)"
    else:
        start, end = event.starts_at.astimezone(clock.tz), event.ends_at.astimezone(clock.tz)
        line = f"• {hhmm(start)}–{hhmm(end)} {esc(event.title)}"
    if event.location:
        line += f" 📍 {esc(event.location)}"
    return line


def agenda_text(events: Sequence[CalendarEvent], clock: Clock) -> str:
    """/agenda: the events under a heading per day."""
    lines = ["<b>📅 Agenda</b>"]
    current = None
    for event in events:
        # All-day events are stored from local midnight to local midnight.
        day = event.starts_at.astimezone(clock.tz).date()
        if day != current:
            current = day
            lines.append(f"\n<b>{capitalised(day_name(day, today=clock.today()))}</b>")
        lines.append(event_line(event, clock))
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
    if args.get("location"):
        line += f"\n   📍 {esc(str(args['location']))}"
    return line
