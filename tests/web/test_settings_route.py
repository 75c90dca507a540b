"""GET/PUT /settings, and the running scheduler following the change."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.scheduler import SCHEDULER
from app.settings import Settings
from store.clock import FrozenClock
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram


async def test_get_and_put_settings(
    client: TestClient[web.Request, web.Application], auth: dict[str, str]
) -> None:
    response = await client.get("/settings", headers=auth)
    assert await response.json() == {
        "digest_time": "07:30",
        "med_reminder_times": ["09:00", "13:00", "20:00"],
        "event_reminder_minutes": 30,
        "weekly_review": "SUN 18:00",
        "timezone": "Europe/Paris",
        "language": "fr",
        "owner_name": None,
        "google": {
            "configured": False,
            "missing": [
                "GOOGLE_OAUTH_CLIENT_ID",
                "GOOGLE_OAUTH_CLIENT_SECRET",
                "GOOGLE_OAUTH_REDIRECT_URI",
            ],
        },
    }
    response = await client.put(
        "/settings", json={"med_reminder_times": ["21:00", "08:15"]}, headers=auth
    )
    body = await response.json()
    assert (body["digest_time"], body["med_reminder_times"]) == ("07:30", ["08:15", "21:00"])
    assert (await client.get("/settings")).status == 401


async def test_bad_settings_are_refused_and_change_nothing(
    client: TestClient[web.Request, web.Application], auth: dict[str, str]
) -> None:
    bad: list[dict[str, Any]] = [
        {"digest_time": "25:00"},
        {"digest_time": "7h30"},
        {"med_reminder_times": []},
        {"timezone": "UTC"},
    ]
    for body in bad:
        response = await client.put("/settings", json=body, headers=auth)
        assert response.status == 422, body
        assert (await response.json())["error"]["code"] == "validation_error"
    assert (await (await client.get("/settings", headers=auth)).json())["digest_time"] == "07:30"


async def test_put_settings_moves_the_next_digest(
    settings: Settings,
    clock: FrozenClock,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - empty database
) -> None:
    async with FakeTelegram.start(poll_wait=0.05) as tg:
        configured = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(BOT_TOKEN),
                "telegram_owner_id": OWNER_ID,
                "telegram_api_base": tg.url,
            }
        )
        app = create_app(configured, clock=clock, run_migrations=False)
        async with TestClient(TestServer(app)) as client:
            scheduler = app[SCHEDULER]
            for _ in range(100):
                if scheduler.is_leader:
                    break
                await asyncio.sleep(0.05)
            before = scheduler.next_run_time("digest")
            assert before is not None and (before.hour, before.minute) == (7, 30)
            response = await client.put("/settings", json={"digest_time": "06:05"}, headers=auth)
            assert response.status == 200
            after = scheduler.next_run_time("digest")
            assert after is not None and (after.hour, after.minute) == (6, 5)


async def test_the_pwa_learns_the_owners_zone_name_and_what_google_still_needs(
    settings: Settings,
    clock: FrozenClock,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - empty database
) -> None:
    client_id = {"google_oauth_client_id": "client-id.apps.example"}
    google = client_id | {
        "google_oauth_client_secret": SecretStr("client-secret"),
        "google_oauth_redirect_uri": "https://os.example/agenda/google/oauth/callback",
    }
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            client_id | {"owner_name": "Camille", "timezone": "America/New_York"},
            {
                "timezone": "America/New_York",
                "owner_name": "Camille",
                "google": {
                    "configured": False,
                    "missing": ["GOOGLE_OAUTH_CLIENT_SECRET", "GOOGLE_OAUTH_REDIRECT_URI"],
                },
            },
        ),
        (
            google,
            {
                "timezone": "Europe/Paris",
                "owner_name": None,
                "google": {"configured": True, "missing": []},
            },
        ),
    ]
    for update, expected in cases:
        app = create_app(settings.model_copy(update=update), clock=clock, run_migrations=False)
        async with TestClient(TestServer(app)) as client:
            body = await (await client.get("/settings", headers=auth)).json()
        assert {key: body[key] for key in expected} == expected
