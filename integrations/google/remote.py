"""The Calendar API through gcsa and googleapiclient. Both are synchronous (httplib2): every
call goes through `call`, in a worker thread, and its failures become GoogleAgendaErrors.

Every request goes through `Remote.execute`: a rate limit (429, or 403 `rateLimitExceeded` /
`userRateLimitExceeded`, guides/errors) or a transient failure (network, or a token refresh
Google failed for any reason but `invalid_grant`) is tried again after an exponential backoff
with jitter; a permission 403, or `invalid_grant`, is not: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import httplib2  # type: ignore[import-untyped]
from gcsa.google_calendar import GoogleCalendar
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp  # type: ignore[import-untyped]
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from integrations.google.errors import (
    CALENDAR_GONE,
    TOKEN_REFUSED,
    TOKEN_TRANSIENT,
    GoogleCalendarGoneError,
    GoogleTokenRefusedError,
    GoogleUnavailableError,
)
from integrations.google.mapping import (
    Changes,
    JsonDict,
    LocalEvent,
    from_google,
    google_updated,
    insert_body,
    instance_id,
    patch_body,
)
from integrations.google.merge import (
    Pair,
    copy_of_google,
    copy_of_local,
    here_is_later,
    merge,
    pair_of,
)

log = logging.getLogger(__name__)

CALENDAR_NAME = "ordinarthur-os"
CALENDAR_DESCRIPTION = "L'agenda d'ordinarthur-os, synchronisé dans les deux sens."
# httplib2 waits for ever by default; a hung Google must not hold the sync lock for ever.
HTTP_TIMEOUT = 30
RATE_LIMITS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# A 412 means Google's copy moved on while we merged; after this many, the next sync tries.
MERGE_ATTEMPTS = 3
# Failures other than rate limits are tried this many times at most (a hung Google costs a
# timeout each time).
TRANSIENT_TRIES = 3
# The id Google gives one occurrence of a series: "<series id>_<original start>".
_INSTANCE = re.compile(r"(?P<master>[a-v0-9]+)_\d{8}(T\d{6}Z)?")

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Truncated exponential backoff with jitter (guides/errors, "exponential backoff"): the
    n-th retry waits min(first × 2ⁿ, cap) plus a random fraction of `first`. Tests give their
    own `sleep` and `jitter`."""

    tries: int = 8
    first: float = 1.0
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def wait(self, retry: int) -> None:
        self.sleep(min(self.first * 2**retry, self.cap) + self.jitter() * self.first)


DEFAULT_BACKOFF = Backoff()


async def call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A blocking Google call in a worker thread; its failures become GoogleAgendaErrors."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except HttpError as exc:
        message = f"Google Agenda a répondu {exc.status_code} : {exc.reason}"
        raise GoogleUnavailableError(message) from exc
    except RefreshError as exc:
        if refused_token(exc):
            raise GoogleTokenRefusedError(TOKEN_REFUSED) from exc
        raise GoogleUnavailableError(TOKEN_TRANSIENT) from exc
    except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
        message = f"Google Agenda est injoignable ({type(exc).__name__})."
        raise GoogleUnavailableError(message) from exc


def status(exc: Exception) -> int | None:
    return exc.status_code if isinstance(exc, HttpError) else None


def reasons(exc: HttpError) -> set[str]:
    """The `reason` of each error Google listed (guides/errors)."""
    try:
        errors = json.loads(exc.content.decode())["error"].get("errors", [])
        return {str(error.get("reason")) for error in errors}
    except (ValueError, KeyError, TypeError, AttributeError):
        return set()


def rate_limited(exc: HttpError) -> bool:
    return exc.status_code == 429 or (exc.status_code == 403 and bool(reasons(exc) & RATE_LIMITS))


def refused_token(exc: RefreshError) -> bool:
    """Google refused the refresh token itself (revoked, or expired: an app in "Testing" mode
    gets refresh tokens that last 7 days): only a new consent helps."""
    details = exc.args[1] if len(exc.args) > 1 else None
    if isinstance(details, Mapping):
        return details.get("error") == "invalid_grant"
    return "invalid_grant" in str(exc)


def event_fault(exc: HttpError) -> bool:
    """A refusal of this one event (its data), not of the calendar, the account or the
    service: the other events still go."""
    return exc.status_code in (400, 404, 409, 410, 412)


class EventRefusedError(Exception):
    """This event could not be sent this time; the message says why, in French."""


@dataclass(frozen=True)
class Pushed:
    """A push Google confirmed: Google's copy after it, the fields a merge took from Google's
    (to write here), whether the event was deleted there and is back, and when (our clock)."""

    event: LocalEvent
    answer: JsonDict
    answered_at: datetime
    taken: Mapping[str, Any] = field(default_factory=dict)
    restored: bool = False


@dataclass(frozen=True)
class Failed:
    event: LocalEvent
    message: str


class Remote:
    """The Calendar API for one sync or one connection; blocking, so always through `call`."""

    def __init__(
        self, credentials: Credentials, api_base: str | None, backoff: Backoff = DEFAULT_BACKOFF
    ) -> None:
        # gcsa refreshes an expired access token here. Its client has no timeout: ours replaces it.
        self.gc = GoogleCalendar(credentials=credentials)
        http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=HTTP_TIMEOUT))
        options = {"api_endpoint": api_base + "/"} if api_base else None
        self.gc.service = discovery.build(
            "calendar", "v3", http=http, client_options=options, cache_discovery=False
        )
        self.service = self.gc.service
        self.events = self.service.events()
        self.backoff = backoff

    def close(self) -> None:
        self.service.close()

    def execute(self, request: HttpRequest, *, if_match: str | None = None) -> Any:
        """The request's answer, after as many waits as rate limits and transient failures
        need (within the backoff's tries)."""
        if if_match is not None:
            request.headers["If-Match"] = if_match
        retry = 0
        while True:
            try:
                return request.execute()
            except HttpError as exc:
                if not rate_limited(exc) or retry + 1 >= self.backoff.tries:
                    raise
                log.info("google rate limit (%s): waiting", exc.status_code)
            except RefreshError as exc:
                if refused_token(exc) or retry + 1 >= TRANSIENT_TRIES:
                    raise
                log.info("google token refresh failed, trying again: %s", exc.args[0])
            except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
                if retry + 1 >= TRANSIENT_TRIES:
                    raise
                log.info("google unreachable (%s), trying again", type(exc).__name__)
            self.backoff.wait(retry)
            retry += 1

    # ------------------------------------------------------------ the calendar

    def find_or_create_calendar(self, time_zone: str, stored_id: str | None = None) -> str:
        """The calendar we synced with, if it still exists (renamed or hidden, whatever);
        else one of the owner's named "ordinarthur-os" (hidden ones too); else a new one."""
        if stored_id is not None:
            try:
                self.execute(self.service.calendars().get(calendarId=stored_id))
                return stored_id
            except HttpError as exc:
                if status(exc) not in (404, 410):
                    raise
            log.info("google calendar %s is gone: looking for another", stored_id)
        found = self._calendar_named(CALENDAR_NAME)
        if found is not None:
            return found
        body = {
            "summary": CALENDAR_NAME,
            "description": CALENDAR_DESCRIPTION,
            "timeZone": time_zone,
        }
        created = self.execute(self.service.calendars().insert(body=body))
        return str(created["id"])

    def _calendar_named(self, name: str) -> str | None:
        page: str | None = None
        while True:
            # reference/calendarList/list: hidden calendars only with showHidden.
            request = self.service.calendarList().list(
                minAccessRole="owner", showHidden=True, pageToken=page
            )
            answer = self.execute(request)
            for entry in answer.get("items", []):
                if entry.get("summary") == name:
                    return str(entry["id"])
            page = answer.get("nextPageToken")
            if page is None:
                return None

    # ------------------------------------------------------------ pull

    def changes(self, calendar_id: str, sync_token: str | None, since: datetime) -> Changes:
        """Google's changes since the token (everything ending after `since` without one, or
        when Google expired it); GoogleCalendarGoneError when the calendar was deleted."""
        try:
            if sync_token is not None:
                try:
                    return self._list(calendar_id, full=False, syncToken=sync_token)
                except HttpError as exc:
                    if status(exc) != 410:
                        raise
                    log.info("google sync token expired: full sync")
            return self._list(calendar_id, full=True, timeMin=since.isoformat())
        except HttpError as exc:
            if status(exc) == 404:
                raise GoogleCalendarGoneError(CALENDAR_GONE) from exc
            raise

    def _list(self, calendar_id: str, *, full: bool, **params: str) -> Changes:
        items: list[JsonDict] = []
        page: str | None = None
        while True:
            request = self.events.list(
                calendarId=calendar_id,
                showDeleted=True,
                # Series as one event each (with their RRULE), and their changed or cancelled
                # occurrences as exceptions: a series is one row here.
                singleEvents=False,
                maxResults=250,
                pageToken=page,
                **params,
            )
            answer = self.execute(request)
            items += answer.get("items", [])
            page = answer.get("nextPageToken")
            if page is None:
                return Changes(items, answer["nextSyncToken"], answer.get("timeZone"), full)

    def get(self, calendar_id: str, google_id: str) -> JsonDict | None:
        """Google's copy of one event (a deleted one too: `status` "cancelled"); None when
        Google has no such event."""
        try:
            found: JsonDict = self.execute(
                self.events.get(calendarId=calendar_id, eventId=google_id)
            )
            return found
        except HttpError as exc:
            if status(exc) not in (404, 410):
                raise
            return None

    # ------------------------------------------------------------ push

    def push_all(
        self,
        calendar_id: str,
        events: Sequence[LocalEvent],
        tz: ZoneInfo,
        *,
        pair: Pair | None,
        now: Callable[[], datetime],
        series_ids: MutableMapping[Any, str],
        outcomes: list[Pushed | Failed],
    ) -> None:
        """Push each event, appending to `outcomes` as it goes (kept if one fails for good):
        a refusal of one event is its own failure; any other stops the pushes.
        `series_ids`: the Google ids of series, by row id, for their overrides."""
        for event in events:
            try:
                pushed = self.push(calendar_id, self._placed(event, series_ids, tz), tz, pair)
            except HttpError as exc:
                if not event_fault(exc):
                    raise
                message = f"Google a refusé cet événement ({exc.status_code} : {exc.reason})"
                outcomes.append(Failed(event, message))
                continue
            except EventRefusedError as exc:
                outcomes.append(Failed(event, str(exc)))
                continue
            outcomes.append(replace(pushed, answered_at=now()))
            if not event.is_override:
                series_ids[event.id] = str(pushed.answer["id"])

    def _placed(
        self, event: LocalEvent, series_ids: Mapping[Any, str], tz: ZoneInfo
    ) -> LocalEvent:
        """An override never sent (its series was sent to another calendar, or just now) is
        the occurrence of its series' Google copy."""
        if not event.is_override or event.google_event_id is not None:
            return event
        master = series_ids.get(event.recurring_event_id)
        if master is None or event.original_start is None:
            raise EventRefusedError("sa série n'est pas encore dans Google Agenda")
        google_id = instance_id(master, event.original_start, all_day=event.all_day, tz=tz)
        return replace(event, google_event_id=google_id, google_etag=None)

    def push(self, calendar_id: str, event: LocalEvent, tz: ZoneInfo, pair: Pair | None) -> Pushed:
        """Send one row changed here. New: inserted under our own id (a retry after a lost
        answer finds it: 409). Known: patched with If-Match (its ETag); when Google's copy
        moved on (412), or we hold no ETag, Google's copy is read and merged again; deleted
        there meanwhile, it is restored (we changed it since)."""
        google_id = event.google_event_id
        etag = event.google_etag
        if google_id is None:
            created = self._insert(calendar_id, event, tz)
            if created is not None:
                return created
            google_id, etag = event.id.hex, None  # sent before: its answer never got stored
        for _ in range(MERGE_ATTEMPTS):
            current: JsonDict | None = None
            if etag is None:
                current = self.get(calendar_id, google_id)
                if current is None:  # not in Google at all (any more): a new event there
                    created = self._insert(calendar_id, event, tz)
                    if created is not None:
                        return created
                    google_id = event.id.hex
                    continue
                etag = str(current["etag"])
            body, taken, restored = self._body(event, current, tz, pair)
            request = self.events.patch(calendarId=calendar_id, eventId=google_id, body=body)
            try:
                answer: JsonDict = self.execute(request, if_match=etag)
            except HttpError as exc:
                if status(exc) not in (404, 410, 412):
                    raise
                etag = None  # Google's copy moved on, or went: read it again
                continue
            return Pushed(event, answer, event.updated_at, taken, restored)
        raise EventRefusedError("modifié dans Google pendant l'envoi : nouvel essai plus tard")

    def _insert(self, calendar_id: str, event: LocalEvent, tz: ZoneInfo) -> Pushed | None:
        """Our event inserted under our own id; None when Google has that id already."""
        if event.is_override:
            raise EventRefusedError("cette occurrence n'existe plus dans la série Google")
        request = self.events.insert(calendarId=calendar_id, body=insert_body(event, tz))
        try:
            answer: JsonDict = self.execute(request)
        except HttpError as exc:
            if status(exc) != 409:
                raise
            return None
        return Pushed(event, answer, event.updated_at)

    def _body(
        self, event: LocalEvent, current: JsonDict | None, tz: ZoneInfo, pair: Pair | None
    ) -> tuple[JsonDict, dict[str, Any], bool]:
        """What to patch: our row, merged with Google's copy when we just read it; and the
        fields that merge took from Google's, and whether the event comes back from a
        deletion there."""
        if current is None:
            return patch_body(event, tz), {}, False
        if current.get("status") == "cancelled":
            return patch_body(event, tz), {}, True
        zone = tz.key
        remote_columns = from_google(current, tz, zone)
        later = here_is_later(
            changed_here=event.updated_at,
            changed_there=google_updated(current),
            pair=pair or pair_of(event),
        )
        merged = merge(
            event.google_base,
            copy_of_local(event, tz),
            copy_of_google(current, tz, zone),
            here_later=later,
        )
        taken = merged.columns(remote_columns, event)
        return patch_body(replace(event, **taken), tz), taken, False

    # ------------------------------------------------------------ deletions

    def delete_all(
        self,
        calendar_id: str,
        google_ids: Sequence[str],
        done: list[str],
        failed: list[str],
        implied: list[str],
    ) -> None:
        """Delete each event there, appending to `done` (already gone counts as done), or to
        `failed` when Google refuses that one event. A series goes before its occurrences,
        which go with it (reference/events/delete): those are `implied`, no request made."""
        for google_id in sorted(google_ids, key=lambda gid: _INSTANCE.fullmatch(gid) is not None):
            found = _INSTANCE.fullmatch(google_id)
            if found is not None and found["master"] in done:
                implied.append(google_id)
                done.append(google_id)
                continue
            request = self.events.delete(calendarId=calendar_id, eventId=google_id)
            try:
                self.execute(request)
            except HttpError as exc:
                if status(exc) not in (404, 410):
                    if exc.status_code != 400:
                        raise
                    failed.append(google_id)
                    continue
            done.append(google_id)
