# A bench reports on stdout.
# ruff: noqa: T201
"""What the scheduler's minute costs: one `tick()` (find what is due, catch up, drop what is
too late) and the timer for the next reminder, on a busy database.

    .venv/bin/python -m bench.scheduler_tick

1,000 open todos with a reminder over the month, 300 events over the month and 6 series
(daily and weekly, a year old); nothing is due at the measured minute, as almost every minute.
Sending is left out (the messages are a stand-in that sends nothing): Telegram's round trip is
the network's. The figure is the median of the rounds. Aim: well under a second, since it
runs every minute on the leader.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from app.scheduler import Scheduler, Timing
from bench._common import PARIS, database, timed
from store.clock import FrozenClock
from store.db import create_engine, create_sessionmaker
from store.owner import Schedule
from store.reminders import Ring
from store.tables import CalendarEvent, Todo

ROUNDS = 50
NOW = datetime(2026, 11, 25, 10, 0, 30, tzinfo=PARIS)


class Silent:
    """`OwnerMessages` that sends nothing: the bench measures the finding, not Telegram."""

    async def digest(self, day: date) -> bool:  # noqa: ARG002
        return False

    async def med_reminder(self, day: date, slot: str, *, snoozed: bool) -> bool:  # noqa: ARG002
        return False

    async def reminder(self, ring: Ring, *, default_minutes: int) -> bool:  # noqa: ARG002
        return False

    async def weekly_review(self, day: date) -> bool:  # noqa: ARG002
        return False


def _todos() -> list[dict[str, object]]:
    start = NOW - timedelta(days=2)
    return [
        {
            "title": f"Todo {n}",
            "status": "todo",
            "remind_at": start + timedelta(minutes=43 * n + 7),
        }
        for n in range(1000)
    ]


def _events() -> list[dict[str, object]]:
    start = NOW - timedelta(days=5)
    one_offs = [
        {
            "title": f"Event {n}",
            "starts_at": start + timedelta(hours=2 * n + 0.25),
            "ends_at": start + timedelta(hours=2 * n + 1.25),
        }
        for n in range(300)
    ]
    first = NOW - timedelta(days=365)
    series = [
        {
            "title": f"Series {n}",
            "starts_at": first + timedelta(hours=n, minutes=10),
            "ends_at": first + timedelta(hours=n + 1, minutes=10),
            "recurrence": rule,
        }
        for n, rule in enumerate(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH"] * 3)
    ]
    return one_offs + series


def main() -> None:
    with database() as (url, _tmp):
        asyncio.run(run(url))


async def run(url: str) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker.begin() as session:
        await session.execute(insert(Todo), _todos())
        await session.execute(insert(CalendarEvent), _events())
    scheduler = Scheduler(
        sessionmaker=sessionmaker,
        clock=FrozenClock(PARIS, NOW),
        defaults=Schedule(digest_time=time(7, 30), med_reminder_times=(time(9),)),
        database_url=url,
        telegram=Silent(),
        timing=Timing(),
    )
    await scheduler.tick()  # warm: the first one drops the day's missed reminders
    tick = await timed(scheduler.tick, ROUNDS)
    scheduler._aps = _NoTimers()  # type: ignore[assignment]
    arm = await timed(scheduler._arm_next_ring, ROUNDS)
    await engine.dispose()
    print(f"tick(), nothing due:          {tick * 1000:7.1f} ms (median of {ROUNDS})")
    print(f"timer for the next reminder: {arm * 1000:7.1f} ms (median of {ROUNDS})")


class _NoTimers:
    """Where `_arm_next_ring` puts its timer; the bench only wants the computation."""

    def add_job(self, *args: object, **kwargs: object) -> None:
        pass

    def get_job(self, job_id: str) -> None:  # noqa: ARG002
        return None


if __name__ == "__main__":
    main()
