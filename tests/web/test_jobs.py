from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from store.clock import FrozenClock
from store.tables import GoogleSyncState
from tests.web.conftest import ApiClient, Client
from web.errors import to_api_error


def offer(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "source": "Indeed",
        "source_url": f"https://jobs.example/{n}",
        "title": f"Dev {n}",
    } | extra


async def test_ingest_inserts_then_updates_and_keeps_the_owners_fields(
    api: ApiClient, clock: FrozenClock
) -> None:
    first = await api.post("/jobs/ingest", json={"jobs": [offer(1), offer(2)]})
    assert first == {"inserted": 2, "updated": 0}
    job = (await api.get("/jobs", params={"limit": "1"}))[0]
    await api.patch(
        f"/jobs/{job['id']}",
        json={"starred": True, "notes": "call", "applied_at": "2026-11-25T11:00:00+01:00"},
    )
    clock.advance(timedelta(days=1))
    again = await api.post(
        "/jobs/ingest", json={"jobs": [offer(1, title="Senior"), offer(2), offer(3)]}
    )
    assert again == {"inserted": 1, "updated": 2}
    refreshed = await api.get(f"/jobs/{job['id']}")
    assert refreshed["starred"] and refreshed["notes"] == "call"
    assert refreshed["applied_at"] == "2026-11-25T10:00:00Z"
    assert refreshed["last_seen_at"] == "2026-11-26T09:00:00Z"
    assert refreshed["first_seen_at"] == "2026-11-25T09:00:00Z"


async def test_a_url_twice_in_a_batch_counts_once(api: ApiClient) -> None:
    batch = [offer(1), offer(1, title="last wins")]
    assert await api.post("/jobs/ingest", json={"jobs": batch}) == {"inserted": 1, "updated": 0}
    assert [j["title"] for j in await api.get("/jobs")] == ["last wins"]


async def test_list_filters(api: ApiClient, clock: FrozenClock) -> None:
    await api.post(
        "/jobs/ingest",
        json={"jobs": [offer(1, stack=["python", "sql"], remote_type="remote")]},
    )
    clock.advance(timedelta(hours=2))
    await api.post("/jobs/ingest", json={"jobs": [offer(2, stack=["go"], remote_type="onsite")]})
    archived = (await api.get("/jobs", params={"remote_type": "onsite"}))[0]
    await api.patch(f"/jobs/{archived['id']}", json={"archived": True})

    async def urls(params: Any) -> list[str]:
        return [j["source_url"][-1] for j in await api.get("/jobs", params=params)]

    assert await urls({}) == ["2", "1"]
    assert await urls({"archived": "false"}) == ["1"]
    assert await urls({"remote_type": "remote"}) == ["1"]
    assert await urls([("stack[]", "rust"), ("stack[]", "sql")]) == ["1"]
    assert await urls({"since": "2026-11-25T10:30:00+01:00"}) == ["2"]
    await api.get("/jobs", params={"remote_type": "mars"}, status=422)
    await api.get("/jobs", params={"archived": "maybe"}, status=422)


async def test_ingest_validation_and_patch_errors(api: ApiClient) -> None:
    await api.post("/jobs/ingest", json={"jobs": [{"source": "x"}]}, status=422)
    await api.post("/jobs/ingest", json={"jobs": [offer(1, starred=True)]}, status=422)
    await api.patch(f"/jobs/{uuid.uuid4()}", json={"starred": True}, status=404)
    await api.patch("/jobs/nope", json={"starred": True}, status=404)


async def test_5000_offers_fit_the_ingest_limit_but_not_the_others(
    api: ApiClient, client: Client, auth: dict[str, str]
) -> None:
    batch = [offer(n, description="x" * 400) for n in range(5000)]
    assert await api.post("/jobs/ingest", json={"jobs": batch}) == {"inserted": 5000, "updated": 0}
    too_big = await client.post("/todos", json={"title": "x" * (2 * 1024 * 1024)}, headers=auth)
    assert too_big.status == 413
    assert (await too_big.json())["error"]["code"] == "payload_too_large"


async def test_criteria_crud(api: ApiClient) -> None:
    created = await api.post(
        "/jobs/criteria", json={"name": "Marseille", "stack": ["python"]}, status=201
    )
    assert created["active"] and created["remote_types"] == []
    replaced = await api.put(
        f"/jobs/criteria/{created['id']}", json={"name": "Remote", "remote_types": ["remote"]}
    )
    assert (replaced["name"], replaced["stack"], replaced["remote_types"]) == (
        "Remote",
        [],
        ["remote"],
    )
    assert [c["id"] for c in await api.get("/jobs/criteria")] == [created["id"]]
    await api.delete(f"/jobs/criteria/{created['id']}")
    await api.delete(f"/jobs/criteria/{created['id']}", status=404)
    await api.put(f"/jobs/criteria/{uuid.uuid4()}", json={}, status=404)
    await api.post("/jobs/criteria", json={"remote_types": ["moon"]}, status=422)


async def test_location_matches_any_case_and_accents(api: ApiClient, clock: FrozenClock) -> None:
    places = ["Marseille (13)", "MARSEILLE 13e", "Saint-Étienne", "Villeneuve-d’Ascq", "Paris"]
    for n, place in enumerate(places):
        clock.advance(timedelta(minutes=1))
        await api.post("/jobs/ingest", json={"jobs": [offer(n, location=place)]})
    await api.post("/jobs/ingest", json={"jobs": [offer(9)]})  # no location at all

    async def found(location: str, **params: str) -> list[str | None]:
        jobs = await api.get("/jobs", params={"location": location, **params})
        return [j["location"] for j in jobs]

    assert await found("marseille") == ["MARSEILLE 13e", "Marseille (13)"]
    assert await found("  Marséille ") == ["MARSEILLE 13e", "Marseille (13)"]
    assert await found("ETIENNE") == await found("saint-étienne") == ["Saint-Étienne"]
    assert await found("d'ascq") == ["Villeneuve-d’Ascq"]
    assert await found("marseille", limit="1") == ["MARSEILLE 13e"]
    assert await found("%") == await found("_") == []  # characters, not wildcards
    assert await found("lyon") == []
    await api.get("/jobs", params={"location": "   "}, status=422)
    await api.get("/jobs", params={"location": "x" * 201}, status=422)


async def test_frequent_locations_count_spellings_together(api: ApiClient) -> None:
    places = ["Marseille", "marseille", "Marseille", "Marseille", "Paris"]
    places += ["Saint-Étienne", "SAINT-ETIENNE", "Saint-Étienne"]
    batch = [offer(n, location=place) for n, place in enumerate(places)]
    batch += [offer(10, location="  "), offer(11), offer(12, location="Lyon")]
    await api.post("/jobs/ingest", json={"jobs": batch})
    lyon = (await api.get("/jobs", params={"location": "lyon"}))[0]
    await api.patch(f"/jobs/{lyon['id']}", json={"archived": True})

    assert await api.get("/jobs/locations") == [
        {"location": "Marseille", "count": 4},
        {"location": "Saint-Étienne", "count": 3},
        {"location": "Paris", "count": 1},
    ]
    assert await api.get("/jobs/locations", params={"limit": "1"}) == [
        {"location": "Marseille", "count": 4}
    ]
    assert await api.get("/jobs/locations", params={"archived": "true"}) == [
        {"location": "Lyon", "count": 1}
    ]
    await api.get("/jobs/locations", params={"limit": "0"}, status=422)


def _long_url(length: int) -> str:
    """A URL that compresses badly (PostgreSQL compresses an index entry before measuring)."""
    digest, chunks = b"seed", []
    while sum(map(len, chunks)) < length:
        digest = hashlib.sha256(digest).digest()
        chunks.append(digest.hex())
    return ("https://jobs.example/offer?q=" + "".join(chunks))[:length]


async def test_an_offer_with_a_3990_character_url_is_stored_with_the_others(
    api: ApiClient,
) -> None:
    long = offer(2, source_url=_long_url(3990))
    batch = [offer(1), long, offer(3)]

    assert await api.post("/jobs/ingest", json={"jobs": batch}) == {"inserted": 3, "updated": 0}
    stored = {j["source_url"] for j in await api.get("/jobs")}
    assert stored == {offer(1)["source_url"], long["source_url"], offer(3)["source_url"]}
    # Still one row per URL: the same batch again updates the three.
    assert await api.post("/jobs/ingest", json={"jobs": batch}) == {"inserted": 0, "updated": 3}


async def test_a_nul_character_in_an_offer_is_a_422_and_nothing_is_stored(api: ApiClient) -> None:
    batch = [offer(1), offer(2, description="a\u0000b")]

    error = await api.post("/jobs/ingest", json={"jobs": batch}, status=422)

    assert error["error"]["details"]["sqlstate"].startswith("22")
    assert await api.get("/jobs") == []


async def test_a_value_beyond_a_postgresql_limit_is_a_422_naming_its_field(
    session: AsyncSession,
) -> None:
    # An index entry over 2,704 bytes (SQLSTATE 54000), on a column the API never writes.
    with pytest.raises(DBAPIError) as caught:
        await session.execute(insert(GoogleSyncState).values(calendar_id=_long_url(3990)))
    await session.rollback()

    error = to_api_error(caught.value)

    assert error is not None and error.status == 422
    assert error.details == {"sqlstate": "54000", "field": "calendar_id"}
    assert error.message.startswith("calendar_id: index row size")
