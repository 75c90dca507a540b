"""Two-way sync of the agenda with the owner's Google calendar "ordinarthur-os".

`GoogleCalendarLink` (under `web.keys.GOOGLE` when GOOGLE_OAUTH_CLIENT_ID, …_SECRET and
…_REDIRECT_URI are all set) does three things.

OAuth web flow: `authorization_url()` keeps a random state with the PKCE code verifier that
google-auth-oauthlib made, for 10 minutes; `connect()` takes that state once, exchanges the code
with a Flow rebuilt from both, stores the tokens (single row) and finds or creates the calendar.

Sync of that one calendar, both ways, pull first:
- pull: Google's changes since the stored sync token (the first time, or when Google answers 410,
  everything that ends after now - 30 days; then linked rows Google no longer has are deleted).
  Events are matched by `google_event_id`; new ones come in with source 'google', cancelled
  ones are deleted here. An all-day event (`date`) runs from local midnight to local midnight
  in TIMEZONE; a timed one keeps its instant, whatever its zone.
- push: every row changed here since its last exchange (see `store.google`), new ones with a
  Google id made from their own uuid: a push whose answer was lost is found again (409) rather
  than duplicated. Then the ids of rows deleted here, which a trigger records (migration 0002)
  whatever deleted them: the route, the agent's undo, the bot.
- conflict (changed on both sides since the last exchange): the later change wins, Google's
  `updated` against our `updated_at`; checked at pull, and at push against Google's current copy.
Each phase writes in one transaction after its network calls: a failure keeps every local row
as it was, the sends Google confirmed, and the error in `google_sync_state.last_error`.

Tokens: google-auth refreshes an expired access token (before a call, or after a 401) and the
new one is stored after the sync. Tokens are never logged nor returned.

gcsa and googleapiclient are synchronous (httplib2): every network call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import httplib2  # type: ignore[import-untyped]
from aiohttp import web
from gcsa.calendar import Calendar
from gcsa.google_calendar import GoogleCalendar
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp  # type: ignore[import-untyped]
from google_auth_oauthlib.flow import Flow
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from oauthlib.oauth2.rfc6749.errors import OAuth2Error  # type: ignore[import-untyped]
from requests import RequestException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from store import agenda
from store import google as google_store
from store.clock import Clock
from store.tables import CalendarEvent, GoogleOAuthToken
from web.keys import (
    CLOCK,
    GOOGLE,
    SESSIONMAKER,
    GoogleAgendaError,
    GoogleNotConnectedError,
    GoogleOAuthStateError,
    GoogleSyncReport,
    GoogleUnavailableError,
)

log = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/calendar"]
CALENDAR_NAME = "ordinarthur-os"
AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
TOKEN_URI = "https://oauth2.googleapis.com/token"
STATE_TTL = timedelta(minutes=10)
PULL_WINDOW = timedelta(days=30)
SYNC_INTERVAL = timedelta(minutes=15)
# httplib2 waits for ever by default; a hung Google must not hold the sync lock for ever.
HTTP_TIMEOUT = 30
UNTITLED = "(sans titre)"
# What a push writes; the rest of Google's copy (reminders, colour, guests) is kept.
MANAGED = frozenset({"summary", "description", "location", "start", "end", "status"})
_OWN_ID = re.compile(r"[0-9a-f]{32}")

NOT_CONNECTED = "Google Agenda n'est pas connecté : connecte-le depuis les réglages."
BAD_STATE = "Lien de connexion inconnu, expiré ou déjà utilisé : relance la connexion."
CODE_REFUSED = "Google a refusé le code d'autorisation : relance la connexion."
TOKEN_REFUSED = "Google a refusé nos jetons : reconnecte Google Agenda depuis les réglages."
NO_REFRESH_TOKEN = (
    "Google n'a pas donné d'accès hors connexion : retire ordinarthur-os des applications de "
    "ton compte Google, puis reconnecte."
)

JsonDict = dict[str, Any]
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class GoogleConfig:
    client_id: str
    client_secret: str
    redirect_uri: str
    api_base: str | None = None  # tests: the fake's token endpoint and Calendar API

    @classmethod
    def from_settings(cls, settings: Settings) -> GoogleConfig | None:
        client_id = settings.google_oauth_client_id
        secret = settings.google_oauth_client_secret
        redirect_uri = settings.google_oauth_redirect_uri
        if client_id is None or secret is None or redirect_uri is None:
            return None
        return cls(client_id, secret.get_secret_value(), redirect_uri, settings.google_api_base)

    @property
    def token_uri(self) -> str:
        return f"{self.api_base}/token" if self.api_base else TOKEN_URI

    def client_config(self) -> JsonDict:
        return {
            "web": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": AUTH_URI,
                "token_uri": self.token_uri,
                "redirect_uris": [self.redirect_uri],
            }
        }


# ---------------------------------------------------------------- Google ↔ rows


@dataclass(frozen=True)
class LocalEvent:
    """A row as it is sent: read in one transaction, sent outside any."""

    id: uuid.UUID
    google_event_id: str | None
    title: str
    description: str | None
    location: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    updated_at: datetime
    google_updated_at: datetime | None

    @classmethod
    def of(cls, row: CalendarEvent) -> LocalEvent:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Sent:
    """A push Google confirmed: which version of the row, and Google's copy's id and time."""

    event_id: uuid.UUID
    version: datetime
    google_event_id: str
    google_updated_at: datetime


@dataclass(frozen=True)
class Changes:
    items: list[JsonDict]
    sync_token: str
    time_zone: str | None  # the calendar's, for a dateTime without offset
    full: bool


def all_day_span(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """First day and the day after the last, in the owner's zone; at least one day."""
    first = starts_at.astimezone(tz).date()
    end = ends_at.astimezone(tz)
    after = end.date() + timedelta(days=0 if end.time() == time() else 1)
    return first, max(after, first + timedelta(days=1))


def to_google(event: LocalEvent, tz: ZoneInfo) -> JsonDict:
    start: JsonDict
    end: JsonDict
    if event.all_day:
        first, after = all_day_span(event.starts_at, event.ends_at, tz)
        start, end = {"date": first.isoformat()}, {"date": after.isoformat()}
    else:
        start = {"dateTime": event.starts_at.astimezone(tz).isoformat(), "timeZone": tz.key}
        end = {"dateTime": event.ends_at.astimezone(tz).isoformat(), "timeZone": tz.key}
    body = {
        "summary": event.title,
        "description": event.description,
        "location": event.location,
        "start": start,
        "end": end,
        "status": "confirmed",
    }
    return {key: value for key, value in body.items() if value is not None}


def _moment(when: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> datetime:
    if "date" in when:
        return datetime.combine(date.fromisoformat(when["date"]), time(), tzinfo=tz)
    moment = datetime.fromisoformat(when["dateTime"])
    if moment.tzinfo is None:
        zone = when.get("timeZone") or calendar_zone or tz.key
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _instant(value: str | None) -> datetime | None:
    """An RFC 3339 time as Google writes it ("…Z" or an offset)."""
    return datetime.fromisoformat(value) if value else None


def _updated(item: JsonDict) -> datetime | None:
    return _instant(item.get("updated"))


def from_google(item: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> dict[str, Any]:
    """The row's columns for Google's copy, sync marks included."""
    start = _moment(item["start"], tz, calendar_zone)
    end = _moment(item["end"], tz, calendar_zone)
    updated = _updated(item) or datetime.now(UTC)
    return {
        "google_event_id": item["id"],
        "title": (item.get("summary") or "").strip() or UNTITLED,
        "description": item.get("description"),
        "location": item.get("location"),
        "starts_at": start,
        "ends_at": max(start, end),
        "all_day": "date" in item["start"],
        "updated_at": updated,
        "google_synced_at": updated,
        "google_updated_at": updated,
    }


def _here_wins(row: CalendarEvent, item: JsonDict) -> bool:
    """Changed here since the last exchange, and later than Google's change."""
    updated = _updated(item)
    changed_here = google_store.is_changed_here(row)
    return changed_here and updated is not None and row.updated_at > updated


def _takes_google(row: CalendarEvent | None, item: JsonDict) -> bool:
    if "start" not in item or "end" not in item:
        return False
    if row is None:
        return True
    return _updated(item) != row.google_updated_at and not _here_wins(row, item)


def _own_ids(google_ids: Sequence[str]) -> list[uuid.UUID]:
    """Google ids that are one of our rows' uuid (an event we sent)."""
    return [uuid.UUID(hex=gid) for gid in google_ids if _OWN_ID.fullmatch(gid)]


async def apply_changes(
    session: AsyncSession, changes: Changes, tz: ZoneInfo, *, deleted_here: Collection[str]
) -> tuple[int, list[str]]:
    """Google's changes onto the rows: how many rows took Google's copy, and the Google ids of
    the rows deleted. An event deleted here stays deleted (the push deletes it there)."""
    latest = {item["id"]: item for item in changes.items if item["id"] not in deleted_here}
    rows = await google_store.events_for_remote(
        session=session, google_event_ids=list(latest), local_ids=_own_ids(list(latest))
    )
    by_google_id = {row.google_event_id or row.id.hex: row for row in rows}
    pulled, gone = 0, []
    for google_id, item in latest.items():
        row = by_google_id.get(google_id)
        if item.get("status") == "cancelled":
            if row is not None and not _here_wins(row, item):
                await agenda.delete_event(session=session, event_id=row.id)
                gone.append(google_id)
        elif _takes_google(row, item):
            await _take_google(session, row, item, from_google(item, tz, changes.time_zone))
            pulled += 1
    return pulled, gone


async def _take_google(
    session: AsyncSession, row: CalendarEvent | None, item: JsonDict, data: dict[str, Any]
) -> None:
    if row is not None:
        await google_store.take_remote(session=session, event_id=row.id, data=data)
        return
    created = _instant(item.get("created")) or data["updated_at"]
    data = data | {"source": "google", "created_at": created}
    await agenda.create_event(session=session, data=data, now=data["updated_at"])


# ---------------------------------------------------------------- the Calendar API


async def call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A blocking Google call in a worker thread; its failures become GoogleUnavailableError."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except HttpError as exc:
        message = f"Google Agenda a répondu {exc.status_code} : {exc.reason}"
        raise GoogleUnavailableError(message) from exc
    except RefreshError as exc:
        raise GoogleUnavailableError(TOKEN_REFUSED) from exc
    except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
        message = f"Google Agenda est injoignable ({type(exc).__name__})."
        raise GoogleUnavailableError(message) from exc


def _status(exc: Exception) -> int | None:
    return exc.status_code if isinstance(exc, HttpError) else None


class Remote:
    """The Calendar API for one sync or one connection; blocking, so always through `call`."""

    def __init__(self, credentials: Credentials, api_base: str | None) -> None:
        # gcsa refreshes an expired access token here. Its client has no timeout: ours replaces it.
        self.gc = GoogleCalendar(credentials=credentials)
        http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=HTTP_TIMEOUT))
        options = {"api_endpoint": api_base + "/"} if api_base else None
        self.gc.service = discovery.build(
            "calendar", "v3", http=http, client_options=options, cache_discovery=False
        )
        self.events = self.gc.service.events()

    def close(self) -> None:
        self.gc.service.close()

    def find_or_create_calendar(self, time_zone: str) -> str:
        for entry in self.gc.get_calendar_list(min_access_role="owner"):
            if entry.summary == CALENDAR_NAME:
                return str(entry.id)
        description = "L'agenda d'ordinarthur-os, synchronisé dans les deux sens."
        calendar = Calendar(CALENDAR_NAME, description=description, timezone=time_zone)
        return str(self.gc.add_calendar(calendar).id)

    def changes(self, calendar_id: str, sync_token: str | None, since: datetime) -> Changes:
        if sync_token is not None:
            try:
                return self._list(calendar_id, full=False, syncToken=sync_token)
            except HttpError as exc:
                if _status(exc) != 410:
                    raise
                log.info("google sync token expired: full sync")
        return self._list(calendar_id, full=True, timeMin=since.isoformat())

    def _list(self, calendar_id: str, *, full: bool, **params: str) -> Changes:
        items: list[JsonDict] = []
        page: str | None = None
        while True:
            answer = self.events.list(
                calendarId=calendar_id,
                showDeleted=True,
                singleEvents=True,
                maxResults=250,
                pageToken=page,
                **params,
            ).execute()
            items += answer.get("items", [])
            page = answer.get("nextPageToken")
            if page is None:
                return Changes(items, answer["nextSyncToken"], answer.get("timeZone"), full)

    def push_all(
        self, calendar_id: str, events: Sequence[LocalEvent], tz: ZoneInfo, sent: list[Sent]
    ) -> None:
        """Push each event, appending to `sent` as Google confirms (kept if one fails)."""
        for event in events:
            copy = self.push(calendar_id, event, tz)
            if copy is not None:
                updated = _instant(copy.get("updated")) or datetime.now(UTC)
                sent.append(Sent(event.id, event.updated_at, copy["id"], updated))

    def push(self, calendar_id: str, event: LocalEvent, tz: ZoneInfo) -> JsonDict | None:
        """Google's copy after the push, or None when Google's is the newer (the next pull
        takes it)."""
        body = to_google(event, tz)
        google_id = event.google_event_id
        if google_id is None:
            try:
                return self._insert(calendar_id, body | {"id": event.id.hex})
            except HttpError as exc:
                if _status(exc) != 409:
                    raise
            google_id = event.id.hex  # sent before, but Google's answer never got stored
        try:
            current = self.events.get(calendarId=calendar_id, eventId=google_id).execute()
        except HttpError as exc:
            if _status(exc) not in (404, 410):
                raise
            return self._insert(calendar_id, body)  # gone for good there: a new event
        if _newer_there(current, event):
            return None
        kept = {key: value for key, value in current.items() if key not in MANAGED}
        request = self.events.update(calendarId=calendar_id, eventId=google_id, body=kept | body)
        answer: JsonDict = request.execute()
        return answer

    def _insert(self, calendar_id: str, body: JsonDict) -> JsonDict:
        answer: JsonDict = self.events.insert(calendarId=calendar_id, body=body).execute()
        return answer

    def delete_all(self, calendar_id: str, google_ids: Sequence[str], done: list[str]) -> None:
        """Delete each event there, appending to `done` (already gone counts as done)."""
        for google_id in google_ids:
            try:
                self.gc.delete_event(google_id, calendar_id=calendar_id)
            except HttpError as exc:
                if _status(exc) not in (404, 410):
                    raise
            done.append(google_id)


def _newer_there(current: JsonDict, event: LocalEvent) -> bool:
    updated = _updated(current)
    if updated is None or event.google_updated_at is None:
        return False
    return updated != event.google_updated_at and updated > event.updated_at


# ---------------------------------------------------------------- the link


class GoogleCalendarLink:
    """`web.keys.GoogleAgenda`: OAuth, sync, and the periodic job."""

    def __init__(
        self,
        *,
        config: GoogleConfig,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
    ) -> None:
        self.config = config
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.tz = clock.tz
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------ OAuth

    def _flow(self, **options: Any) -> Flow:
        return Flow.from_client_config(
            self.config.client_config(),
            scopes=SCOPES,
            redirect_uri=self.config.redirect_uri,
            **options,
        )

    async def authorization_url(self) -> str:
        """Google's consent page for the calendar scope, offline access, with a fresh state."""
        flow = self._flow()
        state = secrets.token_urlsafe(32)
        url, _ = flow.authorization_url(access_type="offline", prompt="consent", state=state)
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            await google_store.purge_oauth_states(session=session, before=now - STATE_TTL)
            await google_store.add_oauth_state(
                session=session, state=state, code_verifier=flow.code_verifier, now=now
            )
        return str(url)

    async def connect(self, *, state: str, code: str) -> None:
        """The OAuth callback: tokens stored, calendar found or created."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            issued = await google_store.take_oauth_state(
                session=session, state=state, since=now - STATE_TTL
            )
        if issued is None:
            raise GoogleOAuthStateError(BAD_STATE)
        flow = self._flow(state=state, code_verifier=issued.code_verifier)
        credentials = await _exchange(flow, code)
        async with self.sessionmaker() as session:
            previous = await google_store.get_token(session=session)
        refresh_token = credentials.refresh_token or (previous and previous.refresh_token)
        if not refresh_token or not credentials.token:
            raise GoogleUnavailableError(NO_REFRESH_TOKEN)
        calendar_id = await self._find_calendar(credentials)
        expiry = credentials.expiry
        async with self.sessionmaker.begin() as session:
            await google_store.save_token(
                session=session,
                access_token=credentials.token,
                refresh_token=refresh_token,
                expires_at=expiry.replace(tzinfo=UTC) if expiry else now,
            )
            if calendar_id is not None:
                await google_store.set_calendar(session=session, calendar_id=calendar_id)
        log.info("Google Agenda connected")

    async def _find_calendar(self, credentials: Credentials) -> str | None:
        """None when Google fails now: the first sync tries again, the consent is kept."""
        try:
            remote = await call(Remote, credentials, self.config.api_base)
            try:
                return await call(remote.find_or_create_calendar, self.tz.key)
            finally:
                remote.close()
        except GoogleAgendaError as exc:
            log.warning("google calendar %r not set up yet: %s", CALENDAR_NAME, exc)
            return None

    # ------------------------------------------------------------ sync

    async def sync(self) -> GoogleSyncReport:
        """Pull then push; raises GoogleNotConnectedError or GoogleUnavailableError."""
        async with self._lock:
            report = await self._sync()
        log.info(
            "google sync: pushed %d, pulled %d, deleted %d",
            report.pushed,
            report.pulled,
            report.deleted,
        )
        return report

    async def sync_if_connected(self) -> None:
        """The periodic job: nothing without an account; a failure is logged and recorded."""
        try:
            await self.sync()
        except GoogleNotConnectedError:
            return
        except GoogleAgendaError as exc:
            log.warning("google sync failed: %s", exc)

    async def _sync(self) -> GoogleSyncReport:
        async with self.sessionmaker() as session:
            token = await google_store.get_token(session=session)
        if token is None:
            raise GoogleNotConnectedError(NOT_CONNECTED)
        credentials = self._credentials(token)
        calendar_id = token.calendar_id
        remote: Remote | None = None
        try:
            remote = await call(Remote, credentials, self.config.api_base)
            if calendar_id is None:
                calendar_id = await self._set_up_calendar(remote)
            pulled, deleted_here = await self._pull(remote, calendar_id)
            pushed, deleted_there = await self._push(remote, calendar_id)
        except GoogleAgendaError as exc:
            await self._record(calendar_id, error=str(exc))
            raise
        finally:
            if remote is not None:
                remote.close()
            await self._keep_refreshed(credentials, token)
        await self._record(calendar_id, error=None)
        return GoogleSyncReport(pushed=pushed, pulled=pulled, deleted=deleted_here + deleted_there)

    def _credentials(self, token: GoogleOAuthToken) -> Credentials:
        return Credentials(  # type: ignore[no-untyped-call]
            token=token.access_token,
            refresh_token=token.refresh_token,
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_uri=self.config.token_uri,
            scopes=SCOPES,
            # google-auth compares naive UTC datetimes
            expiry=token.expires_at.astimezone(UTC).replace(tzinfo=None),
        )

    async def _set_up_calendar(self, remote: Remote) -> str:
        calendar_id = await call(remote.find_or_create_calendar, self.tz.key)
        async with self.sessionmaker.begin() as session:
            await google_store.set_calendar(session=session, calendar_id=calendar_id)
        return calendar_id

    async def _pull(self, remote: Remote, calendar_id: str) -> tuple[int, int]:
        async with self.sessionmaker() as session:
            state = await google_store.get_sync_state(session=session, calendar_id=calendar_id)
        since = self.clock.now() - PULL_WINDOW
        token = state.sync_token if state is not None else None
        changes = await call(remote.changes, calendar_id, token, since)
        async with self.sessionmaker.begin() as session:
            await google_store.ensure_sync_state(session=session, calendar_id=calendar_id)
            deleted_here = await google_store.pending_deletions(
                session=session, calendar_id=calendar_id
            )
            pulled, gone = await apply_changes(
                session, changes, self.tz, deleted_here=set(deleted_here)
            )
            if changes.full:
                gone += await google_store.delete_vanished(
                    session=session,
                    kept_google_ids=[item["id"] for item in changes.items],
                    ending_after=since,
                )
            # The deletion trigger took these for deletions to send: Google has them deleted.
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=gone
            )
            await google_store.save_sync_token(
                session=session, calendar_id=calendar_id, sync_token=changes.sync_token
            )
        return pulled, len(gone)

    async def _push(self, remote: Remote, calendar_id: str) -> tuple[int, int]:
        async with self.sessionmaker() as session:
            rows = await google_store.changed_events(
                session=session, ending_after=self.clock.now() - PULL_WINDOW
            )
            events = [LocalEvent.of(row) for row in rows]
            state = await google_store.get_sync_state(session=session, calendar_id=calendar_id)
        deletions = list(dict.fromkeys(state.deleted_event_ids)) if state is not None else []
        sent: list[Sent] = []
        deleted: list[str] = []
        try:
            await call(remote.push_all, calendar_id, events, self.tz, sent)
            await call(remote.delete_all, calendar_id, deletions, deleted)
        finally:
            await self._record_pushed(calendar_id, sent, deleted)
        return len(sent), len(deleted)

    async def _record_pushed(
        self, calendar_id: str, sent: Sequence[Sent], deleted: Sequence[str]
    ) -> None:
        async with self.sessionmaker.begin() as session:
            lost = []  # deleted here while being sent: to delete there next time
            for push in sent:
                if not await google_store.mark_sent(
                    session=session,
                    event_id=push.event_id,
                    sent_version=push.version,
                    google_event_id=push.google_event_id,
                    google_updated_at=push.google_updated_at,
                ):
                    lost.append(push.google_event_id)
            await google_store.add_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=lost
            )
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=deleted
            )

    async def _record(self, calendar_id: str | None, *, error: str | None) -> None:
        if calendar_id is None:
            return
        async with self.sessionmaker.begin() as session:
            await google_store.record_sync(
                session=session, calendar_id=calendar_id, now=self.clock.now(), error=error
            )

    async def _keep_refreshed(self, credentials: Credentials, token: GoogleOAuthToken) -> None:
        if not credentials.token or credentials.token == token.access_token:
            return
        expiry = credentials.expiry
        async with self.sessionmaker.begin() as session:
            await google_store.update_access_token(
                session=session,
                access_token=credentials.token,
                expires_at=expiry.replace(tzinfo=UTC) if expiry else self.clock.now(),
            )


async def _exchange(flow: Flow, code: str) -> Credentials:
    def fetch() -> Credentials:
        flow.fetch_token(code=code, timeout=HTTP_TIMEOUT)
        credentials: Credentials = flow.credentials
        return credentials

    try:
        return await asyncio.to_thread(fetch)
    except OAuth2Error as exc:
        raise GoogleOAuthStateError(CODE_REFUSED) from exc
    except (RequestException, OSError) as exc:
        message = f"Google est injoignable ({type(exc).__name__})."
        raise GoogleUnavailableError(message) from exc


# ---------------------------------------------------------------- wiring


async def google_ctx(app: web.Application, settings: Settings) -> AsyncIterator[None]:
    """The link under GOOGLE when configured; its sync every 15 minutes on the leader."""
    config = GoogleConfig.from_settings(settings)
    if config is None:
        log.info(
            "Google Calendar sync disabled: GOOGLE_OAUTH_CLIENT_SECRET and "
            "GOOGLE_OAUTH_REDIRECT_URI are needed with GOOGLE_OAUTH_CLIENT_ID"
        )
        yield
        return
    # Google may grant a different set of scopes than asked (with incremental consent);
    # oauthlib raises on that unless told not to.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    # Their DEBUG lines print token responses; and gcsa's client build says "file_cache is only
    # supported with oauth2client" at INFO on every sync.
    for name in ("requests_oauthlib", "oauthlib"):
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.WARNING)
    link = GoogleCalendarLink(config=config, sessionmaker=app[SESSIONMAKER], clock=app[CLOCK])
    app[GOOGLE] = link
    if settings.telegram_bot_token is None:
        log.info(
            "Google Calendar periodic sync disabled: the scheduler runs with the Telegram bot "
            "(POST /agenda/google/sync still syncs)"
        )
    else:
        from app.telegram import TELEGRAM  # imported already: the bot runs

        telegram = app.get(TELEGRAM)
        if telegram is not None:
            telegram.scheduler.every("google-sync", SYNC_INTERVAL, link.sync_if_connected)
    yield
