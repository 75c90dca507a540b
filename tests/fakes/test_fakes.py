"""Each fake server driven by the real client library the service uses."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import groq
import httpx2
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message
from gcsa.event import Event
from gcsa.google_calendar import GoogleCalendar
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from groq import AsyncGroq
from pydantic_ai import Agent
from pydantic_ai.exceptions import ModelHTTPError, ModelRateLimitError, ModelTimeoutError
from pydantic_ai.models import override_allow_model_requests
from pydantic_ai.models.mistral import MistralModel
from pydantic_ai.providers.mistral import MistralProvider

from tests.fakes.google import FakeGoogle, JsonDict
from tests.fakes.groq import FakeGroq
from tests.fakes.mistral import FakeMistral, Text, ToolCalls
from tests.fakes.telegram import (
    BOT_ID,
    BOT_TOKEN,
    OWNER_ID,
    FakeTelegram,
    callback_update,
    message_update,
    voice_update,
)

VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"


def _bot(tg: FakeTelegram) -> Bot:
    return Bot(BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.url)))


def _keyboard() -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="✅ Confirmer", callback_data="act:ok:1")
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


# --- Telegram ------------------------------------------------------------------------------


async def test_telegram_answers_aiogram_calls_and_records_them() -> None:
    async with FakeTelegram.start() as tg:
        bot = _bot(tg)
        try:
            me = await bot.get_me()
            sent = await bot.send_message(OWNER_ID, "Salut", reply_markup=_keyboard())
            edited = await bot.edit_message_text(
                "Fait", chat_id=OWNER_ID, message_id=sent.message_id
            )
            with pytest.raises(TelegramBadRequest, match="not modified"):
                await bot.edit_message_text("Fait", chat_id=OWNER_ID, message_id=sent.message_id)
            second = await bot.send_message(OWNER_ID, "Encore")
        finally:
            await bot.session.close()
    assert me.id == BOT_ID
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "act:ok:1"
    assert (sent.message_id, second.message_id) == (1, 2)
    assert isinstance(edited, Message)
    assert edited.text == "Fait" and edited.reply_markup is None
    params = tg.calls_to("sendMessage")[0]
    assert params["chat_id"] == OWNER_ID
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "act:ok:1"
    assert tg.messages[(OWNER_ID, 1)]["text"] == "Fait"


async def test_telegram_keeps_webhook_and_commands() -> None:
    async with FakeTelegram.start() as tg:
        bot = _bot(tg)
        try:
            await bot.set_my_commands([BotCommand(command="today", description="Ma journée")])
            await bot.set_webhook("https://example.com/telegram/webhook", secret_token="s3")
            info = await bot.get_webhook_info()
            await bot.delete_webhook(drop_pending_updates=True)
            await bot.send_chat_action(OWNER_ID, "typing")
            answered = await bot.answer_callback_query("123", text="OK")
        finally:
            await bot.session.close()
    assert tg.commands == [{"command": "today", "description": "Ma journée"}]
    assert info.url == "https://example.com/telegram/webhook"
    assert tg.calls_to("setWebhook")[0]["secret_token"] == "s3"
    assert tg.webhook == {"url": ""}
    assert answered is True


async def test_telegram_serves_registered_files() -> None:
    data = VOICE.read_bytes()
    async with FakeTelegram.start() as tg:
        tg.add_file("voice-1", data)
        bot = _bot(tg)
        try:
            buf = await bot.download("voice-1", destination=io.BytesIO())
            with pytest.raises(TelegramBadRequest, match="invalid file_id"):
                await bot.get_file("nope")
        finally:
            await bot.session.close()
    assert isinstance(buf, io.BytesIO) and buf.getvalue() == data


async def test_telegram_scripted_errors_reach_aiogram() -> None:
    async with FakeTelegram.start() as tg:
        tg.fail_next(
            "sendMessage",
            error_code=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        tg.fail_next(
            "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
        )
        bot = _bot(tg)
        try:
            with pytest.raises(TelegramRetryAfter) as retry:
                await bot.send_message(OWNER_ID, "a")
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(OWNER_ID, "b")
            await bot.send_message(OWNER_ID, "c")
        finally:
            await bot.session.close()
    assert retry.value.retry_after == 1
    assert [p["text"] for p in tg.calls_to("sendMessage")] == ["a", "b", "c"]


async def test_telegram_polling_delivers_queued_update() -> None:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    dp = Dispatcher()
    dp.include_router(router)
    async with FakeTelegram.start() as tg:
        tg.push_update(message_update(1, OWNER_ID, OWNER_ID, "bonjour"))
        bot = _bot(tg)
        polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
        try:
            replies = await tg.wait_for("sendMessage")
            polls = await tg.wait_for("getUpdates", count=2)
        finally:
            await dp.stop_polling()
            await polling
    assert replies[0]["text"] == "echo: bonjour"
    assert polls[1]["offset"] == 2


def test_update_builders_make_valid_updates() -> None:
    from aiogram.types import Update

    voice = Update.model_validate(voice_update(2, OWNER_ID, OWNER_ID, "f1", duration=4))
    press = Update.model_validate(callback_update(3, OWNER_ID, OWNER_ID, 7, "act:ok:1"))
    assert voice.message and voice.message.voice and voice.message.voice.mime_type == "audio/ogg"
    assert press.callback_query and press.callback_query.data == "act:ok:1"


# --- Mistral -------------------------------------------------------------------------------


def _mistral_agent() -> Agent[None, str]:
    agent = Agent(output_type=str)

    @agent.tool_plain
    def create_todo(title: str) -> str:
        """Create a todo.

        Args:
            title: what to do.
        """
        return f"created {title}"

    return agent


@pytest.fixture
async def http() -> AsyncIterator[httpx2.AsyncClient]:
    # Our own client, closed here: pydantic-ai's shared one would outlive each fake server.
    async with httpx2.AsyncClient() as client:
        yield client


def _mistral_model(
    fake: FakeMistral, http: httpx2.AsyncClient, api_key: str | None = None
) -> MistralModel:
    key = api_key or fake.api_key
    provider = MistralProvider(api_key=key, base_url=fake.url, http_client=http)
    return MistralModel("mistral-small-latest", provider=provider)


async def test_mistral_tool_call_round_trips_through_pydantic_ai(http: httpx2.AsyncClient) -> None:
    async with FakeMistral.start() as fake:
        fake.push(ToolCalls([("create_todo", {"title": "pain"})]), Text("C'est noté."))
        with override_allow_model_requests(True):
            result = await _mistral_agent().run("Ajoute pain", model=_mistral_model(fake, http))
    assert result.output == "C'est noté."
    first, second = fake.requests
    assert [t["function"]["name"] for t in first["tools"]] == ["create_todo"]
    tool_reply = second["messages"][-1]
    assert tool_reply["role"] == "tool" and tool_reply["tool_call_id"] == "call00001"
    assert tool_reply["content"] == "created pain"
    assert result.usage.requests == 2


async def test_mistral_errors_and_timeouts_surface_as_exceptions(
    http: httpx2.AsyncClient,
) -> None:
    async with FakeMistral.start() as fake:
        fake.reply_status(500)
        fake.reply_status(429, "Requests rate limit exceeded")
        fake.hang(5)
        model = _mistral_model(fake, http)
        with override_allow_model_requests(True):
            with pytest.raises(ModelHTTPError) as server_error:
                await _mistral_agent().run("x", model=model)
            with pytest.raises(ModelRateLimitError):
                await _mistral_agent().run("x", model=model)
            with pytest.raises(ModelTimeoutError):
                await _mistral_agent().run("x", model=model, model_settings={"timeout": 0.2})
            with pytest.raises(ModelHTTPError) as auth_error:
                await _mistral_agent().run("x", model=_mistral_model(fake, http, "wrong"))
    assert server_error.value.status_code == 500
    assert auth_error.value.status_code == 401


async def test_mistral_streams_when_asked(http: httpx2.AsyncClient) -> None:
    async with FakeMistral.start(responder=lambda _body: Text("Bonjour")) as fake:
        with override_allow_model_requests(True):
            async with _mistral_agent().run_stream("x", model=_mistral_model(fake, http)) as run:
                output = await run.get_output()
    assert output == "Bonjour"
    assert fake.last_request["stream"] is True


# --- Groq ----------------------------------------------------------------------------------


async def _transcribe(fake: FakeGroq, data: bytes, api_key: str | None = None) -> str:
    client = AsyncGroq(
        api_key=api_key or fake.api_key, base_url=fake.url, max_retries=0, timeout=5
    )
    async with client:
        result = await client.audio.transcriptions.create(
            model="whisper-large-v3-turbo",
            file=("voice.ogg", data, "audio/ogg"),
            language="fr",
            response_format="json",
            temperature=0.0,
        )
    return result.text


async def test_groq_transcribes_and_records_the_upload() -> None:
    data = VOICE.read_bytes()
    async with FakeGroq.start(transcript="Ajoute pain") as fake:
        text = await _transcribe(fake, data)
    assert text == "Ajoute pain"
    upload = fake.last_upload
    assert upload.size == len(data) and upload.data[:4] == b"OggS"
    assert (upload.filename, upload.content_type) == ("voice.ogg", "audio/ogg")
    assert upload.fields["model"] == "whisper-large-v3-turbo"
    assert upload.fields["language"] == "fr"
    assert upload.fields["response_format"] == "json"
    assert float(upload.fields["temperature"]) == 0.0


async def test_groq_scripted_errors_reach_the_sdk() -> None:
    async with FakeGroq.start(max_bytes=10) as fake:
        fake.push_status(500)
        with pytest.raises(groq.InternalServerError):
            await _transcribe(fake, b"tiny")
        with pytest.raises(groq.APIStatusError) as too_big:
            await _transcribe(fake, b"x" * 11)
        with pytest.raises(groq.AuthenticationError):
            await _transcribe(fake, b"tiny", api_key="wrong")
        fake.push_text("encore")
        assert await _transcribe(fake, b"tiny") == "encore"
    assert too_big.value.status_code == 413


# --- Google --------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


@contextmanager
def _gcsa(google: FakeGoogle) -> Iterator[GoogleCalendar]:
    creds = google.credentials()
    gc = GoogleCalendar("primary", credentials=creds)
    gc.service = discovery.build(
        "calendar",
        "v3",
        credentials=creds,
        client_options={"api_endpoint": google.url + "/"},
        cache_discovery=False,
    )
    try:
        yield gc
    finally:
        gc.service.close()


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=PARIS)


def _gcsa_round_trip(gc: GoogleCalendar) -> tuple[list[Event], Event]:
    added = gc.add_event(Event("Dentiste", start=_at(1, 9), end=_at(1, 10), location="Paris"))
    added.summary = "Dentiste (déplacé)"
    updated = gc.update_event(added)
    gc.add_event(Event("Anniversaire", start=date(2026, 12, 3), end=date(2026, 12, 4)))
    found = list(gc.get_events(time_min=_at(1, 0), time_max=_at(2, 0), timezone="Europe/Paris"))
    gc.delete_event(updated)
    return found, updated


async def test_google_calendar_serves_gcsa_and_refreshes_tokens() -> None:
    async with FakeGoogle.start() as google:
        google.expire_access_tokens()
        with _gcsa(google) as gc:
            found, updated = await asyncio.to_thread(_gcsa_round_trip, gc)
    assert [e.summary for e in found] == ["Dentiste (déplacé)"]
    assert found[0].start == _at(1, 9)
    # The first call got 401 with the made-up token "t"; google-auth refreshed it once.
    assert [r["grant_type"] for r in google.token_requests] == ["refresh_token"]
    assert google.requests[-1].token == "ya29.fake-1"
    stored = google.event("primary", str(updated.id))
    assert stored is not None and stored["status"] == "cancelled" and stored["sequence"] == 1
    assert [e["summary"] for e in google.events()] == ["Anniversaire"]


def _sync_pages(service: Any) -> tuple[JsonDict, JsonDict, Any]:
    events = service.events()
    first = events.list(calendarId="primary", maxResults=2).execute()
    second = events.list(calendarId="primary", maxResults=2, pageToken=first["nextPageToken"])
    return first, second.execute(), events


async def test_google_lists_pages_and_syncs_incrementally() -> None:
    async with FakeGoogle.start() as google:
        ids = [
            google.add_event(
                summary=f"E{i}", start={"date": f"2026-12-0{i}"}, end={"date": f"2026-12-0{i + 1}"}
            )["id"]
            for i in (1, 2, 3)
        ]
        with _gcsa(google) as gc:
            first, second, events = await asyncio.to_thread(_sync_pages, gc.service)
            google.update_event("primary", ids[0], summary="E1 bis")
            google.delete_event("primary", ids[1])
            sync = events.list(calendarId="primary", syncToken=second["nextSyncToken"])
            changes = await asyncio.to_thread(sync.execute)
            google.invalidate_sync_tokens()
            stale = events.list(calendarId="primary", syncToken=changes["nextSyncToken"])
            with pytest.raises(HttpError) as gone:
                await asyncio.to_thread(stale.execute)
    assert "nextSyncToken" not in first and len(first["items"]) == 2
    assert [e["summary"] for e in second["items"]] == ["E3"]
    assert [(e["summary"], e["status"]) for e in changes["items"]] == [
        ("E1 bis", "confirmed"),
        ("E2", "cancelled"),
    ]
    assert gone.value.status_code == 410
