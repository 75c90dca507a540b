"""A fake Google OAuth token endpoint and Calendar v3 API for google-api-python-client / gcsa.

The Calendar routes have no `/calendar/v3` prefix: a client built with
`client_options={"api_endpoint": fake.url + "/"}` sends `{url}/calendars/{id}/events`.

async with FakeGoogle.start() as google:
    google.add_event("primary", summary="Dentiste", start=at(9), end=at(10))
    service = build("calendar", "v3", credentials=google.credentials(), client_options=...)
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from aiohttp import web
from google.oauth2.credentials import Credentials

from tests.fakes._server import FakeServer, bearer_token

JsonDict = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "fake-secret"
PRIMARY_ID = "owner@example.com"

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
# Parameters Google refuses next to a syncToken.
_NOT_WITH_SYNC = ("timeMin", "timeMax", "q", "orderBy", "updatedMin", "iCalUID")
_EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")


class GoogleRequest(NamedTuple):
    """One Calendar API request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    body: JsonDict | None
    token: str | None


class ApiError(Exception):
    """Raised inside the fake; becomes a Google-style JSON error response."""

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or _STATUS_NAMES.get(status, ("error", "UNKNOWN"))[0]

    def response(self) -> web.Response:
        detail = {"domain": "global", "reason": self.reason, "message": self.message}
        status_name = _STATUS_NAMES.get(self.status, ("", "UNKNOWN"))[1]
        error = {
            "code": self.status,
            "message": self.message,
            "errors": [detail],
            "status": status_name,
        }
        return web.json_response({"error": error}, status=self.status)


@dataclass
class _Failure:
    error: ApiError
    match: str | None
    times: int


@dataclass
class _Calendar:
    resource: JsonDict
    events: dict[str, JsonDict]
    # The change number of each event's last write, for incremental syncs.
    changes: dict[str, int] = field(default_factory=dict)
    # Bumped by `invalidate_sync_tokens`; tokens from an older epoch answer 410.
    epoch: int = 0


class FakeGoogle(FakeServer):
    """Fake `POST /token` and Calendar v3 (events, calendars, calendarList), in memory.

    Scripting: `add_calendar`, `add_event`, `update_event`, `delete_event` (as if the owner
    changed things in Google Calendar), `invalidate_sync_tokens` (next sync → 410),
    `fail_next` (API errors), `fail_token` (OAuth errors), `expire_access_tokens` (401 until
    the client refreshes). Recording: `requests` (Calendar API), `token_requests` (form
    fields), `issued_tokens`; state: `events(calendar_id)`, `event(calendar_id, event_id)`.
    """

    def __init__(
        self,
        *,
        primary_id: str = PRIMARY_ID,
        time_zone: str = "Europe/Paris",
        scope: str = CALENDAR_SCOPE,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        # `updated`/`created` stamps: tests pass their frozen clock's `now`, so what the sync
        # compares never depends on the day the suite runs.
        self.now = now
        self.primary_id = primary_id
        self.time_zone = time_zone
        self.scope = scope
        self.requests: list[GoogleRequest] = []
        self.token_requests: list[dict[str, str]] = []
        self.issued_tokens: list[str] = []
        # None accepts any bearer; a set accepts only its members.
        self.valid_tokens: set[str] | None = None
        self._calendars: dict[str, _Calendar] = {}
        self._seq = itertools.count(1)
        self._last_change = 0
        self._failures: list[_Failure] = []
        self._token_failures: list[tuple[int, str, str]] = []
        super().__init__()
        self.add_calendar("Arthur", calendar_id=primary_id)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/token", self._token)
        api = self._api
        router.add_get("/users/me/calendarList", api(self._calendar_list))
        router.add_post("/calendars", api(self._insert_calendar))
        router.add_get("/calendars/{cal}", api(self._get_calendar))
        router.add_get("/calendars/{cal}/events", api(self._list_events))
        router.add_post("/calendars/{cal}/events", api(self._insert_event))
        router.add_get("/calendars/{cal}/events/{event}", api(self._get_event))
        router.add_put("/calendars/{cal}/events/{event}", api(self._put_event))
        router.add_patch("/calendars/{cal}/events/{event}", api(self._patch_event))
        router.add_delete("/calendars/{cal}/events/{event}", api(self._delete_event))

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
        self, summary: str, *, calendar_id: str | None = None, time_zone: str | None = None
    ) -> str:
        cal_id = calendar_id or f"{uuid.uuid4().hex}@group.calendar.google.com"
        resource = {
            "kind": "calendar#calendar",
            "etag": f'"{next(self._seq)}"',
            "id": cal_id,
            "summary": summary,
            "timeZone": time_zone or self.time_zone,
        }
        self._calendars[cal_id] = _Calendar(resource, {})
        return cal_id

    def add_event(self, calendar_id: str = "primary", **fields: Any) -> JsonDict:
        """Insert an event as Google would; `start`/`end` are Calendar API dicts."""
        return self._insert(self._calendar(calendar_id), fields)

    def update_event(self, calendar_id: str, event_id: str, **changes: Any) -> JsonDict:
        return self._patch(self._calendar(calendar_id), event_id, changes)

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        self._delete(self._calendar(calendar_id), event_id)

    def events(
        self, calendar_id: str = "primary", *, include_deleted: bool = False
    ) -> list[JsonDict]:
        events = self._calendar(calendar_id).events.values()
        return [e for e in events if include_deleted or e["status"] != "cancelled"]

    def event(self, calendar_id: str, event_id: str) -> JsonDict | None:
        return self._calendar(calendar_id).events.get(event_id)

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
            self.requests.append(
                GoogleRequest(request.method, request.path, dict(request.query), body, token)
            )
            try:
                self._check_auth(token)
                self._check_failures(f"{request.method} {request.path}")
                result = handler(request, body)
            except ApiError as e:
                return e.response()
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
        if cal_id not in self._calendars:
            raise ApiError(404, "Not Found")
        return self._calendars[cal_id]

    # --- calendars -------------------------------------------------------------------------

    def _calendar_list(self, _request: web.Request, _body: JsonDict | None) -> JsonDict:
        items = [
            c.resource
            | {
                "kind": "calendar#calendarListEntry",
                "accessRole": "owner",
                "primary": c.resource["id"] == self.primary_id,
            }
            for c in self._calendars.values()
        ]
        return {"kind": "calendar#calendarList", "etag": '"1"', "items": items}

    def _insert_calendar(self, _request: web.Request, body: JsonDict | None) -> JsonDict:
        if not body or not body.get("summary"):
            raise ApiError(400, "Missing title.", "required")
        cal_id = self.add_calendar(body["summary"], time_zone=body.get("timeZone"))
        return self._calendars[cal_id].resource

    def _get_calendar(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        return self._calendar(request.match_info["cal"]).resource

    # --- events ----------------------------------------------------------------------------

    def _list_events(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        query = request.query
        if "syncToken" in query:
            items = self._changed_since(cal, query)
        else:
            items = self._matching(cal, query)
        return self._page(cal, items, query)

    def _changed_since(self, cal: _Calendar, query: Any) -> list[JsonDict]:
        if any(name in query for name in _NOT_WITH_SYNC):
            raise ApiError(400, "Sync token cannot be used with other filtering parameters.")
        match = re.fullmatch(r"sync-(\d+)-(\d+)", query["syncToken"])
        if match is None or int(match[1]) != cal.epoch:
            raise ApiError(
                410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired"
            )
        since = int(match[2])
        # Deleted events always come back in an incremental sync, whatever showDeleted says.
        return [e for e in cal.events.values() if cal.changes[e["id"]] > since]

    def _matching(self, cal: _Calendar, query: Any) -> list[JsonDict]:
        tz = cal.resource["timeZone"]
        items: Iterable[JsonDict] = cal.events.values()
        if query.get("showDeleted") != "true":
            items = (e for e in items if e["status"] != "cancelled")
        if "timeMin" in query:
            time_min = _parse_bound(query["timeMin"])
            items = (e for e in items if _instant(e["end"], tz) > time_min)
        if "timeMax" in query:
            time_max = _parse_bound(query["timeMax"])
            items = (e for e in items if _instant(e["start"], tz) < time_max)
        if needle := query.get("q", "").lower():
            items = (e for e in items if needle in _searchable(e))
        return _ordered(list(items), query, tz)

    def _page(self, cal: _Calendar, items: list[JsonDict], query: Any) -> JsonDict:
        size = min(int(query.get("maxResults", 250)), 2500)
        page = re.fullmatch(r"p(\d+)", query.get("pageToken", "p0"))
        if page is None:
            raise ApiError(400, "Invalid page token value.", "invalid")
        start = int(page[1])
        body: JsonDict = {
            "kind": "calendar#events",
            "etag": f'"{self._last_change}"',
            "summary": cal.resource["summary"],
            "updated": _rfc3339(self.now()),
            "timeZone": cal.resource["timeZone"],
            "accessRole": "owner",
            "defaultReminders": [],
            "items": items[start : start + size],
        }
        if start + size < len(items):
            body["nextPageToken"] = f"p{start + size}"
        else:
            body["nextSyncToken"] = f"sync-{cal.epoch}-{self._last_change}"
        return body

    def _insert_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        return self._insert(self._calendar(request.match_info["cal"]), body or {})

    def _get_event(self, request: web.Request, _body: JsonDict | None) -> JsonDict:
        return self._find(self._calendar(request.match_info["cal"]), request.match_info["event"])

    def _put_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        old = self._find(cal, request.match_info["event"])
        kept = {k: old[k] for k in ("kind", "id", "created", "iCalUID", "creator", "organizer")}
        _check_times(body or {})
        new = (body or {}) | kept | {"status": (body or {}).get("status", "confirmed")}
        return self._store(cal, new, sequence=old.get("sequence", 0) + 1)

    def _patch_event(self, request: web.Request, body: JsonDict | None) -> JsonDict:
        cal = self._calendar(request.match_info["cal"])
        return self._patch(cal, request.match_info["event"], body or {})

    def _delete_event(self, request: web.Request, _body: JsonDict | None) -> None:
        self._delete(self._calendar(request.match_info["cal"]), request.match_info["event"])

    def _find(self, cal: _Calendar, event_id: str) -> JsonDict:
        if event_id not in cal.events:
            raise ApiError(404, "Not Found")
        return cal.events[event_id]

    def _insert(self, cal: _Calendar, fields: JsonDict) -> JsonDict:
        _check_times(fields)
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
        return self._store(cal, event, sequence=0)

    def _patch(self, cal: _Calendar, event_id: str, changes: JsonDict) -> JsonDict:
        old = self._find(cal, event_id)
        new = old | {k: v for k, v in changes.items() if k not in ("id", "kind")}
        _check_times(new)
        return self._store(cal, new, sequence=old.get("sequence", 0) + 1)

    def _delete(self, cal: _Calendar, event_id: str) -> None:
        old = self._find(cal, event_id)
        if old["status"] == "cancelled":
            raise ApiError(410, "Resource has been deleted", "deleted")
        self._store(cal, old | {"status": "cancelled"}, sequence=old.get("sequence", 0))

    def _store(self, cal: _Calendar, event: JsonDict, *, sequence: int) -> JsonDict:
        change = next(self._seq)
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


def _check_times(fields: JsonDict) -> None:
    for key in ("start", "end"):
        value = fields.get(key)
        if not isinstance(value, dict) or not ({"date", "dateTime"} & value.keys()):
            raise ApiError(400, f"Missing {key} time.", "required")
    if _instant(fields["end"], "UTC") < _instant(fields["start"], "UTC"):
        raise ApiError(400, "The specified time range is empty.", "timeRangeEmpty")


def _instant(when: JsonDict, default_tz: str) -> datetime:
    tz = ZoneInfo(when.get("timeZone") or default_tz)
    if "dateTime" in when:
        moment = datetime.fromisoformat(when["dateTime"])
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    return datetime.combine(date.fromisoformat(when["date"]), time(), tzinfo=tz)


def _parse_bound(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    # Google rejects bounds without an offset; so does the fake, to catch naive datetimes.
    if moment is None or moment.tzinfo is None:
        raise ApiError(400, "Bad Request", "badRequest")
    return moment


def _ordered(items: list[JsonDict], query: Any, tz: str) -> list[JsonDict]:
    order = query.get("orderBy")
    if order == "startTime":
        if query.get("singleEvents") != "true":
            raise ApiError(
                400, "The requested ordering is not available for the particular query."
            )
        return sorted(items, key=lambda e: _instant(e["start"], tz))
    if order == "updated":
        return sorted(items, key=lambda e: e["updated"])
    return items


def _searchable(event: JsonDict) -> str:
    return " ".join(str(event.get(k, "")) for k in ("summary", "description", "location")).lower()


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
