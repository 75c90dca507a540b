"""The Google link in the application: the periodic sync on the scheduler's leader, a half
configuration."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.scheduler import SCHEDULER, SCHEDULER_TIMING, Timing
from app.settings import Settings
from store import agenda
from store import google as google_store
from store.clock import FrozenClock
from store.encryption import TokenCipher
from store.tables import GoogleSyncState
from tests.conftest import PARIS, SECRETS_KEY, until
from tests.fakes.google import CLIENT_ID, CLIENT_SECRET, FakeGoogle
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram
from web.appkeys import GOOGLE

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def google(clock: FrozenClock) -> AsyncIterator[FakeGoogle]:
    async with FakeGoogle.start(now=clock.now) as fake:
        yield fake


def with_google(settings: Settings, google: FakeGoogle, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "google_oauth_client_id": CLIENT_ID,
            "google_oauth_client_secret": SecretStr(CLIENT_SECRET),
            "google_oauth_redirect_uri": "https://os.example.org/agenda/google/oauth/callback",
            "google_api_base": google.url,
            **extra,
        }
    )


async def test_the_leader_syncs_every_15_minutes(
    settings: Settings,
    clock: FrozenClock,
    google: FakeGoogle,
    sessionmaker: Sessions,  # noqa: ARG001 - empty database
) -> None:
    async with FakeTelegram.start(poll_wait=0.05) as tg:
        bot = {
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
        }
        app = create_app(with_google(settings, google, **bot), clock=clock, run_migrations=False)
        async with TestClient(TestServer(app)):
            scheduler = app[SCHEDULER]
            await until(lambda: scheduler.is_leader)
            first = scheduler.next_run_time("google-sync")
            assert first is not None
            assert timedelta(minutes=14) < first - datetime.now(UTC) <= timedelta(minutes=15)
            await scheduler.reschedule()  # the owner changed the digest time
            assert scheduler.next_run_time("google-sync") is not None


async def test_without_telegram_the_leader_still_syncs_google(
    settings: Settings,
    clock: FrozenClock,
    google: FakeGoogle,
    sessionmaker: Sessions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    cal = google.add_calendar("ordinarthur-os")
    start = datetime(2026, 12, 2, 14, tzinfo=PARIS)
    google.add_event(
        cal,
        summary="Dentiste",
        start={"dateTime": start.isoformat()},
        end={"dateTime": (start + timedelta(hours=1)).isoformat()},
    )
    async with sessionmaker.begin() as session:
        expires = datetime.now(UTC) + timedelta(hours=1)  # google-auth compares with real time
        await google_store.save_token(
            session=session,
            cipher=TokenCipher(SECRETS_KEY),
            access_token="ya29.a",
            refresh_token="1//r",
            expires_at=expires,
        )
        await google_store.set_calendar(session=session, calendar_id=cal)
    assert settings.telegram_bot_token is None
    app = create_app(with_google(settings, google), clock=clock, run_migrations=False)
    app[SCHEDULER_TIMING] = Timing(poll_interval=0.05, google_sync_every=timedelta(seconds=0.2))
    async with TestClient(TestServer(app)):
        scheduler = app[SCHEDULER]
        await until(lambda: scheduler.is_leader, timeout=30)
        assert scheduler.next_run_time("digest") is None  # nothing to send it with
        assert scheduler.next_run_time("google-sync") is not None
        for _ in range(600):  # a few syncs at most; the machine may be busy
            async with sessionmaker() as session:
                state = await session.get(GoogleSyncState, cal)
            if state is not None and state.last_synced_at is not None:
                break
            await asyncio.sleep(0.05)
    assert state is not None and state.last_synced_at == clock.now() and state.last_error is None
    async with sessionmaker() as session:
        events = await agenda.list_events(session=session)
    assert [(e.title, e.starts_at, e.source) for e in events] == [("Dentiste", start, "google")]
    skipped = [
        r.message for r in caplog.records if r.name == "app.scheduler" and "skipped" in r.message
    ]
    no_bot = "no Telegram bot (TELEGRAM_BOT_TOKEN is not set)"
    assert skipped == [
        f"scheduler: morning digest skipped, {no_bot}",
        f"scheduler: medication reminders skipped, {no_bot}",
        f"scheduler: todo and event reminders skipped, {no_bot}",
        f"scheduler: weekly review skipped, {no_bot}",
    ]


async def test_half_a_configuration_is_off_and_says_why(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: Sessions,  # noqa: ARG001
    auth: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    half = settings.model_copy(update={"google_oauth_client_id": CLIENT_ID})
    app = create_app(half, clock=clock, run_migrations=False)
    async with TestClient(TestServer(app)) as client:
        assert GOOGLE not in app
        assert (await client.post("/agenda/google/sync", headers=auth)).status == 503
    assert "GOOGLE_OAUTH_REDIRECT_URI are needed with GOOGLE_OAUTH_CLIENT_ID" in caplog.text
