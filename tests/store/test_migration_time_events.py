"""Migration 0007_time_events: the next Google sync after it is a full one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

import migrations
from store.db import to_libpq_url
from store.tables import SCHEMA
from tests.store.test_migrations import _execute, _fetch

SCRATCH = "migrations_scratch_time_events"


@pytest.fixture(scope="module")
def scratch_db(pg_url: str) -> Iterator[str]:
    admin = to_libpq_url(pg_url)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH}"))
    asyncio.run(_execute(admin, f"CREATE DATABASE {SCRATCH}"))
    yield make_url(pg_url).set(database=SCRATCH).render_as_string(hide_password=False)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))


def test_sync_tokens_of_the_one_by_one_listing_are_dropped(scratch_db: str) -> None:
    migrations.upgrade(scratch_db, "0006_time")
    row = f"insert into {SCHEMA}.google_sync_state (calendar_id, sync_token) values ('c', 't')"
    asyncio.run(_execute(to_libpq_url(scratch_db), row))

    migrations.upgrade(scratch_db, "0007_time_events")

    state = asyncio.run(_fetch(scratch_db, f"select * from {SCHEMA}.google_sync_state"))
    assert [(s["calendar_id"], s["sync_token"]) for s in state] == [("c", None)]
