from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.tables import ClientMutation
from tests.conftest import PARIS
from tests.web.conftest import ApiClient


def mutation(method: str, path: str, body: Any = None) -> dict[str, Any]:
    return {"client_mutation_id": str(uuid.uuid4()), "method": method, "path": path, "body": body}


async def test_the_same_batch_twice_applies_once(api: ApiClient) -> None:
    batch = [
        mutation("POST", "/todos", {"title": "Pain"}),
        mutation("POST", "/projects", {"name": "P"}),
    ]
    ids = [m["client_mutation_id"] for m in batch]
    assert await api.post("/sync/replay", json={"mutations": batch}) == {
        "acked": ids,
        "errors": [],
    }
    assert await api.post("/sync/replay", json={"mutations": batch}) == {
        "acked": ids,
        "errors": [],
    }
    assert [t["title"] for t in await api.get("/todos")] == ["Pain"]
    assert len(await api.get("/projects")) == 1


async def test_an_invalid_third_of_five_is_reported_and_the_others_apply(api: ApiClient) -> None:
    todo = await api.post("/todos", json={"title": "old"}, status=201)
    batch = [
        mutation("POST", "/todos", {"title": "a"}),
        mutation("PATCH", f"/todos/{todo['id']}", {"title": "renamed"}),
        mutation("POST", "/todos", {"title": "c", "status": "someday"}),
        mutation("POST", "/projects", {"name": "P"}),
        mutation("DELETE", f"/todos/{todo['id']}"),
    ]
    result = await api.post("/sync/replay", json={"mutations": batch})
    assert result["acked"] == [m["client_mutation_id"] for i, m in enumerate(batch) if i != 2]
    [error] = result["errors"]
    assert error["client_mutation_id"] == batch[2]["client_mutation_id"]
    assert (error["status"], error["error"]["code"]) == (422, "validation_error")
    assert [t["title"] for t in await api.get("/todos")] == ["a"]


async def test_unknown_routes_and_ids_are_reported(api: ApiClient) -> None:
    batch = [
        mutation("PATCH", f"/todos/{uuid.uuid4()}", {"title": "x"}),
        mutation("POST", "/nowhere", {}),
        mutation("POST", "/sync/replay", {"mutations": []}),
        mutation("PATCH", "/todos/not-a-uuid", {"title": "x"}),
        mutation("POST", "/todos"),
    ]
    result = await api.post("/sync/replay", json={"mutations": batch})
    assert result["acked"] == []
    assert [e["status"] for e in result["errors"]] == [404, 404, 404, 404, 422]


async def test_a_failed_mutation_is_not_claimed(
    api: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    bad = mutation("POST", "/todos", {"title": ""})
    await api.post("/sync/replay", json={"mutations": [bad]})
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(ClientMutation))
    assert count == 0
    fixed = bad | {"body": {"title": "fixed"}}
    assert (await api.post("/sync/replay", json={"mutations": [fixed]}))["errors"] == []


async def test_two_concurrent_replays_of_the_same_ids_apply_once(
    api: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    batch = [mutation("POST", "/todos", {"title": f"t{i}"}) for i in range(20)]
    results = await asyncio.gather(
        *(api.post("/sync/replay", json={"mutations": batch}) for _ in range(3))
    )
    for result in results:
        assert result == {"acked": [m["client_mutation_id"] for m in batch], "errors": []}
    assert sorted(t["title"] for t in await api.get("/todos")) == sorted(
        f"t{i}" for i in range(20)
    )
    async with sessionmaker() as session:
        stored = (await session.execute(select(ClientMutation))).scalars().all()
    assert len(stored) == 20
    assert all(m.result is not None and m.result["status"] == 201 for m in stored)


async def test_replay_needs_the_bearer_and_a_valid_batch(api: ApiClient) -> None:
    await api.post("/sync/replay", json={"mutations": [{"method": "POST"}]}, status=422)
    bad_method = mutation("GET", "/todos")
    await api.post("/sync/replay", json={"mutations": [bad_method]}, status=422)
    api.auth = {}
    await api.post("/sync/replay", json={"mutations": []}, status=401)


async def test_a_meds_press_replayed_the_next_day_sets_the_day_it_was_pressed_on(
    api: ApiClient, clock: FrozenClock
) -> None:
    # Pressed offline on Wednesday evening: taken, then untaken, then taken again.
    presses = [
        mutation("POST", "/health-tab/today/toggle", {"day": "2026-11-25", "meds_taken": taken})
        for taken in (True, False, True)
    ]
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))  # back online on Thursday
    result = await api.post("/sync/replay", json={"mutations": presses})
    assert result == {"acked": [m["client_mutation_id"] for m in presses], "errors": []}
    days = await api.get("/health-tab/history", params={"days": "2"})
    assert [(d["day"], d["meds_taken"]) for d in days] == [
        ("2026-11-25", True),
        ("2026-11-26", False),
    ]
    # Sent again (the answer was lost): each press applies once, the state stays what was asked.
    assert (await api.post("/sync/replay", json={"mutations": presses[1:]}))["errors"] == []
    assert (await api.get("/health-tab/history", params={"days": "2"}))[0]["meds_taken"] is True


async def test_a_todo_done_offline_keeps_the_moment_it_was_done(
    api: ApiClient, clock: FrozenClock
) -> None:
    todo = await api.post("/todos", json={"title": "Pain", "status": "todo"}, status=201)
    done_at = "2026-11-25T21:30:00Z"
    batch = [
        mutation("PATCH", f"/todos/{todo['id']}", {"status": "done", "completed_at": done_at}),
        # Made and done offline: the queue folds the change into the creation.
        mutation("POST", "/todos", {"title": "Lait", "status": "done", "completed_at": done_at}),
    ]
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))
    assert (await api.post("/sync/replay", json={"mutations": batch}))["errors"] == []
    todos = {t["title"]: t for t in await api.get("/todos")}
    assert todos["Pain"]["completed_at"] == todos["Lait"]["completed_at"] == done_at


async def test_each_replayed_body_is_held_to_its_own_route_s_limit(api: ApiClient) -> None:
    huge_todo = mutation("POST", "/todos", {"title": "Pain", "notes": "x" * (1024 * 1024)})
    offers = [
        {"source": "s", "source_url": f"https://jobs.example/{n}", "title": "t" * 1000}
        for n in range(2000)
    ]
    big_ingest = mutation("POST", "/jobs/ingest", {"jobs": offers})  # 2 MB, its limit is 16 MiB

    result = await api.post("/sync/replay", json={"mutations": [huge_todo, big_ingest]})

    [error] = result["errors"]
    assert error["client_mutation_id"] == huge_todo["client_mutation_id"]
    assert (error["status"], error["error"]["code"]) == (413, "payload_too_large")
    assert error["error"]["details"] == {"limit": 1024 * 1024}
    assert result["acked"] == [big_ingest["client_mutation_id"]]
    assert (
        await api.get("/todos") == []
        and len(await api.get("/jobs", params={"limit": "1000"})) == 1000
    )
