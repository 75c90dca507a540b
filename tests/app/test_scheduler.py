"""Digest and reminders: at the owner's hour, in the owner's time zone, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta
from typing import Any

import asyncpg
import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.scheduler import Scheduler, Timing
from app.telegram import TelegramMessages
from bot.dispatcher import create_dispatcher
from bot.keyboards import MedsCb
from store import health
from store.clock import FrozenClock
from store.db import to_libpq_url
from store.owner import Schedule
from tests.conftest import PARIS, until
from tests.fakes.telegram import OWNER_ID, FakeTelegram, callback_update, message_update

DEFAULTS = Schedule(digest_time=time(7, 30), med_reminder_times=(time(9), time(13), time(20)))


SchedulerFactory = Callable[..., Scheduler]


@pytest.fixture
async def make_scheduler(
    bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], pg_url: str
) -> AsyncIterator[SchedulerFactory]:
    made: list[Scheduler] = []

    def make(clock: FrozenClock, **extra: Any) -> Scheduler:
        scheduler = Scheduler(
            sessionmaker=sessionmaker,
            clock=clock,
            defaults=DEFAULTS,
            database_url=pg_url,
            telegram=TelegramMessages(
                bot=bot, sessionmaker=sessionmaker, clock=clock, chat_id=OWNER_ID
            ),
            timing=Timing(poll_interval=0.05),
            **extra,
        )
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.stop()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def digests(tg: FakeTelegram) -> list[dict[str, Any]]:
    return [c for c in tg.calls_to("sendMessage") if "Bonjour" in c["text"]]


def reminders(tg: FakeTelegram) -> list[dict[str, Any]]:
    return [c for c in tg.calls_to("sendMessage") if "Pense à tes médicaments" in c["text"]]


@pytest.mark.parametrize(
    ("eve", "expected_utc_hour", "heading"),
    [
        (at(2026, 3, 28, 12, 0), 5, "Dimanche 29 mars 2026"),  # clocks go forward that night
        (at(2026, 10, 24, 12, 0), 6, "Dimanche 25 octobre 2026"),  # and back
    ],
)
async def test_the_digest_fires_at_0730_paris_on_dst_days(
    make_scheduler: SchedulerFactory,
    tg: FakeTelegram,
    eve: datetime,
    expected_utc_hour: int,
    heading: str,
) -> None:
    clock = FrozenClock(PARIS, eve)
    scheduler = make_scheduler(clock)
    await scheduler.start()
    await until(lambda: scheduler.is_leader)
    assert scheduler._aps is not None
    trigger = scheduler._aps.get_job("digest").trigger
    fire = trigger.get_next_fire_time(None, eve)
    assert (fire.hour, fire.minute, fire.utcoffset()) == (7, 30, fire.utcoffset())
    assert fire.astimezone(PARIS).hour == 7 and fire.utcoffset() is not None
    assert (fire - fire.utcoffset()).hour == expected_utc_hour
    clock.set(fire)
    assert await scheduler.tick() == ["digest"]
    assert heading in digests(tg)[0]["text"]


async def test_reminders_stop_after_taken(
    make_scheduler: SchedulerFactory,
    tg: FakeTelegram,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 9, 0))
    scheduler = make_scheduler(clock)
    assert "reminder 09:00" in await scheduler.tick()
    sent = reminders(tg)[0]
    taken = sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert MedsCb.unpack(taken).op == "taken"
    dp = _dispatcher(sessionmaker, clock, scheduler)
    await dp.feed_raw_update(bot, callback_update(1, message_id=_last_id(tg), data=taken))
    clock.set(at(2026, 11, 25, 13, 0))
    assert await scheduler.tick() == []
    assert len(reminders(tg)) == 1


async def test_a_snooze_gives_exactly_one_more_and_skip_ends_the_day(
    make_scheduler: SchedulerFactory,
    tg: FakeTelegram,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 9, 0))
    scheduler = make_scheduler(clock)
    await scheduler.tick()
    dp = _dispatcher(sessionmaker, clock, scheduler)
    snooze = MedsCb(op="snooze", day="2026-11-25").pack()
    await dp.feed_raw_update(bot, callback_update(1, message_id=_last_id(tg), data=snooze))
    clock.advance(timedelta(minutes=29))
    assert await scheduler.tick() == []
    clock.advance(timedelta(minutes=1))
    assert await scheduler.tick() == ["snooze 09:30"]
    clock.advance(timedelta(minutes=5))
    assert await scheduler.tick() == []
    assert len(reminders(tg)) == 2

    skip = MedsCb(op="skip", day="2026-11-25").pack()
    await dp.feed_raw_update(bot, callback_update(2, message_id=_last_id(tg), data=skip))
    clock.set(at(2026, 11, 25, 13, 0))
    assert await scheduler.tick() == []
    clock.set(at(2026, 11, 25, 20, 0))
    assert await scheduler.tick() == []
    assert len(reminders(tg)) == 2
    async with sessionmaker() as s:
        row = await health.get_checkin(session=s, day=clock.today())
    assert row is not None and row.skipped and not row.meds_taken


@pytest.mark.parametrize(("restart_at", "expected"), [((9, 0), 1), ((11, 0), 0)])
async def test_a_late_start_catches_up_the_digest_within_three_hours(
    make_scheduler: SchedulerFactory,
    tg: FakeTelegram,
    restart_at: tuple[int, int],
    expected: int,
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, *restart_at))
    for _ in range(2):  # restarting twice still sends once
        scheduler = make_scheduler(clock)
        await scheduler.start()
        await until(lambda s=scheduler: s.is_leader)  # type: ignore[misc]
        await scheduler.stop()
    assert len(digests(tg)) == expected


async def test_two_schedulers_send_once_and_the_survivor_takes_over(
    make_scheduler: SchedulerFactory, tg: FakeTelegram, pg_url: str
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 9, 0))
    first, second = make_scheduler(clock), make_scheduler(clock)
    await first.start()
    await until(lambda: first.is_leader)
    await second.start()
    await asyncio.sleep(0.2)
    assert not second.is_leader
    # Even both ticking at once (a misconfigured replica) sends each message once.
    await asyncio.gather(first.tick(), second.tick())
    assert (len(digests(tg)), len(reminders(tg))) == (1, 1)

    # The leader's process dies: its loop stops and its database connection goes with it.
    assert first._task is not None and first.lock.conn is not None
    first._task.cancel()
    pid = first.lock.conn.get_server_pid()
    admin = await asyncpg.connect(to_libpq_url(pg_url))
    await admin.execute("select pg_terminate_backend($1)", pid)
    await admin.close()
    await until(lambda: second.is_leader)
    assert (len(digests(tg)), len(reminders(tg))) == (1, 1)


async def test_a_leader_that_loses_its_connection_steps_down(
    make_scheduler: SchedulerFactory, pg_url: str
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 6, 0))
    scheduler = make_scheduler(clock)
    await scheduler.start()
    await until(lambda: scheduler.is_leader)
    assert scheduler.lock.conn is not None
    pid = scheduler.lock.conn.get_server_pid()
    admin = await asyncpg.connect(to_libpq_url(pg_url))
    await admin.execute("select pg_terminate_backend($1)", pid)
    await admin.close()
    await until(lambda: scheduler.lock.conn is None or scheduler.lock.conn.get_server_pid() != pid)
    await until(lambda: scheduler.is_leader)  # alone, it takes the lock back


async def test_changing_the_digest_time_moves_the_next_run(
    make_scheduler: SchedulerFactory,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 6, 0))
    scheduler = make_scheduler(clock)
    await scheduler.start()
    await until(lambda: scheduler.is_leader)
    before = scheduler.next_run_time("digest")
    assert before is not None and (before.hour, before.minute) == (7, 30)
    dp = _dispatcher(sessionmaker, clock, scheduler)
    await dp.feed_raw_update(bot, message_update(1, text="/settings resume 06:45"))
    after = scheduler.next_run_time("digest")
    assert after is not None and (after.hour, after.minute, after.tzinfo) == (6, 45, PARIS)
    assert scheduler.next_run_time("meds-13:00") is not None


def _last_id(tg: FakeTelegram) -> int:
    return max(message_id for _, message_id in tg.messages)


def _dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, scheduler: Scheduler
) -> Any:
    return create_dispatcher(
        owner_id=OWNER_ID,
        sessionmaker=sessionmaker,
        clock=clock,
        tz=PARIS,
        agent=None,
        schedule_defaults=DEFAULTS,
        on_schedule_change=scheduler.reschedule,
        on_snooze=scheduler.snoozed,
    )
