"""Clashes with the agenda, flagged before ✅: computed from the database when a card is built,
with no model request, and never blocking the confirm.

- A proposed event that overlaps an existing event's occurrence (series expanded, events pulled
  from Google included) gets an `overlap` warning per occurrence it overlaps.
- A proposed todo whose `remind_at` falls inside an occurrence (its start included, its end
  not) gets a `reminder_during_event` warning.
- A proposed series is checked over its occurrences in the `HORIZON` (90 days) from its first
  one, at most `MAX_OCCURRENCES` (50) of them.
- All-day events clash with nothing: a birthday or a holiday does not make a meeting a clash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from agent.actions import ActionArgs, ActionWarning, CreateCalendarEventArgs, CreateTodoArgs
from core import recurrence
from store import agenda
from store.agenda import Occurrence

HORIZON = timedelta(days=90)
MAX_OCCURRENCES = 50
_INSTANT = timedelta(seconds=1)

Span = tuple[datetime, datetime]


def _spans(args: CreateCalendarEventArgs, tz: ZoneInfo) -> list[Span]:
    """The proposed event's occurrences: itself, or a series' first ones in the horizon."""
    length = args.ends_at - args.starts_at
    if args.recurrence is None:
        return [(args.starts_at, args.ends_at)]
    starts = recurrence.expand(
        args.recurrence, args.starts_at, tz, start=args.starts_at, end=args.starts_at + HORIZON
    )
    return [(start, start + length) for start in starts[:MAX_OCCURRENCES]]


def _warning(code: str, occurrence: Occurrence) -> ActionWarning:
    return ActionWarning.model_validate(
        {
            "code": code,
            "event_id": occurrence.event.id,
            "title": occurrence.event.title,
            "starts_at": occurrence.occurrence_start,
            "ends_at": occurrence.occurrence_end,
        }
    )


async def _timed(
    session: AsyncSession, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Occurrence]:
    found = await agenda.list_occurrences(session=session, start=start, end=end, tz=tz)
    return [o for o in found if not o.event.all_day]


async def _overlaps(
    session: AsyncSession, args: CreateCalendarEventArgs, tz: ZoneInfo
) -> list[ActionWarning]:
    spans = _spans(args, tz)
    if not spans:
        return []
    # One read for the whole series; an instant event reads one second so that it is seen.
    window_end = max(spans[-1][1], spans[-1][0] + _INSTANT)
    existing = await _timed(session, spans[0][0], window_end, tz)
    warned: dict[tuple[object, datetime], ActionWarning] = {}
    for start, end in spans:
        for occurrence in existing:
            if occurrence.occurrence_start < max(end, start + _INSTANT) and (
                occurrence.occurrence_end > start or occurrence.occurrence_start == start
            ):
                key = (occurrence.event.id, occurrence.occurrence_start)
                warned.setdefault(key, _warning("overlap", occurrence))
    return sorted(warned.values(), key=lambda w: (w.starts_at, w.title))


async def _reminder_inside(
    session: AsyncSession, args: CreateTodoArgs, tz: ZoneInfo
) -> list[ActionWarning]:
    moment = args.remind_at
    if moment is None:
        return []
    around = await _timed(session, moment, moment + _INSTANT, tz)
    return [
        _warning("reminder_during_event", o)
        for o in around
        if o.occurrence_start <= moment < o.occurrence_end
    ]


async def warnings(
    session: AsyncSession, actions: Sequence[ActionArgs], *, tz: ZoneInfo
) -> list[list[ActionWarning]]:
    """Each action's warnings, in order (an empty list for an action nothing is said of)."""
    found: list[list[ActionWarning]] = []
    for args in actions:
        if isinstance(args, CreateCalendarEventArgs):
            found.append(await _overlaps(session, args, tz))
        elif isinstance(args, CreateTodoArgs):
            found.append(await _reminder_inside(session, args, tz))
        else:
            found.append([])
    return found
