"""`POST /ai/command/confirm` with actions only, `{actions: [{fn, args}]}`: no proposal first,
the actions run at once and the audit trail records them as proposed and confirmed together."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, get_args

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.actions import ARGS_MODELS, ActionCall
from store.clock import FrozenClock
from store.tables import AiAction, ClientMutation, DailyCheckin, ProjectIdea, Todo
from tests.agent.conftest import all_rows, count

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]
CONFIRM = "/ai/command/confirm"


async def post(client: Client, auth: dict[str, str], path: str, body: Any) -> Any:
    response = await client.post(path, json=body, headers=auth)
    return response.status, await response.json()


def todo(title: str, **args: Any) -> dict[str, Any]:
    return {"fn": "create_todo", "args": {"title": title, **args}}


async def a_project(client: Client, auth: dict[str, str]) -> str:
    status, project = await post(client, auth, "/projects", {"name": "Maison"})
    assert status == 201, project
    return str(project["id"])


async def test_the_actions_run_at_once_and_the_audit_trail_records_them(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    project_id = await a_project(client, auth)
    actions = [
        todo("Pain", due_at="2026-11-26T08:00:00Z", tags=["courses"]),
        {"fn": "add_project_idea", "args": {"project_id": project_id, "content": "Un potager"}},
        {"fn": "toggle_daily_checkin", "args": {}},
    ]

    status, done = await post(client, auth, CONFIRM, {"actions": actions})

    assert status == 200, done
    assert (done["status"], done["changed"]) == ("confirmed", True)
    [pain] = await all_rows(sessionmaker, Todo)
    [idea] = await all_rows(sessionmaker, ProjectIdea)
    [checkin] = await all_rows(sessionmaker, DailyCheckin)
    assert (pain.title, pain.tags, idea.content, checkin.meds_taken) == (
        "Pain",
        ["courses"],
        "Un potager",
        True,
    )
    assert [r["table"] for r in done["results"]] == ["todos", "project_ideas", "daily_checkins"]
    assert done["results"][0]["row"]["id"] == str(pain.id)
    # The owner's time zone, as for a proposal the model made.
    assert done["results"][0]["args"]["due_at"] == "2026-11-26T09:00:00+01:00"

    rows = await all_rows(sessionmaker, AiAction)
    assert sorted(r.position for r in rows) == [0, 1, 2]
    assert {(r.status, r.source, r.proposal_id) for r in rows} == {
        ("confirmed", "api", uuid.UUID(done["proposal_id"]))
    }
    assert {r.created_at for r in rows} == {r.confirmed_at for r in rows} == {clock.now()}
    assert all(r.input_text is None and r.model_name is None for r in rows)

    response = await client.get("/ai/actions", headers=auth)
    trail = await response.json()
    assert [(a["fn"], a["source"]) for a in trail] == [
        ("create_todo", "api"),
        ("add_project_idea", "api"),
        ("toggle_daily_checkin", "api"),
    ]
    undo = {"proposal_id": done["proposal_id"]}
    status, undone = await post(client, auth, "/ai/command/undo", undo)
    assert (status, undone["status"]) == (200, "undone")
    assert await count(sessionmaker, Todo) == 0


async def test_the_same_client_mutation_id_writes_once(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    body = {"actions": [todo("Pain")], "client_mutation_id": "pwa-7"}

    status, first = await post(client, auth, CONFIRM, body)
    assert (status, first["changed"]) == (200, True)
    again = {**body, "actions": [todo("Autre chose")]}  # the id decides, not the body
    status, second = await post(client, auth, CONFIRM, again)

    assert (status, second["changed"]) == (200, False)
    assert second["proposal_id"] == first["proposal_id"]
    assert second["results"] == first["results"]
    assert [t.title for t in await all_rows(sessionmaker, Todo)] == ["Pain"]
    assert await count(sessionmaker, AiAction) == 1
    [mutation] = await all_rows(sessionmaker, ClientMutation)
    assert mutation.client_mutation_id == "pwa-7"
    assert mutation.result == {"proposal_id": first["proposal_id"]}
    status, other = await post(client, auth, CONFIRM, {**body, "client_mutation_id": "pwa-8"})
    assert (status, other["changed"]) == (200, True)
    assert await count(sessionmaker, Todo) == 2


async def test_a_concurrent_double_submit_writes_once(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    body = {"actions": [todo("Pain"), todo("Lait")], "client_mutation_id": "double-tap"}

    answers = await asyncio.gather(*(post(client, auth, CONFIRM, body) for _ in range(4)))

    assert [status for status, _ in answers] == [200] * 4
    assert sorted(a["changed"] for _, a in answers) == [False, False, False, True]
    assert len({a["proposal_id"] for _, a in answers}) == 1
    assert sorted(t.title for t in await all_rows(sessionmaker, Todo)) == ["Lait", "Pain"]
    assert await count(sessionmaker, AiAction) == 2
    assert await count(sessionmaker, ClientMutation) == 1


async def test_bad_functions_and_arguments_are_422_naming_the_action_and_field(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    step = {"fn": "add_project_step", "args": {"title": "x"}}
    cases = [
        ([todo("ok"), todo("")], ["1", "create_todo", "args", "title"]),
        ([todo("ok", priority=9)], ["0", "create_todo", "args", "priority"]),
        ([todo("ok", due_at="2026-11-26T08:00:00")], ["0", "create_todo", "args", "due_at"]),
        ([todo("ok", colour="red")], ["0", "create_todo", "args", "colour"]),
        ([step], ["0", "add_project_step", "args", "project_id"]),
        ([{"fn": "delete_everything", "args": {}}], ["0"]),
        ([], []),
    ]
    for actions, loc in cases:
        status, error = await post(client, auth, CONFIRM, {"actions": actions})

        assert (status, error["error"]["code"]) == (422, "validation_error"), actions
        [detail] = error["error"]["details"]
        # The form the body was read as, the list, then the action's index and its field.
        assert detail["loc"] == ["actions", "actions", *loc], (actions, detail)
    status, error = await post(client, auth, CONFIRM, {"actions": [{"fn": "nope", "args": {}}]})
    assert "nope" in error["error"]["details"][0]["msg"]
    for body in ({}, [], {"actions": [todo("x")], "proposal_id": str(uuid.uuid4())}):
        status, error = await post(client, auth, CONFIRM, body)
        assert status == 422, body
    assert await count(sessionmaker, AiAction) == 0
    assert await count(sessionmaker, ClientMutation) == 0


async def test_a_failed_action_writes_nothing_keeps_the_attempt_and_frees_the_id(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    gone = str(uuid.uuid4())
    idea = {"fn": "add_project_idea", "args": {"project_id": gone, "content": "x"}}
    body = {"actions": [todo("Pain"), idea], "client_mutation_id": "m1"}

    status, error = await post(client, auth, CONFIRM, body)

    assert (status, error["error"]["code"]) == (409, "action_failed")
    assert [r["status"] for r in error["error"]["details"]["results"]] == ["failed", "failed"]
    assert "n'existe pas" in error["error"]["details"]["results"][1]["error"]
    assert await count(sessionmaker, Todo) == 0
    assert await count(sessionmaker, ClientMutation) == 0
    assert {(r.status, r.source) for r in await all_rows(sessionmaker, AiAction)} == {
        ("failed", "api")
    }

    fixed = {**body, "actions": [todo("Pain")]}
    status, done = await post(client, auth, CONFIRM, fixed)
    assert (status, done["changed"]) == (200, True)
    assert await count(sessionmaker, Todo) == 1


async def test_an_id_spent_by_an_offline_replay_is_a_conflict(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    mutation = {
        "client_mutation_id": "shared",
        "method": "POST",
        "path": "/todos",
        "body": {"title": "Hors ligne"},
    }
    status, replayed = await post(client, auth, "/sync/replay", {"mutations": [mutation]})
    assert (status, replayed["acked"]) == (200, ["shared"])

    body = {"actions": [todo("Pain")], "client_mutation_id": "shared"}
    status, error = await post(client, auth, CONFIRM, body)

    assert (status, error["error"]["code"]) == (409, "client_mutation_id_reused")
    assert [t.title for t in await all_rows(sessionmaker, Todo)] == ["Hors ligne"]
    assert await count(sessionmaker, AiAction) == 0


async def test_the_proposal_form_keeps_working_beside_the_one_step_form(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    _, proposal = await post(client, auth, "/ai/command", {"text": "ajoute pain"})
    status, done = await post(client, auth, CONFIRM, {"proposal_id": proposal["proposal_id"]})

    assert (status, done["status"]) == (200, "confirmed")
    assert {r.source for r in await all_rows(sessionmaker, AiAction)} == {"pwa"}
    status, error = await post(client, auth, CONFIRM, {"proposal_id": "nope"})
    assert status == 422
    assert error["error"]["details"][0]["loc"] == ["proposal", "proposal_id"]


async def test_openapi_documents_both_forms(client: Client, auth: dict[str, str]) -> None:
    doc = await (await client.get("/openapi.json", headers=auth)).json()
    schemas = doc["components"]["schemas"]

    body = doc["paths"][CONFIRM]["post"]["requestBody"]["content"]["application/json"]["schema"]
    forms = schemas[body["$ref"].rsplit("/", 1)[-1]]["oneOf"]
    assert [f["$ref"].rsplit("/", 1)[-1] for f in forms] == ["ConfirmIn", "ConfirmActionsIn"]
    assert schemas["ConfirmIn"]["required"] == ["proposal_id"]
    one_step = schemas["ConfirmActionsIn"]
    assert one_step["required"] == ["actions"]
    assert "client_mutation_id" in one_step["properties"]
    calls = one_step["properties"]["actions"]["items"]["oneOf"]
    args = {
        schemas[c["$ref"].rsplit("/", 1)[-1]]["properties"]["args"]["$ref"].rsplit("/", 1)[-1]
        for c in calls
    }
    assert args == {model.__name__ for model in ARGS_MODELS.values()}


def test_the_calls_cover_the_five_actions_with_their_argument_models() -> None:
    [union, _] = get_args(ActionCall)
    models = {
        get_args(call.model_fields["fn"].annotation)[0]: call.model_fields["args"].annotation
        for call in get_args(union)
    }
    assert models == dict(ARGS_MODELS)
