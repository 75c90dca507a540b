"""French rendering of dates, times and user text for Telegram (HTML parse mode)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.french import DAYS, MONTHS

PRIORITIES = {0: "aucune", 1: "basse", 2: "moyenne", 3: "haute"}

# Telegram rejects messages longer than 4096 characters.
TELEGRAM_LIMIT = 4096


def esc(text: str | None) -> str:
    """User and model text is data: escaped everywhere it meets HTML parse mode."""
    return html.escape(text or "", quote=False)


def hhmm(value: time | datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def day_name(day: date, *, today: date | None = None) -> str:
    """'aujourd'hui', 'demain', or 'jeudi 3 décembre' (with the year when it is not this one)."""
    if today is not None:
        if day == today:
            return "aujourd'hui"
        if day == today + timedelta(days=1):
            return "demain"
        if day == today - timedelta(days=1):
            return "hier"
    text = f"{DAYS[day.weekday()]} {day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]}"
    if today is not None and day.year != today.year:
        text += f" {day.year}"
    return text


def when(moment: datetime, tz: ZoneInfo, *, today: date | None = None) -> str:
    local = moment.astimezone(tz)
    return f"{day_name(local.date(), today=today)} à {hhmm(local)}"


def long_date(day: date) -> str:
    text = day_name(day)
    return text[0].upper() + text[1:] + f" {day.year}"


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> Iterator[str]:
    """Cut a long text on line boundaries so that each part fits in one Telegram message."""
    part = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single enormous line: cut it where it must be cut
            if part:
                yield part
                part = ""
            yield line[:limit]
            line = line[limit:]
        candidate = f"{part}\n{line}" if part else line
        if len(candidate) > limit:
            yield part
            part = line
        else:
            part = candidate
    if part:
        yield part
