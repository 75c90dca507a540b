"""Engine and session factory. Built from a URL handed in by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import URL, make_url
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


def create_engine(url: str, *, pool_size: int = 5) -> AsyncEngine:
    return create_async_engine(
        to_sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=5,
        pool_recycle=1800,
        connect_args={"server_settings": {"search_path": f"{SCHEMA},public", "timezone": "UTC"}},
    )


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
