"""Issue 14: the Google sync never loses nor duplicates an event. Through the real routes, with
the real google-auth-oauthlib, gcsa and googleapiclient clients against the fake Google, and the
real bot against the fake Telegram (what the owner is told, once)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from playwright.async_api import Page
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.google import GOOGLE_BACKOFF
from app.main import create_app
from app.settings import Settings
from integrations.google.mapping import DESCRIPTION_LIMIT, TRUNCATED
from integrations.google.remote import Backoff
from store import agenda
from store import google as google_store
from store.clock import FrozenClock
from store.tables import CalendarEvent
from tests.conftest import ICAL_SECRET
from tests.fakes.google import (
    CALENDAR_SCOPE,
    CLIENT_ID,
    CLIENT_SECRET,
    FakeGoogle,
    JsonDict,
    instance_id,
)
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram
from tests.web.browser import go, serving, shot, sign_in
from tests.web.conftest import ApiClient, Client
from tests.web.test_google import (
    CALLBACK,
    CIPHER,
    REDIRECT,
    connect,
    new_event,
    our_calendar,
    report,
    start_consent,
    sync,
)
from web.appkeys import GOOGLE

PARIS = ZoneInfo("Europe/Paris")
Sessions = async_sessionmaker[AsyncSession]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def at(moment: datetime) -> JsonDict:
    return {"dateTime": moment.isoformat(), "timeZone": "Europe/Paris"}


def gid(event: JsonDict) -> str:
    """The Google id of an event made here: its own uuid."""
    return uuid.UUID(event["id"]).hex


class VirtualTime:
    """What the sync waits, without waiting: the backoff's sleep and the fake's throttle read
    this clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


class Meanwhile:
    """The owner's edits in Google made while a request of ours is on its way: run just before
    the fake handles the first request whose "METHOD /path" matches."""

    def __init__(self) -> None:
        self.pending: list[tuple[tuple[str, ...], str, Callable[[], object]]] = []

    def on(self, methods: tuple[str, ...], path: str, edit: Callable[[], object]) -> None:
        self.pending.append((methods, path, edit))

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        for entry in list(self.pending):
            methods, path, edit = entry
            if request.method in methods and request.path.endswith(path):
                self.pending.remove(entry)
                edit()
        return await handler(request)


@pytest.fixture
def skew() -> timedelta:
    """How far ahead of ours Google's clock runs."""
    return timedelta(0)


@pytest.fixture
def meanwhile() -> Meanwhile:
    return Meanwhile()


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def google(
    clock: FrozenClock, skew: timedelta, meanwhile: Meanwhile
) -> AsyncIterator[FakeGoogle]:
    fake = FakeGoogle(now=lambda: clock.now() + skew)
    fake.app.middlewares.append(meanwhile.middleware)
    async with fake:
        yield fake


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(poll_wait=0.05) as fake:
        yield fake


@pytest.fixture
async def app(
    settings: Settings,
    clock: FrozenClock,
    google: FakeGoogle,
    tg: FakeTelegram,
    virtual: VirtualTime,
    sessionmaker: Sessions,  # noqa: ARG001 - starts from an empty database
    monkeypatch: pytest.MonkeyPatch,
) -> web.Application:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    configured = settings.model_copy(
        update={
            "google_oauth_client_id": CLIENT_ID,
            "google_oauth_client_secret": SecretStr(CLIENT_SECRET),
            "google_oauth_redirect_uri": REDIRECT,
            "google_api_base": google.url,
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
        }
    )
    app = create_app(configured, clock=clock, run_migrations=False)
    app[GOOGLE_BACKOFF] = Backoff(sleep=virtual.sleep, jitter=lambda: 0.25)
    return app


@pytest.fixture
async def gclient(app: web.Application) -> AsyncIterator[Client]:
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.fixture
def gapi(gclient: Client, auth: dict[str, str]) -> ApiClient:
    return ApiClient(gclient, auth)


def told(tg: FakeTelegram) -> list[str]:
    """What the owner was told about Google Agenda on Telegram."""
    return [str(c["text"]) for c in tg.calls_to("sendMessage") if "Google Agenda" in c["text"]]


async def titles(gapi: ApiClient) -> list[tuple[str, str]]:
    return sorted((e["title"], e["source"]) for e in await gapi.get("/agenda/events"))


async def occurrences(
    gapi: ApiClient, start: datetime, end: datetime
) -> list[tuple[str, datetime]]:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    found = await gapi.get("/agenda/events", params=params)
    return [(e["title"], datetime.fromisoformat(e["starts_at"]).astimezone(PARIS)) for e in found]


async def google_status(gapi: ApiClient) -> dict[str, Any]:
    status: dict[str, Any] = (await gapi.get("/status"))["google"]
    return status


# ---------------------------------------------------------------- 1, 7: three-way, one clock


async def test_a_field_changed_on_one_side_only_takes_that_side(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    dentist = await new_event(gapi, location="Paris")
    await sync(gapi)

    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{dentist['id']}", json={"title": "Dentiste (Dr Roux)"})
    clock.advance(timedelta(minutes=5))  # Google's change is the later one: it still takes
    google.update_event(cal, gid(dentist), colorId="5", location="Lyon")  # only its fields
    assert await sync(gapi) == report(1, 1, 0)

    here = await gapi.get(f"/agenda/events/{dentist['id']}")
    there = google.event(cal, gid(dentist))
    assert (here["title"], here["location"]) == ("Dentiste (Dr Roux)", "Lyon")
    assert there is not None
    assert (there["summary"], there["location"], there["colorId"]) == (
        "Dentiste (Dr Roux)",
        "Lyon",
        "5",
    )
    assert await sync(gapi) == report()  # settled: nothing goes back and forth


@pytest.mark.parametrize("skew", [timedelta(hours=1)])
async def test_a_field_changed_on_both_sides_goes_to_the_later_change_each_timed_on_its_clock(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock, sessionmaker: Sessions
) -> None:
    """Google's clock runs an hour ahead of ours: its `updated` is only compared with its own
    earlier `updated`, ours with our clock."""
    cal = await connect(gapi, google)
    lunch = await new_event(gapi, title="Déjeuner")
    google.add_event(
        cal, summary="Réunion", start=at(paris(2026, 12, 2, 9)), end=at(paris(2026, 12, 2, 10))
    )
    assert await sync(gapi) == report(1, 1, 0)
    async with sessionmaker() as session:
        [meeting] = [e for e in await agenda.list_events(session=session) if e.source == "google"]
    # Pulled rows are stamped by our clock, not by Google's.
    assert meeting.created_at == meeting.updated_at == clock.now()

    clock.advance(timedelta(minutes=10))
    google.update_event(cal, gid(lunch), summary="Déjeuner (Google)")
    clock.advance(timedelta(minutes=10))  # ours is the later change
    await gapi.patch(f"/agenda/events/{lunch['id']}", json={"title": "Déjeuner (ici)"})
    assert await sync(gapi) == report(1, 0, 0)
    there = google.event(cal, gid(lunch))
    assert there is not None and there["summary"] == "Déjeuner (ici)"

    clock.advance(timedelta(minutes=10))
    await gapi.patch(f"/agenda/events/{lunch['id']}", json={"title": "Déjeuner (ici, avant)"})
    clock.advance(timedelta(minutes=10))  # Google's is the later one
    google.update_event(cal, gid(lunch), summary="Déjeuner (Google, après)")
    assert await sync(gapi) == report(0, 1, 0)
    assert (await gapi.get(f"/agenda/events/{lunch['id']}"))["title"] == "Déjeuner (Google, après)"


# ---------------------------------------------------------------- 2: deleted in Google


async def test_deleted_in_google_is_deleted_here_unless_changed_here_then_recreated_and_told_once(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock, tg: FakeTelegram
) -> None:
    cal = await connect(gapi, google)
    dropped = await new_event(gapi, title="Abandonné")
    kept = await new_event(
        gapi,
        title="Gardé",
        starts_at="2026-12-02T09:00:00+01:00",
        ends_at="2026-12-02T10:00:00+01:00",
    )
    await sync(gapi)
    google.delete_event(cal, gid(dropped))
    google.delete_event(cal, gid(kept))
    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{kept['id']}", json={"location": "Salle 2"})

    restored = [{"event_id": kept["id"], "title": "Gardé"}]
    assert await sync(gapi) == report(1, 0, 1, restored=restored)
    assert await titles(gapi) == [("Gardé", "ordinarthur-os")]
    there = google.event(cal, gid(kept))
    assert there is not None and (there["status"], there["location"]) == ("confirmed", "Salle 2")
    [message] = told(tg)
    assert "« Gardé »" in message and "recréé dans Google" in message
    assert (await google_status(gapi))["restored"] == restored

    assert await sync(gapi) == report()
    assert len(told(tg)) == 1


# ---------------------------------------------------------------- 3: If-Match, 412


async def test_a_change_in_google_while_we_push_is_merged_not_overwritten(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock, meanwhile: Meanwhile
) -> None:
    cal = await connect(gapi, google)
    dentist = await new_event(gapi)
    await sync(gapi)
    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{dentist['id']}", json={"location": "Cabinet B"})
    meanwhile.on(
        ("PUT", "PATCH"),
        f"/events/{gid(dentist)}",
        lambda: google.update_event(cal, gid(dentist), summary="Dentiste (annulé ?)"),
    )
    assert await sync(gapi) == report(1, 0, 0)

    writes = [r for r in google.requests if r.method == "PATCH"]
    assert [r.headers.get("If-Match") is not None for r in writes[-2:]] == [True, True]
    there = google.event(cal, gid(dentist))
    assert there is not None
    assert (there["summary"], there["location"]) == ("Dentiste (annulé ?)", "Cabinet B")
    here = await gapi.get(f"/agenda/events/{dentist['id']}")
    assert (here["title"], here["location"]) == ("Dentiste (annulé ?)", "Cabinet B")
    assert await sync(gapi) == report()


# ---------------------------------------------------------------- 4: reconnecting


async def test_reconnecting_keeps_the_calendar_even_hidden_or_renamed_and_duplicates_nothing(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    cal = await connect(gapi, google)
    await new_event(gapi)
    google.add_event(
        cal, summary="De Google", start=at(paris(2026, 12, 3, 9)), end=at(paris(2026, 12, 3, 10))
    )
    assert await sync(gapi) == report(1, 1, 0)

    google.hide_calendar(cal)  # calendarList.list leaves it out unless showHidden
    assert await reconnect(gapi) == cal
    google._calendars[cal].resource["summary"] = "Mon agenda"  # renamed by the owner
    assert await reconnect(gapi) == cal

    assert [r.path for r in google.requests if r.method == "POST"] == [
        "/calendars",  # made once, at the first connection
        f"/calendars/{cal}/events",
    ]
    stored_first = [r for r in google.requests if r.path == f"/calendars/{cal}"]
    assert [r.method for r in stored_first] == ["GET", "GET"]
    assert await sync(gapi) == report()
    assert sorted(e["summary"] for e in google.events(cal)) == ["De Google", "Dentiste"]
    assert await titles(gapi) == [("De Google", "google"), ("Dentiste", "ordinarthur-os")]


async def reconnect(gapi: ApiClient) -> str:
    """The owner consents again; the calendar the link uses afterwards."""
    consent = await start_consent(gapi)
    params = {"state": consent["state"], "code": "4/fake-code", "scope": CALENDAR_SCOPE}
    response = await gapi.client.get(CALLBACK, params=params)
    assert response.status == 200, await response.text()
    calendar_id: str = (await google_status(gapi))["calendar_id"]
    return calendar_id


# ---------------------------------------------------------------- 6: our id on every insert


async def test_every_insert_carries_our_id_even_when_the_linked_event_vanished_there(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    made_there = google.add_event(
        cal, summary="Yoga", start=at(paris(2026, 12, 4, 18)), end=at(paris(2026, 12, 4, 19))
    )
    await sync(gapi)
    [row] = await gapi.get("/agenda/events")
    # The owner moved it to another calendar: ours no longer has it at all (404).
    del google._calendars[cal].events[made_there["id"]]
    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{row['id']}", json={"location": "Studio"})

    assert await sync(gapi) == report(1, 0, 0)
    [again] = google.events(cal)
    assert again["id"] == gid(row) and again["location"] == "Studio"
    assert (await gapi.get(f"/agenda/events/{row['id']}"))["google_event_id"] == gid(row)
    assert await sync(gapi) == report()


async def test_an_event_deleted_here_before_it_was_linked_is_deleted_there_not_pulled_back(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal = await connect(gapi, google)
    created = await new_event(gapi)
    await sync(gapi)
    async with sessionmaker.begin() as session:  # Google's answer to the insert was lost
        forget = {"google_event_id": None, "google_synced_at": None, "google_etag": None}
        await session.execute(update(CalendarEvent).values(**forget))
    await gapi.delete(f"/agenda/events/{created['id']}")
    google.invalidate_sync_tokens(cal)  # the next listing brings everything again

    assert await sync(gapi) == report(0, 0, 1)
    assert await gapi.get("/agenda/events") == []
    assert google.events(cal) == []
    assert await sync(gapi) == report()


# ---------------------------------------------------------------- 8: one bad event


async def test_an_event_google_refuses_keeps_neither_the_others_nor_the_deletions_back(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    refused = await new_event(gapi, title="Refusé")
    fine = await new_event(gapi, title="Accepté")
    doomed = await new_event(gapi, title="À supprimer")
    await sync(gapi)
    clock.advance(timedelta(minutes=5))
    for event in (refused, fine):
        await gapi.patch(f"/agenda/events/{event['id']}", json={"location": "Ailleurs"})
    await gapi.delete(f"/agenda/events/{doomed['id']}")
    google.fail_next(400, "Bad Request", match=f"PATCH /calendars/{cal}/events/{gid(refused)}")

    why = "Google a refusé cet événement (400 : Bad Request)"
    errors = [{"event_id": refused["id"], "title": "Refusé", "message": why}]
    assert await sync(gapi) == report(1, 0, 1, errors=errors)
    there = {e["summary"]: e for e in google.events(cal)}
    assert sorted(there) == ["Accepté", "Refusé"]
    assert there["Accepté"]["location"] == "Ailleurs" and "location" not in there["Refusé"]
    assert (await gapi.get(f"/agenda/events/{refused['id']}"))["google_error"] == why
    status = await google_status(gapi)
    assert status["last_error"] is None
    assert [(e["title"], e["error"]) for e in status["event_errors"]] == [("Refusé", why)]

    assert await sync(gapi) == report(1, 0, 0)  # tried again: it goes, the error is gone
    assert (await gapi.get(f"/agenda/events/{refused['id']}"))["google_error"] is None
    assert (await google_status(gapi))["event_errors"] == []


async def test_a_description_longer_than_google_takes_is_cut_with_a_marker(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    notes = "Ordre du jour. " * 1000  # 15,000 characters; Google refuses over 8,192
    meeting = await new_event(gapi, title="Réunion", description=notes)
    assert await sync(gapi) == report(1, 0, 0)
    there = google.event(cal, gid(meeting))
    assert there is not None
    assert len(there["description"]) == DESCRIPTION_LIMIT
    assert there["description"].endswith(TRUNCATED)
    assert await sync(gapi) == report()

    clock.advance(timedelta(minutes=5))
    google.update_event(cal, gid(meeting), summary="Réunion d'équipe")
    assert await sync(gapi) == report(0, 1, 0)
    here = await gapi.get(f"/agenda/events/{meeting['id']}")
    assert (here["title"], here["description"]) == ("Réunion d'équipe", notes)  # kept whole here


# ---------------------------------------------------------------- 9: the calendar deleted


async def test_a_calendar_deleted_in_google_stops_the_sync_told_once_until_reconnected(
    gapi: ApiClient, app: web.Application, google: FakeGoogle, tg: FakeTelegram
) -> None:
    cal = await connect(gapi, google)
    await new_event(gapi, title="À nous")
    google.add_event(
        cal, summary="De Google", start=at(paris(2026, 12, 3, 9)), end=at(paris(2026, 12, 3, 10))
    )
    assert await sync(gapi) == report(1, 1, 0)
    google.delete_calendar(cal)

    for _ in range(2):
        error = await sync(gapi, status=409)
        assert error["error"]["code"] == "google_calendar_gone"
        assert "supprimé" in error["error"]["message"]
    [message] = told(tg)
    assert "« ordinarthur-os » a été supprimé" in message and "Reconnecte" in message
    status = await google_status(gapi)
    assert status["stopped"] == "calendar_gone" and status["stopped_since"] is not None
    asked = len(google.requests)
    await app[GOOGLE].sync_if_connected()  # the periodic sync waits for the owner
    assert len(google.requests) == asked

    new_cal = await reconnect(gapi)
    assert new_cal != cal and our_calendar(google) == new_cal
    assert (await google_status(gapi))["stopped"] is None
    assert await sync(gapi) == report(1, 0, 0)  # our own event only
    assert [e["summary"] for e in google.events(new_cal)] == ["À nous"]
    assert await titles(gapi) == [("À nous", "ordinarthur-os")]
    assert len(told(tg)) == 1


# ---------------------------------------------------------------- 10: rate limits


async def test_a_first_sync_of_hundreds_of_events_waits_out_the_rate_limits(
    gapi: ApiClient,
    google: FakeGoogle,
    clock: FrozenClock,
    sessionmaker: Sessions,
    virtual: VirtualTime,
) -> None:
    cal = await connect(gapi, google)
    async with sessionmaker.begin() as session:
        for n in range(300):
            start = paris(2026, 12, 1, 8) + timedelta(hours=n)
            data = {
                "title": f"Événement {n}",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
            }
            await agenda.create_event(session=session, data=data, now=clock.now())
    # guides/quota: a per-minute quota, here 50 calls in 10 seconds, answered with 403
    # rateLimitExceeded; and two 429 on top.
    google.throttle(50, per=10.0, clock=virtual.clock)
    google.rate_limit_next(2, status=429)

    assert await sync(gapi) == report(300, 0, 0)
    assert len(google.events(cal)) == 300
    # Two waits for the 429s, then 1, 2, 4, 8 seconds (plus the jitter given) whenever the
    # quota is spent: each time, what leaves the window lets the call through.
    assert virtual.waits[:6] == [1.25, 2.25, 1.25, 2.25, 4.25, 8.25]
    # Each wait was one refusal: the calendar's making (2 calls), 1 listing, 300 inserts.
    assert len(google.requests) - 303 == len(virtual.waits)
    assert await sync(gapi) == report()


async def test_a_403_user_rate_limit_is_waited_out_like_a_429(
    gapi: ApiClient, google: FakeGoogle, virtual: VirtualTime
) -> None:
    cal = await connect(gapi, google)
    await new_event(gapi)
    # guides/errors: 403 userRateLimitExceeded is a rate limit, not a refusal.
    google.rate_limit_next(2, status=403, reason="userRateLimitExceeded")

    assert await sync(gapi) == report(1, 0, 0)
    assert len(google.events(cal)) == 1
    assert len(virtual.waits) == 2


async def test_a_permission_403_is_not_retried(
    gapi: ApiClient, google: FakeGoogle, virtual: VirtualTime
) -> None:
    cal = await connect(gapi, google)
    await new_event(gapi)
    google._calendars[cal].access_role = "reader"  # shared with us read-only since
    error = await sync(gapi, status=502)
    assert "403" in error["error"]["message"]
    assert [r.method for r in google.requests if r.path == f"/calendars/{cal}/events"] == [
        "GET",
        "POST",
    ]
    assert virtual.waits == []


# ---------------------------------------------------------------- 11: tokens


async def test_a_transient_refresh_failure_is_tried_again(
    gapi: ApiClient, google: FakeGoogle, virtual: VirtualTime, tg: FakeTelegram
) -> None:
    await connect(gapi, google)
    await new_event(gapi)
    google.expire_access_tokens()
    google.fail_token("backend_error", "Bad Gateway", status=502)  # a proxy, not the grant
    assert await sync(gapi) == report(1, 0, 0)
    grants = [r["grant_type"] for r in google.token_requests]
    assert grants == ["authorization_code", "refresh_token", "refresh_token"]
    assert virtual.waits == [1.25]
    assert told(tg) == []


async def test_a_refused_refresh_token_stops_the_sync_and_asks_to_reconnect_once(
    gapi: ApiClient, app: web.Application, google: FakeGoogle, tg: FakeTelegram
) -> None:
    await connect(gapi, google)
    google.expire_access_tokens()
    for _ in range(2):
        google.fail_token("invalid_grant", "Token has been expired or revoked.")
        error = await sync(gapi, status=502)
        assert "reconnecte Google Agenda" in error["error"]["message"]
    [message] = told(tg)
    assert "reconnecte Google Agenda" in message and "7 jours" in message
    assert (await google_status(gapi))["stopped"] == "token_refused"
    asked = len(google.token_requests)
    await app[GOOGLE].sync_if_connected()
    assert len(google.token_requests) == asked

    await reconnect(gapi)
    assert (await google_status(gapi))["stopped"] is None
    assert await sync(gapi) == report()
    assert len(told(tg)) == 1


# ---------------------------------------------------------------- 5: series


async def weekly_meeting(gapi: ApiClient, google: FakeGoogle) -> tuple[str, JsonDict, str]:
    """A weekly series made in Google, its 7 December occurrence moved to the 8th at 14:00;
    synced. The calendar, the master, the moved occurrence's id."""
    cal = await connect(gapi, google)
    master = google.add_event(
        cal,
        summary="Réunion",
        start=at(paris(2026, 11, 30, 9)),
        end=at(paris(2026, 11, 30, 10)),
        recurrence=["RRULE:FREQ=WEEKLY"],
    )
    moved = instance_id(master["id"], paris(2026, 12, 7, 9))
    google.update_event(
        cal, moved, start=at(paris(2026, 12, 8, 14)), end=at(paris(2026, 12, 8, 15))
    )
    assert await sync(gapi) == report(0, 2, 0)
    return cal, master, moved


async def test_a_moved_occurrence_overrides_that_occurrence_only_and_follows_google(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal, master, moved = await weekly_meeting(gapi, google)
    december = (paris(2026, 11, 30), paris(2026, 12, 21))
    assert await occurrences(gapi, *december) == [
        ("Réunion", paris(2026, 11, 30, 9)),
        ("Réunion", paris(2026, 12, 8, 14)),
        ("Réunion", paris(2026, 12, 14, 9)),
    ]
    feed = await gapi.client.get(f"/agenda/ical/{ICAL_SECRET}.ics")
    vevents = Calendar.from_ical(await feed.read()).walk("VEVENT")
    assert len({str(v["UID"]) for v in vevents}) == 1  # the occurrence belongs to its series
    [override] = [v for v in vevents if "RECURRENCE-ID" in v]
    assert override.decoded("RECURRENCE-ID") == paris(2026, 12, 7, 9)
    assert override.decoded("DTSTART") == paris(2026, 12, 8, 14)

    clock.advance(timedelta(minutes=5))
    google.update_event(cal, moved, summary="Réunion (salle B)")
    assert await sync(gapi) == report(0, 1, 0)
    assert ("Réunion (salle B)", paris(2026, 12, 8, 14)) in await occurrences(gapi, *december)

    google.delete_event(cal, moved)  # that occurrence cancelled there: gone here
    assert await sync(gapi) == report(0, 0, 1)
    assert await occurrences(gapi, *december) == [
        ("Réunion", paris(2026, 11, 30, 9)),
        ("Réunion", paris(2026, 12, 14, 9)),
    ]
    assert await sync(gapi) == report()
    writes = [r for r in google.requests if r.method in ("PUT", "PATCH", "POST", "DELETE")]
    assert [r.path for r in writes] == ["/calendars"]  # nothing sent back


async def test_this_and_following_in_google_ends_the_first_series_and_starts_the_second(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal, master, _ = await weekly_meeting(gapi, google)
    late = instance_id(master["id"], paris(2026, 12, 21, 9))
    google.update_event(cal, late, summary="Réunion (la dernière)")
    assert await sync(gapi) == report(0, 1, 0)
    # In Google, "this and following events" from the 14th: the series ends on the 13th and a
    # new one starts on the 14th, at 11:00.
    google.update_event(cal, master["id"], recurrence=["RRULE:FREQ=WEEKLY;UNTIL=20261213T225959Z"])
    google.add_event(
        cal,
        summary="Réunion d'équipe",
        start=at(paris(2026, 12, 14, 11)),
        end=at(paris(2026, 12, 14, 12)),
        recurrence=["RRULE:FREQ=WEEKLY"],
    )
    assert await sync(gapi) == report(0, 2, 1)  # the occurrence it overrode went with it

    assert await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 29)) == [
        ("Réunion", paris(2026, 11, 30, 9)),
        ("Réunion", paris(2026, 12, 8, 14)),
        ("Réunion d'équipe", paris(2026, 12, 14, 11)),
        ("Réunion d'équipe", paris(2026, 12, 21, 11)),
        ("Réunion d'équipe", paris(2026, 12, 28, 11)),
    ]
    async with sessionmaker() as session:
        rows = await agenda.list_events(session=session)
    assert sorted((r.title, r.original_start is not None) for r in rows) == [
        ("Réunion", False),
        ("Réunion", True),  # the 8 December one, still an occurrence of the first series
        ("Réunion d'équipe", False),
    ]
    assert await sync(gapi) == report()


async def test_a_series_deleted_in_google_takes_its_moved_occurrences_here(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    cal, master, _ = await weekly_meeting(gapi, google)
    google.delete_event(cal, master["id"])
    assert await sync(gapi) == report(0, 0, 2)  # the series and its moved occurrence
    assert await gapi.get("/agenda/events") == []


async def test_a_series_made_here_loses_its_moved_occurrences_with_it_on_both_sides(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    cal = await connect(gapi, google)
    swim = await new_event(
        gapi,
        title="Piscine",
        starts_at=paris(2026, 11, 30, 18).isoformat(),
        ends_at=paris(2026, 11, 30, 19).isoformat(),
        recurrence="FREQ=WEEKLY",
    )
    await sync(gapi)
    moved = instance_id(gid(swim), paris(2026, 12, 7, 18))
    google.update_event(
        cal, moved, start=at(paris(2026, 12, 9, 18)), end=at(paris(2026, 12, 9, 19))
    )
    assert await sync(gapi) == report(0, 1, 0)
    assert ("Piscine", paris(2026, 12, 9, 18)) in await occurrences(
        gapi, paris(2026, 12, 1), paris(2026, 12, 14)
    )

    await gapi.delete(f"/agenda/events/{swim['id']}")
    assert await sync(gapi) == report(0, 0, 1)  # one request: the occurrence went with it
    assert [r.method for r in google.requests if r.method == "DELETE"] == ["DELETE"]
    assert google.events(cal) == []
    assert await gapi.get("/agenda/events") == []


async def test_a_moved_occurrence_changed_or_deleted_here_changes_that_occurrence_in_google(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal, master, moved = await weekly_meeting(gapi, google)
    window = (paris(2026, 12, 1), paris(2026, 12, 14))
    [(_, when)] = await occurrences(gapi, *window)
    [row] = [e for e in await gapi.get("/agenda/events") if e["original_start"] is not None]
    assert row["recurring_event_id"] is not None and when == paris(2026, 12, 8, 14)

    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{row['id']}", json={"location": "Salle C"})
    assert await sync(gapi) == report(1, 0, 0)
    there = google.event(cal, moved)
    assert there is not None and there["location"] == "Salle C"
    assert [i["start"]["dateTime"] for i in google.instances(cal, master["id"])][:3] == [
        "2026-11-30T09:00:00+01:00",
        "2026-12-08T14:00:00+01:00",
        "2026-12-14T09:00:00+01:00",
    ]

    await gapi.delete(f"/agenda/events/{row['id']}")  # that occurrence, not the series
    assert await occurrences(gapi, *window) == []
    report_ = await sync(gapi)
    assert (report_["deleted"], report_["errors"]) == (1, [])
    starts = [i["start"]["dateTime"] for i in google.instances(cal, master["id"])][:2]
    assert starts == ["2026-11-30T09:00:00+01:00", "2026-12-14T09:00:00+01:00"]
    assert await occurrences(gapi, *window) == []
    assert await sync(gapi) == report()


# ---------------------------------------------------------------- 8, 9: what the PWA shows


async def test_the_pwa_shows_a_stopped_sync_and_each_refused_event(
    page: Page, app: web.Application, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    now = clock.now()
    async with sessionmaker.begin() as session:
        await google_store.save_token(
            session=session, cipher=CIPHER, access_token="a", refresh_token="r", expires_at=now
        )
        await google_store.set_calendar(session=session, calendar_id="cal")
        start = now + timedelta(days=1)
        event = await agenda.create_event(
            session=session,
            data={"title": "Dentiste", "starts_at": start, "ends_at": start},
            now=now,
        )
        await google_store.mark_failed(
            session=session, event_id=event.id, error="Google a refusé cet événement (400)"
        )
        await google_store.stop(
            session=session, calendar_id="cal", reason="calendar_gone", now=now
        )
    async with serving(app) as base_url:
        await sign_in(page, base_url)
        await go(page, "/app/settings")
        section = await page.wait_for_selector("#google-section")
        text = await section.inner_text()
        assert "a été supprimé dans Google" in text
        assert "1 événement refusé par Google".upper() in text.upper()  # a label: capitals
        assert "Dentiste" in text and "Google a refusé cet événement (400)" in text
        assert await page.locator("text=Reconnecter Google Agenda").count() == 1
        await shot(page, "settings-google-stopped")

        await page.click("#account-link")
        await page.wait_for_selector("#google-event-errors")
        status = await page.inner_text("#status")
        assert (
            "a été supprimé dans Google" in status
            and "Google a refusé cet événement (400)" in status
        )


async def test_an_occurrence_deleted_here_while_moved_in_google_is_gone_on_both_sides(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    swim = await new_event(
        gapi,
        title="Piscine",
        starts_at=paris(2026, 11, 30, 18).isoformat(),
        ends_at=paris(2026, 11, 30, 19).isoformat(),
        recurrence="FREQ=WEEKLY",
    )
    await sync(gapi)
    moved = instance_id(gid(swim), paris(2026, 12, 7, 18))
    google.update_event(
        cal, moved, start=at(paris(2026, 12, 7, 20)), end=at(paris(2026, 12, 7, 21))
    )
    clock.advance(timedelta(minutes=5))
    occurrence = {"occurrence": paris(2026, 12, 7, 18).isoformat()}
    await gapi.delete(f"/agenda/events/{swim['id']}", params=occurrence)

    await sync(gapi)
    window = (paris(2026, 12, 1), paris(2026, 12, 14))
    assert await occurrences(gapi, *window) == []
    assert [i["start"]["dateTime"] for i in google.instances(cal, gid(swim))][:2] == [
        "2026-11-30T18:00:00+01:00",
        "2026-12-14T18:00:00+01:00",
    ]
    assert await sync(gapi) == report()


async def test_a_series_deleted_in_google_after_a_change_here_comes_back_with_its_moved_occurrence(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock, tg: FakeTelegram
) -> None:
    cal, master, moved = await weekly_meeting(gapi, google)
    late = instance_id(master["id"], paris(2026, 12, 14, 9))
    google.update_event(
        cal, late, start=at(paris(2026, 12, 15, 9)), end=at(paris(2026, 12, 15, 10))
    )
    google.delete_event(cal, master["id"])  # its moved occurrences go along
    clock.advance(timedelta(minutes=5))
    [series] = [e for e in await gapi.get("/agenda/events") if e["original_start"] is None]
    await gapi.patch(f"/agenda/events/{series['id']}", json={"location": "Salle A"})

    answer = await sync(gapi)
    assert answer["restored"] == [{"event_id": series["id"], "title": "Réunion"}]
    assert len(told(tg)) == 1  # the series, once; not each of its occurrences
    # Back as we have them: the one moved before the last sync moved, the other one (moved
    # there since, then deleted with its series) where it was.
    starts = [i["start"]["dateTime"] for i in google.instances(cal, master["id"])][:4]
    assert starts == [
        "2026-11-30T09:00:00+01:00",
        "2026-12-08T14:00:00+01:00",
        "2026-12-14T09:00:00+01:00",
        "2026-12-21T09:00:00+01:00",
    ]
    assert await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 22)) == [
        ("Réunion", paris(2026, 11, 30, 9)),
        ("Réunion", paris(2026, 12, 8, 14)),
        ("Réunion", paris(2026, 12, 14, 9)),
        ("Réunion", paris(2026, 12, 21, 9)),
    ]
    assert await sync(gapi) == report()
