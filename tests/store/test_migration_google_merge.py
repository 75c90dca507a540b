"""Migration 0013_google_merge: `updated_at` is written by the app's clock only; going down
drops the overrides of one occurrence without deleting that occurrence in Google."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

import migrations
from store.db import to_libpq_url
from store.tables import SCHEMA
from tests.store.test_migrations import _execute, _fetch

SCRATCH = "migrations_scratch_google_merge"
SERIES = "00000000-0000-0000-0000-0000000000a1"
OVERRIDE = "00000000-0000-0000-0000-0000000000a2"
DEFAULT = f"""
select column_default from information_schema.columns
 where table_schema = '{SCHEMA}' and table_name = 'calendar_events' and column_name = 'updated_at'
"""


@pytest.fixture(scope="module")
def scratch_db(pg_url: str) -> Iterator[str]:
    admin = to_libpq_url(pg_url)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH}"))
    asyncio.run(_execute(admin, f"CREATE DATABASE {SCRATCH}"))
    yield make_url(pg_url).set(database=SCRATCH).render_as_string(hide_password=False)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))


def run(url: str, sql: str) -> None:
    asyncio.run(_execute(to_libpq_url(url), sql))


def test_updated_at_has_no_database_default_and_overrides_go_quietly_down(
    scratch_db: str,
) -> None:
    migrations.upgrade(scratch_db, "0012_questions")
    assert asyncio.run(_fetch(scratch_db, DEFAULT)) == [{"column_default": "now()"}]

    migrations.upgrade(scratch_db, "0013_google_merge")
    assert asyncio.run(_fetch(scratch_db, DEFAULT)) == [{"column_default": None}]
    events = f"{SCHEMA}.calendar_events"
    run(
        scratch_db,
        f"""
        insert into {SCHEMA}.google_oauth_tokens (access_token, refresh_token, expires_at,
            calendar_id) values ('a', 'r', now(), 'cal');
        insert into {SCHEMA}.google_sync_state (calendar_id) values ('cal');
        insert into {events} (id, title, starts_at, ends_at, updated_at, recurrence,
            google_event_id) values ('{SERIES}', 'Réunion', '2026-11-30 08:00+00',
            '2026-11-30 09:00+00', '2026-11-25 09:00+00', 'FREQ=WEEKLY', 'series1');
        insert into {events} (id, title, starts_at, ends_at, updated_at, recurring_event_id,
            original_start, google_event_id) values ('{OVERRIDE}', 'Réunion',
            '2026-12-08 13:00+00', '2026-12-08 14:00+00', '2026-11-25 09:00+00', '{SERIES}',
            '2026-12-07 08:00+00', 'series1_20261207T080000Z');
        """,
    )

    migrations.downgrade(scratch_db, "0012_questions")
    rows = asyncio.run(_fetch(scratch_db, f"select id::text from {events}"))
    state = asyncio.run(_fetch(scratch_db, f"select * from {SCHEMA}.google_sync_state"))
    assert rows == [{"id": SERIES}]
    assert state[0]["deleted_event_ids"] == []  # the occurrence stays moved in Google
    assert asyncio.run(_fetch(scratch_db, DEFAULT)) == [{"column_default": "now()"}]
    migrations.upgrade(scratch_db)
