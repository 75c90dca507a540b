"""Models and migrations agree, and the migrations go down and up again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from operator import itemgetter
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


async def _fetch(url: str, sql: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(to_libpq_url(url))
    try:
        return [dict(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


VOICE_ROW = f"""
insert into {SCHEMA}.ai_actions
    (id, proposal_id, status, source, function_args, error, telegram_chat_id, created_at)
values ('00000000-0000-0000-0000-00000000000a', gen_random_uuid(), 'failed', 'telegram',
        '{{"voice_file_id": "voice-1"}}', 'transcription : le service ne répond pas', 42,
        '2026-11-20 08:00+00')
"""
ACTION_ROW = f"""
insert into {SCHEMA}.ai_actions (id, proposal_id, status, source, function_name, function_args)
values ('00000000-0000-0000-0000-00000000000b', gen_random_uuid(), 'confirmed', 'telegram',
        'create_todo', '{{"title": "Pain"}}')
"""
VOICE_COLUMNS = "id::text, status, source, function_args, error, telegram_chat_id, created_at"


def test_failed_voice_notes_move_to_their_own_table_and_back(scratch_db: str) -> None:
    migrations.downgrade(scratch_db, "base")
    migrations.upgrade(scratch_db, "0003")
    asyncio.run(_execute(to_libpq_url(scratch_db), VOICE_ROW + ";" + ACTION_ROW))
    before = asyncio.run(_fetch(scratch_db, f"select {VOICE_COLUMNS} from {SCHEMA}.ai_actions"))

    migrations.upgrade(scratch_db, "0004_voice_failures")
    failures = asyncio.run(_fetch(scratch_db, f"select * from {SCHEMA}.voice_failures"))
    actions = asyncio.run(_fetch(scratch_db, f"select id::text from {SCHEMA}.ai_actions"))
    assert [(str(f["id"]), f["telegram_file_id"], f["telegram_chat_id"]) for f in failures] == [
        ("00000000-0000-0000-0000-00000000000a", "voice-1", 42)
    ]
    assert failures[0]["error"] == "le service ne répond pas"
    assert failures[0]["created_at"].isoformat() == "2026-11-20T08:00:00+00:00"
    assert actions == [{"id": "00000000-0000-0000-0000-00000000000b"}]

    migrations.downgrade(scratch_db, "0003")
    after = asyncio.run(_fetch(scratch_db, f"select {VOICE_COLUMNS} from {SCHEMA}.ai_actions"))
    assert sorted(after, key=itemgetter("id")) == sorted(before, key=itemgetter("id"))
    migrations.upgrade(scratch_db)
