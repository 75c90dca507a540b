from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

Client = TestClient[web.Request, web.Application]


async def openapi(client: Client, auth: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/openapi.json", headers=auth)
    assert response.status == 200
    doc: dict[str, Any] = await response.json()
    return doc


async def test_the_document_is_valid_openapi_3_1(client: Client, auth: dict[str, str]) -> None:
    doc = await openapi(client, auth)
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert "Error" in doc["components"]["schemas"]


async def test_the_document_needs_the_bearer(client: Client) -> None:
    assert (await client.get("/openapi.json")).status == 401


async def test_public_routes_need_no_security(client: Client, auth: dict[str, str]) -> None:
    doc = await openapi(client, auth)
    assert doc["paths"]["/health"]["get"]["security"] == []
    assert "security" not in doc["paths"]["/openapi.json"]["get"]
