"""Leadership among replicas: the holder of a PostgreSQL advisory lock, on a connection of its
own kept for the process's life. When the process dies its connection closes and the lock goes
with it, so another replica takes over."""

from __future__ import annotations

import contextlib

import asyncpg

from store.db import to_libpq_url

# Any constant works as long as every replica uses the same one: "ordinarthur-os scheduler".
LEADER_LOCK_KEY = 0x6F7264_5343
_UNREACHABLE = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


class LeaderLock:
    def __init__(self, database_url: str, key: int = LEADER_LOCK_KEY) -> None:
        self.dsn = to_libpq_url(database_url)
        self.key = key
        self.conn: asyncpg.Connection | None = None

    @property
    def held(self) -> bool:
        return self.conn is not None

    async def try_acquire(self) -> bool:
        """True when this process now holds the lock; OSError/PostgresError when the database
        cannot be reached."""
        conn = await asyncpg.connect(self.dsn)
        if not await conn.fetchval("select pg_try_advisory_lock($1)", self.key):
            await conn.close()
            return False
        self.conn = conn
        return True

    async def still_held(self) -> bool:
        """False once the lock's connection is gone (the lock with it)."""
        if self.conn is None:
            return False
        try:
            await self.conn.fetchval("select 1")
        except _UNREACHABLE:
            return False
        return True

    async def release(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                await self.conn.close()
            self.conn = None
