"""A scheduled send that failed is tried again on later ticks within its window (3 h for the
digest, until the next slot for a medication reminder), and still never sent twice."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.owner import Schedule
from store.tables import SentLog
from tests.app.conftest import SchedulerFactory, at, delivered
from tests.conftest import PARIS
from tests.fakes.telegram import FakeTelegram

DIGEST_ONLY = Schedule(digest_time=time(7, 30), med_reminder_times=())
MEDS_ONLY = Schedule(digest_time=time(23, 0), med_reminder_times=(time(9), time(13)))
# The transport tries each send this many times before the send counts as failed.
TRANSPORT_ATTEMPTS = 4


def digests(tg: FakeTelegram) -> list[str]:
    return delivered(tg, "Bonjour")


async def _claims(sessionmaker: async_sessionmaker[AsyncSession]) -> list[SentLog]:
    async with sessionmaker() as s:
        return list((await s.execute(select(SentLog).order_by(SentLog.id))).scalars())


@pytest.mark.parametrize(
    ("status", "description"),
    [(500, "Internal Server Error"), (502, "Bad Gateway"), (None, "network")],
)
async def test_a_digest_telegram_failed_at_0730_goes_out_at_the_next_tick_once(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    status: int | None,
    description: str,
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 7, 30))
    scheduler = schedulers(clock, DIGEST_ONLY)
    tg.fail_next(
        "sendMessage",
        error_code=status or 500,
        description=description,
        disconnect=status is None,
        times=TRANSPORT_ATTEMPTS,
    )
    assert await scheduler.tick() == []
    assert digests(tg) == []
    clock.advance(timedelta(minutes=1))
    assert await scheduler.tick() == ["digest"]
    clock.advance(timedelta(minutes=1))
    assert await scheduler.tick() == []
    assert len(digests(tg)) == 1
    [claim] = await _claims(scheduler.sessionmaker)
    assert (claim.attempts, claim.error, claim.sent_at) == (
        2,
        None,
        clock.now() - timedelta(minutes=1),
    )


async def test_a_429_is_tried_again_only_once_its_retry_after_has_passed(
    schedulers: SchedulerFactory, tg: FakeTelegram
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 7, 30))
    scheduler = schedulers(clock, DIGEST_ONLY)
    # Longer than the transport waits by itself: the send fails, Telegram said when to retry.
    tg.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=150)
    assert await scheduler.tick() == []
    for moment in (at(2026, 11, 25, 7, 31), at(2026, 11, 25, 7, 32, 29)):
        clock.set(moment)
        assert await scheduler.tick() == []
    clock.set(at(2026, 11, 25, 7, 32, 30))
    assert await scheduler.tick() == ["digest"]
    assert len(tg.calls_to("sendMessage")) == 2 and len(digests(tg)) == 1


async def test_a_digest_still_failing_after_three_hours_is_not_sent_late(
    schedulers: SchedulerFactory, tg: FakeTelegram
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 7, 30))
    scheduler = schedulers(clock, DIGEST_ONLY)
    tries = [(7, 30), (8, 30), (9, 30), (10, 29)]
    tg.fail_next("sendMessage", disconnect=True, times=TRANSPORT_ATTEMPTS * len(tries))
    for hour, minute in tries:
        clock.set(at(2026, 11, 25, hour, minute))
        assert await scheduler.tick() == []
    clock.set(at(2026, 11, 25, 10, 31))  # Telegram is back, the window has closed
    assert await scheduler.tick() == []
    assert digests(tg) == []
    [claim] = await _claims(scheduler.sessionmaker)
    assert claim.attempts == len(tries) and claim.sent_at is None and claim.error


@pytest.mark.parametrize(("back_at", "expected"), [((12, 59), 2), ((13, 0), 1)])
async def test_a_med_reminder_lost_to_the_network_is_tried_until_the_next_slot(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    back_at: tuple[int, int],
    expected: int,
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 9, 0))
    scheduler = schedulers(clock, MEDS_ONLY)
    tries = [(9, 0), (10, 0), (11, 0), (12, 0)]
    tg.fail_next("sendMessage", disconnect=True, times=TRANSPORT_ATTEMPTS * len(tries))
    for hour, minute in tries:
        clock.set(at(2026, 11, 25, hour, minute))
        assert await scheduler.tick() == []
    clock.set(at(2026, 11, 25, *back_at))
    await scheduler.tick()
    clock.set(at(2026, 11, 25, 13, 0))
    await scheduler.tick()
    # 12:59: the 09:00 one, nearly four hours late, then the 13:00 one; 13:00: only that one.
    assert len(delivered(tg, "médicaments")) == expected
    slots = [c.slot for c in await _claims(scheduler.sessionmaker) if c.sent_at is not None]
    assert slots == ["2026-11-25T09:00", "2026-11-25T13:00"][2 - expected :]


async def test_after_a_failure_two_replicas_still_send_once(
    schedulers: SchedulerFactory, tg: FakeTelegram
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 7, 30))
    first, second = schedulers(clock, DIGEST_ONLY), schedulers(clock, DIGEST_ONLY)
    tg.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=4)
    await asyncio.gather(first.tick(), second.tick())
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await asyncio.gather(first.tick(), second.tick(), first.tick())
    assert len(digests(tg)) == 1


async def test_a_chat_that_refuses_the_bot_is_given_up_not_retried(
    schedulers: SchedulerFactory, tg: FakeTelegram
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 7, 30))
    scheduler = schedulers(clock, DIGEST_ONLY)
    tg.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    assert await scheduler.tick() == []
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        assert await scheduler.tick() == []
    assert len(tg.calls_to("sendMessage")) == 1
    [claim] = await _claims(scheduler.sessionmaker)
    assert claim.given_up_at == at(2026, 11, 25, 7, 30) and claim.attempts == 1
