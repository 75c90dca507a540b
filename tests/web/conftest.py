"""`api`: the real application over HTTP, bearer included, asserting the status of each call."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

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
