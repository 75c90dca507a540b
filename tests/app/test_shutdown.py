"""A stopping service (SIGTERM in a rollout) finishes the Telegram updates in flight, within
its grace period: a proposal whose model call is slow still gets its card, exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.model_run import RetryPolicy
from app.agent import AGENT_POLICY
from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import AiAction
from tests.conftest import free_port, until
from tests.fakes.mistral import FakeMistral, Hang, ToolCalls
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram, message_update

WEBHOOK_SECRET = "webhook-secret-0123456789"
PAIN = ToolCalls([("create_todo", {"title": "Acheter du pain"})])

Client = TestClient[web.Request, web.Application]
# Settings of the environment the test runs in, left out of the service started here.
_OURS = ("TELEGRAM_", "MISTRAL_", "GROQ_", "GOOGLE_", "DATABASE_", "API_", "SHUTDOWN_")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(poll_wait=0.05) as fake:
        yield fake


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start() as fake:
        yield fake


def _configured(
    settings: Settings, tg: FakeTelegram, mistral: FakeMistral, **extra: Any
) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
            "mistral_api_key": SecretStr(mistral.api_key),
            "mistral_base_url": mistral.url,
            **extra,
        }
    )


def _client(settings: Settings, clock: FrozenClock) -> Client:
    app = create_app(settings, clock=clock, run_migrations=False)
    app[AGENT_POLICY] = RetryPolicy(timeout=30, attempts=1)
    return TestClient(TestServer(app))


def _cards(tg: FakeTelegram) -> list[dict[str, Any]]:
    return [c for c in tg.calls_to("sendMessage") if "Acheter du pain" in c["text"]]


async def _proposals(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(AiAction)) or 0)


async def test_a_stopping_poller_finishes_the_update_whose_model_call_is_slow_then_once_only(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    mistral: FakeMistral,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mistral.push(Hang(1.5, then=PAIN))
    client = _client(_configured(settings, tg, mistral), clock)
    await client.start_server()
    tg.push_update(message_update(1, text="ajoute acheter du pain"))
    await until(lambda: len(mistral.requests) == 1)

    await client.close()  # what SIGTERM runs: aiohttp's shutdown, then the cleanup contexts

    assert len(_cards(tg)) == 1
    assert await _proposals(sessionmaker) == 1
    # After a restart Telegram may deliver it again (its offset was perhaps not confirmed):
    # the update id is claimed, so it is not handled twice.
    tg.push_update(message_update(1, text="ajoute acheter du pain"))
    async with _client(_configured(settings, tg, mistral), clock):
        await tg.wait_for("getUpdates", count=len(tg.calls_to("getUpdates")) + 3)
    assert len(_cards(tg)) == 1
    assert len(mistral.requests) == 1


async def test_a_stopping_webhook_finishes_the_update_whose_model_call_is_slow(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    mistral: FakeMistral,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mistral.push(Hang(1.5, then=PAIN))
    configured = _configured(
        settings,
        tg,
        mistral,
        telegram_webhook_url="https://os.example/telegram/webhook",
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    client = _client(configured, clock)
    await client.start_server()
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    update = message_update(2, text="ajoute acheter du pain")
    assert (await client.post("/telegram/webhook", json=update, headers=headers)).status == 200
    await until(lambda: len(mistral.requests) == 1)

    await client.close()

    assert len(_cards(tg)) == 1
    assert await _proposals(sessionmaker) == 1


async def test_the_wait_for_updates_in_flight_ends_with_the_grace_period(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    mistral: FakeMistral,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - empty database
    caplog: pytest.LogCaptureFixture,
) -> None:
    mistral.push(Hang(60, then=PAIN))
    client = _client(_configured(settings, tg, mistral, shutdown_grace_seconds=1), clock)
    await client.start_server()
    tg.push_update(message_update(3, text="ajoute acheter du pain"))
    await until(lambda: len(mistral.requests) == 1)

    started = time.monotonic()
    await client.close()

    assert time.monotonic() - started < 10
    assert "stopping with 1 Telegram update(s) unfinished" in caplog.text
    assert _cards(tg) == []


async def test_sigterm_to_the_running_service_lets_the_slow_proposal_send_its_card(
    pg_url: str,
    tmp_path: Path,
    tg: FakeTelegram,
    mistral: FakeMistral,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """`ordinarthur-os run` as a pod runs it, stopped by SIGTERM mid-proposal."""
    mistral.push(Hang(2, then=PAIN))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)} | {
        "DATABASE_URL": pg_url,
        "DATA_DIR": str(tmp_path / "data"),
        "PORT": str(port),
        "APP_ENV": "development",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_OWNER_ID": str(OWNER_ID),
        "TELEGRAM_API_BASE": tg.url,
        "MISTRAL_API_KEY": mistral.api_key,
        "MISTRAL_BASE_URL": mistral.url,
    }
    command = [sys.executable, "-m", "app", "run"]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        await tg.wait_for("getUpdates", timeout=60)
        tg.push_update(message_update(4, text="ajoute acheter du pain"))
        await until(lambda: len(mistral.requests) == 1, timeout=30)

        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.to_thread(proc.communicate, timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 0, err
    assert len(_cards(tg)) == 1
    assert await _proposals(sessionmaker) == 1
    assert "unfinished" not in err
