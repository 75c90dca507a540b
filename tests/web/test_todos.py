from __future__ import annotations

import uuid

from tests.web.conftest import ApiClient, Client


async def test_it_creates_reads_and_lists_a_todo(api: ApiClient) -> None:
    created = await api.post(
        "/todos",
        json={"title": "Pain", "due_at": "2026-11-25T18:00:00+01:00", "tags": ["courses"]},
        status=201,
    )
    assert created["status"] == "inbox"
    assert created["due_at"] == "2026-11-25T17:00:00Z"
    assert await api.get(f"/todos/{created['id']}") == created
    assert await api.get("/todos") == [created]


async def test_patch_changes_only_the_fields_given_and_null_clears(api: ApiClient) -> None:
    todo = await api.post(
        "/todos", json={"title": "Pain", "description": "bio", "priority": 2}, status=201
    )
    patched = await api.patch(f"/todos/{todo['id']}", json={"description": None})
    assert (patched["title"], patched["description"], patched["priority"]) == ("Pain", None, 2)
    await api.patch(f"/todos/{todo['id']}", json={"title": None}, status=422)


async def test_done_stamps_completed_at_and_reopening_clears_it(api: ApiClient) -> None:
    todo = await api.post("/todos", json={"title": "Pain"}, status=201)
    done = await api.patch(f"/todos/{todo['id']}", json={"status": "done"})
    assert done["completed_at"] == "2026-11-25T09:00:00Z"  # the frozen clock, 10:00 Paris
    again = await api.patch(f"/todos/{todo['id']}", json={"status": "done", "title": "Pains"})
    assert again["completed_at"] == done["completed_at"]
    reopened = await api.patch(f"/todos/{todo['id']}", json={"status": "todo"})
    assert reopened["completed_at"] is None


async def test_a_given_completed_at_is_kept_but_never_later_than_now(api: ApiClient) -> None:
    todo = await api.post("/todos", json={"title": "Pain"}, status=201)
    path = f"/todos/{todo['id']}"
    done = await api.patch(path, json={"status": "done", "completed_at": "2026-11-24T20:00:00Z"})
    assert done["completed_at"] == "2026-11-24T20:00:00Z"
    future = {"status": "done", "completed_at": "2026-12-24T20:00:00Z"}
    assert (await api.patch(path, json=future))["completed_at"] == "2026-11-25T09:00:00Z"
    error = await api.patch(path, json={"completed_at": "2026-11-24T20:00:00Z"}, status=422)
    assert error["error"]["details"][0]["loc"] == ["body", "completed_at"]
    created = await api.post("/todos", json={"title": "x", "completed_at": None}, status=201)
    assert created["completed_at"] is None


async def test_list_filters(api: ApiClient) -> None:
    project = await api.post("/projects", json={"name": "Site"}, status=201)
    a = await api.post(
        "/todos",
        json={"title": "a", "due_at": "2026-11-26T09:00:00Z", "tags": ["x"], "status": "todo"},
        status=201,
    )
    b = await api.post(
        "/todos",
        json={"title": "b", "due_at": "2026-11-28T09:00:00Z", "project_id": project["id"]},
        status=201,
    )
    c = await api.post("/todos", json={"title": "c"}, status=201)

    async def titles(**params: str) -> list[str]:
        return [t["title"] for t in await api.get("/todos", params=params)]

    assert await titles() == ["a", "b", "c"]  # soonest due first, undated last
    assert await titles(status="todo") == ["a"]
    assert await titles(project=project["id"]) == ["b"]
    assert await titles(tag="x") == ["a"]
    assert await titles(due_before="2026-11-27T00:00:00+01:00") == ["a"]
    assert await titles(due_after="2026-11-27T00:00:00Z") == ["b"]
    assert await titles(limit="1", offset="1") == ["b"]
    assert {a["id"], b["id"], c["id"]} == {t["id"] for t in await api.get("/todos")}


async def test_a_raw_plus_in_a_query_offset_is_read_as_plus(api: ApiClient) -> None:
    await api.post("/todos", json={"title": "a", "due_at": "2026-11-26T09:00:00Z"}, status=201)
    found = await api.get("/todos?due_before=2026-11-26T11:00:00+01:00")
    assert [t["title"] for t in found] == ["a"]


async def test_invalid_input_is_422(api: ApiClient) -> None:
    for body in (
        {"title": 3},
        {"title": "x", "status": "someday"},
        {"title": "x", "project_id": "not-a-uuid"},
        {"title": "x", "colour": "red"},
        {"title": "x", "priority": 7},
        {"title": "x", "due_at": "2026-11-25T18:00:00"},  # naive: refused, not guessed
        {},
    ):
        error = await api.post("/todos", json=body, status=422)
        assert error["error"]["code"] == "validation_error"
    await api.get("/todos", params={"status": "nope"}, status=422)
    await api.get("/todos", params={"unknown": "1"}, status=422)
    await api.get("/todos", params={"due_before": "2026-11-25T18:00:00"}, status=422)


async def test_a_todo_for_a_missing_project_is_422(api: ApiClient) -> None:
    body = {"title": "x", "project_id": str(uuid.uuid4())}
    error = await api.post("/todos", json=body, status=422)
    assert error["error"]["details"] == {"sqlstate": "23503"}


async def test_bad_json_is_400_and_nul_in_text_is_422(api: ApiClient) -> None:
    headers = {"Content-Type": "application/json"}
    error = await api.post("/todos", data=b"{nope", headers=headers, status=400)
    assert error["error"]["code"] == "bad_json"
    await api.post("/todos", json={"title": "a\u0000b"}, status=422)


async def test_unknown_and_malformed_ids_are_404(api: ApiClient) -> None:
    for path in (f"/todos/{uuid.uuid4()}", "/todos/not-a-uuid"):
        await api.get(path, status=404)
        await api.patch(path, json={"title": "x"}, status=404)
        await api.delete(path, status=404)


async def test_delete(api: ApiClient) -> None:
    todo = await api.post("/todos", json={"title": "Pain"}, status=201)
    await api.delete(f"/todos/{todo['id']}")
    await api.get(f"/todos/{todo['id']}", status=404)


async def test_it_needs_the_bearer(client: Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = await client.get("/todos", headers=headers)
        assert response.status == 401
        assert (await response.json())["error"]["code"] == "unauthorized"
