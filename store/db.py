"""Engine and session factory. Built from a URL handed in by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from store.tables import SCHEMA


def normalise_url(url: str) -> str:
    """Accept `postgres://…`, `postgresql://…` and `postgresql+asyncpg://…`.

    SQLAlchemy 2.1 reads a bare `postgresql://` as psycopg 3, which we do not ship.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:password@host/db")
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"DATABASE_URL scheme {scheme!r} is not PostgreSQL")


def to_sqlalchemy_url(url: str) -> URL:
    return make_url(normalise_url(url))


def to_libpq_url(url: str) -> str:
    """The same database as a libpq URL, for pg_dump / pg_restore / asyncpg."""
    return (
        to_sqlalchemy_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


# PostgreSQL cancels a statement running longer than this (the largest, a 10,000-offer ingest,
# takes a few seconds); the client gives up a little later, should the server not answer at all.
STATEMENT_TIMEOUT = 30.0
CLIENT_GRACE = 10.0


def create_engine(
    url: str, *, pool_size: int = 5, statement_timeout: float = STATEMENT_TIMEOUT
) -> AsyncEngine:
    """The pool: each connection is checked before use (a restarted server or a terminated
    backend costs a reconnect, not a failed request), statements are bounded in time, and
    failed statements never show their parameters (Google tokens, the owner's words) in
    exceptions or logs."""
    server_settings = {
        "search_path": f"{SCHEMA},public",
        "timezone": "UTC",
        "statement_timeout": str(round(statement_timeout * 1000)),
        "application_name": "ordinarthur-os",
    }
    engine = create_async_engine(
        to_sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=5,
        pool_recycle=1800,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={
            "server_settings": server_settings,
            "command_timeout": statement_timeout + CLIENT_GRACE,
        },
    )
    event.listen(engine.sync_engine, "handle_error", _drop_row_values)
    return engine


def _drop_row_values(context: ExceptionContext) -> None:
    """PostgreSQL's DETAIL quotes the values of the failing row ("Failing row contains (…)",
    "Key (…)=(…) already exists"), tokens and the owner's words included: dropped from the
    driver's error, which every logged traceback shows."""
    error: BaseException | None = context.original_exception
    while error is not None:
        if isinstance(error, asyncpg.PostgresError):
            error.detail = None
        error = error.__cause__


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def autocommit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose every statement commits on its own, for work that is one statement (a
    claim, a proposal's INSERT, a read): PostgreSQL runs it as a transaction anyway, and this
    spares the BEGIN and COMMIT (or ROLLBACK) round trips of an explicit one."""
    async with sessionmaker() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session
