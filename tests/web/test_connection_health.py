"""The database connections: a terminated backend costs a reconnect, not a 500; statements are
bounded in time; a failed statement never shows its parameters."""

from __future__ import annotations

import logging
import traceback

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.db import STATEMENT_TIMEOUT, create_engine, to_libpq_url

Client = TestClient[web.Request, web.Application]

TERMINATE_OTHERS = """
    select count(pg_terminate_backend(pid)) from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'
      and pid <> pg_backend_pid()
"""


async def test_todos_answer_after_every_database_connection_was_terminated(
    client: Client, auth: dict[str, str], pg_url: str
) -> None:
    for _ in range(3):  # a few pooled connections, idle in the pool afterwards
        assert (await client.get("/todos", headers=auth)).status == 200
    admin = await asyncpg.connect(to_libpq_url(pg_url))
    try:
        terminated = await admin.fetchval(TERMINATE_OTHERS)
    finally:
        await admin.close()
    assert terminated >= 1

    response = await client.get("/todos", headers=auth)

    assert response.status == 200, await response.text()
    assert await response.json() == []


async def test_a_failed_statement_shows_no_parameter(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    access, refresh = "ya29.SECRET-ACCESS-TOKEN", "1//SECRET-REFRESH-TOKEN"
    engine = create_engine(pg_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            # The table holds one row (id = 1): this one breaks its CHECK and fails.
            await conn.execute(
                text(
                    "insert into google_oauth_tokens (id, access_token, refresh_token, expires_at)"
                    " values (2, :access, :refresh, now())"
                ),
                {"access": access, "refresh": refresh},
            )
    except DBAPIError as exc:
        logging.getLogger("test").exception("the statement failed")
        shown = "".join(traceback.format_exception(exc)) + caplog.text
    else:
        raise AssertionError("the insert should have failed")
    finally:
        await engine.dispose()

    assert "google_oauth_tokens" in shown
    assert "SECRET" not in shown
    assert "parameters hidden" in shown


async def test_a_statement_running_too_long_is_cancelled_by_the_server(pg_url: str) -> None:
    engine = create_engine(pg_url, pool_size=1, statement_timeout=0.2)
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text("select pg_sleep(2)"))
    finally:
        await engine.dispose()

    assert getattr(caught.value.orig, "sqlstate", None) == "57014"  # query_canceled


async def test_the_service_s_statements_time_out_after_30_seconds(pg_url: str) -> None:
    engine = create_engine(pg_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            shown = await conn.scalar(text("show statement_timeout"))
    finally:
        await engine.dispose()

    assert STATEMENT_TIMEOUT == 30 and shown == "30s"
