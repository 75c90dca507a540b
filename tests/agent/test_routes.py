"""The /ai/* routes on the application as `create_app` builds it (no MISTRAL_API_KEY: the
offline parser serves; no GROQ_API_KEY: voice is disabled)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import FormData, web
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.actions import ARGS_MODELS
from store.clock import FrozenClock
from store.tables import AiAction, Todo
from tests.agent.conftest import all_rows, count
from web.routes.ai import _filename

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]


async def post(client: Client, auth: dict[str, str], path: str, body: Any) -> Any:
    response = await client.post(path, json=body, headers=auth)
    return response.status, await response.json()


async def test_command_then_confirm_writes_the_todo_once(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    status, proposal = await post(
        client, auth, "/ai/command", {"text": "ajoute acheter du pain demain"}
    )
    assert status == 200, proposal
    [action] = proposal["actions"]
    assert action["fn"] == "create_todo"
    assert action["args"]["title"].lower() == "acheter du pain"
    assert action["args"]["due_at"] == "2026-11-26T09:00:00+01:00"
    assert proposal["model_name"] == "offline-parser" and proposal["fallback_reason"] is None
    assert await count(sessionmaker, Todo) == 0

    body = {"proposal_id": proposal["proposal_id"]}
    status, confirmed = await post(client, auth, "/ai/command/confirm", body)
    assert status == 200, confirmed
    [todo] = await all_rows(sessionmaker, Todo)
    assert (confirmed["status"], confirmed["changed"]) == ("confirmed", True)
    assert confirmed["results"][0]["row"]["id"] == str(todo.id)

    status, again = await post(client, auth, "/ai/command/confirm", body)
    assert (status, again["changed"]) == (200, False)
    assert again["results"][0]["row"] == confirmed["results"][0]["row"]
    assert await count(sessionmaker, Todo) == 1


async def test_confirm_with_edited_actions(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    _, proposal = await post(
        client, auth, "/ai/command", {"text": "ajoute pain demain et ajoute lait"}
    )
    pain, lait = proposal["actions"]
    naive = {**pain, "args": {"title": "Pain", "due_at": "2026-11-27T08:00:00"}}
    edited = {**pain, "args": {"title": "Pain complet", "due_at": "2026-11-27T08:00:00+01:00"}}

    body = {"proposal_id": proposal["proposal_id"], "actions": [naive]}
    status, error = await post(client, auth, "/ai/command/confirm", body)
    assert status == 422 and error["error"]["code"] == "validation_error"
    assert "offset" in str(error["error"]["details"])

    body = {"proposal_id": proposal["proposal_id"], "actions": [edited]}
    status, confirmed = await post(client, auth, "/ai/command/confirm", body)

    assert status == 200, confirmed
    assert [r["status"] for r in confirmed["results"]] == ["confirmed", "cancelled"]
    assert confirmed["results"][1]["id"] == lait["id"]
    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.title == "Pain complet"


async def test_edits_that_do_not_fit_the_proposal_are_422(
    client: Client, auth: dict[str, str]
) -> None:
    _, proposal = await post(client, auth, "/ai/command", {"text": "ajoute pain"})
    [action] = proposal["actions"]
    other = {**action, "fn": "toggle_daily_checkin", "args": {}}

    body = {"proposal_id": proposal["proposal_id"], "actions": [other]}
    status, error = await post(client, auth, "/ai/command/confirm", body)

    assert status == 422 and "cannot change" in error["error"]["message"]


async def test_cancel_then_confirm_is_a_conflict(client: Client, auth: dict[str, str]) -> None:
    _, proposal = await post(client, auth, "/ai/command", {"text": "ajoute pain"})
    body = {"proposal_id": proposal["proposal_id"]}

    status, cancelled = await post(client, auth, "/ai/command/cancel", body)
    assert (status, cancelled["status"]) == (200, "cancelled")

    status, error = await post(client, auth, "/ai/command/confirm", body)
    assert status == 409
    assert error["error"]["code"] == "not_pending"
    assert error["error"]["details"] == {"status": "cancelled"}


async def test_undo_within_ten_minutes_then_too_late(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    ids = []
    for text in ("ajoute pain", "ajoute lait"):
        _, proposal = await post(client, auth, "/ai/command", {"text": text})
        await post(client, auth, "/ai/command/confirm", {"proposal_id": proposal["proposal_id"]})
        ids.append(proposal["proposal_id"])
    clock.advance(timedelta(minutes=5))

    status, undone = await post(client, auth, "/ai/command/undo", {"proposal_id": ids[0]})
    assert (status, undone["status"]) == (200, "undone")
    clock.advance(timedelta(minutes=6))
    status, error = await post(client, auth, "/ai/command/undo", {"proposal_id": ids[1]})
    assert (status, error["error"]["code"]) == (409, "undo_expired")

    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.title.lower() == "lait"


async def test_unknown_proposals_are_404(client: Client, auth: dict[str, str]) -> None:
    body = {"proposal_id": "00000000-0000-4000-8000-000000000000"}
    for path in ("/ai/command/confirm", "/ai/command/cancel", "/ai/command/undo"):
        status, error = await post(client, auth, path, body)
        assert (status, error["error"]["code"]) == (404, "not_found")


async def test_nothing_understood_is_a_proposal_without_actions(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    status, proposal = await post(client, auth, "/ai/command", {"text": "quel temps fait-il ?"})

    assert status == 200
    assert proposal["proposal_id"] is None and proposal["actions"] == []
    assert "Je n'ai rien compris" in proposal["message"]
    assert await count(sessionmaker, AiAction) == 0


async def test_a_blank_command_is_422(client: Client, auth: dict[str, str]) -> None:
    for body in ({"text": ""}, {"text": "   "}, {}):
        status, error = await post(client, auth, "/ai/command", body)
        assert status == 422, error


async def test_the_audit_trail(client: Client, auth: dict[str, str], clock: FrozenClock) -> None:
    _, first = await post(client, auth, "/ai/command", {"text": "ajoute pain"})
    clock.advance(timedelta(seconds=1))
    _, second = await post(client, auth, "/ai/command", {"text": "j'ai pris mes médocs"})

    response = await client.get("/ai/actions", params={"limit": "10"}, headers=auth)
    actions = await response.json()

    assert response.status == 200
    assert [a["proposal_id"] for a in actions] == [second["proposal_id"], first["proposal_id"]]
    assert actions[0]["fn"] == "toggle_daily_checkin"
    assert {"status", "input_text", "model_name", "created_at"} <= set(actions[0])
    bad = await client.get("/ai/actions", params={"limit": "0"}, headers=auth)
    assert bad.status == 422


async def test_voice_without_groq_is_503(client: Client, auth: dict[str, str]) -> None:
    form = FormData()
    form.add_field("audio", b"OggS", filename="voice.ogg", content_type="audio/ogg")

    response = await client.post("/ai/voice", data=form, headers=auth)

    body = await response.json()
    assert (response.status, body["error"]["code"]) == (503, "stt_disabled")


async def test_the_routes_need_the_bearer(client: Client) -> None:
    response = await client.post("/ai/command", json={"text": "ajoute pain"})
    assert response.status == 401


async def test_openapi_describes_the_ai_routes_with_the_argument_models(
    client: Client, auth: dict[str, str]
) -> None:
    doc = await (await client.get("/openapi.json", headers=auth)).json()

    for path in ("/ai/command", "/ai/voice", "/ai/command/confirm", "/ai/command/cancel"):
        assert "post" in doc["paths"][path]
    assert "get" in doc["paths"]["/ai/actions"]
    assert "multipart/form-data" in doc["paths"]["/ai/voice"]["post"]["requestBody"]["content"]
    schemas = doc["components"]["schemas"]
    for name in (
        "CreateTodoArgs",
        "AddProjectIdeaArgs",
        "AddProjectStepArgs",
        "CreateCalendarEventArgs",
        "ToggleDailyCheckinArgs",
    ):
        assert name in schemas
    assert schemas["CreateTodoArgs"]["properties"]["priority"]["anyOf"][0]["maximum"] == 3


async def test_the_action_schemas_are_the_argument_models_edits_are_checked_with(
    client: Client, auth: dict[str, str]
) -> None:
    assert (await client.get("/ai/action-schemas")).status == 401
    response = await client.get("/ai/action-schemas", headers=auth)
    assert response.status == 200
    schemas = await response.json()
    assert schemas == {fn: model.model_json_schema() for fn, model in ARGS_MODELS.items()}
    todo = schemas["create_todo"]
    assert todo["required"] == ["title"]
    assert todo["properties"]["due_at"]["anyOf"][0]["format"] == "date-time"
    assert todo["additionalProperties"] is False


def test_a_browser_blob_gets_a_file_name_groq_can_read() -> None:
    assert _filename("blob", "audio/webm") == "voice.webm"
    assert _filename(None, "audio/ogg") == "voice.ogg"
    assert _filename("note.m4a", "audio/mp4") == "note.m4a"
