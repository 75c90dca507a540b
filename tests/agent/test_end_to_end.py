"""The whole path over HTTP: the application as `create_app` builds it, the real mistralai and
groq clients, and fake Mistral and Groq servers speaking their wire formats."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from pydantic_ai.models import override_allow_model_requests
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import RetryPolicy
from app.agent import AGENT_POLICY
from app.main import create_app
from app.settings import Settings
from integrations.groq import GroqSpeechToText, TranscriptionError
from store.clock import FrozenClock
from store.tables import AiAction, Todo
from tests.agent.conftest import all_rows, count
from tests.agent.owner_week import seed
from tests.fakes import FakeGroq, FakeMistral, Hang, Status, ToolCalls

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]
VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start() as fake:
        yield fake


@pytest.fixture
async def groq() -> AsyncIterator[FakeGroq]:
    async with FakeGroq.start(transcript="Ajoute une tâche acheter du pain demain") as fake:
        yield fake


@pytest.fixture
async def ai(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: Sessionmaker,  # noqa: ARG001 - starts from an empty database
    mistral: FakeMistral,
    groq: FakeGroq,
) -> AsyncIterator[Client]:
    settings = settings.model_copy(
        update={
            "mistral_api_key": SecretStr(mistral.api_key),
            "mistral_base_url": mistral.url,
            "groq_api_key": SecretStr(groq.api_key),
            "groq_base_url": groq.url,
        }
    )
    app = create_app(settings, clock=clock, run_migrations=False)
    app[AGENT_POLICY] = RetryPolicy(timeout=0.5, attempts=2, backoff=0.05)
    with override_allow_model_requests(True):
        async with TestClient(TestServer(app)) as client:
            yield client


async def post(client: Client, auth: dict[str, str], path: str, body: Any) -> Any:
    response = await client.post(path, json=body, headers=auth)
    return response.status, await response.json()


def voice_form(data: bytes) -> FormData:
    form = FormData()
    form.add_field("audio", data, filename="voice.ogg", content_type="audio/ogg")
    return form


async def test_command_through_mistral_then_confirm(
    ai: Client, auth: dict[str, str], mistral: FakeMistral, sessionmaker: Sessionmaker
) -> None:
    mistral.push(
        ToolCalls(
            [("create_todo", {"title": "Acheter du pain", "due_at": "2026-11-26T09:00:00+01:00"})],
            content="Je propose :",
        )
    )

    status, proposal = await post(
        ai, auth, "/ai/command", {"text": "ajoute acheter du pain demain"}
    )

    assert status == 200, proposal
    assert len(mistral.requests) == 1
    request = mistral.last_request
    assert sorted(t["function"]["name"] for t in request["tools"]) == [
        "add_project_idea",
        "add_project_step",
        "create_calendar_event",
        "create_todo",
        "find_checkins",  # the five queries too (issue 13): questions in the same request
        "find_events",
        "find_job_offers",
        "find_todos",
        "project_overview",
        "toggle_daily_checkin",
    ]
    system = next(m for m in request["messages"] if m["role"] == "system")["content"]
    assert "25 novembre 2026" in system and "Europe/Paris" in system
    assert "<message>ajoute acheter du pain demain</message>" in json.dumps(
        request["messages"], ensure_ascii=False
    )
    assert proposal["model_name"] == "mistral-small-latest"
    assert proposal["message"] == "Je propose :"
    [action] = proposal["actions"]
    assert action["args"]["title"] == "Acheter du pain"
    assert await count(sessionmaker, Todo) == 0
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.tokens_in and row.tokens_out and row.model_name == "mistral-small-latest"

    status, confirmed = await post(
        ai, auth, "/ai/command/confirm", {"proposal_id": proposal["proposal_id"]}
    )

    assert status == 200, confirmed
    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.title == "Acheter du pain"
    assert todo.due_at is not None and todo.due_at.isoformat() == "2026-11-26T08:00:00+00:00"
    assert len(mistral.requests) == 1  # confirming costs no model request


async def test_a_500_then_a_timeout_lets_the_offline_parser_answer(
    ai: Client, auth: dict[str, str], mistral: FakeMistral
) -> None:
    mistral.push(Status(500), Hang(5))

    status, proposal = await post(
        ai, auth, "/ai/command", {"text": "ajoute acheter du pain demain"}
    )

    assert status == 200, proposal
    assert len(mistral.requests) == 2  # one try, one retry, then no more
    assert proposal["model_name"] == "offline-parser"
    assert "mistral-small-latest" in proposal["fallback_reason"]
    assert [a["fn"] for a in proposal["actions"]] == ["create_todo"]


async def test_a_429_is_retried_with_the_model(
    ai: Client, auth: dict[str, str], mistral: FakeMistral
) -> None:
    mistral.push(Status(429, "rate limited"), ToolCalls([("toggle_daily_checkin", {})]))

    status, proposal = await post(ai, auth, "/ai/command", {"text": "médocs pris"})

    assert status == 200
    assert len(mistral.requests) == 2
    assert proposal["model_name"] == "mistral-small-latest"
    assert proposal["fallback_reason"] is None


async def test_a_voice_note_goes_through_groq_to_a_proposal(
    ai: Client, auth: dict[str, str], mistral: FakeMistral, groq: FakeGroq
) -> None:
    mistral.push(ToolCalls([("create_todo", {"title": "Acheter du pain"})]))
    audio = VOICE.read_bytes()

    response = await ai.post("/ai/voice", data=voice_form(audio), headers=auth)
    proposal = await response.json()

    assert response.status == 200, proposal
    assert proposal["transcript"] == "Ajoute une tâche acheter du pain demain"
    assert [a["fn"] for a in proposal["actions"]] == ["create_todo"]
    upload = groq.last_upload
    assert upload.data == audio and upload.filename == "voice.ogg"
    assert upload.fields["model"] == "whisper-large-v3-turbo"
    assert upload.fields["language"] == "fr"
    transcript_frame = "<transcription>Ajoute une tâche acheter du pain demain</transcription>"
    assert transcript_frame in json.dumps(mistral.last_request["messages"], ensure_ascii=False)


async def test_a_spoken_question_is_answered_from_the_rows_and_logged_with_its_queries(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    groq: FakeGroq,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    groq.transcript = "qu'est-ce que j'ai demain ?"
    tomorrow = {"start": "2026-11-26", "end": "2026-11-26"}
    mistral.push(ToolCalls([("find_events", tomorrow)], content="Voici ta journée."))

    response = await ai.post("/ai/voice", data=voice_form(VOICE.read_bytes()), headers=auth)
    answer = await response.json()

    assert response.status == 200, answer
    assert answer["proposal_id"] is None and answer["actions"] == []
    assert answer["transcript"] == "qu'est-ce que j'ai demain ?"
    assert answer["message"].startswith("Voici ta journée.\n\n📅 Demain")
    assert "15:00–16:00 Dentiste" in answer["message"] and "<" not in answer["message"]
    [found] = answer["answer"]["results"]
    assert found["fn"] == "find_events" and found["total"] == 2
    assert {row["title"] for row in found["rows"]} == {"Dentiste", "Anniversaire de Léa"}
    assert len(mistral.requests) == 1

    trail = await ai.get("/ai/actions", headers=auth)
    [logged] = await trail.json()
    assert logged["status"] == "answered" and logged["fn"] == "find_events"
    assert logged["proposal_id"] == answer["answer"]["question_id"]
    assert logged["args"] == {
        "start": "2026-11-26T00:00:00+01:00",
        "end": "2026-11-27T00:00:00+01:00",
    }
    assert logged["transcript"] == "qu'est-ce que j'ai demain ?"


async def test_a_groq_failure_is_a_clear_error_and_no_proposal(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    groq: FakeGroq,
    sessionmaker: Sessionmaker,
) -> None:
    groq.push_status(500)

    response = await ai.post("/ai/voice", data=voice_form(VOICE.read_bytes()), headers=auth)
    body = await response.json()

    assert response.status == 502
    assert body["error"]["code"] == "stt_unavailable"
    assert "Groq" in body["error"]["message"] and "500" in body["error"]["message"]
    assert mistral.requests == []
    assert await count(sessionmaker, AiAction) == 0


async def test_an_oversized_voice_note_is_refused_before_upload(groq: FakeGroq) -> None:
    stt = GroqSpeechToText(
        api_key=groq.api_key, base_url=groq.url, model="whisper-large-v3-turbo", max_bytes=1000
    )
    try:
        with pytest.raises(TranscriptionError) as too_large:
            await stt.transcribe(b"x" * 1001)
        with pytest.raises(TranscriptionError) as empty:
            await stt.transcribe(b"")
        groq.push_text("   ")
        with pytest.raises(TranscriptionError) as silent:
            await stt.transcribe(b"OggS")
    finally:
        await stt.aclose()

    assert too_large.value.code == "too_large" and "limite" in too_large.value.message
    assert empty.value.code == "empty_audio"
    assert silent.value.code == "empty_transcript"
    assert len(groq.uploads) == 1  # only the silent one went out


async def test_the_voice_form_s_other_parts_are_bounded(
    ai: Client, auth: dict[str, str], mistral: FakeMistral, groq: FakeGroq
) -> None:
    def form(*fields: tuple[str, str]) -> FormData:
        data = FormData()
        for name, value in fields:
            data.add_field(name, value)  # a plain field: no filename
        data.add_field("audio", VOICE.read_bytes(), filename="voice.ogg", content_type="audio/ogg")
        return data

    field_too_big = await ai.post("/ai/voice", data=form(("note", "x" * 65_537)), headers=auth)
    too_many = [(f"f{n}", "x") for n in range(10)]
    too_many_parts = await ai.post("/ai/voice", data=form(*too_many), headers=auth)
    mistral.push(ToolCalls([("create_todo", {"title": "Acheter du pain"})]))
    small = await ai.post("/ai/voice", data=form(*too_many[:9]), headers=auth)

    assert field_too_big.status == 413
    assert (await field_too_big.json())["error"]["details"] == {"limit": 64 * 1024}
    assert too_many_parts.status == 413
    assert (await too_many_parts.json())["error"]["details"] == {"limit": 10}
    assert small.status == 200, await small.text()
    assert len(groq.uploads) == 1  # the one that fit


async def test_the_voice_route_stops_reading_past_the_limit(
    ai: Client, auth: dict[str, str], groq: FakeGroq
) -> None:
    big = b"\0" * (25 * 1024 * 1024 + 1)

    response = await ai.post("/ai/voice", data=voice_form(big), headers=auth)

    assert response.status == 413
    assert groq.uploads == []
