"""Repeated wrong bearers are slowed down per client address, with bounded memory, and a
client cannot change its address by writing X-Forwarded-For."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from ipaddress import ip_network

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from tests.web.conftest import Client
from web.throttle import LIMIT, WINDOW, BearerThrottle

WRONG = {"Authorization": "Bearer not-the-token"}


async def status(client: Client, headers: dict[str, str], path: str = "/todos") -> int:
    response = await client.get(path, headers=headers)
    body = await response.json()
    if response.status == 429:
        assert body["error"]["code"] == "too_many_failures"
        assert int(response.headers["Retry-After"]) >= 1
    return response.status


async def test_wrong_bearers_from_one_address_are_refused_for_a_while(
    client: Client, auth: dict[str, str], clock: FrozenClock
) -> None:
    for _ in range(3 * LIMIT):  # no header at all is not a guess
        assert await status(client, {}) == 401
    for _ in range(LIMIT):
        assert await status(client, WRONG) == 401
    response = await client.get("/todos", headers=WRONG)
    assert response.status == 429
    assert response.headers["Retry-After"] == str(int(WINDOW.total_seconds()))
    # Refused before the comparison: the right token learns nothing either, on every route.
    assert await status(client, auth) == 429
    assert await status(client, auth, "/projects") == 429
    assert await status(client, {}, "/openapi.json") == 429
    # Public routes stay open.
    assert (await client.get("/health")).status == 200
    assert (await client.get("/app/")).status == 200

    clock.advance(WINDOW - timedelta(seconds=30))
    assert (await client.get("/todos", headers=auth)).headers["Retry-After"] == "30"
    clock.advance(timedelta(seconds=30))
    assert await status(client, auth) == 200
    assert await status(client, WRONG) == 401  # a new window


async def test_the_right_bearer_forgets_earlier_mistakes(
    client: Client, auth: dict[str, str]
) -> None:
    for _ in range(3):
        for _ in range(LIMIT - 1):
            assert await status(client, WRONG) == 401
        assert await status(client, auth) == 200


async def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    client: Client, auth: dict[str, str]
) -> None:
    for n in range(LIMIT):
        headers = WRONG | {"X-Forwarded-For": f"203.0.113.{n}"}
        assert await status(client, headers) == 401
    assert await status(client, auth | {"X-Forwarded-For": "198.51.100.1"}) == 429


@pytest.fixture
async def behind_proxy(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - an empty database
) -> AsyncIterator[Client]:
    """The service behind a proxy on the loopback (Traefik in the cluster)."""
    trusted = (ip_network("127.0.0.0/8"), ip_network("10.42.0.0/16"))
    configured = settings.model_copy(update={"trusted_proxies": trusted})
    app = create_app(configured, clock=clock, run_migrations=False)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_behind_a_trusted_proxy_each_client_has_its_own_count(
    behind_proxy: Client, auth: dict[str, str]
) -> None:
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(LIMIT):
        assert await status(behind_proxy, WRONG | attacker) == 401
    assert await status(behind_proxy, auth | attacker) == 429
    # Another client behind the same proxy is not locked out…
    assert await status(behind_proxy, auth | {"X-Forwarded-For": "198.51.100.1"}) == 200
    # …and the attacker cannot pose as one: what it writes itself sits left of what the proxy
    # (and the proxies after it) appended, and only the rightmost untrusted address counts.
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.42.0.9"}
    assert await status(behind_proxy, auth | spoofed) == 429
    # A whole IPv6 /64 is one client: a host could rotate within it.
    for n in range(LIMIT):
        headers = WRONG | {"X-Forwarded-For": f"2001:db8:1:2::{n + 1:x}"}
        assert await status(behind_proxy, headers) == 401
    assert await status(behind_proxy, auth | {"X-Forwarded-For": "2001:db8:1:2::ff"}) == 429
    assert await status(behind_proxy, auth | {"X-Forwarded-For": "2001:db8:1:3::1"}) == 200


def test_memory_is_bounded_whatever_the_number_of_addresses(clock: FrozenClock) -> None:
    throttle = BearerThrottle(limit=1, max_clients=100)  # one failure: refused
    for n in range(10_000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}", clock.now())
        clock.advance(timedelta(milliseconds=10))
    assert len(throttle) == 100
    # The newest are kept; the oldest were let go.
    assert throttle.retry_after("10.0.39.15", clock.now()) is not None  # n = 9999
    assert throttle.retry_after("10.0.38.172", clock.now()) is not None  # n = 9900
    assert throttle.retry_after("10.0.38.171", clock.now()) is None
    # Ended windows go before anything else.
    clock.advance(WINDOW)
    throttle.failed("192.0.2.1", clock.now())
    assert len(throttle) == 1
