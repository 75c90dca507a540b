"""Devices signed in from Telegram, by the SHA-256 of their bearer token. Never commit.

Every time here comes from the caller's clock (`now`): expiry is compared with it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import AuthSession


async def create(
    *,
    session: AsyncSession,
    token_hash: bytes,
    telegram_user_id: int,
    device: str,
    now: datetime,
    lifetime: timedelta,
) -> AuthSession:
    row = AuthSession(
        token_hash=token_hash,
        telegram_user_id=telegram_user_id,
        device=device,
        created_at=now,
        last_used_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class SessionState:
    """What checking a request needs of its session: no more (it runs on every request)."""

    id: uuid.UUID
    expires_at: datetime
    last_used_at: datetime


async def by_token_hash(*, session: AsyncSession, token_hash: bytes) -> SessionState | None:
    """The session of that token, expired or not (the caller says which answer to give)."""
    stmt = select(AuthSession.id, AuthSession.expires_at, AuthSession.last_used_at).where(
        AuthSession.token_hash == token_hash
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else SessionState(*row)


async def touch(
    *, session: AsyncSession, session_id: uuid.UUID, now: datetime, every: timedelta
) -> None:
    """Record a use, unless one was recorded less than `every` ago (by another request or
    replica too): the list shows the last use to that precision, for one write per `every`."""
    stmt = (
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.last_used_at <= now - every)
        .values(last_used_at=now)
    )
    await session.execute(stmt)


async def live(*, session: AsyncSession, now: datetime) -> list[AuthSession]:
    """Sessions not expired yet, last used first."""
    stmt = (
        select(AuthSession)
        .where(AuthSession.expires_at > now)
        .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
    )
    return list(await session.scalars(stmt))


async def revoke(*, session: AsyncSession, session_id: uuid.UUID) -> bool:
    """False when there was no such session."""
    stmt = delete(AuthSession).where(AuthSession.id == session_id).returning(AuthSession.id)
    return (await session.execute(stmt)).first() is not None


async def prune(*, session: AsyncSession, now: datetime, keep: int) -> int:
    """Delete expired sessions, and the least recently used beyond `keep`; how many went."""
    kept = (
        select(AuthSession.id)
        .where(AuthSession.expires_at > now)
        .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
        .limit(keep)
    )
    stmt = delete(AuthSession).where(AuthSession.id.not_in(kept)).returning(AuthSession.id)
    return len((await session.execute(stmt)).all())
