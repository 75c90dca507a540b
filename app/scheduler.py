"""When to send: APScheduler wakes us at the owner's times; what to send is decided by `tick()`.

`tick()` looks at the clock and the database and sends what is due and not yet claimed:
today's digest if it is less than 3 hours late, the latest reminder slot that is due, a
snooze that has come. Every send is claimed in `sent_log`, so a second replica, a restart or
an early wake-up never sends twice. Only the holder of a PostgreSQL advisory lock runs the
timers; when it dies its connection closes, the lock is released and another replica takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digest import send_digest
from bot.reminders import SNOOZE_KIND, send_med_reminder
from core.vocabulary import hhmm
from store import health, owner
from store.clock import Clock
from store.db import to_libpq_url

log = logging.getLogger(__name__)

# Any constant works as long as every replica uses the same one: "ordinarthur-os scheduler".
LEADER_LOCK_KEY = 0x6F7264_5343
CATCH_UP = timedelta(hours=3)


def _at(day: date, moment: time, clock: Clock) -> datetime:
    return datetime.combine(day, moment, tzinfo=clock.tz)


def latest_due(slots: tuple[time, ...], now: datetime, clock: Clock) -> time | None:
    """The last slot of today that has come and is less than CATCH_UP old."""
    due = [
        t for t in slots if _at(now.date(), t, clock) <= now < _at(now.date(), t, clock) + CATCH_UP
    ]
    return max(due, default=None)


class Scheduler:
    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        chat_id: int,
        defaults: owner.Schedule,
        database_url: str,
        poll_interval: float = 5.0,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.chat_id = chat_id
        self.defaults = defaults
        self.dsn = to_libpq_url(database_url)
        self.poll_interval = poll_interval
        self._aps: AsyncIOScheduler | None = None
        self._lock_conn: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._leading = False
        self._every: dict[str, tuple[timedelta, Callable[[], Coroutine[Any, Any, None]]]] = {}

    # ------------------------------------------------------------------ what is due

    async def tick(self) -> list[str]:
        """Send whatever is due now and not yet claimed; returns what was sent."""
        now = self.clock.now()
        today = now.date()
        async with self.sessionmaker() as session:
            schedule = await owner.get_schedule(session=session, defaults=self.defaults)
            checkin = await health.get_checkin(session=session, day=today)
        sent: list[str] = []
        digest_due = latest_due((schedule.digest_time,), now, self.clock) is not None
        if digest_due and await self._digest(today):
            sent.append("digest")
        slot = latest_due(schedule.med_reminder_times, now, self.clock)
        if slot is not None and await self._reminder(today, hhmm(slot)):
            sent.append(f"reminder {hhmm(slot)}")
        snoozed = checkin.snoozed_until if checkin else None
        if snoozed is not None and snoozed <= now < snoozed + CATCH_UP:
            local = snoozed.astimezone(self.clock.tz)
            if await self._reminder(today, hhmm(local), kind=SNOOZE_KIND):
                sent.append(f"snooze {hhmm(local)}")
        return sent

    async def _digest(self, day: date) -> bool:
        return await send_digest(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            day=day,
        )

    async def _reminder(self, day: date, slot: str, kind: str = "meds_reminder") -> bool:
        return await send_med_reminder(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            chat_id=self.chat_id,
            day=day,
            slot=slot,
            kind=kind,
        )

    async def _safe_tick(self) -> None:
        try:
            sent = await self.tick()
        except Exception:
            log.exception("scheduler tick failed")
            return
        if sent:
            log.info("scheduler sent: %s", ", ".join(sent))

    # ------------------------------------------------------------------ timers

    async def reschedule(self) -> None:
        """Rebuild the timers from the owner's settings (after /settings or PUT /settings)."""
        if self._aps is None:
            return
        async with self.sessionmaker() as session:
            schedule = await owner.get_schedule(session=session, defaults=self.defaults)
            checkin = await health.get_checkin(session=session, day=self.clock.today())
        self._aps.remove_all_jobs()
        for job_id in self._every:
            self._interval(job_id)
        self._cron("digest", schedule.digest_time)
        for moment in schedule.med_reminder_times:
            self._cron(f"meds-{hhmm(moment)}", moment)
        if checkin is not None and checkin.snoozed_until is not None:
            await self.snoozed(checkin.snoozed_until)

    def _cron(self, job_id: str, moment: time) -> None:
        assert self._aps is not None
        trigger = CronTrigger(hour=moment.hour, minute=moment.minute, timezone=self.clock.tz)
        self._aps.add_job(self._safe_tick, trigger, id=job_id, **_JOB_OPTIONS)

    async def snoozed(self, until: datetime) -> None:
        """Wake up once more at `until` (the snooze itself is stored on the check-in)."""
        if self._aps is None or until < self.clock.now() - CATCH_UP:
            return
        trigger = DateTrigger(run_date=max(until, self.clock.now()), timezone=self.clock.tz)
        self._aps.add_job(self._safe_tick, trigger, id="snooze", **_JOB_OPTIONS)

    def every(
        self, job_id: str, interval: timedelta, job: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        """Run `job` every `interval` while this replica leads (e.g. the Google sync); the job
        logs its own failures."""
        self._every[job_id] = (interval, job)
        if self._aps is not None:
            self._interval(job_id)

    def _interval(self, job_id: str) -> None:
        assert self._aps is not None
        interval, job = self._every[job_id]
        trigger = IntervalTrigger(seconds=interval.total_seconds(), timezone=self.clock.tz)
        self._aps.add_job(job, trigger, id=job_id, **_JOB_OPTIONS)

    def next_run_time(self, job_id: str) -> datetime | None:
        job = self._aps.get_job(job_id) if self._aps is not None else None
        return job.next_run_time if job is not None else None

    # ------------------------------------------------------------------ leadership

    @property
    def is_leader(self) -> bool:
        """Holds the lock, with its timers set and the catch-up done."""
        return self._leading

    async def start(self) -> None:
        self._task = asyncio.create_task(self._lead(), name="scheduler-leader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down()

    async def _lead(self) -> None:
        while True:
            try:
                if self._lock_conn is None:
                    await self._try_lead()
                elif not await self._still_connected():
                    log.warning("scheduler lost its database connection; stepping down")
                    await self._step_down()
            except Exception:  # the loop must outlive any one failure, or nobody leads
                log.exception("scheduler leadership check failed")
                await self._step_down()
            await asyncio.sleep(self.poll_interval)

    async def _try_lead(self) -> None:
        try:
            conn = await asyncpg.connect(self.dsn)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("scheduler cannot reach the database: %s", exc)
            return
        if not await conn.fetchval("select pg_try_advisory_lock($1)", LEADER_LOCK_KEY):
            await conn.close()
            return
        self._lock_conn = conn
        self._aps = AsyncIOScheduler(timezone=self.clock.tz)
        self._aps.start()
        await self.reschedule()
        log.info("scheduler is the leader; catching up")
        await self._safe_tick()
        self._leading = True

    async def _still_connected(self) -> bool:
        assert self._lock_conn is not None
        try:
            await self._lock_conn.fetchval("select 1")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True

    async def _step_down(self) -> None:
        self._leading = False
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self._lock_conn is not None:
            with contextlib.suppress(Exception):
                await self._lock_conn.close()
            self._lock_conn = None


# Timers only wake tick(); a late wake-up is still useful and two at once are harmless.
_JOB_OPTIONS: dict[str, Any] = {
    "replace_existing": True,
    "coalesce": True,
    "misfire_grace_time": int(CATCH_UP.total_seconds()),
    "max_instances": 1,
}
