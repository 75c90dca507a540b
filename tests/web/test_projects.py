from __future__ import annotations

import uuid

from tests.web.conftest import ApiClient


async def project(api: ApiClient) -> str:
    created = await api.post("/projects", json={"name": "Portfolio"}, status=201)
    assert (created["kind"], created["status"]) == ("perso", "active")
    return str(created["id"])


async def test_project_crud(api: ApiClient) -> None:
    pid = await project(api)
    patched = await api.patch(f"/projects/{pid}", json={"kind": "freelance", "description": "x"})
    assert (patched["name"], patched["kind"], patched["description"]) == (
        "Portfolio",
        "freelance",
        "x",
    )
    assert [p["id"] for p in await api.get("/projects")] == [pid]
    await api.delete(f"/projects/{pid}")
    await api.get(f"/projects/{pid}", status=404)
    await api.patch(f"/projects/{pid}", json={"name": "y"}, status=404)
    await api.post("/projects", json={"name": "z", "kind": "hobby"}, status=422)


async def test_steps_board_moves_and_reorder(api: ApiClient) -> None:
    pid = await project(api)
    a, b, c = [
        await api.post(f"/projects/{pid}/steps", json={"title": t}, status=201) for t in "abc"
    ]
    assert [s["position"] for s in (a, b, c)] == [0, 1, 2]
    board = await api.post(
        f"/projects/{pid}/steps/reorder", json={"order": [c["id"], a["id"], b["id"]]}
    )
    assert [s["title"] for s in board] == ["c", "a", "b"]
    doing = await api.post(
        f"/projects/{pid}/steps", json={"title": "d", "status": "doing"}, status=201
    )
    moved = await api.patch(f"/projects/{pid}/steps/{a['id']}", json={"status": "doing"})
    assert (moved["status"], moved["position"]) == ("doing", doing["position"] + 1)
    board = await api.get(f"/projects/{pid}/steps")
    assert [s["title"] for s in board] == ["c", "b", "d", "a"]
    await api.delete(f"/projects/{pid}/steps/{b['id']}")
    assert len(await api.get(f"/projects/{pid}/steps")) == 3


async def test_steps_are_scoped_to_their_project(api: ApiClient) -> None:
    pid, other = await project(api), await project(api)
    step = await api.post(f"/projects/{pid}/steps", json={"title": "a"}, status=201)
    await api.patch(f"/projects/{other}/steps/{step['id']}", json={"title": "b"}, status=404)
    await api.delete(f"/projects/{other}/steps/{step['id']}", status=404)
    await api.post(f"/projects/{other}/steps/reorder", json={"order": [step["id"]]}, status=404)
    await api.get(f"/projects/{uuid.uuid4()}/steps", status=404)
    await api.post(f"/projects/{pid}/steps", json={"title": "x", "status": "later"}, status=422)
    await api.post(f"/projects/{pid}/steps/reorder", json={"order": ["nope"]}, status=422)


async def test_ideas(api: ApiClient) -> None:
    pid = await project(api)
    idea = await api.post(f"/projects/{pid}/ideas", json={"content": "dark mode"}, status=201)
    assert [i["content"] for i in await api.get(f"/projects/{pid}/ideas")] == ["dark mode"]
    await api.delete(f"/projects/{pid}/ideas/{idea['id']}")
    await api.delete(f"/projects/{pid}/ideas/{idea['id']}", status=404)
    await api.post(f"/projects/{uuid.uuid4()}/ideas", json={"content": "x"}, status=404)
    await api.post(f"/projects/{pid}/ideas", json={"content": ""}, status=422)


async def test_deleting_a_project_unlinks_its_todos(api: ApiClient) -> None:
    pid = await project(api)
    todo = await api.post("/todos", json={"title": "t", "project_id": pid}, status=201)
    await api.delete(f"/projects/{pid}")
    assert (await api.get(f"/todos/{todo['id']}"))["project_id"] is None


async def test_the_projects_come_a_page_at_a_time(api: ApiClient) -> None:
    for name in ("A", "B", "C"):
        await api.post("/projects", json={"name": name}, status=201)

    first = await api.get("/projects", params={"limit": "2"})
    rest = await api.get("/projects", params={"limit": "2", "offset": "2"})
    await api.get("/projects", params={"limit": "1001"}, status=422)

    assert [p["name"] for p in first] == ["A", "B"] and [p["name"] for p in rest] == ["C"]
    doc = await api.get("/openapi.json")
    parameters = doc["paths"]["/projects"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000 and limit["schema"]["default"] == 200
