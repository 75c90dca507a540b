"""The owner's schedule as /settings shows it."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from bot import texts
from core.french import DAYS
from core.vocabulary import WeeklyTime, hhmm
from store.owner import Schedule


def times(values: tuple[time, ...]) -> str:
    return ", ".join(hhmm(t) for t in values) or "aucun"


def minutes_before(minutes: int) -> str:
    return f"{minutes} min avant" if minutes else "aucun"


def weekly(moment: WeeklyTime) -> str:
    return f"{DAYS[moment.weekday]} {hhmm(moment.at)}"


def settings_text(schedule: Schedule, tz: ZoneInfo) -> str:
    return texts.SETTINGS.format(
        digest=hhmm(schedule.digest_time),
        reminders=times(schedule.med_reminder_times),
        event_reminder=minutes_before(schedule.event_reminder_minutes),
        review=weekly(schedule.weekly_review),
        tz=tz.key,
    )
