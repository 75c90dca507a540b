"""The owner's schedule as /settings shows it, and how the Google link is doing."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from bot import texts
from bot.render.dates import when
from bot.render.escape import esc
from core.french import DAYS
from core.vocabulary import WeeklyTime, hhmm
from store.owner import Schedule
from store.status import GoogleLink

# Telegram's messages are short: the first few refused events, the page lists them all.
SHOWN_ERRORS = 5


def times(values: tuple[time, ...]) -> str:
    return ", ".join(hhmm(t) for t in values) or "aucun"


def minutes_before(minutes: int) -> str:
    return f"{minutes} min avant" if minutes else "aucun"


def weekly(moment: WeeklyTime) -> str:
    return f"{DAYS[moment.weekday]} {hhmm(moment.at)}"


def settings_text(schedule: Schedule, tz: ZoneInfo, google: GoogleLink | None = None) -> str:
    text = texts.SETTINGS.format(
        digest=hhmm(schedule.digest_time),
        reminders=times(schedule.med_reminder_times),
        event_reminder=minutes_before(schedule.event_reminder_minutes),
        review=weekly(schedule.weekly_review),
        tz=tz.key,
    )
    if google is None or not google.connected:
        return text
    return text + google_text(google, tz)


def google_text(google: GoogleLink, tz: ZoneInfo) -> str:
    """The link's state: stopped (and why), the last sync, the events Google refused."""
    if google.stopped is not None:
        state = texts.SETTINGS_GOOGLE_STOPPED.get(google.stopped, google.stopped)
    elif google.last_synced_at is not None:
        state = texts.SETTINGS_GOOGLE_SYNCED.format(when=when(google.last_synced_at, tz))
    else:
        state = texts.SETTINGS_GOOGLE_NEVER
    text = texts.SETTINGS_GOOGLE.format(state=state)
    if google.last_error and google.stopped is None:
        text += texts.SETTINGS_GOOGLE_FAILED.format(error=esc(google.last_error))
    if google.event_errors:
        text += texts.SETTINGS_GOOGLE_REFUSED.format(count=len(google.event_errors))
        for refused in google.event_errors[:SHOWN_ERRORS]:
            text += texts.SETTINGS_GOOGLE_REFUSED_EVENT.format(
                title=esc(refused.title), error=esc(refused.error)
            )
    return text
