"""Signed in by Telegram: the Mini App's initData buys a session token (POST /auth/telegram),
which opens the PWA's routes only, for 30 days, until revoked. The initData is built here and
signed as Telegram signs it (`tests.fakes.telegram.init_data`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import AuthSession, Job
from tests.conftest import BEARER
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram, init_data
from tests.web.conftest import Client
from web.openapi import REGISTRY
from web.scope import MASTER_ONLY, SESSION_SCOPE, route_key
from web.sessions import LIFETIME, MAX_DEVICE_CHARS, MAX_SESSIONS, TOKEN_LENGTH
from web.throttle import LIMIT

PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Telegram-Android/11.4.2"


def with_bot(settings: Settings, tg: FakeTelegram) -> Settings:
    """The bot in webhook mode (nothing polls), the PWA's origin set."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
            "telegram_webhook_url": "https://os.example.org/telegram/webhook",
            "telegram_webhook_secret": SecretStr("webhook-secret-0123456789"),
            "public_url": "https://os.example.org",
        }
    )


@pytest.fixture
async def tclient(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - an empty database
) -> AsyncIterator[Client]:
    app = create_app(with_bot(settings, tg), clock=clock, run_migrations=False)
    async with TestClient(TestServer(app)) as client:
        yield client


async def sign_in(client: Client, data: str, *, user_agent: str = PHONE_UA) -> Any:
    response = await client.post(
        "/auth/telegram", json={"init_data": data}, headers={"User-Agent": user_agent}
    )
    return response.status, await response.json()


async def session_token(client: Client, clock: FrozenClock, **kw: Any) -> str:
    status, body = await sign_in(client, init_data(auth_date=clock.now()), **kw)
    assert status == 200, body
    return str(body["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(client: Client, method: str, path: str, token: str, **kw: Any) -> tuple[int, Any]:
    response = await client.request(method, path, headers=bearer(token), **kw)
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body


# ---------------------------------------------------------------- signing in


async def test_the_owners_signed_init_data_buys_a_session_token_that_reads_todos(
    tclient: Client, clock: FrozenClock, auth: dict[str, str]
) -> None:
    await tclient.post("/todos", json={"title": "Acheter du pain"}, headers=auth)
    response = await tclient.post(
        "/auth/telegram", json={"init_data": init_data(auth_date=clock.now())}
    )
    text = await response.text()
    assert response.status == 200, text
    body = await response.json()
    assert set(body) == {"token", "expires_at"}
    assert BEARER not in text  # the master bearer never reaches the browser this way
    assert len(body["token"]) == TOKEN_LENGTH
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires == clock.now() + LIFETIME

    status, todos = await call(tclient, "GET", "/todos", body["token"])
    assert status == 200
    assert [t["title"] for t in todos] == ["Acheter du pain"]


async def test_only_the_tokens_hash_is_stored(
    tclient: Client, clock: FrozenClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    token = await session_token(tclient, clock)
    async with sessionmaker() as session:
        [row] = await session.scalars(select(AuthSession))
    assert row.token_hash != token.encode() and len(row.token_hash) == 32
    assert row.telegram_user_id == OWNER_ID
    assert token not in repr(row.__dict__)


def tampered(data: str) -> str:
    """Another user id, the signature left as it was."""
    return data.replace("%22id%22%3A42", "%22id%22%3A43")


@pytest.mark.parametrize(
    ("name", "make", "status", "code"),
    [
        ("tampered", lambda now: tampered(init_data(auth_date=now)), 401, "init_data_invalid"),
        (
            "another bot's",
            lambda now: init_data(auth_date=now, bot_token="654321:another-bot-token"),
            401,
            "init_data_invalid",
        ),
        (
            "25 hours old",
            lambda now: init_data(auth_date=now - timedelta(hours=25)),
            401,
            "init_data_expired",
        ),
        (
            "without user",
            lambda now: init_data(auth_date=now, drop=("user",)),
            401,
            "init_data_incomplete",
        ),
        (
            "without date",
            lambda now: init_data(auth_date=now, drop=("auth_date",)),
            401,
            "init_data_incomplete",
        ),
        ("without hash", lambda now: init_data(auth_date=now)[:-70], 401, "init_data_invalid"),
        ("not a query string", lambda _now: "{not telegram}", 401, "init_data_invalid"),
        (
            "from the future",
            lambda now: init_data(auth_date=now + timedelta(hours=1)),
            401,
            "init_data_invalid",
        ),
        ("another user", lambda now: init_data(auth_date=now, user_id=7), 403, "not_the_owner"),
    ],
)
async def test_a_bad_proof_is_refused_with_a_clear_error_logged_once(
    tclient: Client,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    name: str,
    make: Any,
    status: int,
    code: str,
) -> None:
    data = make(clock.now())
    caplog.clear()
    with caplog.at_level(logging.INFO):
        got, body = await sign_in(tclient, data)
    assert (got, body["error"]["code"]) == (status, code), name
    assert body["error"]["message"]
    # The service's own lines (other tests' bots may still be logging in the background).
    ours = [r for r in caplog.records if r.name.startswith(("web", "app", "store"))]
    refusals = [r for r in ours if r.levelno >= logging.WARNING]
    assert len(refusals) == 1, [r.getMessage() for r in ours]
    assert refusals[0].name == "web.routes.auth"
    assert data not in caplog.text and "hash=" not in caplog.text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuthSession)) == 0


async def test_init_data_signed_a_day_ago_less_a_minute_still_signs_in(
    tclient: Client, clock: FrozenClock
) -> None:
    data = init_data(auth_date=clock.now() - timedelta(hours=24) + timedelta(minutes=1))
    assert (await sign_in(tclient, data))[0] == 200
    clock.advance(timedelta(minutes=2))  # the same data, replayed after its 24 hours
    status, body = await sign_in(tclient, data)
    assert (status, body["error"]["code"]) == (401, "init_data_expired")


async def test_without_a_bot_telegram_sign_in_says_it_is_not_configured(
    client: Client, clock: FrozenClock
) -> None:
    status, body = await sign_in(client, init_data(auth_date=clock.now()))
    assert (status, body["error"]["code"]) == (503, "telegram_not_configured")


async def test_a_malformed_body_is_a_422_not_a_crash(tclient: Client) -> None:
    for body in ({}, {"init_data": ""}, {"init_data": 42}, {"init_data": "x" * 9000}):
        response = await tclient.post("/auth/telegram", json=body)
        assert response.status == 422, body


# ---------------------------------------------------------------- what a session opens


async def test_a_session_cannot_call_routes_outside_the_pwas(
    tclient: Client,
    clock: FrozenClock,
    auth: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    token = await session_token(tclient, clock)
    jobs = {"jobs": [{"source": "s", "source_url": "https://example.org/1", "title": "Dev"}]}
    for method, path, kw in [
        ("POST", "/jobs/ingest", {"json": jobs}),
        ("POST", "/telegram/set-webhook", {}),
        ("GET", "/openapi.json", {}),
    ]:
        status, body = await call(tclient, method, path, token, **kw)
        assert (status, body["error"]["code"]) == (403, "outside_session_scope"), path

    # Nor through the offline queue's replay.
    mutation = {"client_mutation_id": "m-1", "method": "POST", "path": "/jobs/ingest"}
    todo = {"client_mutation_id": "m-2", "method": "POST", "path": "/todos"}
    replay = {"mutations": [mutation | {"body": jobs}, todo | {"body": {"title": "Pain"}}]}
    status, report = await call(tclient, "POST", "/sync/replay", token, json=replay)
    assert status == 200
    assert report["acked"] == ["m-2"]
    assert [(e["status"], e["error"]["code"]) for e in report["errors"]] == [
        (403, "outside_session_scope")
    ]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Job)) == 0

    # A path that is no route is a 404, a method a route lacks a 405, as for the master bearer.
    assert (await call(tclient, "GET", "/nothing-here", token))[0] == 404
    assert (await call(tclient, "PUT", "/todos", token))[0] == 405

    # The master bearer still opens everything.
    assert (await tclient.post("/jobs/ingest", json=jobs, headers=auth)).status == 200
    assert (await tclient.get("/openapi.json", headers=auth)).status == 200


async def test_every_route_is_either_in_the_sessions_scope_or_master_only(
    tclient: Client,
) -> None:
    operations = tclient.app[REGISTRY].operations
    private = {route_key(op.method, op.path) for op in operations if not op.public}
    unclassified = private - SESSION_SCOPE - MASTER_ONLY
    assert unclassified == set(), (
        "put each new route in web/scope.py's SESSION_SCOPE or MASTER_ONLY"
    )
    assert SESSION_SCOPE.isdisjoint(MASTER_ONLY)
    assert (SESSION_SCOPE | MASTER_ONLY) - private == set(), "a listed route no longer exists"


async def test_a_revoked_session_is_refused(tclient: Client, clock: FrozenClock) -> None:
    token = await session_token(tclient, clock)
    other = await session_token(tclient, clock, user_agent="Telegram Desktop")
    status, listed = await call(tclient, "GET", "/auth/sessions", token)
    assert status == 200
    [mine] = [s for s in listed if s["current"]]
    [theirs] = [s for s in listed if not s["current"]]
    assert (mine["device"], theirs["device"]) == (PHONE_UA, "Telegram Desktop")

    status, _ = await call(tclient, "DELETE", f"/auth/sessions/{theirs['id']}", token)
    assert status == 204
    status, body = await call(tclient, "GET", "/todos", other)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body = await call(tclient, "DELETE", f"/auth/sessions/{theirs['id']}", token)
    assert (status, body["error"]["code"]) == (404, "not_found")

    # A session can sign itself out.
    assert (await call(tclient, "DELETE", f"/auth/sessions/{mine['id']}", token))[0] == 204
    assert (await call(tclient, "GET", "/todos", token))[0] == 401


async def test_an_expired_session_is_refused_and_says_so(
    tclient: Client, clock: FrozenClock
) -> None:
    token = await session_token(tclient, clock)
    clock.advance(LIFETIME - timedelta(seconds=1))
    assert (await call(tclient, "GET", "/todos", token))[0] == 200
    clock.advance(timedelta(seconds=1))
    status, body = await call(tclient, "GET", "/todos", token)
    assert (status, body["error"]["code"]) == (401, "session_expired")
    assert "Telegram" in body["error"]["message"]


async def test_the_master_bearer_lists_and_revokes_sessions(
    tclient: Client, clock: FrozenClock, auth: dict[str, str]
) -> None:
    token = await session_token(tclient, clock)
    listed = await (await tclient.get("/auth/sessions", headers=auth)).json()
    assert [s["current"] for s in listed] == [False]
    response = await tclient.delete(f"/auth/sessions/{listed[0]['id']}", headers=auth)
    assert response.status == 204
    assert (await call(tclient, "GET", "/todos", token))[0] == 401


async def test_last_use_is_written_at_most_once_a_minute(
    tclient: Client, clock: FrozenClock, auth: dict[str, str]
) -> None:
    signed_in_at = clock.now()
    token = await session_token(tclient, clock)

    async def last_used() -> datetime:
        [row] = await (await tclient.get("/auth/sessions", headers=auth)).json()
        return datetime.fromisoformat(row["last_used_at"])

    clock.advance(timedelta(seconds=30))
    assert (await call(tclient, "GET", "/todos", token))[0] == 200
    assert await last_used() == signed_in_at
    clock.advance(timedelta(seconds=31))
    assert (await call(tclient, "GET", "/todos", token))[0] == 200
    assert await last_used() == clock.now()
    used = clock.now()
    clock.advance(timedelta(seconds=59))
    assert (await call(tclient, "GET", "/projects", token))[0] == 200
    assert await last_used() == used


async def test_the_device_is_the_user_agent_trimmed(tclient: Client, clock: FrozenClock) -> None:
    token = await session_token(tclient, clock, user_agent="Telegram\t  Desktop " + "A" * 500)
    [row] = (await call(tclient, "GET", "/auth/sessions", token))[1]
    assert row["device"] == ("Telegram Desktop " + "A" * 500)[:MAX_DEVICE_CHARS]


async def test_sign_ins_past_the_limit_drop_the_least_recently_used(
    tclient: Client, clock: FrozenClock, auth: dict[str, str]
) -> None:
    first = await session_token(tclient, clock)
    for _ in range(MAX_SESSIONS):
        clock.advance(timedelta(minutes=1))
        await session_token(tclient, clock)
    listed = await (await tclient.get("/auth/sessions", headers=auth)).json()
    assert len(listed) == MAX_SESSIONS
    assert (await call(tclient, "GET", "/todos", first))[0] == 401


async def test_wrong_session_tokens_count_in_the_throttle(
    tclient: Client, clock: FrozenClock
) -> None:
    token = await session_token(tclient, clock)
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(LIMIT):
        assert (await call(tclient, "GET", "/todos", wrong))[0] == 401
    status, body = await call(tclient, "GET", "/todos", token)
    assert (status, body["error"]["code"]) == (429, "too_many_failures")


async def test_an_unknown_session_id_is_a_404(tclient: Client, auth: dict[str, str]) -> None:
    response = await tclient.delete(f"/auth/sessions/{uuid.uuid4()}", headers=auth)
    assert response.status == 404


async def test_the_shell_may_be_framed_by_telegram_web_only_with_public_url(
    tclient: Client, client: Client
) -> None:
    framed = (await tclient.get("/app/")).headers["Content-Security-Policy"]
    assert "frame-ancestors https://web.telegram.org" in framed.split("; ")
    assert "script-src 'self'" in framed.split("; ")
    unframed = (await client.get("/app/")).headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in unframed.split("; ")
