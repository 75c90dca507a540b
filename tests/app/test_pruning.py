"""The exactly-once records (Telegram update ids, send claims, offline mutation ids) are pruned
after their retention, daily, by the scheduler's leader, whatever is configured."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.scheduler import (
    MUTATIONS_KEPT,
    SENDS_KEPT,
    UPDATES_KEPT,
    Scheduler,
    Timing,
)
from store import mutations, telegram_updates
from store.clock import FrozenClock
from store.owner import Schedule
from store.tables import ClientMutation, SentLog, TelegramUpdate
from tests.conftest import PARIS, until

Sessionmaker = async_sessionmaker[AsyncSession]
DAY = timedelta(days=1)


def _scheduler(sessionmaker: Sessionmaker, clock: FrozenClock, pg_url: str) -> Scheduler:
    """No bot, no Google: the pruning needs nothing."""
    return Scheduler(
        sessionmaker=sessionmaker,
        clock=clock,
        defaults=Schedule(digest_time=time(7, 30), med_reminder_times=()),
        database_url=pg_url,
        timing=Timing(poll_interval=0.05),
    )


async def _record(sessionmaker: Sessionmaker, now: datetime, age: timedelta, key: int) -> None:
    """One record of each kind, `age` old, stamped as the service stamps them."""
    async with sessionmaker.begin() as session:
        await telegram_updates.claim(session=session, update_id=key, now=now - age)
        await mutations.claim(session=session, client_mutation_id=f"m{key}", now=now - age)
        sent = {"kind": "digest", "slot": f"s{key}", "claimed_at": now - age}
        await session.execute(insert(SentLog).values(sent))


async def _kept(sessionmaker: Sessionmaker) -> tuple[list[int], list[str], list[str]]:
    async with sessionmaker() as session:
        updates = await session.scalars(select(TelegramUpdate.update_id))
        ids = await session.scalars(select(ClientMutation.client_mutation_id))
        slots = await session.scalars(select(SentLog.slot))
        return sorted(updates), sorted(ids), sorted(slots)


async def test_records_older_than_their_retention_are_pruned_the_others_kept(
    sessionmaker: Sessionmaker, clock: FrozenClock, pg_url: str
) -> None:
    assert (UPDATES_KEPT, SENDS_KEPT, MUTATIONS_KEPT) == (7 * DAY, 30 * DAY, 90 * DAY)
    now = clock.now()
    for key, age in enumerate((6 * DAY, 8 * DAY, 29 * DAY, 31 * DAY, 89 * DAY, 91 * DAY)):
        await _record(sessionmaker, now, age, key)

    pruned = await _scheduler(sessionmaker, clock, pg_url).prune()

    assert pruned == {"telegram updates": 5, "sends": 3, "offline mutations": 1}
    assert await _kept(sessionmaker) == ([0], ["m0", "m1", "m2", "m3", "m4"], ["s0", "s1", "s2"])


async def test_a_claim_is_stamped_by_the_app_s_clock(
    sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as session:
        await telegram_updates.claim(session=session, update_id=1, now=clock.now())
        await mutations.claim(session=session, client_mutation_id="m", now=clock.now())
    async with sessionmaker() as session:
        received = await session.scalar(select(TelegramUpdate.received_at))
        applied = await session.scalar(select(ClientMutation.applied_at))

    assert received == applied == clock.now()


async def test_the_leader_prunes_daily_at_four_even_without_bot_or_google(
    sessionmaker: Sessionmaker, clock: FrozenClock, pg_url: str
) -> None:
    await _record(sessionmaker, clock.now(), 100 * DAY, 1)
    scheduler = _scheduler(sessionmaker, clock, pg_url)
    assert not any("pruning" in line for line in scheduler.skipped())
    await scheduler.start()
    try:
        await until(lambda: scheduler.is_leader)
        planned = scheduler.next_run_time("prune")
    finally:
        await scheduler.stop()

    assert planned is not None and (planned.hour, planned.minute, planned.tzinfo) == (4, 0, PARIS)
    assert await _kept(sessionmaker) == ([], [], [])  # taking the lead pruned already
