"""What holds for every operation of the document: the bearer, unknown ids."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.web.conftest import ApiClient, Client
from web.throttle import LIMIT as THROTTLE_LIMIT

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def with_ids(path: str) -> str:
    return PLACEHOLDER.sub(lambda _: str(uuid.uuid4()), path)


async def test_every_private_route_needs_the_right_bearer(api: ApiClient, client: Client) -> None:
    doc = await api.get("/openapi.json")
    private = [(m, p) for m, p, op in operations(doc) if op.get("security") != []]
    assert len(private) > 30
    for method, path in private:
        response = await client.request(method, with_ids(path))
        assert response.status == 401, (method, path)
        assert (await response.json())["error"]["code"] == "unauthorized"
    # Wrong tokens are 401 until the address has spent its tries, 429 after (web/throttle.py).
    for n, (method, path) in enumerate(private):
        wrong = {"Authorization": "Bearer not-the-token"}
        response = await client.request(method, with_ids(path), headers=wrong)
        expected = (401, "unauthorized") if n < THROTTLE_LIMIT else (429, "too_many_failures")
        assert (response.status, (await response.json())["error"]["code"]) == expected, path


async def test_unknown_ids_are_404_on_every_read_and_delete(api: ApiClient) -> None:
    doc = await api.get("/openapi.json")
    for method, path, op in operations(doc):
        params = [p for p in op.get("parameters", ()) if p["in"] == "path"]
        uuids = params and all(p["schema"].get("format") == "uuid" for p in params)
        if uuids and method in ("GET", "DELETE"):
            error = await api.call(method, with_ids(path), status=404)
            assert error["error"]["code"] == "not_found"
            await api.call(method, PLACEHOLDER.sub("not-a-uuid", path), status=404)
