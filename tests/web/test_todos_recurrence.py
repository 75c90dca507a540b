"""Recurring todos and reminders over REST: validation naming the field, the rule in words,
completion bringing the next occurrence once (PATCH, replayed twice), skipping, stopping."""

from __future__ import annotations

import uuid
from typing import Any

from store.clock import FrozenClock
from tests.conftest import PARIS
from tests.web.conftest import ApiClient
from tests.web.test_sync import mutation

WEEKLY = {
    "title": "Appeler maman",
    "status": "todo",
    "due_at": "2026-03-23T17:00:00Z",  # Monday 18:00 in Paris (winter time)
    "remind_at": "2026-03-23T17:00:00Z",
    "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO",
}


async def titled(api: ApiClient, title: str = "Appeler maman") -> list[dict[str, Any]]:
    return [t for t in await api.get("/todos") if t["title"] == title]


async def test_a_todo_takes_a_reminder_and_a_rule_and_says_the_rule_in_words(
    api: ApiClient,
) -> None:
    todo = await api.post("/todos", json=WEEKLY, status=201)

    assert todo["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"  # canonical, no prefix
    assert todo["recurrence_text"] == "chaque lundi à 18:00"
    assert todo["remind_at"] == "2026-03-23T17:00:00Z"
    [listed] = await api.get("/todos")
    assert listed["recurrence_text"] == "chaque lundi à 18:00"


async def test_an_invalid_rule_is_a_422_naming_recurrence(api: ApiClient) -> None:
    error = await api.post("/todos", json={**WEEKLY, "recurrence": "tous les lundis"}, status=422)
    [detail] = error["error"]["details"]
    assert detail["loc"] == ["recurrence"]
    assert "FREQ" in detail["msg"]
    todo = await api.post("/todos", json={"title": "Pain"}, status=201)
    error = await api.patch(
        f"/todos/{todo['id']}", json={"recurrence": "FREQ=SECONDLY"}, status=422
    )
    assert {d["loc"][0] for d in error["error"]["details"]} == {"recurrence"}
    error = await api.patch(f"/todos/{todo['id']}", json={"remind_at": "demain"}, status=422)
    assert {d["loc"][0] for d in error["error"]["details"]} == {"remind_at"}


async def test_done_by_patch_brings_next_weeks_occurrence_at_18h_across_dst(
    api: ApiClient, clock: FrozenClock
) -> None:
    clock.set(clock.now().replace(year=2026, month=3, day=23, hour=18, minute=30))
    todo = await api.post("/todos", json=WEEKLY, status=201)

    done = await api.patch(f"/todos/{todo['id']}", json={"status": "done"})
    await api.patch(f"/todos/{todo['id']}", json={"status": "done"})  # a double tap

    assert done["status"] == "done"
    [following] = [t for t in await titled(api) if t["id"] != todo["id"]]
    assert following["due_at"] == following["remind_at"] == "2026-03-30T16:00:00Z"
    assert following["status"] == "todo"
    assert following["recurrence_text"] == "chaque lundi à 18:00"


async def test_undo_then_redo_still_brings_one_occurrence(api: ApiClient) -> None:
    todo = await api.post("/todos", json=WEEKLY, status=201)
    path = f"/todos/{todo['id']}"
    await api.patch(path, json={"status": "done"})
    await api.patch(path, json={"status": "todo"})
    await api.patch(path, json={"status": "done"})
    assert len(await titled(api)) == 2


async def test_a_completion_replayed_twice_brings_one_occurrence(
    api: ApiClient, clock: FrozenClock
) -> None:
    todo = await api.post("/todos", json=WEEKLY, status=201)
    offline = clock.now().astimezone(PARIS).replace(hour=9).isoformat()
    batch = [
        mutation("PATCH", f"/todos/{todo['id']}", {"status": "done", "completed_at": offline})
    ]

    for _ in range(2):
        result = await api.post("/sync/replay", json={"mutations": batch})
        assert result["errors"] == []
    # The same change sent again under a new id (a queue rebuilt after a crash).
    again = [mutation("PATCH", f"/todos/{todo['id']}", {"status": "done"})]
    assert (await api.post("/sync/replay", json={"mutations": again}))["errors"] == []

    todos = await titled(api)
    assert len(todos) == 2
    done = next(t for t in todos if t["id"] == todo["id"])
    assert done["completed_at"] == "2026-11-25T08:00:00Z"  # when it was done offline


async def test_deleting_or_archiving_an_occurrence_asks_nothing_and_the_series_goes_on(
    api: ApiClient,
) -> None:
    todo = await api.post("/todos", json=WEEKLY, status=201)
    await api.delete(f"/todos/{todo['id']}")
    [second] = await titled(api)
    assert second["due_at"] == "2026-11-30T17:00:00Z"  # the first Monday after now
    await api.patch(f"/todos/{second['id']}", json={"status": "archived"})
    third = next(t for t in await titled(api) if t["status"] == "todo")
    assert third["due_at"] == "2026-12-07T17:00:00Z"


async def test_a_null_recurrence_stops_the_series(api: ApiClient) -> None:
    todo = await api.post("/todos", json=WEEKLY, status=201)
    stopped = await api.patch(f"/todos/{todo['id']}", json={"recurrence": None})
    assert (stopped["recurrence"], stopped["recurrence_text"]) == (None, None)
    await api.patch(f"/todos/{todo['id']}", json={"status": "done"})
    assert len(await titled(api)) == 1


async def test_a_rule_given_without_a_date_is_due_at_its_first_occurrence(
    api: ApiClient,
) -> None:
    todo = await api.post(
        "/todos",
        json={"title": "Sortir les poubelles", "recurrence": "FREQ=WEEKLY;BYDAY=MO"},
        status=201,
    )
    assert todo["due_at"] == "2026-11-30T08:00:00Z"  # Monday 09:00 in Paris
    assert todo["recurrence_text"] == "chaque lundi à 09:00"
    counted = await api.patch(
        f"/todos/{todo['id']}", json={"recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=2"}
    )
    assert counted["recurrence"] == "FREQ=WEEKLY;UNTIL=20261207;BYDAY=MO"
    assert counted["recurrence_text"] == "chaque lundi à 09:00, jusqu'au 7 décembre 2026"


async def test_an_unknown_todo_is_404(api: ApiClient) -> None:
    await api.patch(f"/todos/{uuid.uuid4()}", json={"status": "done"}, status=404)
    await api.delete(f"/todos/{uuid.uuid4()}", status=404)


async def test_a_series_at_the_edge_of_the_calendar_ends_without_an_error(
    api: ApiClient,
) -> None:
    edge = {**WEEKLY, "due_at": "9999-12-31T22:00:00Z", "remind_at": None}
    todo = await api.post("/todos", json={**edge, "recurrence": "FREQ=YEARLY;COUNT=3"}, status=201)
    done = await api.patch(f"/todos/{todo['id']}", json={"status": "done"})
    assert done["status"] == "done"
    assert len(await titled(api)) == 1
