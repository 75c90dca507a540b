"""When to run: APScheduler wakes us at the owner's times; what to send is decided by `tick()`.

The scheduler starts with the service, whatever is configured. Each job says what it needs
(`JOBS`): the digest, the reminders and the weekly review need the Telegram bot, the periodic
sync needs the Google link, the daily pruning of old records needs nothing. A job whose need is
missing is skipped, with one log line at start.

`tick()` looks at the clock and the database and sends what is due and not yet sent: today's
digest and this week's review if less than 3 hours late, the medication reminder of the latest
slot that has come (until the next one), a snooze that has come, and every todo and event
reminder less than 15 minutes late; older ones are dropped with a log line. Every send is
claimed in `sent_log`, so a second replica, a restart or an early wake-up never sends twice,
and a send that failed is claimed again by a later tick while its window lasts. Timers wake it
at the owner's times, at the next reminder, and every minute besides (a failed send's retry,
a reminder written since). Only the holder of a PostgreSQL advisory lock runs the timers; when
it dies its connection closes, the lock is released and another replica takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol

import asyncpg
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from core.vocabulary import WEEKDAY_CODES, WeeklyTime, hhmm
from integrations.google import GoogleAgenda
from store import health, mutations, owner, reminders, sendlog, telegram_updates
from store.clock import Clock
from store.leader import LeaderLock
from store.reminders import Ring
from web.appkeys import CLOCK, GOOGLE, SCHEDULER_STATE, SCHEDULING, SESSIONMAKER, SchedulerState

log = logging.getLogger(__name__)

# The digest, the weekly review and a snooze are still worth sending this late.
CATCH_UP = timedelta(hours=3)
# A todo or event reminder is worth sending this late, no later (the moment has passed).
REMINDER_CATCH_UP = timedelta(minutes=15)
# Reminders missed by more than REMINDER_CATCH_UP are dropped with a log line if they are at
# most this old (older ones: the service was down a long time, and says so when it starts).
DROP_LOOKBACK = timedelta(days=1)
# How far ahead the timer for the next reminder looks (the minute tick covers the rest).
RING_LOOKAHEAD = timedelta(days=1)

# How long the exactly-once records are kept before the daily pruning (the README says it).
UPDATES_KEPT = timedelta(days=7)  # Telegram redelivers an update for a day at most
SENDS_KEPT = timedelta(days=30)  # far past the window of any send they guarded
MUTATIONS_KEPT = timedelta(days=90)  # far longer than a phone stays offline with its queue
PRUNE_AT = time(4, 0)  # after the nightly backup (03:00)


def _at(day: date, moment: time, clock: Clock) -> datetime:
    return datetime.combine(day, moment, tzinfo=clock.tz)


def latest_due(slots: tuple[time, ...], now: datetime, clock: Clock) -> time | None:
    """The last slot of today that has come and is less than CATCH_UP old."""
    due = [
        t for t in slots if _at(now.date(), t, clock) <= now < _at(now.date(), t, clock) + CATCH_UP
    ]
    return max(due, default=None)


def latest_passed(slots: tuple[time, ...], now: datetime, clock: Clock) -> time | None:
    """The last slot of today that has come: a medication reminder is due until the next one
    (or the end of the day), so a failed one is tried again until then."""
    return max((t for t in slots if _at(now.date(), t, clock) <= now), default=None)


def review_due(weekly: WeeklyTime, now: datetime, clock: Clock) -> date | None:
    """The day of the weekly review that has come and is less than CATCH_UP old, if any."""
    monday = now.date() - timedelta(days=now.weekday())
    for week in (monday, monday - timedelta(days=7)):
        moment = _at(week + timedelta(days=weekly.weekday), weekly.at, clock)
        if moment <= now < moment + CATCH_UP:
            return moment.date()
    return None


class OwnerMessages(Protocol):
    """What the Telegram jobs send (app/telegram.py, when the bot runs); True when this call
    sent it, False when it was claimed already, is not needed or failed (a later tick tries
    a failed one again)."""

    async def digest(self, day: date) -> bool: ...

    async def med_reminder(self, day: date, slot: str, *, snoozed: bool) -> bool: ...

    async def reminder(self, ring: Ring, *, default_minutes: int) -> bool: ...

    async def weekly_review(self, day: date) -> bool: ...

    async def notice(self, kind: str, slot: str, text: str) -> bool:
        """Tell the owner something (plain text) once: claimed as (kind, slot)."""
        ...


Need = Literal["telegram", "google"]

# Every timed job and what it needs (None: nothing, it always runs).
JOBS: dict[str, Need | None] = {
    "morning digest": "telegram",
    "medication reminders": "telegram",
    "todo and event reminders": "telegram",
    "weekly review": "telegram",
    "Google Calendar sync": "google",
    "pruning of old update, send and offline-mutation records": None,
}
_MISSING: dict[Need, str] = {
    "telegram": "no Telegram bot (TELEGRAM_BOT_TOKEN is not set)",
    "google": "Google Calendar is not configured (GOOGLE_OAUTH_CLIENT_ID, …_SECRET, …_URI)",
}


@dataclass(frozen=True)
class Timing:
    """How often the scheduler looks for the lead, and syncs Google (tests use short ones)."""

    poll_interval: float = 5.0  # seconds between two tries for the lock, or checks of it
    google_sync_every: timedelta = timedelta(minutes=15)


class Scheduler:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        defaults: owner.Schedule,
        database_url: str,
        telegram: OwnerMessages | None = None,
        google: GoogleAgenda | None = None,
        timing: Timing = Timing(),
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.defaults = defaults
        self.lock = LeaderLock(database_url)
        self.telegram = telegram
        self.google = google
        self.timing = timing
        self._aps: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self._leading = False
        # A timer and the minute tick may wake it at once: one tick at a time in a process.
        self._ticking = asyncio.Lock()

    def has(self, need: Need | None) -> bool:
        if need is None:
            return True
        return (self.telegram if need == "telegram" else self.google) is not None

    def skipped(self) -> list[str]:
        """One line per job that cannot run here, and why."""
        return [
            f"scheduler: {job} skipped, {_MISSING[need]}"
            for job, need in JOBS.items()
            if need is not None and not self.has(need)
        ]

    # ------------------------------------------------------------------ what is due

    async def tick(self) -> list[str]:
        """Send whatever is due now and not yet sent; returns what was sent."""
        if self.telegram is None:
            return []
        async with self._ticking:
            return await self._tick(self.telegram)

    async def _tick(self, telegram: OwnerMessages) -> list[str]:
        now = self.clock.now()
        today = now.date()
        async with self.sessionmaker() as session:
            schedule = await owner.get_schedule(session=session, defaults=self.defaults)
            checkin = await health.get_checkin(session=session, day=today)
            rings = await reminders.ringing(
                session=session,
                start=now - REMINDER_CATCH_UP,
                end=now,
                default_minutes=schedule.event_reminder_minutes,
                tz=self.clock.tz,
            )
        sent: list[str] = []
        digest_due = latest_due((schedule.digest_time,), now, self.clock) is not None
        if digest_due and await telegram.digest(today):
            sent.append("digest")
        slot = latest_passed(schedule.med_reminder_times, now, self.clock)
        if slot is not None and await telegram.med_reminder(today, hhmm(slot), snoozed=False):
            sent.append(f"reminder {hhmm(slot)}")
        snoozed = checkin.snoozed_until if checkin else None
        if snoozed is not None and snoozed <= now < snoozed + CATCH_UP:
            local = snoozed.astimezone(self.clock.tz)
            if await telegram.med_reminder(today, hhmm(local), snoozed=True):
                sent.append(f"snooze {hhmm(local)}")
        review_day = review_due(schedule.weekly_review, now, self.clock)
        if review_day is not None and await telegram.weekly_review(review_day):
            sent.append("weekly review")
        minutes = schedule.event_reminder_minutes
        for ring in rings:
            if await telegram.reminder(ring, default_minutes=minutes):
                sent.append(f"{ring.kind} {ring.slot}")
        await self._drop_missed(now, minutes)
        return sent

    async def _drop_missed(self, now: datetime, default_minutes: int) -> None:
        """Reminders past their window and never sent: closed in the send log, with one log
        line each (once, whichever replica or restart sees them first)."""
        async with self.sessionmaker.begin() as session:
            missed = await reminders.ringing(
                session=session,
                start=now - DROP_LOOKBACK,
                end=now - REMINDER_CATCH_UP,
                default_minutes=default_minutes,
                tz=self.clock.tz,
            )
            for kind in (reminders.TODO_REMINDER, reminders.EVENT_REMINDER):
                slots = {r.slot: r for r in missed if r.kind == kind}
                done = await sendlog.settled(session=session, kind=kind, slots=slots)
                for slot, ring in slots.items():
                    if slot not in done:
                        await self._drop(session, ring, now)

    async def _drop(self, session: AsyncSession, ring: Ring, now: datetime) -> None:
        late = int((now - ring.at).total_seconds() // 60)
        reason = f"dropped: {late} min late, more than {REMINDER_CATCH_UP} after it was due"
        attempts = await sendlog.drop(
            session=session, kind=ring.kind, slot=ring.slot, reason=reason, now=now
        )
        if attempts is not None:
            tries = f" after {attempts} failed attempt(s)" if attempts else ""
            log.warning("%s %s dropped%s: %d min late", ring.kind, ring.slot, tries, late)

    async def _safe_tick(self) -> None:
        try:
            sent = await self.tick()
        except Exception:
            log.exception("scheduler tick failed")
            sent = []
        if sent:
            log.info("scheduler sent: %s", ", ".join(sent))
        try:
            await self._arm_next_ring()
        except Exception:
            log.exception("scheduler could not set the next reminder's timer")

    async def _arm_next_ring(self) -> None:
        """A timer at the next todo or event reminder, so that it rings on its second."""
        if self._aps is None or self.telegram is None:
            return
        now = self.clock.now()
        async with self.sessionmaker() as session:
            schedule = await owner.get_schedule(session=session, defaults=self.defaults)
            at = await reminders.next_ring(
                session=session,
                after=now,
                within=RING_LOOKAHEAD,
                default_minutes=schedule.event_reminder_minutes,
                tz=self.clock.tz,
            )
        if at is None:
            if self._aps.get_job("next-reminder") is not None:
                self._aps.remove_job("next-reminder")
            return
        trigger = DateTrigger(run_date=at, timezone=self.clock.tz)
        self._aps.add_job(self._safe_tick, trigger, id="next-reminder", **_JOB_OPTIONS)

    async def prune(self) -> dict[str, int]:
        """Delete the records older than their retention; how many of each. The cut-offs come
        from the clock that stamped them."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            pruned = {
                "telegram updates": await telegram_updates.prune(
                    session=session, before=now - UPDATES_KEPT
                ),
                "sends": await sendlog.prune(session=session, before=now - SENDS_KEPT),
                "offline mutations": await mutations.prune(
                    session=session, before=now - MUTATIONS_KEPT
                ),
            }
        if any(pruned.values()):
            log.info("pruned %s", ", ".join(f"{n} {what}" for what, n in pruned.items() if n))
        return pruned

    async def _safe_prune(self) -> None:
        try:
            await self.prune()
        except Exception:
            log.exception("pruning failed")

    # ------------------------------------------------------------------ timers

    async def reschedule(self) -> None:
        """Rebuild the timers from the owner's settings (after /settings or PUT /settings)."""
        if self._aps is None:
            return
        if self.telegram is None:
            self._aps.remove_all_jobs()
        else:
            async with self.sessionmaker() as session:
                schedule = await owner.get_schedule(session=session, defaults=self.defaults)
                checkin = await health.get_checkin(session=session, day=self.clock.today())
            self._aps.remove_all_jobs()
            self._cron("digest", schedule.digest_time)
            for moment in schedule.med_reminder_times:
                self._cron(f"meds-{hhmm(moment)}", moment)
            review = schedule.weekly_review
            self._cron("weekly-review", review.at, day_of_week=WEEKDAY_CODES[review.weekday])
            # Every minute, on the minute: retries, and reminders written since the last timer.
            every_minute = CronTrigger(second=0, timezone=self.clock.tz)
            self._aps.add_job(self._safe_tick, every_minute, id="minute", **_JOB_OPTIONS)
            if checkin is not None and checkin.snoozed_until is not None:
                await self.snoozed(checkin.snoozed_until)
            await self._arm_next_ring()
        if self.google is not None:
            seconds = self.timing.google_sync_every.total_seconds()
            trigger = IntervalTrigger(seconds=seconds, timezone=self.clock.tz)
            job = self.google.sync_if_connected  # logs its own failures
            self._aps.add_job(job, trigger, id="google-sync", **_JOB_OPTIONS)
        prune_at = CronTrigger(hour=PRUNE_AT.hour, minute=PRUNE_AT.minute, timezone=self.clock.tz)
        self._aps.add_job(self._safe_prune, prune_at, id="prune", **_JOB_OPTIONS)

    def _cron(self, job_id: str, moment: time, day_of_week: str | None = None) -> None:
        assert self._aps is not None
        trigger = CronTrigger(
            day_of_week=day_of_week.lower() if day_of_week else None,
            hour=moment.hour,
            minute=moment.minute,
            timezone=self.clock.tz,
        )
        self._aps.add_job(self._safe_tick, trigger, id=job_id, **_JOB_OPTIONS)

    async def snoozed(self, until: datetime) -> None:
        """Wake up once more at `until` (the snooze itself is stored on the check-in)."""
        if self._aps is None or self.telegram is None or until < self.clock.now() - CATCH_UP:
            return
        trigger = DateTrigger(run_date=max(until, self.clock.now()), timezone=self.clock.tz)
        self._aps.add_job(self._safe_tick, trigger, id="snooze", **_JOB_OPTIONS)

    def next_runs(self) -> dict[str, datetime]:
        """When each timer fires next, by job id (none unless this replica leads)."""
        jobs = self._aps.get_jobs() if self._aps is not None else []
        return {job.id: job.next_run_time for job in jobs if job.next_run_time is not None}

    def state(self) -> SchedulerState:
        return SchedulerState(leader=self.is_leader, next_runs=self.next_runs())

    def next_run_time(self, job_id: str) -> datetime | None:
        job = self._aps.get_job(job_id) if self._aps is not None else None
        return job.next_run_time if job is not None else None

    # ------------------------------------------------------------------ leadership

    @property
    def is_leader(self) -> bool:
        """Holds the lock, with its timers set and the catch-up done."""
        return self._leading

    async def start(self) -> None:
        for line in self.skipped():
            log.info(line)
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
                if not self.lock.held:
                    await self._try_lead()
                elif not await self._still_connected():
                    log.warning("scheduler lost its database connection; stepping down")
                    await self._step_down()
            except Exception:  # the loop must outlive any one failure, or nobody leads
                log.exception("scheduler leadership check failed")
                await self._step_down()
            await asyncio.sleep(self.timing.poll_interval)

    async def _try_lead(self) -> None:
        try:
            acquired = await self.lock.try_acquire()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("scheduler cannot reach the database: %s", exc)
            return
        if not acquired:
            return
        self._aps = AsyncIOScheduler(timezone=self.clock.tz)
        self._aps.start()
        await self.reschedule()
        log.info("scheduler is the leader; catching up")
        await self._safe_tick()
        await self._safe_prune()
        self._leading = True

    async def _still_connected(self) -> bool:
        return await self.lock.still_held()

    async def _step_down(self) -> None:
        self._leading = False
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        await self.lock.release()


# Timers only wake tick(); a late wake-up is still useful and two at once are harmless.
_JOB_OPTIONS: dict[str, Any] = {
    "replace_existing": True,
    "coalesce": True,
    "misfire_grace_time": int(CATCH_UP.total_seconds()),
    "max_instances": 1,
}


# ---------------------------------------------------------------------- wiring

SCHEDULER = web.AppKey("scheduler", Scheduler)
# Set before start to change the scheduler's timing (tests use short ones).
SCHEDULER_TIMING = web.AppKey("scheduler_timing", Timing)
# Set by the Telegram wiring when the bot runs: what the digest and reminder jobs send with.
OWNER_MESSAGES: web.AppKey[OwnerMessages] = web.AppKey("owner_messages")


async def scheduler_ctx(
    app: web.Application, settings: Settings, database_url: str
) -> AsyncIterator[None]:
    """The scheduler for the life of the application, with the bot and the Google link when
    they are there; started after them, stopped before them."""
    scheduler = Scheduler(
        sessionmaker=app[SESSIONMAKER],
        clock=app[CLOCK],
        defaults=settings.schedule_defaults,
        database_url=database_url,
        telegram=app.get(OWNER_MESSAGES),
        google=app.get(GOOGLE),
        timing=app.get(SCHEDULER_TIMING) or Timing(),
    )
    app[SCHEDULER] = scheduler
    app[SCHEDULER_STATE] = scheduler.state
    app[SCHEDULING].changed = scheduler.reschedule
    await scheduler.start()
    try:
        yield
    finally:
        await scheduler.stop()
