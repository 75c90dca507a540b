"""The owner's schedule as /settings shows it."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from bot import texts
from core.vocabulary import hhmm
from store.owner import Schedule


def times(values: tuple[time, ...]) -> str:
    return ", ".join(hhmm(t) for t in values) or "aucun"


def settings_text(schedule: Schedule, tz: ZoneInfo) -> str:
    return texts.SETTINGS.format(
        digest=hhmm(schedule.digest_time), reminders=times(schedule.med_reminder_times), tz=tz.key
    )
