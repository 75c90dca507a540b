"""What every answer carries: JSON never stored nor sniffed, a CSP on every HTML page, a JSON
414 for a URI past the request-line limit."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from tests.fakes.google import CALENDAR_SCOPE, CLIENT_ID, CLIENT_SECRET, FakeGoogle
from tests.web.conftest import ApiClient, Client
from web.headers import MAX_URI_BYTES

CALLBACK = "/agenda/google/oauth/callback"


def assert_api_json(response: ClientResponse) -> None:
    assert response.content_type == "application/json", response.url
    assert response.headers["Cache-Control"] == "no-store", response.url
    assert response.headers["X-Content-Type-Options"] == "nosniff", response.url


async def test_api_json_is_never_stored_nor_sniffed_errors_included(
    client: Client, auth: dict[str, str]
) -> None:
    calls: list[tuple[str, str, dict[str, Any], int]] = [
        ("GET", "/todos", {"headers": auth}, 200),
        ("POST", "/todos", {"headers": auth, "json": {"title": "Pain"}}, 201),
        ("GET", "/health", {}, 200),
        ("GET", "/openapi.json", {"headers": auth}, 200),
        ("GET", "/todos", {}, 401),
        ("GET", "/nothing-here", {"headers": auth}, 404),
        ("DELETE", "/health", {}, 405),
        ("POST", "/todos", {"headers": auth, "data": b"{nope"}, 400),
        ("POST", "/todos", {"headers": auth, "json": {}}, 422),
        ("POST", "/todos", {"headers": auth, "data": b"x" * (1024 * 1024 + 1)}, 413),
        ("GET", "/app/missing.js", {}, 404),
    ]
    for method, path, kwargs, status in calls:
        response = await client.request(method, path, **kwargs)
        assert response.status == status, (method, path, await response.text())
        assert_api_json(response)


def style_sources(csp: str) -> set[str]:
    directive = next(d for d in csp.split(";") if d.strip().startswith("style-src"))
    return set(directive.split()[1:])


def assert_csp_page(response: ClientResponse, body: str) -> None:
    assert response.content_type == "text/html", response.url
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp or "default-src 'self'" in csp, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert "frame-ancestors 'none'" in csp, csp
    assert "<script>" not in body  # no inline script could run anyway
    for style in re.findall(r"<style>(.*?)</style>", body, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in style_sources(csp), "the page's style would be blocked"


async def test_every_html_page_has_a_content_security_policy(client: Client) -> None:
    for path in ("/app/", "/app/todos", "/app/projects/42", CALLBACK):
        response = await client.get(path)
        assert_csp_page(response, await response.text())


@pytest.fixture
async def gclient(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - an empty database
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Client]:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake's token URL is http
    async with FakeGoogle.start(now=clock.now) as google:
        configured = settings.model_copy(
            update={
                "google_oauth_client_id": CLIENT_ID,
                "google_oauth_client_secret": SecretStr(CLIENT_SECRET),
                "google_oauth_redirect_uri": "https://os.example.org" + CALLBACK,
                "google_api_base": google.url,
            }
        )
        app = create_app(configured, clock=clock, run_migrations=False)
        async with TestClient(TestServer(app)) as client:
            yield client


async def test_the_oauth_callback_pages_have_a_csp_that_allows_their_style_only(
    gclient: Client, auth: dict[str, str]
) -> None:
    refused = await gclient.get(CALLBACK, params={"state": "unknown", "code": "x"})
    assert refused.status == 400
    assert_csp_page(refused, await refused.text())
    cancelled = await gclient.get(CALLBACK, params={"error": "access_denied"})
    assert_csp_page(cancelled, await cancelled.text())

    start = await ApiClient(gclient, auth).get("/agenda/google/oauth/start")
    state = parse_qs(urlsplit(start["url"]).query)["state"][0]
    params = {"state": state, "code": "4/fake-code", "scope": CALENDAR_SCOPE}
    connected = await gclient.get(CALLBACK, params=params)
    assert connected.status == 200
    assert_csp_page(connected, await connected.text())


async def test_a_uri_past_the_request_line_limit_is_a_json_414(
    client: Client, auth: dict[str, str]
) -> None:
    at_limit = "/app/" + "a" * (MAX_URI_BYTES - len("/app/"))
    assert (await client.get(at_limit)).status == 200  # a page of the PWA's router
    for length in (MAX_URI_BYTES + 1, 20_000, 100_000, 1_000_000):
        for method, prefix in (("GET", "/todos?q="), ("POST", "/todos/"), ("GET", "/app/")):
            path = prefix + "a" * (length - len(prefix))
            response = await client.request(method, path, headers=auth)
            assert response.status == 414, (method, length, await response.text())
            body = await response.json()
            assert body["error"]["code"] == "uri_too_long"
            assert str(MAX_URI_BYTES) in body["error"]["message"]
            assert_api_json(response)
    assert (await client.get("/health")).status == 200  # the connection pool is fine


async def test_the_414_and_429_are_documented_on_every_operation(api: ApiClient) -> None:
    doc = await api.get("/openapi.json")
    common = doc["components"]["responses"]
    assert common["UriTooLong"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "Retry-After" in common["TooManyFailures"]["headers"]
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            assert responses["414"] == {"$ref": "#/components/responses/UriTooLong"}
            if op.get("security") != []:
                assert responses["429"] == {"$ref": "#/components/responses/TooManyFailures"}
            else:
                assert "429" not in responses, (method, path)
