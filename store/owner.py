"""The owner's run-time settings (digest time, reminder times, language). Never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import WeeklyTime
from store.tables import OwnerSettings

DEFAULT_WEEKLY_REVIEW = WeeklyTime(6, time(18, 0))


@dataclass(frozen=True)
class Schedule:
    """What the scheduler needs, with the environment's defaults filled in."""

    digest_time: time
    med_reminder_times: tuple[time, ...]
    language: str = "fr"
    event_reminder_minutes: int = 30
    weekly_review: WeeklyTime = DEFAULT_WEEKLY_REVIEW


async def get_schedule(*, session: AsyncSession, defaults: Schedule) -> Schedule:
    row = await session.get(OwnerSettings, 1)
    if row is None:
        return defaults
    return Schedule(
        digest_time=row.digest_time or defaults.digest_time,
        med_reminder_times=tuple(sorted(row.med_reminder_times))
        if row.med_reminder_times
        else defaults.med_reminder_times,
        language=row.language,
        event_reminder_minutes=defaults.event_reminder_minutes
        if row.event_reminder_minutes is None
        else row.event_reminder_minutes,
        weekly_review=defaults.weekly_review
        if row.weekly_review_day is None or row.weekly_review_time is None
        else WeeklyTime(row.weekly_review_day, row.weekly_review_time),
    )


async def update_schedule(
    *,
    session: AsyncSession,
    digest_time: time | None = None,
    med_reminder_times: tuple[time, ...] | None = None,
    language: str | None = None,
    event_reminder_minutes: int | None = None,
    weekly_review: WeeklyTime | None = None,
) -> None:
    """Change only the fields given."""
    values: dict[str, Any] = {}
    if event_reminder_minutes is not None:
        values["event_reminder_minutes"] = event_reminder_minutes
    if weekly_review is not None:
        values["weekly_review_day"] = weekly_review.weekday
        values["weekly_review_time"] = weekly_review.at
    if digest_time is not None:
        values["digest_time"] = digest_time
    if med_reminder_times is not None:
        values["med_reminder_times"] = sorted(set(med_reminder_times))
    if language is not None:
        values["language"] = language
    if not values:
        return
    stmt = pg_insert(OwnerSettings).values(id=1, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[OwnerSettings.id], set_={**values, "updated_at": func.now()}
    )
    await session.execute(stmt)
