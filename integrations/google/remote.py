"""The Calendar API through gcsa and googleapiclient. Both are synchronous (httplib2): every
call goes through `call`, in a worker thread, and its failures become GoogleUnavailableError."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import httplib2  # type: ignore[import-untyped]
from gcsa.calendar import Calendar
from gcsa.google_calendar import GoogleCalendar
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp  # type: ignore[import-untyped]
from googleapiclient import discovery
from googleapiclient.errors import HttpError

from integrations.google.errors import TOKEN_REFUSED, GoogleUnavailableError
from integrations.google.mapping import (
    Changes,
    JsonDict,
    LocalEvent,
    Sent,
    google_updated,
    instant,
    to_google,
)

log = logging.getLogger(__name__)

CALENDAR_NAME = "ordinarthur-os"
# httplib2 waits for ever by default; a hung Google must not hold the sync lock for ever.
HTTP_TIMEOUT = 30
# What a push writes; the rest of Google's copy (reminders, colour, guests) is kept.
MANAGED = frozenset({"summary", "description", "location", "start", "end", "status", "recurrence"})

P = ParamSpec("P")
T = TypeVar("T")


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
                # Series as one event each (with their RRULE), and their changed or cancelled
                # occurrences as exceptions: a series is one row here.
                singleEvents=False,
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
                updated = instant(copy.get("updated")) or datetime.now(UTC)
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
    updated = google_updated(current)
    if updated is None or event.google_updated_at is None:
        return False
    return updated != event.google_updated_at and updated > event.updated_at
