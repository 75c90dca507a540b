"""The database the settings name: DATABASE_URL, or the embedded server under DATA_DIR."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import migrations
from app.settings import Settings
from store.db import create_engine, create_sessionmaker, to_libpq_url
from store.embedded import EmbeddedPostgres


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached: said in one line (password hidden), not a traceback."""


async def check_reachable(url: str, *, timeout: float = 10) -> None:
    try:
        conn = await asyncpg.connect(to_libpq_url(url), timeout=timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(exc) or type(exc).__name__
        raise DatabaseUnavailableError(
            f"cannot reach the database {shown}: {reason} (check DATABASE_URL)"
        ) from None
    await conn.close()


@dataclass(frozen=True)
class Database:
    url: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


@asynccontextmanager
async def open_database(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Database]:
    """Start the embedded server when there is no DATABASE_URL, apply pending migrations,
    and stop everything on the way out (the embedded server included)."""
    embedded: EmbeddedPostgres | None = None
    url = settings.database_url
    if url is None:
        embedded = EmbeddedPostgres(settings.data_dir)
        url = await asyncio.to_thread(embedded.start)
    try:
        await check_reachable(url)
        if migrate:
            await migrations.upgrade_async(url)
        engine = create_engine(url)
        try:
            yield Database(url=url, engine=engine, sessionmaker=create_sessionmaker(engine))
        finally:
            await engine.dispose()
    finally:
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)
