"""Days and moments in French: 'aujourd'hui', 'demain à 14:00', 'jeudi 3 décembre'."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.french import DAYS, MONTHS
from core.vocabulary import hhmm


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


def of_day(day: date, *, today: date) -> str:
    """The day after "de", elided or contracted as French wants it: "d'aujourd'hui", "d'hier",
    "de demain", "du jeudi 3 décembre"."""
    name = day_name(day, today=today)
    if name[0] in "aeiouh":
        return f"d'{name}"
    return f"de {name}" if name == "demain" else f"du {name}"


def as_datetime(value: Any) -> datetime | None:
    """A proposal's arguments carry datetimes; a row read back from JSON, ISO strings."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def when(moment: datetime, tz: ZoneInfo, *, today: date | None = None) -> str:
    local = moment.astimezone(tz)
    return f"{day_name(local.date(), today=today)} à {hhmm(local)}"


def long_date(day: date) -> str:
    return f"{capitalised(day_name(day))} {day.year}"
