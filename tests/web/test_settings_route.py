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
from tests.conftest import until
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
        "ai_monthly_budget_eur": None,
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


async def test_event_reminders_and_the_weekly_review_change_at_run_time(
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
            await until(lambda: scheduler.is_leader)
            before = scheduler.next_run_time("weekly-review")
            assert before is not None
            assert (before.weekday(), before.hour, before.minute) == (6, 18, 0)
            body = {"event_reminder_minutes": 0, "weekly_review": "FRI 17:15"}
            response = await client.put("/settings", json=body, headers=auth)
            assert response.status == 200
            answer = await response.json()
            assert (answer["event_reminder_minutes"], answer["weekly_review"]) == (0, "FRI 17:15")
            after = scheduler.next_run_time("weekly-review")
            assert after is not None and after.tzinfo == clock.tz
            assert (after.weekday(), after.hour, after.minute) == (4, 17, 15)
            assert scheduler.next_run_time("minute") is not None
            for bad in (
                {"event_reminder_minutes": -5},
                {"event_reminder_minutes": 7 * 24 * 60 + 1},
                {"event_reminder_minutes": "trente"},
                {"weekly_review": "dimanche"},
                {"weekly_review": "SUN 25:00"},
                {"weekly_review": "sun 18:00"},
            ):
                response = await client.put("/settings", json=body | bad, headers=auth)
                assert response.status == 422, bad
                error = (await response.json())["error"]
                assert error["details"][0]["loc"][-1] in bad, error
            now = await (await client.get("/settings", headers=auth)).json()
            assert (now["event_reminder_minutes"], now["weekly_review"]) == (0, "FRI 17:15")


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
