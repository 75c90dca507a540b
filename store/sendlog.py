"""Exactly-once sends: claim (kind, slot) before sending; only the claimer sends. Never commit.

A claim is a lease. Its holder records the outcome: sent (`sent_at`), failed and worth another
try (`error`, `retry_at` = when), or given up (`given_up_at`). A claim left with no outcome (its
sender died mid-send) may be taken again once its lease, `retry_at`, has ended. Every taking is
one conditional statement: two claimers never both get the row.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import SentLog

# Longer than any one send may take (bot.sending bounds it): a claim this old with no outcome
# belongs to a sender that died.
LEASE = timedelta(minutes=3)


def _unsettled() -> ColumnElement[bool]:
    return SentLog.sent_at.is_(None) & SentLog.given_up_at.is_(None)


def _open(now: datetime) -> ColumnElement[bool]:
    """An unsent claim that may be taken again now."""
    return _unsettled() & SentLog.retry_at.is_not(None) & (SentLog.retry_at <= now)


def _idle(now: datetime) -> ColumnElement[bool]:
    """An unsent claim nobody is sending right now: failed, or its lease ended."""
    return _unsettled() & (
        SentLog.error.is_not(None) | SentLog.retry_at.is_(None) | (SentLog.retry_at <= now)
    )


async def claim(*, session: AsyncSession, kind: str, slot: str, now: datetime) -> int | None:
    """The claim's id, or None when someone (a replica, an earlier run) holds it, sent it or
    gave it up. A failed claim whose retry time has come, or an abandoned one whose lease has
    ended, is taken again (its `attempts` counted)."""
    insert = pg_insert(SentLog).values(
        kind=kind, slot=slot, claimed_at=now, retry_at=now + LEASE, attempts=1
    )
    stmt = insert.on_conflict_do_update(
        index_elements=[SentLog.kind, SentLog.slot],
        set_={
            "claimed_at": now,
            "retry_at": now + LEASE,
            "attempts": SentLog.attempts + 1,
            "error": None,
        },
        where=_open(now),
    ).returning(SentLog.id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def mark_sent(
    *,
    session: AsyncSession,
    claim_id: int,
    now: datetime,
    telegram_message_id: int | None = None,
) -> None:
    stmt = (
        update(SentLog)
        .where(SentLog.id == claim_id)
        .values(sent_at=now, retry_at=None, error=None, telegram_message_id=telegram_message_id)
    )
    await session.execute(stmt)


async def mark_failed(
    *, session: AsyncSession, claim_id: int, error: str, retry_at: datetime
) -> None:
    """Not sent; may be claimed again from `retry_at` on (if its window is still open)."""
    stmt = update(SentLog).where(SentLog.id == claim_id).values(error=error, retry_at=retry_at)
    await session.execute(stmt)


async def give_up(*, session: AsyncSession, claim_id: int, error: str, now: datetime) -> None:
    """Not sent, and never to be tried again (the chat refuses us, the message is invalid)."""
    stmt = (
        update(SentLog)
        .where(SentLog.id == claim_id)
        .values(error=error, retry_at=None, given_up_at=now)
    )
    await session.execute(stmt)


async def drop(
    *, session: AsyncSession, kind: str, slot: str, reason: str, now: datetime
) -> int | None:
    """Close a send whose window has passed: never claimed (missed while no scheduler ran;
    `attempts` 0), or failed until the end. Its `attempts` when this call closed it, None when
    it was already settled (sent, given up) or is being sent right now."""
    insert = pg_insert(SentLog).values(
        kind=kind, slot=slot, claimed_at=now, attempts=0, error=reason, given_up_at=now
    )
    stmt = insert.on_conflict_do_update(
        index_elements=[SentLog.kind, SentLog.slot],
        set_={"given_up_at": now, "retry_at": None, "error": reason},
        where=_idle(now),
    ).returning(SentLog.attempts)
    return (await session.execute(stmt)).scalar_one_or_none()


async def settled(*, session: AsyncSession, kind: str, slots: Collection[str]) -> set[str]:
    """Which of these slots are sent or given up (nothing more will happen to them)."""
    if not slots:
        return set()
    stmt = select(SentLog.slot).where(
        SentLog.kind == kind,
        SentLog.slot.in_(list(slots)),
        SentLog.sent_at.is_not(None) | SentLog.given_up_at.is_not(None),
    )
    return set((await session.execute(stmt)).scalars().all())


async def prune(*, session: AsyncSession, before: datetime) -> int:
    """Forget the claims made before `before`, long past the windows they guarded; how many."""
    stmt = delete(SentLog).where(SentLog.claimed_at < before)
    return len((await session.execute(stmt.returning(SentLog.id))).all())
