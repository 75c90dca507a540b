"""Session tokens: what the PWA gets when Telegram signs the owner in (`POST /auth/telegram`).

- A token is `SESSION_PREFIX` + 43 random URL-safe characters (256 bits); only its SHA-256 is
  stored. The prefix tells a session token from the master bearer without a query, and a token
  without it costs no query at all.
- It lives `LIFETIME` from its sign-in (not extended by use: Telegram signs in again at the next
  opening after that), and is scoped to the PWA's routes (`web/scope.py`).
- Its last use is written at most once per `TOUCH_EVERY`, whatever the traffic.
- At most `MAX_SESSIONS` are kept: a sign-in past that drops the least recently used.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import auth_sessions

SESSION_PREFIX = "tgs_"
_RANDOM_CHARS = 43  # secrets.token_urlsafe(32)
TOKEN_LENGTH = len(SESSION_PREFIX) + _RANDOM_CHARS
LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=1)
MAX_SESSIONS = 20
MAX_DEVICE_CHARS = 200


@dataclass(frozen=True)
class Principal:
    """Who a request was let in as: the master bearer (`session_id` None) or a session."""

    session_id: uuid.UUID | None = None

    @property
    def is_session(self) -> bool:
        return self.session_id is not None


MASTER = Principal()
PRINCIPAL = web.RequestKey("principal", Principal)


class Refusal(Enum):
    """Why a session token was refused; the value is the JSON error's code."""

    UNKNOWN = "unauthorized"  # never issued, or revoked
    EXPIRED = "session_expired"


@dataclass(frozen=True)
class NewSession:
    token: str
    id: uuid.UUID
    expires_at: datetime


def new_token() -> str:
    return SESSION_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def looks_like_session(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and token.startswith(SESSION_PREFIX)


def device_of(user_agent: str | None) -> str:
    """The User-Agent, printable and trimmed: a label for the list, nothing is parsed."""
    words = "".join(c if c.isprintable() else " " for c in user_agent or "").split()
    return " ".join(words)[:MAX_DEVICE_CHARS] or "appareil inconnu"


async def open_session(
    *, session: AsyncSession, telegram_user_id: int, device: str, now: datetime
) -> NewSession:
    """A new session for the owner; expired and surplus ones are dropped first."""
    await auth_sessions.prune(session=session, now=now, keep=MAX_SESSIONS - 1)
    token = new_token()
    row = await auth_sessions.create(
        session=session,
        token_hash=token_hash(token),
        telegram_user_id=telegram_user_id,
        device=device,
        now=now,
        lifetime=LIFETIME,
    )
    return NewSession(token=token, id=row.id, expires_at=row.expires_at)


async def check(
    sessionmaker: async_sessionmaker[AsyncSession], token: str, now: datetime
) -> Principal | Refusal:
    """The session `token` opens, or why not; records its use (at most once a minute)."""
    if not looks_like_session(token):
        return Refusal.UNKNOWN
    async with sessionmaker() as session:
        # Autocommit: the lookup is one round trip (no BEGIN, no ROLLBACK), on every request.
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        row = await auth_sessions.by_token_hash(session=session, token_hash=token_hash(token))
        if row is None:
            return Refusal.UNKNOWN
        if row.expires_at <= now:
            return Refusal.EXPIRED
        if now - row.last_used_at >= TOUCH_EVERY:
            await auth_sessions.touch(
                session=session, session_id=row.id, now=now, every=TOUCH_EVERY
            )
        return Principal(session_id=row.id)
