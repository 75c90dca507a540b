"""`api`: the real application over HTTP, bearer included, asserting the status of each call;
`browser`, `base_url`, `page`: the PWA in Chromium against the real application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, async_playwright
from pydantic import SecretStr
from pydantic_ai.models import override_allow_model_requests
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from tests.fakes.mistral import Behaviour, FakeMistral, ToolCalls
from tests.web.browser import ARGS, chromium_or_fail, open_page, serving

Client = TestClient[web.Request, web.Application]


class ApiClient:
    def __init__(self, client: Client, auth: dict[str, str]) -> None:
        self.client = client
        self.auth = auth

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        params: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Any:
        response = await self.client.request(
            method, path, json=json, data=data, params=params, headers=self.auth | (headers or {})
        )
        text = await response.text()
        assert response.status == status, f"{method} {path}: {response.status} {text}"
        if response.content_type == "application/json":
            return await response.json()
        return text

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.call("POST", path, **kw)

    async def put(self, path: str, **kw: Any) -> Any:
        return await self.call("PUT", path, **kw)

    async def patch(self, path: str, **kw: Any) -> Any:
        return await self.call("PATCH", path, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.call("DELETE", path, status=kw.pop("status", 204), **kw)


@pytest.fixture
def api(client: Client, auth: dict[str, str]) -> ApiClient:
    return ApiClient(client, auth)


# ---------------------------------------------------------------- the PWA in Chromium


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session (a launch costs up to a second); each test has its
    own context (`open_page`), which shares no cookies, storage, cache or worker with another."""
    executable = chromium_or_fail()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def base_url(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - starts from an empty db
) -> AsyncIterator[str]:
    """The real app on a loopback port, for the browser."""
    async with serving(create_app(settings, clock=clock, run_migrations=False)) as url:
        yield url


@pytest.fixture
async def page(browser: Browser, clock: FrozenClock) -> AsyncIterator[Page]:
    """A desktop-sized page in Paris, at the clock fixture's "now"."""
    async with open_page(browser, clock) as page:
        yield page


# ---------------------------------------------------------------- the PWA with a language model

# What the fake Mistral drafts for any todo (`POST /todos/{id}/ai-enrich`).
ENRICH_DRAFT = {
    "description": "Relire les chiffres du **trimestre** avant l'envoi.",
    "checklist": ["Exporter les chiffres", "Relire avec Léa"],
    "energy": "high",
    "context": "@laptop",
    "tags": ["rapport"],
    "verification_steps": ["Léa a accusé réception"],
}


def model_answer(request: dict[str, Any]) -> Behaviour:
    """An enrichment draft when asked for one (the output tool `final_result`), else one todo
    for whatever the palette or 🎤 sent."""
    tools = {t["function"]["name"] for t in request.get("tools") or []}
    if "final_result" in tools:
        return ToolCalls([("final_result", ENRICH_DRAFT)])
    todo = {"title": "Acheter du pain", "due_at": "2026-11-26T09:00:00+01:00"}
    return ToolCalls([("create_todo", todo)])


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start(responder=model_answer) as fake:
        yield fake


@pytest.fixture
async def model_base_url(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - starts from an empty db
    mistral: FakeMistral,
) -> AsyncIterator[str]:
    """The real app on a loopback port, with Mistral (the fake) as its language model."""
    settings = settings.model_copy(
        update={"mistral_api_key": SecretStr(mistral.api_key), "mistral_base_url": mistral.url}
    )
    with override_allow_model_requests(True):
        async with serving(create_app(settings, clock=clock, run_migrations=False)) as url:
            yield url
