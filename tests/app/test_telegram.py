"""The bot inside the running application: polling, webhook, set-webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings, SettingsError
from app.telegram import set_webhook
from store.clock import FrozenClock
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram, message_update
from web.appkeys import TELEGRAM_WEBHOOK, WebhookTarget

WEBHOOK_SECRET = "webhook-secret-0123456789"


def _with_bot(settings: Settings, tg: FakeTelegram, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
            **extra,
        }
    )


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(poll_wait=0.05) as fake:
        yield fake


async def _client(
    settings: Settings, clock: FrozenClock
) -> TestClient[web.Request, web.Application]:
    return TestClient(TestServer(create_app(settings, clock=clock, run_migrations=False)))


async def test_polling_mode_answers_the_owner(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - empty database
) -> None:
    async with await _client(_with_bot(settings, tg), clock):
        registered = (await tg.wait_for("setMyCommands"))[0]["commands"]
        assert {c["command"] for c in registered} >= {
            "start",
            "today",
            "review",
            "settings",
        }
        tg.push_update(message_update(1, text="/help"))
        for _ in range(50):
            if any("/today" in c["text"] for c in tg.calls_to("sendMessage")):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("no answer to /help")
        assert tg.calls_to("getUpdates")


async def test_webhook_mode_checks_the_secret_and_processes_an_update_once(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    configured = _with_bot(
        settings,
        tg,
        telegram_webhook_url="https://os.example/telegram/webhook",
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    async with await _client(configured, clock) as client:
        update = message_update(7, text="/help")
        wrong = await client.post("/telegram/webhook", json=update)
        assert wrong.status == 401
        bad = await client.post(
            "/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
        )
        assert bad.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        for _ in range(2):
            ok = await client.post("/telegram/webhook", json=update, headers=headers)
            assert ok.status == 200
        await tg.wait_for("sendMessage")
        await asyncio.sleep(0.2)
        answers = [c for c in tg.calls_to("sendMessage") if "/today" in c["text"]]
        assert len(answers) == 1
        assert not tg.calls_to("getUpdates")


async def test_webhook_route_is_absent_in_polling_mode(
    client: TestClient[web.Request, web.Application],
) -> None:
    response = await client.post("/telegram/webhook", json={})
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_set_webhook_registers_url_and_secret(settings: Settings, tg: FakeTelegram) -> None:
    configured = _with_bot(
        settings,
        tg,
        telegram_webhook_url="https://os.example/telegram/webhook",
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    await set_webhook(configured)
    call = tg.calls_to("setWebhook")[0]
    assert call["url"] == "https://os.example/telegram/webhook"
    assert call["secret_token"] == WEBHOOK_SECRET


async def test_telegram_down_at_start_does_not_keep_the_service_down(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    from tests.conftest import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    configured = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": closed,
        }
    )
    async with await _client(configured, clock) as client:
        response = await client.get("/health")
        assert response.status == 200


async def test_webhook_mode_without_a_secret_does_not_start(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    # Settings refuses it from the environment; one built by hand is refused at start too.
    configured = _with_bot(
        settings, tg, telegram_webhook_url="https://os.example/telegram/webhook"
    )
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        async with await _client(configured, clock):
            pass
    assert not tg.calls_to("sendMessage")


async def test_the_webhook_never_accepts_an_empty_secret(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    fed: list[dict[str, Any]] = []

    async def feed(update: dict[str, Any]) -> None:
        fed.append(update)

    app = create_app(settings, clock=clock, run_migrations=False)
    app[TELEGRAM_WEBHOOK] = WebhookTarget(secret="", feed=feed)
    async with TestClient(TestServer(app)) as client:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": ""}):
            response = await client.post(
                "/telegram/webhook", json=message_update(9, text="/help"), headers=headers
            )
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "unauthorized"
    assert fed == []


def _webhook_mode(settings: Settings, tg: FakeTelegram, **extra: Any) -> Settings:
    return _with_bot(
        settings,
        tg,
        telegram_webhook_url="https://os.example/telegram/webhook",
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        **extra,
    )


async def test_the_set_webhook_route_registers_and_returns_telegrams_answer(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    async with await _client(_webhook_mode(settings, tg), clock) as client:
        assert (await client.post("/telegram/set-webhook")).status == 401
        assert not tg.calls_to("setWebhook")

        response = await client.post("/telegram/set-webhook", headers=auth)

        text = await response.text()
        assert response.status == 200, text
        assert await response.json() == {
            "ok": True,
            "result": True,
            "webhook": {
                "url": "https://os.example/telegram/webhook",
                "has_custom_certificate": False,
                "pending_update_count": 0,
                "allowed_updates": ["message", "callback_query"],
            },
        }
        [call] = tg.calls_to("setWebhook")
        assert call["url"] == "https://os.example/telegram/webhook"
        assert call["secret_token"] == WEBHOOK_SECRET
        assert WEBHOOK_SECRET not in text and BOT_TOKEN not in text
        await tg.wait_for("setMyCommands", count=2)  # at start, then as the CLI does


async def test_set_webhook_without_a_webhook_url_is_409_and_leaves_polling_alone(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    async with await _client(_with_bot(settings, tg), clock) as client:
        response = await client.post("/telegram/set-webhook", headers=auth)

        error = (await response.json())["error"]
        assert (response.status, error["code"]) == (409, "telegram_not_configured")
        assert error["details"] == {"missing": "TELEGRAM_WEBHOOK_URL"}
        assert "TELEGRAM_WEBHOOK_URL is not set" in error["message"]
        assert not tg.calls_to("setWebhook")


async def test_set_webhook_without_a_bot_is_409(
    client: TestClient[web.Request, web.Application], auth: dict[str, str]
) -> None:
    response = await client.post("/telegram/set-webhook", headers=auth)

    error = (await response.json())["error"]
    assert (response.status, error["code"]) == (409, "telegram_not_configured")
    assert error["details"] == {"missing": "TELEGRAM_BOT_TOKEN"}


async def test_telegram_refusing_or_unreachable_is_502_with_its_reason(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001
) -> None:
    refusal = "Bad Request: bad webhook: Failed to resolve host: Name or service not known"
    tg.fail_next("setWebhook", description=refusal)
    async with await _client(_webhook_mode(settings, tg), clock) as client:
        response = await client.post("/telegram/set-webhook", headers=auth)
        error = (await response.json())["error"]
        assert (response.status, error["code"]) == (502, "telegram_failed")
        assert error["message"] == f"Telegram refused: {refusal}"

    # aiohttp quotes an invalid URL whole, the bot's token inside; the answer must not.
    invalid = _webhook_mode(settings, tg, telegram_api_base="http://127.0.0.1:99999")
    async with await _client(invalid, clock) as client:
        response = await client.post("/telegram/set-webhook", headers=auth)
        text = await response.text()
        assert response.status == 502, text
        assert "could not be reached" in text and "bot<token>/setWebhook" in text
        assert BOT_TOKEN not in text


async def test_the_cli_says_which_variable_is_missing(
    settings: Settings, tg: FakeTelegram
) -> None:
    with pytest.raises(SystemExit, match="TELEGRAM_WEBHOOK_URL is not set"):
        await set_webhook(_with_bot(settings, tg))
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN is not set"):
        await set_webhook(settings)
    assert not tg.calls_to("setWebhook")
