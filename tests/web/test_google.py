"""Google Agenda over HTTP, against the fake Google with the real google-auth-oauthlib, gcsa and
googleapiclient clients: connect (OAuth web flow with PKCE), then sync both ways."""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.encryption import TokenCipher
from store.tables import CalendarEvent, GoogleOAuthToken, GoogleSyncState
from tests.conftest import ICAL_SECRET, SECRETS_KEY
from tests.fakes.google import CALENDAR_SCOPE, CLIENT_ID, CLIENT_SECRET, FakeGoogle, JsonDict
from tests.web.conftest import ApiClient, Client

PARIS = ZoneInfo("Europe/Paris")
REDIRECT = "https://os.example.org/agenda/google/oauth/callback"
CALLBACK = "/agenda/google/oauth/callback"
SYNC = "/agenda/google/sync"

Sessions = async_sessionmaker[AsyncSession]
CIPHER = TokenCipher(SECRETS_KEY)  # the key the `settings` fixture gives the service


@pytest.fixture
async def google(clock: FrozenClock) -> AsyncIterator[FakeGoogle]:
    async with FakeGoogle.start(now=clock.now) as fake:
        yield fake


@pytest.fixture
async def gclient(
    settings: Settings,
    clock: FrozenClock,
    google: FakeGoogle,
    sessionmaker: Sessions,  # noqa: ARG001 - starts from an empty database
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Client]:
    # The fake's token endpoint is plain http; oauthlib refuses that unless told.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    configured = settings.model_copy(
        update={
            "google_oauth_client_id": CLIENT_ID,
            "google_oauth_client_secret": SecretStr(CLIENT_SECRET),
            "google_oauth_redirect_uri": REDIRECT,
            "google_api_base": google.url,
        }
    )
    app = create_app(configured, clock=clock, run_migrations=False)
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.fixture
def gapi(gclient: Client, auth: dict[str, str]) -> ApiClient:
    return ApiClient(gclient, auth)


async def start_consent(gapi: ApiClient) -> dict[str, str]:
    answer = await gapi.get("/agenda/google/oauth/start")
    return {k: v[0] for k, v in parse_qs(urlsplit(answer["url"]).query).items()}


async def connect(gapi: ApiClient, google: FakeGoogle) -> str:
    """Consent and callback, as the owner's browser would; returns the synced calendar's id."""
    consent = await start_consent(gapi)
    params = {"state": consent["state"], "code": "4/fake-code", "scope": CALENDAR_SCOPE}
    response = await gapi.client.get(CALLBACK, params=params)
    assert response.status == 200, await response.text()
    return our_calendar(google)


def our_calendar(google: FakeGoogle) -> str:
    [cal] = [c for c in google._calendars.values() if c.resource["summary"] == "ordinarthur-os"]
    return str(cal.resource["id"])


async def sync(gapi: ApiClient, status: int = 200) -> Any:
    return await gapi.post(SYNC, status=status)


def report(pushed: int = 0, pulled: int = 0, deleted: int = 0, **more: Any) -> dict[str, Any]:
    """What POST /agenda/google/sync answers; no event refused, none restored unless said."""
    return {
        "pushed": pushed,
        "pulled": pulled,
        "deleted": deleted,
        "errors": [],
        "restored": [],
    } | more


async def new_event(gapi: ApiClient, **fields: Any) -> JsonDict:
    body = {
        "title": "Dentiste",
        "starts_at": "2026-12-01T09:00:00+01:00",
        "ends_at": "2026-12-01T10:00:00+01:00",
    } | fields
    created: JsonDict = await gapi.post("/agenda/events", json=body, status=201)
    return created


async def titles(gapi: ApiClient) -> list[tuple[str, str]]:
    return [(e["title"], e["source"]) for e in await gapi.get("/agenda/events")]


def timed(day: int, hour: int, month: int = 12, year: int = 2026) -> JsonDict:
    return {"dateTime": datetime(year, month, day, hour, tzinfo=PARIS).isoformat()}


# ---------------------------------------------------------------- OAuth


async def test_connecting_stores_the_tokens_and_creates_the_calendar(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    consent = await start_consent(gapi)
    assert consent["access_type"] == "offline" and consent["prompt"] == "consent"
    assert consent["client_id"] == CLIENT_ID and consent["redirect_uri"] == REDIRECT
    assert consent["scope"] == CALENDAR_SCOPE and consent["code_challenge_method"] == "S256"

    params = {"state": consent["state"], "code": "4/fake-code", "scope": CALENDAR_SCOPE}
    response = await gapi.client.get(CALLBACK, params=params)
    page = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert "Google Agenda connecté ✅ — tu peux fermer cet onglet" in page

    exchange = google.token_requests[0]
    assert exchange["grant_type"] == "authorization_code" and exchange["code"] == "4/fake-code"
    verifier = exchange["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge.decode().rstrip("=") == consent["code_challenge"]
    cal = our_calendar(google)
    assert google._calendar(cal).resource["timeZone"] == "Europe/Paris"
    async with sessionmaker() as session:
        token = await session.get(GoogleOAuthToken, 1)
        state = await session.get(GoogleSyncState, cal)
    assert token is not None and state is not None
    # Stored encrypted (issue 10, item 11): the columns hold no token text.
    access, refresh = (CIPHER.decrypt(t).text for t in (token.access_token, token.refresh_token))
    assert access == google.issued_tokens[0] and refresh.startswith("1//")
    assert access not in token.access_token and refresh not in token.refresh_token
    assert token.calendar_id == cal
    assert token.expires_at > datetime.now(UTC) + timedelta(minutes=50)
    # Secrets stay in the database: not in the page, not in the logs.
    for secret in (access, refresh, token.access_token, token.refresh_token, verifier):
        assert secret not in page and secret not in caplog.text

    again = await gapi.client.get(CALLBACK, params=params)  # a state is good once
    assert again.status == 400 and "déjà utilisé" in await again.text()


async def test_it_finds_the_calendar_it_created_before(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    existing = google.add_calendar("ordinarthur-os")
    assert await connect(gapi, google) == existing
    assert not [r for r in google.requests if r.method == "POST"]


async def test_it_finds_the_calendar_it_created_before_even_hidden_by_the_owner(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    existing = google.add_calendar("ordinarthur-os", hidden=True)
    assert await connect(gapi, google) == existing  # no id stored: found by its name
    assert not [r for r in google.requests if r.method == "POST"]


async def test_a_calendar_google_could_not_make_at_connection_is_made_at_the_first_sync(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    consent = await start_consent(gapi)
    google.fail_next(503, match="calendarList")
    params = {"state": consent["state"], "code": "4/fake-code"}
    assert (await gapi.client.get(CALLBACK, params=params)).status == 200  # consent kept
    async with sessionmaker() as session:
        token = await session.get(GoogleOAuthToken, 1)
    assert token is not None and token.calendar_id is None
    await new_event(gapi)
    assert await sync(gapi) == report(1, 0, 0)
    assert [e["summary"] for e in google.events(our_calendar(google))] == ["Dentiste"]


async def test_bad_states_and_refusals_are_400_pages_and_store_nothing(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock, sessionmaker: Sessions
) -> None:
    async def callback(**params: str) -> tuple[int, str]:
        response = await gapi.client.get(CALLBACK, params=params)
        return response.status, await response.text()

    assert (await callback(state="made-up", code="c"))[0] == 400
    consent = await start_consent(gapi)
    assert (await callback(error="access_denied", state=consent["state"]))[0] == 400
    assert (await callback(state=consent["state"]))[0] == 400  # no code
    google.fail_token("invalid_grant", "Malformed auth code.")
    status, page = await callback(state=consent["state"], code="bad")
    assert status == 400 and "refusé le code" in page
    expiring = await start_consent(gapi)
    clock.advance(timedelta(minutes=11))
    status, page = await callback(state=expiring["state"], code="c")
    assert status == 400 and "expiré" in page
    assert len(google.token_requests) == 1
    async with sessionmaker() as session:
        assert await session.get(GoogleOAuthToken, 1) is None


async def test_not_configured_is_503(api: ApiClient, client: Client) -> None:
    for method, path in (("GET", "/agenda/google/oauth/start"), ("POST", SYNC)):
        error = await api.call(method, path, status=503)
        assert error["error"]["code"] == "google_not_configured"
        assert "Google Agenda n'est pas configuré" in error["error"]["message"]
    response = await client.get(CALLBACK, params={"state": "s", "code": "c"})
    assert response.status == 503 and "pas configuré" in await response.text()


async def test_sync_before_connecting_is_409(gapi: ApiClient) -> None:
    error = await sync(gapi, status=409)
    assert error["error"]["code"] == "google_not_connected"


# ---------------------------------------------------------------- push


async def test_local_events_are_pushed_changed_and_deleted_in_google(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    before = await new_event(gapi, location="Paris")
    cal = await connect(gapi, google)
    after = await new_event(
        gapi,
        title="Anniversaire",
        starts_at="2026-12-03T00:00:00+01:00",
        ends_at="2026-12-04T00:00:00+01:00",
        all_day=True,
    )
    old = await new_event(  # ended long before the 30 days Google sync looks back
        gapi, title="Vieux", starts_at="2026-01-05T09:00:00Z", ends_at="2026-01-05T10:00:00Z"
    )
    assert await sync(gapi) == report(2, 0, 0)

    dentist = google.event(cal, uuid.UUID(before["id"]).hex)
    assert dentist is not None and dentist["summary"] == "Dentiste"
    assert dentist["location"] == "Paris"
    assert dentist["start"] == {
        "dateTime": "2026-12-01T09:00:00+01:00",
        "timeZone": "Europe/Paris",
    }
    birthday = google.event(cal, uuid.UUID(after["id"]).hex)
    assert birthday is not None
    assert (birthday["start"], birthday["end"]) == ({"date": "2026-12-03"}, {"date": "2026-12-04"})
    assert google.event(cal, uuid.UUID(old["id"]).hex) is None
    listed = {e["id"]: e for e in await gapi.get("/agenda/events")}
    assert listed[before["id"]]["google_event_id"] == dentist["id"]
    assert listed[before["id"]]["source"] == "ordinarthur-os"

    # Our own pushes come back in the next incremental list: nothing to do.
    assert await sync(gapi) == report(0, 0, 0)

    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{before['id']}", json={"title": "Dentiste (déplacé)"})
    google.update_event(cal, dentist["id"], colorId="5")  # before our change: ours wins
    clock.advance(timedelta(days=1))
    await gapi.patch(f"/agenda/events/{before['id']}", json={"location": None})
    assert (await sync(gapi))["pushed"] == 1
    moved = google.event(cal, dentist["id"])
    assert moved is not None and moved["summary"] == "Dentiste (déplacé)"
    assert "location" not in moved and moved["colorId"] == "5"  # Google's own fields are kept

    await gapi.delete(f"/agenda/events/{before['id']}")
    assert await sync(gapi) == report(0, 0, 1)
    assert [e["summary"] for e in google.events(cal)] == ["Anniversaire"]
    assert await sync(gapi) == report(0, 0, 0)


async def test_a_push_whose_answer_was_lost_is_not_duplicated(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    async def lose_the_answer() -> None:
        async with sessionmaker.begin() as session:
            forget = {"google_event_id": None, "google_synced_at": None, "google_updated_at": None}
            await session.execute(update(CalendarEvent).values(**forget))

    cal = await connect(gapi, google)
    created = await new_event(gapi)
    await sync(gapi)
    await lose_the_answer()
    # The pull finds our own id in Google's list and links the row back.
    assert await sync(gapi) == report(0, 1, 0)
    await lose_the_answer()
    # The push: Google already has this id (409), so the event is updated, not duplicated.
    assert await sync(gapi) == report(1, 0, 0)
    # Read, then patched with If-Match: Google's own fields stay, a change there meanwhile is
    # merged rather than overwritten (issue 14, item 3: PATCH, not the former PUT).
    insert, read, patch = google.requests[-3:]
    assert [r.method for r in (insert, read, patch)] == ["POST", "GET", "PATCH"]
    assert patch.headers["If-Match"].startswith('"')
    assert len(google.events(cal)) == 1
    assert await titles(gapi) == [("Dentiste", "ordinarthur-os")]
    linked = await gapi.get(f"/agenda/events/{created['id']}")
    assert linked["google_event_id"] == uuid.UUID(created["id"]).hex


# ---------------------------------------------------------------- pull


async def test_google_changes_are_pulled_and_deletions_delete_here(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    meeting = google.add_event(
        cal, summary="Réunion", start=timed(2, 14), end=timed(2, 15), description="Salle 3"
    )
    google.add_event(
        cal, summary="Congés", start={"date": "2026-12-21"}, end={"date": "2027-01-04"}
    )
    google.add_event(cal, summary="Il y a longtemps", start=timed(1, 9, 1), end=timed(1, 10, 1))
    google.add_event(
        "primary", summary="Pas dans notre calendrier", start=timed(2, 9), end=timed(2, 10)
    )
    assert await sync(gapi) == report(0, 2, 0)
    events = await gapi.get("/agenda/events")
    assert [(e["title"], e["source"], e["all_day"]) for e in events] == [
        ("Réunion", "google", False),
        ("Congés", "google", True),
    ]
    assert events[0]["starts_at"] == "2026-12-02T13:00:00Z"
    assert events[0]["description"] == "Salle 3"
    assert (events[1]["starts_at"], events[1]["ends_at"]) == (
        "2026-12-20T23:00:00Z",
        "2027-01-03T23:00:00Z",
    )

    clock.advance(timedelta(minutes=5))
    google.update_event(cal, meeting["id"], summary="Réunion (annulée ?)")
    assert await sync(gapi) == report(0, 1, 0)
    assert await titles(gapi) == [("Réunion (annulée ?)", "google"), ("Congés", "google")]

    google.delete_event(cal, meeting["id"])
    assert await sync(gapi) == report(0, 0, 1)
    assert await titles(gapi) == [("Congés", "google")]
    # The local deletion is not sent back to Google (it is deleted there already).
    assert await sync(gapi) == report(0, 0, 0)
    assert not [r for r in google.requests if r.method == "DELETE"]

    feed = await gapi.client.get(f"/agenda/ical/{ICAL_SECRET}.ics")
    [vevent] = Calendar.from_ical(await feed.read()).walk("VEVENT")
    assert vevent["SUMMARY"] == "Congés"
    assert vevent.decoded("DTSTART") == date(2026, 12, 21)
    assert vevent.decoded("DTEND") == date(2027, 1, 4)


async def test_a_google_event_changed_here_goes_back_and_the_later_change_wins(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    lunch = google.add_event(cal, summary="Déjeuner", start=timed(4, 12), end=timed(4, 13))
    await sync(gapi)
    [local] = await gapi.get("/agenda/events")

    clock.advance(timedelta(minutes=5))
    google.update_event(cal, lunch["id"], summary="Déjeuner (Google)")
    clock.advance(timedelta(hours=1))  # our change is the later one
    await gapi.patch(f"/agenda/events/{local['id']}", json={"title": "Déjeuner (ici)"})
    assert await sync(gapi) == report(1, 0, 0)
    stored = google.event(cal, lunch["id"])
    assert stored is not None and stored["summary"] == "Déjeuner (ici)"

    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{local['id']}", json={"title": "Déjeuner (ici, avant)"})
    clock.advance(timedelta(hours=1))  # Google's change is the later one
    google.update_event(cal, lunch["id"], summary="Déjeuner (Google, après)")
    assert await sync(gapi) == report(0, 1, 0)
    assert await titles(gapi) == [("Déjeuner (Google, après)", "google")]
    stored = google.event(cal, lunch["id"])
    assert stored is not None and stored["summary"] == "Déjeuner (Google, après)"


async def test_a_410_means_a_full_sync(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal = await connect(gapi, google)
    await sync(gapi)
    async with sessionmaker.begin() as session:  # linked, unchanged here, gone from Google
        when = datetime(2026, 12, 5, 9, tzinfo=UTC)
        marks = {"updated_at": when, "google_synced_at": when, "google_updated_at": when}
        session.add(
            CalendarEvent(
                title="Disparu",
                starts_at=when,
                ends_at=when,
                google_event_id="vanished01",
                **marks,
            )
        )
    google.add_event(cal, summary="Nouveau", start=timed(6, 9), end=timed(6, 10))
    google.invalidate_sync_tokens(cal)
    assert await sync(gapi) == report(0, 1, 1)
    lists = [r.query for r in google.requests if r.method == "GET" and r.path.endswith("/events")]
    assert "syncToken" in lists[-2] and "syncToken" not in lists[-1]
    assert lists[-1]["timeMin"] == "2026-10-26T10:00:00+01:00"  # the clock's now - 30 days
    assert await titles(gapi) == [("Nouveau", "google")]
    assert await sync(gapi) == report(0, 0, 0)


# ---------------------------------------------------------------- tokens and failures


async def test_an_expired_access_token_is_refreshed_and_kept(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    await connect(gapi, google)
    google.expire_access_tokens()  # 401 for the stored token: google-auth refreshes it
    await new_event(gapi)
    assert (await sync(gapi))["pushed"] == 1
    assert [r["grant_type"] for r in google.token_requests] == [
        "authorization_code",
        "refresh_token",
    ]
    async with sessionmaker.begin() as session:
        token = await session.get(GoogleOAuthToken, 1)
        assert token is not None
        assert CIPHER.decrypt(token.access_token).text == google.issued_tokens[-1]
        token.expires_at = datetime(2026, 1, 1, tzinfo=UTC)  # expired: refreshed before use
    await sync(gapi)
    assert len(google.token_requests) == 3
    assert google.requests[-1].token == google.issued_tokens[-1]


async def test_a_refused_refresh_token_is_a_502_that_says_to_reconnect(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal = await connect(gapi, google)
    google.expire_access_tokens()
    google.fail_token("invalid_grant", "Token has been expired or revoked.")
    error = await sync(gapi, status=502)
    assert error["error"]["code"] == "google_failed"
    assert "reconnecte" in error["error"]["message"]
    async with sessionmaker() as session:
        state = await session.get(GoogleSyncState, cal)
    assert state is not None and state.last_error == error["error"]["message"]


async def test_a_google_failure_is_a_502_and_loses_nothing(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal = await connect(gapi, google)
    doomed = await new_event(gapi, title="À supprimer")
    await sync(gapi)
    await gapi.delete(f"/agenda/events/{doomed['id']}")
    google.add_event(cal, summary="De Google", start=timed(7, 9), end=timed(7, 10))
    await new_event(gapi, title="Ici")

    google.fail_next(503, "Backend Error", match="GET")  # the pull fails: nothing written
    error = await sync(gapi, status=502)
    assert error["error"] == {
        "code": "google_failed",
        "message": "Google Agenda a répondu 503 : Backend Error",
        "details": None,
    }
    assert await titles(gapi) == [("Ici", "ordinarthur-os")]

    google.fail_next(500, match="DELETE")  # the pushes went through, the deletion failed
    await sync(gapi, status=502)
    assert sorted(e["summary"] for e in google.events(cal)) == ["De Google", "Ici", "À supprimer"]
    async with sessionmaker() as session:
        state = await session.get(GoogleSyncState, cal)
        assert state is not None and state.last_error is not None
        assert state.deleted_event_ids == [uuid.UUID(doomed["id"]).hex]

    assert await sync(gapi) == report(0, 0, 1)
    assert sorted(e["summary"] for e in google.events(cal)) == ["De Google", "Ici"]
    assert await titles(gapi) == [("Ici", "ordinarthur-os"), ("De Google", "google")]
    async with sessionmaker() as session:
        state = await session.get(GoogleSyncState, cal)
        assert state is not None and state.last_error is None and state.last_synced_at
        assert state.deleted_event_ids == []


# ---------------------------------------------------------------- time zones


async def test_times_are_right_across_daylight_saving_and_zones(
    gapi: ApiClient, google: FakeGoogle
) -> None:
    cal = await connect(gapi, google)
    # Sunday 28 March 2027: Paris goes from +01:00 to +02:00 at 02:00.
    google.add_event(
        cal, summary="Jour du changement", start={"date": "2027-03-28"}, end={"date": "2027-03-29"}
    )
    google.add_event(
        cal,
        summary="Appel New York",
        start={"dateTime": "2027-03-28T09:00:00", "timeZone": "America/New_York"},
        end={"dateTime": "2027-03-28T10:00:00", "timeZone": "America/New_York"},
    )
    ours = await new_event(
        gapi, title="Lundi", starts_at="2027-03-29T07:00:00Z", ends_at="2027-03-29T08:00:00Z"
    )
    assert await sync(gapi) == report(1, 2, 0)
    events = {e["title"]: e for e in await gapi.get("/agenda/events")}
    day = events["Jour du changement"]
    assert (day["starts_at"], day["ends_at"]) == ("2027-03-27T23:00:00Z", "2027-03-28T22:00:00Z")
    assert events["Appel New York"]["starts_at"] == "2027-03-28T13:00:00Z"  # EDT since the 14th
    pushed = google.event(cal, uuid.UUID(ours["id"]).hex)
    assert pushed is not None
    assert pushed["start"] == {"dateTime": "2027-03-29T09:00:00+02:00", "timeZone": "Europe/Paris"}
