"""A fake Google OAuth token endpoint and Calendar v3 API for google-api-python-client / gcsa.

The Calendar routes have no `/calendar/v3` prefix: a client built with
`client_options={"api_endpoint": fake.url + "/"}` sends `{url}/calendars/{id}/events`.

async with FakeGoogle.start(now=clock.now) as google:
    google.add_event("primary", summary="Dentiste", start=at(9), end=at(10))
    service = build("calendar", "v3", credentials=google.credentials(), client_options=...)

It follows the real API's documented behaviour where a sync depends on it, each rule naming
the page it follows: `reference/X` stands for developers.google.com/calendar/api/v3/reference/X
and `guides/X` for developers.google.com/calendar/api/guides/X. What the docs leave open is
marked as the fake's own choice.
"""

from __future__ import annotations

import copy
import itertools
import re
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from dateutil.rrule import rruleset, rrulestr
from google.oauth2.credentials import Credentials
from icalendar import Event as ICalEvent

from tests.fakes._server import FakeServer, bearer_token

JsonDict = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A recurring event's occurrence: an aware datetime, or a date for an all-day series.
Occurrence = datetime | date

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "fake-secret"
PRIMARY_ID = "owner@example.com"
# Google documents no limit on `description` (reference/events); descriptions over about
# 8,192 characters are refused (Nylas' support note "Event Description Limits in Google
# Calendar", and the 8K limit ical2org#16 reports).
DESCRIPTION_LIMIT = 8192

_STATUS_NAMES = {
    400: ("badRequest", "INVALID_ARGUMENT"),
    401: ("authError", "UNAUTHENTICATED"),
    403: ("forbidden", "PERMISSION_DENIED"),
    404: ("notFound", "NOT_FOUND"),
    409: ("duplicate", "ALREADY_EXISTS"),
    410: ("deleted", "GONE"),
    412: ("conditionNotMet", "FAILED_PRECONDITION"),
    429: ("rateLimitExceeded", "RESOURCE_EXHAUSTED"),
    500: ("backendError", "INTERNAL"),
    503: ("backendError", "UNAVAILABLE"),
}
# guides/errors: the rate limits are reported in the "usageLimits" domain.
_RATE_LIMIT_MESSAGES = {
    "rateLimitExceeded": "Rate Limit Exceeded",
    "userRateLimitExceeded": "User Rate Limit Exceeded",
}
# reference/calendarList/list, minAccessRole: weakest first.
ACCESS_ROLES = ("freeBusyReader", "reader", "writerWithoutPrivateAccess", "writer", "owner")
# Parameters Google refuses next to a syncToken.
_NOT_WITH_SYNC = ("timeMin", "timeMax", "q", "orderBy", "updatedMin", "iCalUID")
_EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
_INSTANCE_ID = re.compile(r"(?P<master>.+)_(?P<start>\d{8}(?:T\d{6}Z)?)")
# reference/events, status: a cancelled event is only guaranteed these fields.
_CANCELLED_FIELDS = ("kind", "etag", "id", "status", "recurringEventId", "originalStartTime")


class GoogleRequest(NamedTuple):
    """One Calendar API request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    body: JsonDict | None
    token: str | None
    headers: dict[str, str] = {}


class ApiError(Exception):
    """Raised inside the fake; becomes a Google-style JSON error response (guides/errors)."""

    def __init__(
        self,
        status: int,
        message: str,
        reason: str | None = None,
        *,
        domain: str = "global",
        location: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or _STATUS_NAMES.get(status, ("error", "UNKNOWN"))[0]
        self.domain = "usageLimits" if self.reason in _RATE_LIMIT_MESSAGES else domain
        self.location = location

    def response(self) -> web.Response:
        detail = {"domain": self.domain, "reason": self.reason, "message": self.message}
        if self.location is not None:
            detail |= {"locationType": "header", "location": self.location}
        status_name = _STATUS_NAMES.get(self.status, ("", "UNKNOWN"))[1]
        error = {
            "code": self.status,
            "message": self.message,
            "errors": [detail],
            "status": status_name,
        }
        return web.json_response({"error": error}, status=self.status)


def rate_limit_error(status: int = 429, reason: str = "rateLimitExceeded") -> ApiError:
    """guides/errors: 403 userRateLimitExceeded / rateLimitExceeded, or 429 rateLimitExceeded."""
    return ApiError(status, _RATE_LIMIT_MESSAGES[reason], reason)


class _NotModified(Exception):
    pass


@dataclass
class _Failure:
    error: ApiError
    match: str | None
    times: int


@dataclass
class _Throttle:
    """At most `calls` accepted calls in any `per` seconds of `clock`; the rest get `error`."""

    calls: int
    per: float
    error: ApiError
    clock: Callable[[], float]
    accepted: deque[float] = field(default_factory=deque)

    def check(self) -> None:
        now = self.clock()
        while self.accepted and self.accepted[0] <= now - self.per:
            self.accepted.popleft()
        if len(self.accepted) >= self.calls:
            raise self.error
        self.accepted.append(now)


@dataclass
class _Calendar:
    resource: JsonDict
    # Single events, recurring masters and their exceptions (under the instance's id).
    events: dict[str, JsonDict]
    # The change number of each event's last write, for incremental syncs.
    changes: dict[str, int] = field(default_factory=dict)
    # Bumped by `invalidate_sync_tokens`; tokens from an older epoch answer 410.
    epoch: int = 0
    access_role: str = "owner"
    hidden: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.resource["timeZone"])


class FakeGoogle(FakeServer):
    """Fake `POST /token` and Calendar v3 (events, instances, calendars, calendarList).

    Scripting, as the owner would in Google Calendar:
    - `add_calendar(summary, access_role=, hidden=)`, `hide_calendar`, `delete_calendar`;
    - `add_event(calendar_id, **fields)` (with `recurrence=[...]` for a series),
      `update_event` and `delete_event`: given an instance id (`instance_id(master, start)`),
      they move/change or cancel that one occurrence, stored as an exception;
    - `invalidate_sync_tokens` (next sync → 410);
    - failures: `fail_next` (any API error), `rate_limit_next` (429 or 403 rate limits),
      `throttle(calls, per)` (more than `calls` per `per` seconds → 403 rateLimitExceeded),
      `fail_token` (OAuth errors), `expire_access_tokens` (401 until the client refreshes).
    Recording: `requests` (Calendar API), `token_requests` (form fields), `issued_tokens`.
    State, as Google would render it: `events(calendar_id)` (singles, masters, exceptions),
    `event(calendar_id, event_id)` (also a deleted event, or an instance),
    `instances(calendar_id, master_id)`.
    """

    def __init__(
        self,
        *,
        primary_id: str = PRIMARY_ID,
        time_zone: str = "Europe/Paris",
        scope: str = CALENDAR_SCOPE,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        description_limit: int = DESCRIPTION_LIMIT,
        expansion_horizon: timedelta = timedelta(days=366),
    ) -> None:
        # `updated`/`created` stamps: tests pass their frozen clock's `now`, so what the sync
        # compares never depends on the day the suite runs.
        self.now = now
        self.primary_id = primary_id
        self.time_zone = time_zone
        self.scope = scope
        self.description_limit = description_limit
        # How far after now an endless series is expanded when no timeMax bounds it; Google
        # documents no such bound, this is the fake's own.
        self.expansion_horizon = expansion_horizon
        self.requests: list[GoogleRequest] = []
        self.token_requests: list[dict[str, str]] = []
        self.issued_tokens: list[str] = []
        # None accepts any bearer; a set accepts only its members.
        self.valid_tokens: set[str] | None = None
        self._calendars: dict[str, _Calendar] = {}
        self._deleted_calendars: dict[str, _Calendar] = {}
        self._seq = itertools.count(1)
        self._last_change = 0
        self._failures: list[_Failure] = []
        self._throttle: _Throttle | None = None
        self._token_failures: list[tuple[int, str, str]] = []
        super().__init__()
        self.add_calendar("Arthur", calendar_id=primary_id)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/token", self._token)
        api = self._api
        router.add_get("/users/me/calendarList", api(self._calendar_list))
        router.add_get("/users/me/calendarList/{cal}", api(self._get_list_entry))
        router.add_patch("/users/me/calendarList/{cal}", api(self._patch_list_entry))
        router.add_put("/users/me/calendarList/{cal}", api(self._patch_list_entry))
        router.add_post("/calendars", api(self._insert_calendar))
        router.add_get("/calendars/{cal}", api(self._get_calendar))
        router.add_delete("/calendars/{cal}", api(self._delete_calendar))
        router.add_get("/calendars/{cal}/events", api(self._list_events))
        router.add_post("/calendars/{cal}/events", api(self._insert_event))
        router.add_get("/calendars/{cal}/events/{event}", api(self._get_event))
        router.add_put("/calendars/{cal}/events/{event}", api(self._put_event))
        router.add_patch("/calendars/{cal}/events/{event}", api(self._patch_event))
        router.add_delete("/calendars/{cal}/events/{event}", api(self._delete_event))
        router.add_get("/calendars/{cal}/events/{event}/instances", api(self._list_instances))

    # --- scripting -------------------------------------------------------------------------

    def credentials(self, token: str | None = "t", refresh_token: str = "r") -> Credentials:
        """google.oauth2 Credentials whose refreshes go to this fake."""
        return Credentials(  # type: ignore[no-untyped-call]
            token=token,
            refresh_token=refresh_token,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            token_uri=f"{self.url}/token",
            scopes=[self.scope],
        )

    def add_calendar(
        self,
        summary: str,
        *,
        calendar_id: str | None = None,
        time_zone: str | None = None,
        access_role: str = "owner",
        hidden: bool = False,
    ) -> str:
        """A calendar on the owner's list, with the owner's role on it (`access_role`)."""
        cal_id = calendar_id or f"{uuid.uuid4().hex}@group.calendar.google.com"
        resource = {
            "kind": "calendar#calendar",
            "etag": f'"{next(self._seq)}"',
            "id": cal_id,
            "summary": summary,
            "timeZone": time_zone or self.time_zone,
        }
        if access_role not in ACCESS_ROLES:
            raise ValueError(f"unknown access role {access_role!r}")
        self._calendars[cal_id] = _Calendar(resource, {}, access_role=access_role, hidden=hidden)
        return cal_id

    def hide_calendar(self, calendar_id: str, hidden: bool = True) -> None:
        """The owner hides it from the list: calendarList.list omits it without showHidden."""
        self._calendar(calendar_id).hidden = hidden

    def delete_calendar(self, calendar_id: str) -> None:
        """The owner deletes the calendar: every call on it is 404 afterwards."""
        cal = self._calendar(calendar_id)
        self._deleted_calendars[cal.resource["id"]] = self._calendars.pop(cal.resource["id"])

    def add_event(self, calendar_id: str = "primary", **fields: Any) -> JsonDict:
        """Insert an event as Google would; `start`/`end` are Calendar API dicts."""
        cal = self._calendar(calendar_id)
        return _render(self._insert(cal, fields), cal.zone)

    def update_event(self, calendar_id: str, event_id: str, **changes: Any) -> JsonDict:
        """Patch an event; on an instance id, that occurrence becomes an exception."""
        cal = self._calendar(calendar_id)
        return _render(self._patch(cal, self._find(cal, event_id), changes), cal.zone)

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        """Delete an event (a whole series for a master), or cancel one occurrence."""
        cal = self._calendar(calendar_id)
        self._delete(cal, self._find(cal, event_id))

    def events(
        self, calendar_id: str = "primary", *, include_deleted: bool = False
    ) -> list[JsonDict]:
        """Stored events: single ones, recurring masters and their exceptions."""
        cal = self._calendar(calendar_id)
        events = cal.events.values()
        return [
            _render(e, cal.zone) for e in events if include_deleted or e["status"] != "cancelled"
        ]

    def event(self, calendar_id: str, event_id: str) -> JsonDict | None:
        """One event with all its fields, deleted or not; an instance id gives the instance."""
        cal = self._calendar(calendar_id)
        event = cal.events.get(event_id) or self._virtual_instance(cal, event_id)
        return None if event is None else _render(event, cal.zone)

    def instances(
        self, calendar_id: str, event_id: str, *, include_cancelled: bool = False
    ) -> list[JsonDict]:
        """A series' occurrences (up to the expansion horizon), exceptions in place."""
        cal = self._calendar(calendar_id)
        series = self._series(cal, cal.events[event_id], self._horizon())
        return [
            _render(e, cal.zone) for e in series if include_cancelled or e["status"] != "cancelled"
        ]

    def invalidate_sync_tokens(self, calendar_id: str = "primary") -> None:
        """Make every sync token issued so far for this calendar answer 410 Gone."""
        self._calendar(calendar_id).epoch += 1

    def fail_next(
        self,
        status: int = 500,
        message: str = "Backend Error",
        *,
        reason: str | None = None,
        match: str | None = None,
        times: int = 1,
    ) -> None:
        """Fail the next Calendar API request(s) whose "METHOD /path" contains `match`."""
        self._failures.append(_Failure(ApiError(status, message, reason), match, times))

    def rate_limit_next(
        self,
        times: int = 1,
        *,
        status: int = 429,
        reason: str = "rateLimitExceeded",
        match: str | None = None,
    ) -> None:
        """The next `times` requests get a rate limit error: 429, or 403 with `reason`
        "rateLimitExceeded" or "userRateLimitExceeded" (guides/errors)."""
        self._failures.append(_Failure(rate_limit_error(status, reason), match, times))

    def throttle(
        self,
        calls: int | None,
        per: float = 1.0,
        *,
        status: int = 403,
        reason: str = "rateLimitExceeded",
        clock: Callable[[], float] = monotonic,
    ) -> None:
        """Accept at most `calls` requests in any `per` seconds of `clock` (real time unless
        given), refusing the others with a rate limit error; None lifts the limit.
        guides/quota: a per-user, per-minute quota, answered with 403 usageLimits or 429."""
        error = rate_limit_error(status, reason)
        self._throttle = None if calls is None else _Throttle(calls, per, error, clock)

    def fail_token(
        self,
        error: str = "invalid_grant",
        description: str = "Token has been expired or revoked.",
        status: int = 400,
    ) -> None:
        """Make the next token request fail with an OAuth error."""
        self._token_failures.append((status, error, description))

    def expire_access_tokens(self) -> None:
        """Every access token seen so far now gets 401; only newly issued ones work."""
        self.valid_tokens = set()

    # --- OAuth -----------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        self.token_requests.append(form)
        if self._token_failures:
            status, error, description = self._token_failures.pop(0)
            body = {"error": error, "error_description": description}
            return web.json_response(body, status=status)
        grant = form.get("grant_type")
        if grant not in ("authorization_code", "refresh_token"):
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        return web.json_response(self._issue(grant, form.get("scope")))

    def _issue(self, grant: str, scope: str | None) -> JsonDict:
        token = f"ya29.fake-{len(self.issued_tokens) + 1}"
        self.issued_tokens.append(token)
        if self.valid_tokens is not None:
            self.valid_tokens.add(token)
        body: JsonDict = {
            "access_token": token,
            "expires_in": 3599,
            "scope": scope or self.scope,
            "token_type": "Bearer",
        }
        if grant == "authorization_code":
            body["refresh_token"] = f"1//fake-refresh-{len(self.issued_tokens)}"
        return body

    # --- API plumbing ----------------------------------------------------------------------

    def _api(self, handler: Callable[[web.Request, JsonDict | None], JsonDict | None]) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            body = await request.json() if request.can_read_body else None
            token = bearer_token(request)
            headers = dict(request.headers)
            self.requests.append(
                GoogleRequest(
                    request.method, request.path, dict(request.query), body, token, headers
                )
            )
            try:
                self._check_auth(token)
                self._check_failures(f"{request.method} {request.path}")
                if self._throttle is not None:
                    self._throttle.check()
                result = handler(request, body)
            except ApiError as e:
                return e.response()
            except _NotModified:
                return web.Response(status=304)
            return web.Response(status=204) if result is None else web.json_response(result)

        return wrapped

    def _check_auth(self, token: str | None) -> None:
        if token is None or (self.valid_tokens is not None and token not in self.valid_tokens):
            raise ApiError(401, "Invalid Credentials", "authError")

    def _check_failures(self, target: str) -> None:
        for failure in self._failures:
            if failure.match is None or failure.match in target:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise failure.error

    def _calendar(self, calendar_id: str) -> _Calendar:
        cal_id = self.primary_id if calendar_id == "primary" else calendar_id
        # A deleted calendar is gone for every method (reference/calendars/delete).
        if cal_id not in self._calendars:
            raise ApiError(404, "Not Found")
        return self._calendars[cal_id]

    def _writable(self, calendar_id: str) -> _Calendar:
        cal = self._calendar(calendar_id)
        # reference/calendarList, accessRole: only the writer roles and "owner" may write. The
        # answer (reason and message as observed) is a permission 403: retrying cannot help.
        if ACCESS_ROLES.index(cal.access_role) < ACCESS_ROLES.index("writerWithoutPrivateAccess"):
            raise ApiError(
                403,
                "You need to have writer access to this calendar.",
                "requiredAccessLevel",
                domain="calendar",
            )
        return cal

    def _horizon(self) -> datetime:
        return self.now() + self.expansion_horizon

    # --- calendars -------------------------------------------------------------------------

    def _list_entry(self, cal: _Calendar) -> JsonDict:
        entry = cal.resource | {
            "kind": "calendar#calendarListEntry",
            "accessRole": cal.access_role,
            "defaultReminders": [],
        }
        if cal.resource["id"] == self.primary_id:
            entry["primary"] = True
        # reference/calendarList: `hidden` "is only returned when the calendar is hidden".
        if cal.hidden:
            entry["hidden"] = True
        return entry

    def _calendar_list(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        # reference/calendarList/list: hidden entries only with showHidden=true, deleted ones
        # only with showDeleted=true, and none below minAccessRole.
        query = request.query
        least = query.get("minAccessRole", ACCESS_ROLES[0])
        if least not in ACCESS_ROLES:
            raise ApiError(400, "Invalid Value", "invalid")
        show_hidden = query.get("showHidden") == "true"
        items = [
            self._list_entry(cal)
            for cal in self._calendars.values()
            if (show_hidden or not cal.hidden)
            and ACCESS_ROLES.index(cal.access_role) >= ACCESS_ROLES.index(least)
        ]
        if query.get("showDeleted") == "true":
            items += [
                self._list_entry(c) | {"deleted": True} for c in self._deleted_calendars.values()
            ]
        return {"kind": "calendar#calendarList", "etag": f'"{self._last_change}"', "items": items}

    def _get_list_entry(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        # reference/calendarList/get answers for a hidden calendar too.
        return self._list_entry(self._calendar(request.match_info["cal"]))

    def _patch_list_entry(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        if body and "hidden" in body:
            cal.hidden = bool(body["hidden"])
        return self._list_entry(cal)

    def _insert_calendar(self, _request: web.Request, body: JsonDict | None) -> JsonDict:
        if not body or not body.get("summary"):
            raise ApiError(400, "Missing title.", "required")
        cal_id = self.add_calendar(body["summary"], time_zone=body.get("timeZone"))
        return self._calendars[cal_id].resource

    def _get_calendar(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        return self._calendar(request.match_info["cal"]).resource

    def _delete_calendar(self, request: web.Request, _body: JsonDict | None) -> None:
        cal = self._calendar(request.match_info["cal"])
        # reference/calendars/delete "Deletes a secondary calendar"; the primary one is refused
        # (the error Google gives is undocumented: the fake's is a plain 400).
        if cal.resource["id"] == self.primary_id:
            raise ApiError(400, "Bad Request")
        if cal.access_role != "owner":
            raise ApiError(403, "Forbidden")
        self.delete_calendar(cal.resource["id"])

    # --- events: reading -------------------------------------------------------------------

    def _list_events(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        query = request.query
        if "syncToken" in query:
            items = self._changed_since(cal, query)
        else:
            items = self._matching(cal, query)
        return self._page(cal, items, query, sync=True)

    def _list_instances(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        # reference/events/instances: a series' instances, exceptions in place; cancelled ones
        # only with showDeleted=true.
        cal = self._calendar(request.match_info["cal"])
        query = request.query
        master = self._find(cal, request.match_info["event"])
        if not _is_series(master):
            raise ApiError(400, "Bad Request")  # undocumented for a single event: the fake's
        time_min, time_max = _window(query)
        items = [
            e
            for e in self._series(cal, master, time_max or self._horizon())
            if (query.get("showDeleted") == "true" or e["status"] != "cancelled")
            and _overlaps(e, cal.zone, time_min, time_max)
        ]
        if "originalStart" in query:
            wanted = _parse_bound(query["originalStart"])
            items = [e for e in items if _instant(e["originalStartTime"], cal.zone) == wanted]
        return self._page(cal, items, query, sync=False)

    def _changed_since(self, cal: _Calendar, query: Any) -> list[JsonDict]:
        if any(name in query for name in _NOT_WITH_SYNC):
            raise ApiError(400, "Sync token cannot be used with other filtering parameters.")
        match = re.fullmatch(r"sync-(\d+)-(\d+)", query["syncToken"])
        if match is None or int(match[1]) != cal.epoch:
            raise ApiError(
                410,
                "Sync token is no longer valid, a full sync is required.",
                "fullSyncRequired",
                domain="calendar",
            )
        since = int(match[2])
        # guides/sync: deleted events always come back in an incremental sync, whatever
        # showDeleted says.
        changed = [e for e in cal.events.values() if cal.changes[e["id"]] > since]
        if query.get("singleEvents") != "true":
            return changed
        # Expanded: a changed series comes back as its instances.
        items: dict[str, JsonDict] = {}
        for event in changed:
            for item in self._expanded(cal, event, self._horizon()):
                items[item["id"]] = item
        return list(items.values())

    def _matching(self, cal: _Calendar, query: Any) -> list[JsonDict]:
        # reference/events/list: singleEvents=true expands series into their instances (and
        # never lists the masters); without it, masters come with their exceptions.
        single = query.get("singleEvents") == "true"
        show_deleted = query.get("showDeleted") == "true"
        time_min, time_max = _window(query)
        items: Iterable[JsonDict] = cal.events.values()
        if single:
            bound = time_max or self._horizon()
            items = [
                i
                for e in items
                if "recurringEventId" not in e
                for i in self._expanded(cal, e, bound)
            ]
        if "updatedMin" in query:
            # reference/events/list, updatedMin: deleted entries are included whatever
            # showDeleted says.
            since = _parse_bound(query["updatedMin"])
            items = [e for e in items if datetime.fromisoformat(e["updated"]) >= since]
            show_deleted = True
        items = [e for e in items if self._shown(cal, e, single=single, show_deleted=show_deleted)]
        items = [e for e in items if self._overlaps(cal, e, time_min, time_max)]
        if needle := query.get("q", "").lower():
            items = [e for e in items if needle in _searchable(e)]
        return _ordered(items, query, cal.zone)

    def _shown(self, cal: _Calendar, event: JsonDict, *, single: bool, show_deleted: bool) -> bool:
        # reference/events/list, showDeleted: "Cancelled instances of recurring events (but
        # not the underlying recurring event) will still be included if showDeleted and
        # singleEvents are both False."
        if event["status"] != "cancelled" or show_deleted:
            return True
        master = cal.events.get(event.get("recurringEventId", ""))
        return not single and master is not None and master["status"] != "cancelled"

    def _overlaps(
        self,
        cal: _Calendar,
        event: JsonDict,
        time_min: datetime | None,
        time_max: datetime | None,
    ) -> bool:
        if not _is_series(event):
            return _overlaps(event, cal.zone, time_min, time_max)
        # A master is listed when one of its occurrences falls in the window.
        occurrences = _occurrences(event, time_max)
        return any(
            _overlaps(_instance(event, o), cal.zone, time_min, time_max) for o in occurrences
        )

    def _page(self, cal: _Calendar, items: list[JsonDict], query: Any, *, sync: bool) -> JsonDict:
        size = min(int(query.get("maxResults", 250)), 2500)
        page = re.fullmatch(r"p(\d+)", query.get("pageToken", "p0"))
        if page is None:
            raise ApiError(400, "Invalid page token value.", "invalid")
        start = int(page[1])
        zone = _zone(query.get("timeZone") or cal.resource["timeZone"], "timeZone")
        body: JsonDict = {
            "kind": "calendar#events",
            "etag": f'"{self._last_change}"',
            "summary": cal.resource["summary"],
            "updated": _rfc3339(self.now()),
            "timeZone": cal.resource["timeZone"],
            "accessRole": cal.access_role,
            "defaultReminders": [],
            "items": [_render(_listed(e), zone) for e in items[start : start + size]],
        }
        if start + size < len(items):
            body["nextPageToken"] = f"p{start + size}"
        elif sync:
            body["nextSyncToken"] = f"sync-{cal.epoch}-{self._last_change}"
        return body

    def _get_event(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        event = self._find(cal, request.match_info["event"])
        # guides/version-resources: conditional retrieval, 304 when the ETag still matches.
        if request.headers.get("If-None-Match") == event["etag"]:
            raise _NotModified
        zone = _zone(request.query.get("timeZone") or cal.resource["timeZone"], "timeZone")
        # reference/events, status: "The get method always returns" cancelled events; on the
        # organizer's calendar with their details, "so that they can be restored".
        return _render(event, zone)

    def _find(self, cal: _Calendar, event_id: str) -> JsonDict:
        event = cal.events.get(event_id) or self._virtual_instance(cal, event_id)
        if event is None:
            raise ApiError(404, "Not Found")
        return event

    def _virtual_instance(self, cal: _Calendar, event_id: str) -> JsonDict | None:
        """An occurrence of a series that has no exception: `<master>_<original start>`."""
        match = _INSTANCE_ID.fullmatch(event_id)
        master = cal.events.get(match["master"]) if match else None
        if match is None or master is None or not _is_series(master):
            return None
        stamp = match["start"]
        original = datetime.fromisoformat(stamp) if "T" in stamp else date.fromisoformat(stamp)
        occurrence = _occurrence_at(master, original)
        return None if occurrence is None else _instance(master, occurrence)

    def _series(self, cal: _Calendar, master: JsonDict, bound: datetime) -> list[JsonDict]:
        """The series' instances starting before `bound`, each exception in its place."""
        instances = []
        for original in _occurrences(master, bound):
            exception = cal.events.get(instance_id(master["id"], original))
            instances.append(exception or _instance(master, original))
        return instances

    def _expanded(self, cal: _Calendar, event: JsonDict, bound: datetime) -> list[JsonDict]:
        return self._series(cal, event, bound) if _is_series(event) else [event]

    # --- events: writing -------------------------------------------------------------------

    def _insert_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._writable(request.match_info["cal"])
        return _render(self._insert(cal, body or {}), cal.zone)

    def _put_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._writable(request.match_info["cal"])
        old = self._find(cal, request.match_info["event"])
        _check_if_match(request, old)
        kept_keys = ("kind", "id", "created", "iCalUID", "creator", "organizer")
        kept = {
            k: old[k] for k in (*kept_keys, "recurringEventId", "originalStartTime") if k in old
        }
        new = (body or {}) | kept | {"status": (body or {}).get("status", "confirmed")}
        return _render(self._write(cal, new, sequence=old.get("sequence", 0) + 1), cal.zone)

    def _patch_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._writable(request.match_info["cal"])
        old = self._find(cal, request.match_info["event"])
        _check_if_match(request, old)
        return _render(self._patch(cal, old, body or {}), cal.zone)

    def _delete_event(self, request: web.Request, _body: JsonDict | None) -> None:
        cal = self._writable(request.match_info["cal"])
        old = self._find(cal, request.match_info["event"])
        _check_if_match(request, old)
        self._delete(cal, old)

    def _insert(self, cal: _Calendar, fields: JsonDict) -> JsonDict:
        event_id = fields.get("id") or uuid.uuid4().hex
        if not _EVENT_ID.fullmatch(event_id):
            raise ApiError(400, "Invalid resource id value.", "invalid")
        if event_id in cal.events:
            raise ApiError(409, "The requested identifier already exists.", "duplicate")
        now = _rfc3339(self.now())
        owner = {"email": self.primary_id, "self": True}
        event = {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "created": now,
            "creator": owner,
            "organizer": {"email": cal.resource["id"], "self": True},
            "iCalUID": f"{event_id}@google.com",
            "reminders": {"useDefault": True},
            "eventType": "default",
        } | fields
        return self._write(cal, event, sequence=0)

    def _patch(self, cal: _Calendar, old: JsonDict, changes: JsonDict) -> JsonDict:
        # guides/performance, patch semantics: a field sent as null is cleared.
        new = old | {k: v for k, v in changes.items() if k not in ("id", "kind")}
        new = {k: v for k, v in new.items() if v is not None}
        return self._write(cal, new, sequence=old.get("sequence", 0) + 1)

    def _delete(self, cal: _Calendar, old: JsonDict) -> None:
        if old["status"] == "cancelled":
            raise ApiError(410, "Resource has been deleted", "deleted")
        self._write(cal, old | {"status": "cancelled"}, sequence=old.get("sequence", 0))

    def _write(self, cal: _Calendar, event: JsonDict, *, sequence: int) -> JsonDict:
        stored = self._store(cal, self._validated(event), sequence=sequence)
        if stored["status"] == "cancelled" and _is_series(stored):
            # A deleted series takes its exceptions with it.
            exceptions = [
                e
                for e in cal.events.values()
                if e.get("recurringEventId") == stored["id"] and e["status"] != "cancelled"
            ]
            for exception in exceptions:
                cancelled = exception | {"status": "cancelled"}
                self._store(cal, cancelled, sequence=exception.get("sequence", 0))
        return stored

    def _validated(self, event: JsonDict) -> JsonDict:
        """The event as stored, or the 400 Google answers for it."""
        description = event.get("description") or ""
        if len(description) > self.description_limit:
            raise ApiError(400, "Bad Request")  # see DESCRIPTION_LIMIT
        event = event | {key: _normalized(event.get(key), key) for key in ("start", "end")}
        start, end = _parse_when(event["start"], "start"), _parse_when(event["end"], "end")
        # Observed: Google refuses a start and an end of different kinds (date vs dateTime).
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise ApiError(400, "Bad Request")
        if _instant(event["end"], "UTC") < _instant(event["start"], "UTC"):
            raise ApiError(400, "The specified time range is empty.", "timeRangeEmpty")
        if _is_series(event):
            _check_recurrence(event)
        return event

    def _store(self, cal: _Calendar, event: JsonDict, *, sequence: int) -> JsonDict:
        change = next(self._seq)
        # guides/version-resources: the etag changes on every write.
        event = event | {
            "sequence": sequence,
            "updated": _rfc3339(self.now()),
            "etag": f'"{change}"',
        }
        # Re-inserting moves the event last, so incremental syncs list changes in order.
        cal.events.pop(event["id"], None)
        cal.events[event["id"]] = event
        cal.changes[event["id"]] = change
        self._last_change = change
        return event


# --- times ---------------------------------------------------------------------------------


def _zone(name: str, key: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(400, f"Invalid time zone definition for {key} time.", "invalid") from None


def _normalized(when: Any, key: str) -> JsonDict:
    if not isinstance(when, dict) or not ({"date", "dateTime"} & when.keys()):
        raise ApiError(400, f"Missing {key} time.", "required")
    if "dateTime" not in when:
        return when
    moment = _parse_when(when, key)
    assert isinstance(moment, datetime)
    return when | {"dateTime": moment.isoformat()}


def _parse_when(when: JsonDict, key: str) -> Occurrence:
    """reference/events, start.dateTime: "A time zone offset is required unless a time zone
    is explicitly specified in timeZone"."""
    try:
        if "dateTime" not in when:
            return date.fromisoformat(when["date"])
        moment = datetime.fromisoformat(when["dateTime"])
    except (TypeError, ValueError):
        raise ApiError(400, f"Invalid {key} time.", "invalid") from None
    zone = _zone(when["timeZone"], key) if when.get("timeZone") else None
    if moment.tzinfo is None:
        if zone is None:
            raise ApiError(400, f"Missing time zone definition for {key} time.", "required")
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone) if zone else moment


def _instant(when: JsonDict, default_tz: ZoneInfo | str) -> datetime:
    """When an event starts or ends; an all-day one at midnight in the calendar's zone."""
    moment = _parse_when(when, "start")
    if isinstance(moment, datetime):
        return moment
    tz = ZoneInfo(default_tz) if isinstance(default_tz, str) else default_tz
    return datetime.combine(moment, time(), tzinfo=tz)


def _overlaps(
    event: JsonDict, tz: ZoneInfo, time_min: datetime | None, time_max: datetime | None
) -> bool:
    """reference/events/list: timeMin bounds the end, timeMax the start (both exclusive).
    A cancelled exception (only `originalStartTime` is sure) is placed there."""
    start = event.get("start") or event["originalStartTime"]
    end = event.get("end") or start
    after_min = time_min is None or _instant(end, tz) > time_min
    return after_min and (time_max is None or _instant(start, tz) < time_max)


def _window(query: Any) -> tuple[datetime | None, datetime | None]:
    time_min = _parse_bound(query["timeMin"]) if "timeMin" in query else None
    time_max = _parse_bound(query["timeMax"]) if "timeMax" in query else None
    return time_min, time_max


def _parse_bound(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    # Google rejects bounds without an offset; so does the fake, to catch naive datetimes.
    if moment is None or moment.tzinfo is None:
        raise ApiError(400, "Bad Request", "badRequest")
    return moment


def _render(event: JsonDict, zone: ZoneInfo) -> JsonDict:
    """reference/events/list and get, timeZone: "Time zone used in the response… The default
    is the time zone of the calendar." Every dateTime goes out with that zone's offset, even
    when the client sent a naive one with a `timeZone` (which is kept)."""
    rendered = copy.deepcopy(event)
    for key in ("start", "end", "originalStartTime"):
        when = rendered.get(key)
        if isinstance(when, dict) and "dateTime" in when:
            moment = datetime.fromisoformat(when["dateTime"]).astimezone(zone)
            when["dateTime"] = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    return rendered


def _listed(event: JsonDict) -> JsonDict:
    """reference/events, status: a cancelled event in a list carries only its id (and, for a
    cancelled occurrence, `recurringEventId` and `originalStartTime`), as an incremental
    sync returns it; the fake never gives more, so a client cannot come to rely on it."""
    if event["status"] != "cancelled":
        return event
    return {key: event[key] for key in _CANCELLED_FIELDS if key in event}


def _check_if_match(request: web.Request, current: JsonDict) -> None:
    """guides/version-resources: an update or delete with an If-Match that is no longer the
    resource's etag gets 412 (guides/errors: conditionNotMet)."""
    wanted = request.headers.get("If-Match")
    if wanted is not None and wanted not in ("*", current["etag"]):
        raise ApiError(412, "Precondition Failed", "conditionNotMet", location="If-Match")


def _ordered(items: list[JsonDict], query: Any, tz: ZoneInfo) -> list[JsonDict]:
    order = query.get("orderBy")
    if order == "startTime":
        if query.get("singleEvents") != "true":
            raise ApiError(
                400, "The requested ordering is not available for the particular query."
            )
        return sorted(items, key=lambda e: _instant(e.get("start") or e["originalStartTime"], tz))
    if order == "updated":
        return sorted(items, key=lambda e: e["updated"])
    return items


def _searchable(event: JsonDict) -> str:
    return " ".join(str(event.get(k, "")) for k in ("summary", "description", "location")).lower()


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- recurrence ----------------------------------------------------------------------------
# guides/recurringevents: a series is one event with `recurrence` (RRULE, EXRULE, RDATE and
# EXDATE lines of RFC 5545), expanded in its start's `timeZone`; each instance has the id
# `<master id>_<original start in UTC, YYYYMMDDTHHMMSSZ>` (`_<YYYYMMDD>` all day), its
# `recurringEventId` and `originalStartTime`; a changed or cancelled instance is stored as an
# exception under that id. icalendar parses the lines, dateutil's rrule expands them.


def _is_series(event: JsonDict) -> bool:
    """A recurring master (gcsa sends `recurrence: []` with every single event)."""
    return bool(event.get("recurrence")) and "recurringEventId" not in event


def instance_id(master_id: str, original_start: Occurrence) -> str:
    """The id Google gives the occurrence of a series that starts at `original_start`."""
    if isinstance(original_start, datetime):
        return f"{master_id}_{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{master_id}_{original_start:%Y%m%d}"


def _check_recurrence(master: JsonDict) -> None:
    # reference/events, start.timeZone: "For recurring events this field is required and
    # specifies the time zone in which the recurrence is expanded" (for timed ones).
    for key in ("start", "end"):
        if "dateTime" in master[key] and not master[key].get("timeZone"):
            raise ApiError(400, f"Missing time zone definition for {key} time.", "required")
    lines = master["recurrence"]
    names = ("RRULE", "EXRULE", "RDATE", "EXDATE")
    if not isinstance(lines, list) or not all(
        isinstance(line, str) and re.match(rf"({'|'.join(names)})[;:]", line) for line in lines
    ):
        raise ApiError(400, "Invalid recurrence rule.", "invalid")
    try:
        next(iter(_rule_set(master)), None)
    except (ValueError, TypeError, KeyError):
        raise ApiError(400, "Invalid recurrence rule.", "invalid") from None


def _rule_set(master: JsonDict) -> rruleset:
    start = _parse_when(master["start"], "start")
    all_day = not isinstance(start, datetime)
    # dateutil expands an all-day series on naive midnights, a timed one in its zone.
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
    lines = "\r\n".join(master["recurrence"])
    ical = ICalEvent.from_ical(f"BEGIN:VEVENT\r\n{lines}\r\nEND:VEVENT\r\n")
    rules = rruleset()
    for rule in ical.rrules:
        rules.rrule(_dateutil_rule(rule, dtstart))
    for moment in ical.exdates:
        rules.exdate(_aligned(moment, dtstart, all_day=all_day))
    for moment, _period_end in ical.rdates:
        rules.rdate(_aligned(moment, dtstart, all_day=all_day))
    return rules


def _dateutil_rule(rule: Any, dtstart: datetime) -> Any:
    """dateutil wants UNTIL in UTC next to an aware start and naive next to a naive one;
    RFC 5545 lets a client write it as a date or a local time."""
    rule = copy.deepcopy(rule)
    if rule.get("UNTIL"):
        until = rule["UNTIL"][0]
        if dtstart.tzinfo is None:
            as_date = until.date() if isinstance(until, datetime) else until
            until = datetime.combine(as_date, time(23, 59, 59))
        else:
            until = _aligned(until, dtstart, all_day=False).astimezone(UTC)
        rule["UNTIL"] = [until]
    return rrulestr(rule.to_ical().decode(), dtstart=dtstart)


def _aligned(moment: Occurrence, dtstart: datetime, *, all_day: bool) -> datetime:
    """An EXDATE or RDATE value comparable with the series' own occurrences."""
    if all_day:
        day = moment.date() if isinstance(moment, datetime) else moment
        return datetime.combine(day, time())
    if not isinstance(moment, datetime):
        return datetime.combine(moment, dtstart.timetz())
    return moment if moment.tzinfo else moment.replace(tzinfo=dtstart.tzinfo)


def _occurrences(master: JsonDict, bound: datetime | None) -> Iterator[Occurrence]:
    """The series' original starts before `bound` (all of them without one), in order."""
    all_day = "date" in master["start"]
    if all_day and bound is not None:
        # All-day occurrences are compared in the series' own (naive) days.
        bound = bound.replace(tzinfo=None)
    for moment in _rule_set(master):
        if bound is not None and moment >= bound:
            return
        yield moment.date() if all_day else moment


def _occurrence_at(master: JsonDict, original: Occurrence) -> Occurrence | None:
    """The series' occurrence that starts at `original` (a date, or an instant), if any."""
    if isinstance(original, datetime):
        bound = original + timedelta(seconds=1)
        return next((o for o in _occurrences(master, bound) if o == original), None)
    if "date" not in master["start"]:
        return None
    bound = datetime.combine(original + timedelta(days=1), time(), tzinfo=UTC)
    return next((o for o in _occurrences(master, bound) if o == original), None)


def _instance(master: JsonDict, original: Occurrence) -> JsonDict:
    """The instance of `master` at `original`, as Google lists an unchanged occurrence."""
    start, end = master["start"], master["end"]
    if isinstance(original, datetime):
        duration = _instant(end, "UTC") - _instant(start, "UTC")
        local = original.astimezone(ZoneInfo(start["timeZone"]))
        ends = (local + duration).astimezone(ZoneInfo(end["timeZone"]))
        when = {"dateTime": local.isoformat(), "timeZone": start["timeZone"]}
        times = {"start": when, "end": {"dateTime": ends.isoformat(), "timeZone": end["timeZone"]}}
    else:
        days = date.fromisoformat(end["date"]) - date.fromisoformat(start["date"])
        when = {"date": original.isoformat()}
        times = {"start": when, "end": {"date": (original + days).isoformat()}}
    fields = {k: v for k, v in master.items() if k != "recurrence"}
    return (
        fields
        | times
        | {
            "id": instance_id(master["id"], original),
            "recurringEventId": master["id"],
            "originalStartTime": dict(when),
        }
    )
