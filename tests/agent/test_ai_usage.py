"""What the AI costs, through the application as `create_app` builds it: the real mistralai,
groq and aiogram clients against fake Mistral, Groq and Telegram servers, the clock frozen.
Every paid call lands in `ai_usage`; `GET /ai/usage` sums it per day of the owner and per
model in euros (genai-prices' prices); the monthly budget switches to the offline parser and
says so once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from genai_prices import Usage, calc_price
from pydantic import SecretStr
from pydantic_ai.models import override_allow_model_requests
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import RetryPolicy
from app.agent import AGENT_POLICY
from app.main import create_app
from app.settings import Settings
from store import ai_usage
from store.clock import FrozenClock
from store.tables import AiAction, AiUsage, SentLog, Todo
from tests.agent.conftest import all_rows
from tests.conftest import PARIS, until
from tests.fakes import FakeGroq, FakeMistral, Status, ToolCalls
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram, message_update

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]
VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"
RATE = Decimal("0.86")
WEBHOOK_SECRET = "webhook-secret-0123456789"
NOTICE = "Budget IA du mois atteint, le parseur local prend le relais"
BREAD = ToolCalls([("create_todo", {"title": "Acheter du pain"})], content="Je propose :")


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start() as fake:
        fake.responder = lambda _body: BREAD
        yield fake


@pytest.fixture
async def groq() -> AsyncIterator[FakeGroq]:
    async with FakeGroq.start(transcript="Ajoute une tâche acheter du pain demain") as fake:
        yield fake


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(poll_wait=0.05) as fake:
        yield fake


Start = Callable[..., Awaitable[Client]]


@pytest.fixture
async def start(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: Sessionmaker,  # noqa: ARG001 - starts from an empty database
    mistral: FakeMistral,
    groq: FakeGroq,
    tg: FakeTelegram,
) -> AsyncIterator[Start]:
    """Starts the application with the fakes; `**update` changes its settings."""
    stack: list[Client] = []

    async def started(**update: Any) -> Client:
        configured = settings.model_copy(
            update={
                "mistral_api_key": SecretStr(mistral.api_key),
                "mistral_base_url": mistral.url,
                "groq_api_key": SecretStr(groq.api_key),
                "groq_base_url": groq.url,
                "telegram_bot_token": SecretStr(BOT_TOKEN),
                "telegram_owner_id": OWNER_ID,
                "telegram_api_base": tg.url,
                "telegram_webhook_url": "https://os.example/telegram/webhook",
                "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
                **update,
            }
        )
        app = create_app(configured, clock=clock, run_migrations=False)
        app[AGENT_POLICY] = RetryPolicy(timeout=0.5, attempts=2, backoff=0.01)
        client = TestClient(TestServer(app))
        await client.start_server()
        stack.append(client)
        return client

    with override_allow_model_requests(True):
        yield started
        for client in stack:
            await client.close()


async def command(client: Client, auth: dict[str, str], text: str) -> dict[str, Any]:
    response = await client.post("/ai/command", json={"text": text}, headers=auth)
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def usage(client: Client, auth: dict[str, str], **window: str) -> dict[str, Any]:
    response = await client.get("/ai/usage", params=window, headers=auth)
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def eur(usd: Decimal) -> float:
    return float(round(usd * RATE, 8))


def chat_cost(tokens_in: int, tokens_out: int, model: str = "mistral-small-latest") -> float:
    usd = calc_price(
        Usage(input_tokens=tokens_in, output_tokens=tokens_out), model, provider_id="mistral"
    )
    return eur(usd.total_price)


def voice_form(
    data: bytes, *, filename: str = "voice.ogg", seconds: str | None = None
) -> FormData:
    form = FormData()
    if seconds is not None:
        form.add_field("seconds", seconds)
    form.add_field("audio", data, filename=filename, content_type="audio/ogg")
    return form


def notices(tg: FakeTelegram) -> list[dict[str, Any]]:
    return [m for m in tg.calls_to("sendMessage") if NOTICE in m["text"]]


# ---------------------------------------------------------------- what is counted


async def test_a_command_is_counted_with_its_model_tokens_and_cost_and_buttons_cost_nothing(
    start: Start, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    client = await start()

    proposal = await command(client, auth, "ajoute acheter du pain demain")
    confirmed = await client.post(
        "/ai/command/confirm", json={"proposal_id": proposal["proposal_id"]}, headers=auth
    )
    assert confirmed.status == 200
    undone = await client.post(
        "/ai/command/undo", json={"proposal_id": proposal["proposal_id"]}, headers=auth
    )
    assert undone.status == 200

    [action] = await all_rows(sessionmaker, AiAction)
    assert action.tokens_in and action.tokens_out
    cost = chat_cost(action.tokens_in, action.tokens_out)
    assert cost > 0
    line = {
        "model": "mistral-small-latest",
        "provider": "mistral",
        "kind": "chat",
        "requests": 1,
        "input_tokens": action.tokens_in,
        "output_tokens": action.tokens_out,
        "audio_seconds": 0.0,
        "cost_eur": cost,
    }
    totals = {
        "requests": 1,
        "input_tokens": action.tokens_in,
        "output_tokens": action.tokens_out,
        "audio_seconds": 0.0,
        "cost_eur": cost,
        "unpriced_requests": 0,
    }
    assert await usage(client, auth) == {
        "from": "2026-11-01",
        "to": "2026-11-30",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "usd_eur_rate": 0.86,
        "days": [{"day": "2026-11-25", **totals, "models": [line]}],
        "models": [line],
        "total": totals,
        "budget": {"month": "2026-11", "limit_eur": None, "spent_eur": cost, "reached": False},
    }
    # The confirm and the undo were buttons: one row, the proposal's.
    assert len(await all_rows(sessionmaker, AiUsage)) == 1


async def test_a_model_genai_prices_does_not_know_has_its_tokens_and_a_null_cost(
    start: Start, auth: dict[str, str]
) -> None:
    client = await start(mistral_model="mistral-maison-7b")

    await command(client, auth, "ajoute acheter du pain demain")

    report = await usage(client, auth)
    [line] = report["models"]
    assert line["model"] == "mistral-maison-7b"
    assert line["requests"] == 1 and line["input_tokens"] > 0 and line["output_tokens"] > 0
    assert line["cost_eur"] is None
    assert report["days"][0]["models"] == [line]
    assert report["total"]["cost_eur"] == 0 and report["total"]["unpriced_requests"] == 1
    assert report["budget"]["spent_eur"] == 0


async def test_a_run_that_failed_after_the_model_answered_is_counted_a_failed_request_is_not(
    start: Start, auth: dict[str, str], mistral: FakeMistral
) -> None:
    client = await start()
    mistral.responder = lambda _body: ToolCalls([("create_todo", {"title": ""})])  # invalid

    proposal = await command(client, auth, "ajoute acheter du pain demain")

    assert proposal["model_name"] == "offline-parser" and proposal["fallback_reason"]
    answered = len(mistral.requests)
    assert answered >= 2  # sent back to the model within the run, then given up
    report = await usage(client, auth)
    assert report["total"]["requests"] == answered
    assert report["total"]["input_tokens"] > 0 and report["total"]["cost_eur"] > 0

    mistral.push(Status(500), Status(500))
    await command(client, auth, "ajoute appeler le garage vendredi")

    assert (await usage(client, auth))["total"]["requests"] == answered  # nothing billed


async def test_a_voice_note_counts_its_seconds_read_from_the_ogg_file(
    start: Start, auth: dict[str, str], groq: FakeGroq
) -> None:
    client = await start()

    response = await client.post("/ai/voice", data=voice_form(VOICE.read_bytes()), headers=auth)

    assert response.status == 200, await response.text()
    assert len(groq.uploads) == 1
    report = await usage(client, auth)
    [chat, voice] = sorted(report["models"], key=lambda m: m["kind"])
    assert chat["model"] == "mistral-small-latest"
    seconds = 2.262375  # the last page's granule position, less the pre-skip, at 48 kHz
    # genai-prices applies Groq's minimum: 10 seconds a request.
    billed = calc_price(
        Usage(input_audio_seconds=seconds), "whisper-large-v3-turbo", provider_id="groq"
    ).total_price
    assert billed == Decimal("0.04") * 10 / 3600
    assert voice == {
        "model": "whisper-large-v3-turbo",
        "provider": "groq",
        "kind": "transcription",
        "requests": 1,
        "input_tokens": 0,
        "output_tokens": 0,
        "audio_seconds": round(seconds, 3),
        "cost_eur": eur(billed),
    }
    assert report["total"]["audio_seconds"] == round(seconds, 3)


async def test_a_browser_recording_counts_the_seconds_it_says_and_nothing_else_guesses(
    start: Start, auth: dict[str, str], groq: FakeGroq
) -> None:
    client = await start()
    webm = b"\x1aE\xdf\xa3" + b"\x00" * 300  # WebM: its length is not read from the file

    sent = await client.post(
        "/ai/voice", data=voice_form(webm, filename="voice.webm", seconds="12.5"), headers=auth
    )
    bad = await client.post(
        "/ai/voice", data=voice_form(webm, filename="voice.webm", seconds="douze"), headers=auth
    )
    silent = await client.post(
        "/ai/voice", data=voice_form(webm, filename="voice.webm"), headers=auth
    )

    assert (sent.status, bad.status, silent.status) == (200, 422, 200)
    assert (await bad.json())["error"]["details"] == {"field": "seconds"}
    assert len(groq.uploads) == 2  # the refused one never left
    days = (await usage(client, auth))["days"]
    transcriptions = [m for m in days[0]["models"] if m["kind"] == "transcription"]
    assert transcriptions == [
        {
            "model": "whisper-large-v3-turbo",
            "provider": "groq",
            "kind": "transcription",
            "requests": 2,
            "input_tokens": 0,
            "output_tokens": 0,
            "audio_seconds": 12.5,
            "cost_eur": None,  # one of the two has no length: its cost is not guessed
        }
    ]
    assert days[0]["unpriced_requests"] == 1


# ---------------------------------------------------------------- days and months


async def test_days_and_months_are_the_owners_across_the_month_boundary(
    start: Start, auth: dict[str, str], clock: FrozenClock
) -> None:
    client = await start()
    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=PARIS))  # 22:59 UTC
    await command(client, auth, "ajoute acheter du pain demain")
    clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=PARIS))  # 23:00 UTC, still 30 November there
    await command(client, auth, "ajoute acheter du pain demain")

    both = await usage(client, auth, **{"from": "2026-11-30", "to": "2026-12-01"})
    this_month = await usage(client, auth)
    november = await usage(client, auth, **{"from": "2026-11-01", "to": "2026-11-30"})

    assert [(d["day"], d["requests"]) for d in both["days"]] == [
        ("2026-11-30", 1),
        ("2026-12-01", 1),
    ]
    assert (this_month["from"], this_month["to"]) == ("2026-12-01", "2026-12-31")
    assert [d["day"] for d in this_month["days"]] == ["2026-12-01"]
    assert this_month["budget"]["month"] == "2026-12"
    assert this_month["budget"]["spent_eur"] == this_month["total"]["cost_eur"]
    assert [d["day"] for d in november["days"]] == ["2026-11-30"]


async def test_a_window_that_makes_no_sense_is_a_422(start: Start, auth: dict[str, str]) -> None:
    client = await start()
    for window in (
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2025-01-01", "to": "2026-11-30"},
        {"from": "hier"},
        {"to": "9999-12-31"},
        {"since": "2026-11-01"},
    ):
        response = await client.get("/ai/usage", params=window, headers=auth)
        assert response.status == 422, window
        assert (await response.json())["error"]["code"] == "validation_error"
    assert (await client.get("/ai/usage")).status == 401


# ---------------------------------------------------------------- the budget


async def test_once_the_budget_is_reached_the_offline_parser_answers_and_the_owner_is_told_once(
    start: Start,
    auth: dict[str, str],
    clock: FrozenClock,
    mistral: FakeMistral,
    tg: FakeTelegram,
    sessionmaker: Sessionmaker,
) -> None:
    client = await start()
    clock.set(datetime(2026, 11, 30, 23, 50, tzinfo=PARIS))
    put = await client.put("/settings", json={"ai_monthly_budget_eur": 0.01}, headers=auth)
    assert (await put.json())["ai_monthly_budget_eur"] == 0.01
    # 60,000 tokens in and 5,000 out: $0.012, 0.01032 € at 0.86.
    mistral.push(ToolCalls(BREAD.calls, usage=(60_000, 5_000)))

    first = await command(client, auth, "ajoute acheter du pain demain")
    switched = await command(client, auth, "ajoute appeler le garage vendredi à 10h")
    after = await command(client, auth, "ajoute arroser les plantes demain")

    assert first["model_name"] == "mistral-small-latest" and NOTICE not in (first["message"] or "")
    assert len(mistral.requests) == 1  # the fake saw nothing more
    assert switched["model_name"] == after["model_name"] == "offline-parser"
    assert (
        switched["message"].startswith(NOTICE) and "jusqu'au 1er décembre" in switched["message"]
    )
    assert switched["actions"] and switched["actions"][0]["args"]["title"] == "Appeler le garage"
    assert NOTICE not in (after["message"] or "")
    [told] = notices(tg)
    assert told["chat_id"] == OWNER_ID
    report = await usage(client, auth)
    assert report["budget"] == {
        "month": "2026-11",
        "limit_eur": 0.01,
        "spent_eur": chat_cost(60_000, 5_000),
        "reached": True,
    }
    assert report["total"]["requests"] == 1  # the offline parser costs nothing
    [claim] = await _claims(sessionmaker)  # the scheduler has its own rows there too
    assert claim.slot == "2026-11"
    assert claim.sent_at is not None and claim.telegram_message_id is not None

    clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=PARIS))  # a new month: the model is back
    december = await command(client, auth, "ajoute acheter du pain demain")

    assert december["model_name"] == "mistral-small-latest" and len(mistral.requests) == 2
    assert NOTICE not in (december["message"] or "")
    assert len(notices(tg)) == 1
    assert (await usage(client, auth))["budget"]["reached"] is False


async def test_on_telegram_the_owner_is_told_once_and_still_gets_the_card(
    start: Start,
    clock: FrozenClock,
    mistral: FakeMistral,
    tg: FakeTelegram,
    sessionmaker: Sessionmaker,
) -> None:
    async with sessionmaker.begin() as session:  # spent earlier this month
        await ai_usage.record(
            session=session,
            at=clock.now(),
            kind="chat",
            provider="mistral",
            model="mistral-small-latest",
            input_tokens=100_000,
            cost_usd=Decimal("0.05"),
        )
    client = await start(ai_monthly_budget_eur=Decimal("0.04"))
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}

    for update_id, text in ((1, "ajoute acheter du pain demain"), (2, "rdv dentiste jeudi 14h")):
        response = await client.post(
            "/telegram/webhook", json=message_update(update_id, text=text), headers=headers
        )
        assert response.status == 200
        await until(lambda n=update_id: len(_cards(tg)) == n)

    await asyncio.sleep(0.1)
    # The scheduler's digest and reminders go out too (it is 10:00): only ours are looked at.
    ours = [m for m in tg.calls_to("sendMessage") if NOTICE in m["text"] or m in _cards(tg)]
    assert [NOTICE in m["text"] for m in ours] == [True, False, False]
    assert "Acheter du pain" in ours[1]["text"] and "Rdv dentiste" in ours[2]["text"]
    assert not mistral.requests
    [claim] = await _claims(sessionmaker)
    assert claim.telegram_message_id is not None


async def test_a_question_over_the_budget_is_answered_offline_after_the_notice(
    start: Start,
    auth: dict[str, str],
    clock: FrozenClock,
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
) -> None:
    async with sessionmaker.begin() as session:
        session.add(Todo(title="Payer le loyer", status="todo", due_at=clock.now()))
    client = await start(ai_monthly_budget_eur=Decimal("0"))

    asked = await command(client, auth, "qu'est-ce qu'il me reste à faire aujourd'hui")
    again = await command(client, auth, "qu'est-ce qu'il me reste à faire aujourd'hui")

    assert not mistral.requests and asked["model_name"] == "offline-parser"
    # The answer, said from the rows, comes after the notice rather than replacing it.
    assert asked["message"].startswith(NOTICE) and "Payer le loyer" in asked["message"]
    assert asked["answer"]["results"][0]["fn"] == "find_todos"
    assert NOTICE not in again["message"] and "Payer le loyer" in again["message"]


def _cards(tg: FakeTelegram) -> list[dict[str, Any]]:
    """Proposal cards: a message with ✅ / ❌ buttons."""
    return [m for m in tg.calls_to("sendMessage") if "Confirmer" in str(m.get("reply_markup"))]


async def _claims(sessionmaker: Sessionmaker) -> list[SentLog]:
    async with sessionmaker() as session:
        rows = await session.execute(select(SentLog).where(SentLog.kind == "ai_budget"))
        return list(rows.scalars())


async def test_the_budget_changes_at_run_time_and_falls_back_to_the_environments(
    start: Start, auth: dict[str, str]
) -> None:
    client = await start(ai_monthly_budget_eur=Decimal("3"))

    async def put(body: dict[str, Any]) -> tuple[int, Any]:
        response = await client.put("/settings", json=body, headers=auth)
        return response.status, await response.json()

    assert (await (await client.get("/settings", headers=auth)).json())[
        "ai_monthly_budget_eur"
    ] == 3.0
    assert (await put({"ai_monthly_budget_eur": 2.5}))[1]["ai_monthly_budget_eur"] == 2.5
    assert (await put({"digest_time": "06:00"}))[1]["ai_monthly_budget_eur"] == 2.5  # unchanged
    assert (await usage(client, auth))["budget"]["limit_eur"] == 2.5
    for bad in (-1, 1.234, "beaucoup"):
        status, body = await put({"ai_monthly_budget_eur": bad})
        assert status == 422, bad
    assert (await put({"ai_monthly_budget_eur": None}))[1]["ai_monthly_budget_eur"] == 3.0
    assert (await put({"ai_monthly_budget_eur": 0}))[1]["ai_monthly_budget_eur"] == 0.0
    # 0 €: nothing more may be spent, the offline parser answers at once.
    assert (await command(client, auth, "ajoute du pain"))["model_name"] == "offline-parser"


async def test_a_todos_enrichment_is_counted_and_waits_for_next_month_once_the_budget_is_spent(
    start: Start, auth: dict[str, str], mistral: FakeMistral, tg: FakeTelegram
) -> None:
    client = await start(ai_monthly_budget_eur=Decimal("0.01"))
    todo = await client.post("/todos", json={"title": "Déclaration d'impôts"}, headers=auth)
    todo_id = (await todo.json())["id"]
    draft = {"description": "Déclarer en ligne.", "checklist": ["Retrouver le numéro fiscal"]}
    mistral.push(ToolCalls([("final_result", draft)], usage=(60_000, 5_000)))

    made = await client.post(f"/todos/{todo_id}/ai-enrich", headers=auth)
    refused = await client.post(f"/todos/{todo_id}/ai-enrich", headers=auth)
    again = await client.post(f"/todos/{todo_id}/ai-enrich", headers=auth)

    assert made.status == 200, await made.text()
    [line] = (await usage(client, auth))["models"]
    assert (line["requests"], line["input_tokens"], line["output_tokens"]) == (1, 60_000, 5_000)
    assert line["cost_eur"] == chat_cost(60_000, 5_000)
    assert (refused.status, again.status) == (503, 503)
    error = (await refused.json())["error"]
    assert error["message"].startswith(NOTICE) and error["details"] == {"reason": "budget"}
    assert NOTICE not in (await again.json())["error"]["message"]
    assert len(mistral.requests) == 1
    assert len(notices(tg)) == 1
    proposal = await command(client, auth, "ajoute acheter du pain demain")
    assert proposal["model_name"] == "offline-parser" and NOTICE not in (proposal["message"] or "")
