"""Models and migrations agree, and the migrations go down and up again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

import migrations
from store.db import to_libpq_url
from store.tables import SCHEMA, Base

SCRATCH = "migrations_scratch"


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def scratch_db(pg_url: str) -> Iterator[str]:
    """A second database on the same server, so going down to base leaves other tests alone."""
    admin = to_libpq_url(pg_url)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH}"))
    asyncio.run(_execute(admin, f"CREATE DATABASE {SCRATCH}"))
    yield make_url(pg_url).set(database=SCRATCH).render_as_string(hide_password=False)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))


def _compare(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _: type_ != "schema" or name == SCHEMA,
            "compare_server_default": True,
            "compare_type": True,
            "version_table_schema": SCHEMA,
        },
    )
    return list(compare_metadata(context, Base.metadata))


def _diff(url: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(_compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        conn = await asyncpg.connect(to_libpq_url(url))
        try:
            rows = await conn.fetch(
                "select table_name from information_schema.tables where table_schema = $1",
                SCHEMA,
            )
        finally:
            await conn.close()
        return {r["table_name"] for r in rows}

    return asyncio.run(run())


def test_models_and_migrations_agree(scratch_db: str) -> None:
    migrations.upgrade(scratch_db)
    assert _diff(scratch_db) == []


def test_downgrade_to_base_then_upgrade_to_head(scratch_db: str) -> None:
    migrations.upgrade(scratch_db)
    migrations.downgrade(scratch_db, "base")
    assert _tables(scratch_db) == {"alembic_version"}
    migrations.upgrade(scratch_db)
    assert _tables(scratch_db) >= {t.name for t in Base.metadata.sorted_tables}
    assert _diff(scratch_db) == []
