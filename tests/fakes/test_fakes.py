"""Each fake server driven by the real client library the service uses."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import groq
import httpx2
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message
from gcsa.calendar import Calendar
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

from tests.fakes.google import DESCRIPTION_LIMIT, FakeGoogle, JsonDict, instance_id
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


async def test_telegram_refuses_html_it_cannot_parse_and_texts_over_4096() -> None:
    async with FakeTelegram.start() as tg:
        bot = Bot(
            BOT_TOKEN,
            session=AiohttpSession(api=TelegramAPIServer.from_base(tg.url)),
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        try:
            for text in ("<i>ouvert", "<b><i>croisés</b></i>", "fermé</i>", "<blink>x</blink>"):
                with pytest.raises(TelegramBadRequest, match="can't parse entities"):
                    await bot.send_message(OWNER_ID, text)
            with pytest.raises(TelegramBadRequest, match="message is too long"):
                await bot.send_message(OWNER_ID, "x" * 4097)
            with pytest.raises(TelegramBadRequest, match="message is too long"):
                await bot.send_message(OWNER_ID, "😀" * 2049)  # two UTF-16 code units each
            # Tags do not count, an entity counts one: 4096 characters once parsed.
            full = await bot.send_message(OWNER_ID, "<b>" + "&lt;" * 4096 + "</b>")
            plain = await bot.send_message(OWNER_ID, "<i>x</i> & y", parse_mode=None)
            with pytest.raises(TelegramBadRequest, match="can't parse entities"):
                await bot.edit_message_text("<i>x", chat_id=OWNER_ID, message_id=full.message_id)
        finally:
            await bot.session.close()
    assert full.message_id and plain.message_id
    assert len(tg.calls_to("sendMessage")) == 8


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
    assert [(e.get("summary"), e["status"]) for e in changes["items"]] == [
        ("E1 bis", "confirmed"),
        (None, "cancelled"),  # a deleted event comes back as its id only
    ]
    assert changes["items"][1]["id"] == ids[1]
    assert gone.value.status_code == 410


# --- Google, faithful where a sync depends on it --------------------------------------------


async def _run(request: Any, *, retries: int = 0) -> Any:
    return await asyncio.to_thread(request.execute, num_retries=retries)


async def _refused(request: Any, *, retries: int = 0) -> HttpError:
    with pytest.raises(HttpError) as refused:
        await _run(request, retries=retries)
    return refused.value


def _reason(error: HttpError) -> tuple[int, str, str]:
    detail = error.error_details[0]
    return error.status_code, detail["reason"], detail["domain"]


def _paris(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> JsonDict:
    moment = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    return {"dateTime": moment.isoformat(), "timeZone": "Europe/Paris"}


async def test_google_stamps_created_and_updated_from_the_given_clock() -> None:
    frozen = datetime(2026, 11, 25, 9, tzinfo=UTC)
    async with FakeGoogle.start(now=lambda: frozen) as google:
        with _gcsa(google) as gc:
            body = {"summary": "Dentiste", "start": _paris(1, 9), "end": _paris(1, 10)}
            created = await _run(gc.service.events().insert(calendarId="primary", body=body))
            listed = await _run(gc.service.events().list(calendarId="primary"))
    assert created["created"] == created["updated"] == "2026-11-25T09:00:00.000Z"
    assert listed["updated"] == "2026-11-25T09:00:00.000Z"


async def test_google_lists_a_deleted_event_as_its_id_but_get_still_returns_it() -> None:
    async with FakeGoogle.start() as google:
        doomed = google.add_event(
            summary="Dentiste", description="Dr B.", start=_paris(1, 9), end=_paris(1, 10)
        )
        with _gcsa(google) as gc:
            events = gc.service.events()
            first = await _run(events.list(calendarId="primary"))
            await _run(events.delete(calendarId="primary", eventId=doomed["id"]))
            got = await _run(events.get(calendarId="primary", eventId=doomed["id"]))
            shown = await _run(events.list(calendarId="primary", showDeleted=True))
            hidden = await _run(events.list(calendarId="primary"))
            sync = events.list(calendarId="primary", syncToken=first["nextSyncToken"])
            changes = await _run(sync)
            again = await _refused(events.delete(calendarId="primary", eventId=doomed["id"]))
    # reference/events: "The get method always returns" cancelled events, details included.
    assert got["status"] == "cancelled"
    assert (got["summary"], got["description"]) == ("Dentiste", "Dr B.")
    assert hidden["items"] == []
    for listed in (shown["items"], changes["items"]):
        [bare] = listed
        assert set(bare) == {"kind", "etag", "id", "status"}
        assert (bare["id"], bare["status"]) == (doomed["id"], "cancelled")
    assert _reason(again) == (410, "deleted", "global")


async def test_google_answers_every_date_time_with_an_offset() -> None:
    async with FakeGoogle.start() as google:
        with _gcsa(google) as gc:
            events = gc.service.events()
            # Sunday 28 March 2027: New York is on EDT (-04:00), Paris goes to CEST (+02:00).
            zoned = {
                "summary": "Appel New York",
                "start": {"dateTime": "2027-03-28T09:00:00", "timeZone": "America/New_York"},
                "end": {"dateTime": "2027-03-28T10:00:00", "timeZone": "America/New_York"},
            }
            created = await _run(events.insert(calendarId="primary", body=zoned))
            in_utc = await _run(events.list(calendarId="primary", timeZone="UTC"))
            offset_only = {
                "summary": "Dentiste",
                "start": {"dateTime": "2027-03-29T07:00:00Z"},
                "end": {"dateTime": "2027-03-29T08:00:00Z"},
            }
            got = await _run(events.insert(calendarId="primary", body=offset_only))
            naive = {
                "summary": "Sans fuseau",
                "start": {"dateTime": "2027-03-29T09:00:00"},
                "end": {"dateTime": "2027-03-29T10:00:00"},
            }
            refused = await _refused(events.insert(calendarId="primary", body=naive))
    assert created["start"] == {
        "dateTime": "2027-03-28T15:00:00+02:00",  # in the calendar's zone, Paris
        "timeZone": "America/New_York",
    }
    assert in_utc["items"][0]["end"]["dateTime"] == "2027-03-28T14:00:00Z"
    assert got["start"] == {"dateTime": "2027-03-29T09:00:00+02:00"}
    assert _reason(refused)[:2] == (400, "required")
    assert "Missing time zone definition for start time" in str(refused)


def _weekly_series(google: FakeGoogle) -> JsonDict:
    """Mondays at 09:00 Paris from 22 March 2027, four times, across the switch to summer time;
    not on 5 April, and once more on Friday 30 April at 14:00."""
    return google.add_event(
        summary="Piscine",
        start=_paris(22, 9, month=3, year=2027),
        end=_paris(22, 10, month=3, year=2027),
        recurrence=[
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Paris:20270405T090000",
            "RDATE;TZID=Europe/Paris:20270430T140000",
        ],
    )


async def test_google_expands_a_series_into_instances_only_when_asked() -> None:
    async with FakeGoogle.start() as google:
        swim = _weekly_series(google)
        holidays = google.add_event(
            summary="Réveillon",
            start={"date": "2026-12-24"},
            end={"date": "2026-12-25"},
            recurrence=["RRULE:FREQ=DAILY;UNTIL=20261225"],
        )
        with _gcsa(google) as gc:
            events = gc.service.events()
            single = events.list(calendarId="primary", singleEvents=True, orderBy="startTime")
            instances = (await _run(single))["items"]
            masters = (await _run(events.list(calendarId="primary")))["items"]
            window = {"time_min": _at(1, 0), "time_max": datetime(2027, 6, 1, tzinfo=PARIS)}
            found = await asyncio.to_thread(
                lambda: list(gc.get_events(single_events=True, order_by="startTime", **window))
            )
    assert [m["id"] for m in masters] == [swim["id"], holidays["id"]]
    assert masters[0]["recurrence"][0] == "RRULE:FREQ=WEEKLY;COUNT=4"
    assert [i["id"] for i in instances] == [
        f"{holidays['id']}_20261224",
        f"{holidays['id']}_20261225",
        f"{swim['id']}_20270322T080000Z",
        f"{swim['id']}_20270329T070000Z",  # 09:00 in summer time is 07:00 UTC
        f"{swim['id']}_20270412T070000Z",
        f"{swim['id']}_20270430T120000Z",
    ]
    assert instance_id(swim["id"], datetime(2027, 3, 29, 9, tzinfo=PARIS)) == instances[3]["id"]
    second = instances[3]
    assert second["recurringEventId"] == swim["id"] and "recurrence" not in second
    assert second["originalStartTime"] == {
        "dateTime": "2027-03-29T09:00:00+02:00",
        "timeZone": "Europe/Paris",
    }
    assert second["start"] == second["originalStartTime"]
    assert instances[5]["end"]["dateTime"] == "2027-04-30T15:00:00+02:00"
    assert instances[1]["originalStartTime"] == {"date": "2026-12-25"}
    assert [e.summary for e in found] == ["Réveillon"] * 2 + ["Piscine"] * 4


async def test_google_keeps_a_moved_or_cancelled_occurrence_as_an_exception() -> None:
    async with FakeGoogle.start() as google:
        swim = _weekly_series(google)
        second, third = f"{swim['id']}_20270329T070000Z", f"{swim['id']}_20270412T070000Z"
        moved = {
            "start": _paris(29, 11, month=3, year=2027),
            "end": _paris(29, 12, month=3, year=2027),
        }
        with _gcsa(google) as gc:
            events = gc.service.events()
            unchanged = await _run(events.get(calendarId="primary", eventId=third))
            await _run(events.patch(calendarId="primary", eventId=second, body=moved))
            await _run(events.delete(calendarId="primary", eventId=third))
            masters = (await _run(events.list(calendarId="primary")))["items"]
            single = (await _run(events.list(calendarId="primary", singleEvents=True)))["items"]
            series = events.instances(calendarId="primary", eventId=swim["id"])
            shown = (await _run(series))["items"]
            with_deleted = events.instances(
                calendarId="primary", eventId=swim["id"], showDeleted=True
            )
            all_four = (await _run(with_deleted))["items"]
            missing = await _refused(
                events.get(calendarId="primary", eventId=f"{swim['id']}_20270323T080000Z")
            )
    assert unchanged["recurringEventId"] == swim["id"] and unchanged["status"] == "confirmed"
    assert [e["id"] for e in masters] == [swim["id"], second, third]
    assert masters[1]["start"]["dateTime"] == "2027-03-29T11:00:00+02:00"
    assert masters[1]["originalStartTime"]["dateTime"] == "2027-03-29T09:00:00+02:00"
    # A cancelled occurrence is listed as such (reference/events/list, showDeleted).
    assert masters[2] == {
        "kind": "calendar#event",
        "etag": masters[2]["etag"],
        "id": third,
        "status": "cancelled",
        "recurringEventId": swim["id"],
        "originalStartTime": {"dateTime": "2027-04-12T09:00:00+02:00", "timeZone": "Europe/Paris"},
    }
    assert [e["id"] for e in single] == [
        f"{swim['id']}_20270322T080000Z",
        second,
        f"{swim['id']}_20270430T120000Z",
    ]
    assert [e["id"] for e in shown] == [e["id"] for e in single]
    assert [e["status"] for e in all_four] == ["confirmed", "confirmed", "cancelled", "confirmed"]
    assert missing.status_code == 404


async def test_google_syncs_a_changed_occurrence_alone_and_a_deleted_series_whole() -> None:
    async with FakeGoogle.start() as google:
        swim = _weekly_series(google)
        with _gcsa(google) as gc:
            events = gc.service.events()
            masters = await _run(events.list(calendarId="primary", showDeleted=True))
            single = await _run(events.list(calendarId="primary", singleEvents=True))
            google.update_event(
                "primary", f"{swim['id']}_20270322T080000Z", summary="Piscine (bassin B)"
            )
            google.delete_event("primary", f"{swim['id']}_20270412T070000Z")
            token = masters["nextSyncToken"]
            changed = (await _run(events.list(calendarId="primary", syncToken=token)))["items"]
            google.delete_event("primary", swim["id"])
            token = single["nextSyncToken"]
            expanded = events.list(calendarId="primary", syncToken=token, singleEvents=True)
            gone = (await _run(expanded))["items"]
    assert [(e["id"], e["status"], e.get("summary")) for e in changed] == [
        (f"{swim['id']}_20270322T080000Z", "confirmed", "Piscine (bassin B)"),
        (f"{swim['id']}_20270412T070000Z", "cancelled", None),
    ]
    assert len(gone) == 4
    assert {e["status"] for e in gone} == {"cancelled"}
    assert {e["recurringEventId"] for e in gone} == {swim["id"]}
    master = google.event("primary", swim["id"])
    assert master is not None and master["status"] == "cancelled"


async def test_google_refuses_a_series_without_a_time_zone_or_with_a_bad_rule() -> None:
    def series(start: JsonDict, end: JsonDict, *rules: str) -> JsonDict:
        return {"summary": "Série", "start": start, "end": end, "recurrence": list(rules)}

    at_nine = {"dateTime": "2026-12-01T09:00:00+01:00"}
    at_ten = {"dateTime": "2026-12-01T10:00:00+01:00"}
    async with FakeGoogle.start() as google:
        with _gcsa(google) as gc:
            events = gc.service.events()
            bodies = [
                series(at_nine, at_ten, "RRULE:FREQ=DAILY"),
                series(_paris(1, 9), _paris(1, 10), "RRULE:FREQ=SOMETIMES"),
                series(_paris(1, 9), _paris(1, 10), "FREQ=DAILY"),
            ]
            refusals = [
                await _refused(events.insert(calendarId="primary", body=b)) for b in bodies
            ]
    assert [_reason(r)[:2] for r in refusals] == [
        (400, "required"),
        (400, "invalid"),
        (400, "invalid"),
    ]
    assert google.events() == []


async def test_google_refuses_a_stale_etag_with_412() -> None:
    async with FakeGoogle.start() as google:
        lunch = google.add_event(summary="Déjeuner", start=_paris(4, 12), end=_paris(4, 13))
        with _gcsa(google) as gc:
            events = gc.service.events()
            ours = await _run(events.get(calendarId="primary", eventId=lunch["id"]))
            google.update_event("primary", lunch["id"], colorId="5")  # the owner, meanwhile
            attempts = [
                events.update(
                    calendarId="primary", eventId=lunch["id"], body=ours | {"summary": "x"}
                ),
                events.patch(calendarId="primary", eventId=lunch["id"], body={"summary": "x"}),
                events.delete(calendarId="primary", eventId=lunch["id"]),
            ]
            refusals = []
            for request in attempts:
                request.headers["If-Match"] = ours["etag"]
                refusals.append(await _refused(request))
            current = await _run(events.get(calendarId="primary", eventId=lunch["id"]))
            patch = events.patch(calendarId="primary", eventId=lunch["id"], body={"summary": "y"})
            patch.headers["If-Match"] = current["etag"]
            patched = await _run(patch)
            cached = events.get(calendarId="primary", eventId=lunch["id"])
            cached.headers["If-None-Match"] = patched["etag"]
            not_modified = await _refused(cached)
    assert ours["etag"] != current["etag"] != patched["etag"]
    assert [_reason(r) for r in refusals] == [(412, "conditionNotMet", "global")] * 3
    assert (patched["summary"], patched["colorId"]) == ("y", "5")
    assert not_modified.status_code == 304


async def test_google_lists_hidden_calendars_only_when_asked_and_filters_by_role() -> None:
    async with FakeGoogle.start() as google:
        ours = google.add_calendar("ordinarthur-os")
        google.hide_calendar(ours)
        shared = google.add_calendar("Famille", access_role="reader")
        with _gcsa(google) as gc:
            visible = await asyncio.to_thread(lambda: list(gc.get_calendar_list()))
            everything = await asyncio.to_thread(
                lambda: list(gc.get_calendar_list(show_hidden=True))
            )
            owned = await asyncio.to_thread(
                lambda: list(gc.get_calendar_list(min_access_role="writer", show_hidden=True))
            )
            entry = await _run(gc.service.calendarList().get(calendarId=ours))
            unhide = gc.service.calendarList().patch(calendarId=ours, body={"hidden": False})
            await _run(unhide)
            shown = await asyncio.to_thread(lambda: list(gc.get_calendar_list()))
    assert [c.id for c in visible] == [google.primary_id, shared]
    assert [c.id for c in everything] == [google.primary_id, ours, shared]
    assert [c.id for c in owned] == [google.primary_id, ours]
    assert entry["hidden"] is True and entry["accessRole"] == "owner"
    assert [c.id for c in shown] == [google.primary_id, ours, shared]


async def test_google_a_deleted_calendar_is_404_for_every_call() -> None:
    async with FakeGoogle.start() as google:
        by_owner = google.add_calendar("ordinarthur-os")
        google.add_event(by_owner, summary="Dentiste", start=_paris(1, 9), end=_paris(1, 10))
        with _gcsa(google) as gc:
            by_api = await asyncio.to_thread(gc.add_calendar, Calendar("Essai"))
            await asyncio.to_thread(gc.delete_calendar, by_api)
            google.delete_calendar(by_owner)  # the owner, in Google Calendar
            service = gc.service
            body = {"summary": "x", "start": _paris(1, 9), "end": _paris(1, 10)}
            refusals = [
                await _refused(request)
                for cal in (by_owner, str(by_api.id))
                for request in (
                    service.calendars().get(calendarId=cal),
                    service.calendarList().get(calendarId=cal),
                    service.events().list(calendarId=cal),
                    service.events().insert(calendarId=cal, body=body),
                    service.calendars().delete(calendarId=cal),
                )
            ]
            listed = await asyncio.to_thread(lambda: list(gc.get_calendar_list(show_hidden=True)))
            deleted = await _run(service.calendarList().list(showDeleted=True))
            primary = await _refused(service.calendars().delete(calendarId="primary"))
    assert {_reason(r) for r in refusals} == {(404, "notFound", "global")}
    assert [c.id for c in listed] == [google.primary_id]
    assert [(c["id"], c.get("deleted")) for c in deleted["items"]][1:] == [
        (str(by_api.id), True),
        (by_owner, True),
    ]
    assert primary.status_code == 400


async def test_google_rate_limits_are_retried_by_the_client_unlike_a_permission_403() -> None:
    async with FakeGoogle.start() as google:
        shared = google.add_calendar("Famille", access_role="reader")
        with _gcsa(google) as gc:
            events = gc.service.events()

            def listing() -> Any:
                request = events.list(calendarId="primary")
                request._rand = lambda: 0.0  # googleapiclient's own backoff, without the waits
                return request

            google.rate_limit_next(2, status=429)
            after_429 = await _run(listing(), retries=2)
            google.rate_limit_next(1, status=403, reason="userRateLimitExceeded")
            google.rate_limit_next(1, status=403, reason="rateLimitExceeded")
            after_403 = await _run(listing(), retries=2)
            google.rate_limit_next(1, status=403, reason="userRateLimitExceeded")
            limited = await _refused(listing())
            body = {"summary": "x", "start": _paris(1, 9), "end": _paris(1, 10)}
            insert = events.insert(calendarId=shared, body=body)
            insert._rand = lambda: 0.0
            forbidden = await _refused(insert, retries=3)
    assert after_429["items"] == after_403["items"] == []
    assert _reason(limited) == (403, "userRateLimitExceeded", "usageLimits")
    assert _reason(forbidden) == (403, "requiredAccessLevel", "calendar")
    # Three tries, three tries, one; and one for the permission 403: it is not retried.
    assert [r.method for r in google.requests] == ["GET"] * 7 + ["POST"]


async def test_google_throttles_calls_over_the_window() -> None:
    ticks = [0.0]
    async with FakeGoogle.start() as google:
        google.throttle(2, per=60, clock=lambda: ticks[0])
        with _gcsa(google) as gc:
            events = gc.service.events()
            await _run(events.list(calendarId="primary"))
            ticks[0] = 30.0
            await _run(events.list(calendarId="primary"))
            over = await _refused(events.list(calendarId="primary"))
            ticks[0] = 60.5  # the first call left the window
            await _run(events.list(calendarId="primary"))
            google.throttle(0, per=60, status=429, clock=lambda: ticks[0])
            too_many = await _refused(events.list(calendarId="primary"))
            google.throttle(None)
            await _run(events.list(calendarId="primary"))
    assert _reason(over) == (403, "rateLimitExceeded", "usageLimits")
    assert _reason(too_many) == (429, "rateLimitExceeded", "usageLimits")


async def test_google_refuses_a_description_over_its_limit() -> None:
    async with FakeGoogle.start() as google:
        with _gcsa(google) as gc:
            events = gc.service.events()
            body = {"summary": "Notes", "start": _paris(1, 9), "end": _paris(1, 10)}
            longest = body | {"description": "é" * DESCRIPTION_LIMIT}
            kept = await _run(events.insert(calendarId="primary", body=longest))
            too_long = {"description": kept["description"] + "!"}
            refusals = [
                await _refused(events.insert(calendarId="primary", body=body | too_long)),
                await _refused(
                    events.patch(calendarId="primary", eventId=kept["id"], body=too_long)
                ),
            ]
    assert [r.status_code for r in refusals] == [400, 400]
    assert [e["description"] for e in google.events()] == ["é" * 8192]
