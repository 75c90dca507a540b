"""The owner's agenda as an iCal feed for calendar apps: `GET /agenda/ical/{secret}.ics`.

The URL's secret is the only credential (calendar apps send no headers), compared in constant
time; a wrong one answers 404 like any unknown URL. The body depends only on the events, so
the ETag (a hash of it) lets a polling app get 304 until something changes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from icalendar import Calendar, Event, vRecur
from sqlalchemy.ext.asyncio import AsyncSession

from core.recurrence import calendar_rule
from store import agenda
from store.clock import Clock
from store.tables import CalendarEvent
from web.api import Api
from web.appkeys import WebConfig
from web.errors import NotFound

api = Api("agenda")

CALENDAR_UID = "agenda@ordinarthur-os"
REFRESH = timedelta(hours=1)
# How far back the feed goes: calendar apps keep what they fetched, and a feed of every past
# event would only grow.
FEED_HISTORY = timedelta(days=365)


def _all_day_span(event: CalendarEvent, tz: ZoneInfo) -> tuple[date, date]:
    """DATE start and exclusive DATE end, in the owner's zone; at least one day."""
    start = event.starts_at.astimezone(tz).date()
    end_local = event.ends_at.astimezone(tz)
    end = end_local.date() + timedelta(days=0 if end_local.time() == time(0) else 1)
    return start, max(end, start + timedelta(days=1))


def _vevent(event: CalendarEvent, tz: ZoneInfo) -> Event:
    start: date | datetime = event.starts_at.astimezone(tz)
    end: date | datetime = event.ends_at.astimezone(tz)
    if event.all_day:
        start, end = _all_day_span(event, tz)
    # An occurrence moved or changed in Google: the series' UID, and which occurrence it is
    # (RFC 5545 3.8.4.4, RECURRENCE-ID).
    series_id = event.recurring_event_id or event.id
    vevent = Event.new(
        uid=f"{series_id}@ordinarthur-os",
        summary=event.title,
        description=event.description,
        location=event.location,
        start=start,
        end=end,
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
    )
    if event.recurrence is not None:
        _add_recurrence(vevent, event, tz)
    if event.original_start is not None:
        original = event.original_start.astimezone(tz)
        vevent.add("recurrence-id", original.date() if event.all_day else original)
    return vevent


def _add_recurrence(vevent: Event, event: CalendarEvent, tz: ZoneInfo) -> None:
    assert event.recurrence is not None
    rule = calendar_rule(event.recurrence, tz, all_day=event.all_day)
    vevent.add("rrule", vRecur.from_ical(rule))
    if event.recurrence_exdates:
        moments = sorted(event.recurrence_exdates)
        # An exception date has the type and zone of DTSTART (RFC 5545 3.8.5.1).
        exdates: list[date] | list[datetime] = (
            [m.astimezone(tz).date() for m in moments]
            if event.all_day
            else [m.astimezone(tz) for m in moments]
        )
        vevent.add("exdate", exdates)


def render_calendar(events: Sequence[CalendarEvent], tz: ZoneInfo) -> bytes:
    """RFC 5545 text; the same events always give the same bytes."""
    cal = Calendar.new(
        prodid="-//ordinarthur-os//agenda//FR", name="ordinarthur-os", uid=CALENDAR_UID
    )
    # icalendar 7.3 writes REFRESH-INTERVAL without its mandatory VALUE=DURATION, and a
    # timedelta X-PUBLISHED-TTL wrongly: both by hand.
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(_vevent(event, tz))
    cal.add_missing_timezones()
    body: bytes = cal.to_ical()
    return body


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(request: web.Request, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return wanted.strip() == "*" or etag in (t.strip() for t in wanted.split(","))


_FEED = {
    "description": "The agenda, text/calendar: the events that ended less than 365 days ago "
    "or end later, and every series",
    "content": {"text/calendar": {"schema": {"type": "string"}}},
    "headers": {"ETag": {"schema": {"type": "string"}}},
}
_NOT_MODIFIED = {"description": "Unchanged since the ETag sent in If-None-Match"}
_UNKNOWN = {
    "description": "Wrong secret",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


@api.get(
    "/agenda/ical/{secret}.ics",
    public=True,
    responses={200: _FEED, 304: _NOT_MODIFIED, 404: _UNKNOWN},
    path_schemas={"secret": {"type": "string"}},
)
async def ical_feed(
    request: web.Request, session: AsyncSession, clock: Clock, config: WebConfig, secret: str
) -> web.StreamResponse:
    """The agenda as iCal, for calendar apps: every event ending less than a year ago or
    later, and every series."""
    if not secrets.compare_digest(secret.encode(), config.ical_feed_secret.encode()):
        raise NotFound("not found")
    since = clock.now() - FEED_HISTORY
    body = render_calendar(await agenda.list_events(session=session, start=since), config.tz)
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if _not_modified(request, etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type="text/calendar", charset="utf-8")
