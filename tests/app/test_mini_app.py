"""At start, with PUBLIC_URL, the owner's chat gets a menu button "Ouvrir" that opens the PWA
inside Telegram; without it, nothing is set and one line says why; Telegram down delays
nothing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from tests.conftest import free_port
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram

PUBLIC_URL = "https://os.example.org"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(poll_wait=0.05) as fake:
        yield fake


def with_bot(settings: Settings, api_base: str, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": api_base,
            **extra,
        }
    )


async def test_at_start_the_owners_menu_button_opens_the_app(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - an empty database
) -> None:
    app = create_app(
        with_bot(settings, tg.url, public_url=PUBLIC_URL), clock=clock, run_migrations=False
    )
    async with TestClient(TestServer(app)):
        [call] = await tg.wait_for("setChatMenuButton")
    assert call == {
        "chat_id": OWNER_ID,
        "menu_button": {
            "type": "web_app",
            "text": "Ouvrir",
            "web_app": {"url": "https://os.example.org/app/"},
        },
    }
    assert tg.menu_buttons[OWNER_ID]["web_app"]["url"] == f"{PUBLIC_URL}/app/"


async def test_without_public_url_no_menu_button_and_one_line_says_why(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(with_bot(settings, tg.url), clock=clock, run_migrations=False)
    with caplog.at_level(logging.INFO):
        async with TestClient(TestServer(app)):
            await tg.wait_for("setMyCommands")
            await asyncio.sleep(0.1)
    assert tg.calls_to("setChatMenuButton") == []
    said = [r.getMessage() for r in caplog.records if "PUBLIC_URL" in r.getMessage()]
    assert said == [
        "Telegram Mini App disabled: PUBLIC_URL is not set (no menu button; /app says how "
        "to enable it)"
    ]


async def test_a_refused_menu_button_is_logged_and_the_bot_serves_on(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
    caplog: pytest.LogCaptureFixture,
) -> None:
    tg.fail_next("setChatMenuButton", description="Bad Request: BUTTON_URL_INVALID")
    app = create_app(
        with_bot(settings, tg.url, public_url=PUBLIC_URL), clock=clock, run_migrations=False
    )
    async with TestClient(TestServer(app)) as client:
        await tg.wait_for("setChatMenuButton")
        await asyncio.sleep(0.1)
        assert (await client.get("/health")).status == 200
    [warning] = [r for r in caplog.records if "menu button" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "BUTTON_URL_INVALID" in warning.getMessage()


async def test_telegram_unreachable_at_start_does_not_delay_health(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    clock.set(clock.now().replace(hour=6))  # before the digest: nothing else calls Telegram
    nowhere = f"http://127.0.0.1:{free_port()}"
    configured = with_bot(
        settings,
        nowhere,
        public_url=PUBLIC_URL,
        telegram_webhook_url=f"{PUBLIC_URL}/telegram/webhook",
        telegram_webhook_secret=SecretStr("webhook-secret-0123456789"),
    )
    started = time.monotonic()
    async with TestClient(
        TestServer(create_app(configured, clock=clock, run_migrations=False))
    ) as client:
        assert (await client.get("/health")).status == 200
    assert time.monotonic() - started < 5
