"""Google's events ↔ rows of `calendar_events`: the bodies sent, the columns taken.

A series is one row here and one recurring event (a "master") there: its RRULE and EXDATE
lines ↔ `recurrence` and `recurrence_exdates`. Google lists a changed or cancelled occurrence
as an exception (`recurringEventId`, `originalStartTime`, the id `<master>_<original start>`):
a cancelled one becomes an exception date of the series here, a changed or moved one a row of
its own that overrides that occurrence (`recurring_event_id`, `original_start`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event as ICalEvent

from core.recurrence import InvalidRecurrenceError, calendar_rule, normalize
from store.tables import CalendarEvent

log = logging.getLogger(__name__)

UNTITLED = "(sans titre)"
# Google documents no limit on `description` but refuses one over about 8 KB (8,192
# characters): a longer one is cut, with a marker saying where the whole text is.
DESCRIPTION_LIMIT = 8192
TRUNCATED = "\n[…] (description tronquée : le texte entier est dans ordinarthur-os)"
# Our own events carry our id twice: as their Google id, and in this private property, so
# that one found in Google with no row here is known to be ours (deleted here meanwhile).
OWN_MARK = "ordinarthurOsId"
_OWN_ID = re.compile(r"[0-9a-f]{32}")

JsonDict = dict[str, Any]


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
    recurrence: str | None = None
    recurrence_exdates: Sequence[datetime] = ()
    source: str = "ordinarthur-os"
    google_synced_at: datetime | None = None
    google_etag: str | None = None
    google_base: JsonDict | None = None
    recurring_event_id: uuid.UUID | None = None
    original_start: datetime | None = None

    @classmethod
    def of(cls, row: CalendarEvent) -> LocalEvent:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    @property
    def is_override(self) -> bool:
        return self.recurring_event_id is not None

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MANAGED_COLUMNS}


# The columns a sync exchanges with Google; everything else of a row stays ours.
MANAGED_COLUMNS = (
    "title",
    "description",
    "location",
    "starts_at",
    "ends_at",
    "all_day",
    "recurrence",
    "recurrence_exdates",
)


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


def sendable(description: str | None) -> str | None:
    """The description as Google accepts it: cut, with a marker, when too long."""
    if description is None or len(description) <= DESCRIPTION_LIMIT:
        return description
    return description[: DESCRIPTION_LIMIT - len(TRUNCATED)] + TRUNCATED


def _times(event: LocalEvent, tz: ZoneInfo) -> tuple[JsonDict, JsonDict]:
    if event.all_day:
        first, after = all_day_span(event.starts_at, event.ends_at, tz)
        return {"date": first.isoformat()}, {"date": after.isoformat()}
    start = {"dateTime": event.starts_at.astimezone(tz).isoformat(), "timeZone": tz.key}
    end = {"dateTime": event.ends_at.astimezone(tz).isoformat(), "timeZone": tz.key}
    return start, end


def to_google(event: LocalEvent, tz: ZoneInfo) -> JsonDict:
    """The event's fields as Google takes them, without empty ones (an insert's body)."""
    return {key: value for key, value in patch_body(event, tz).items() if value is not None}


def patch_body(event: LocalEvent, tz: ZoneInfo) -> JsonDict:
    """Every field we manage; null clears a field there (patch semantics). An occurrence has
    no rule of its own, and a single event whose Google copy has a rule we could not read
    (kept here as its first occurrence) leaves that rule alone."""
    start, end = _times(event, tz)
    body: JsonDict = {
        "summary": event.title,
        "description": sendable(event.description),
        "location": event.location,
        "start": start,
        "end": end,
        "status": "confirmed",
    }
    if event.recurrence is not None:
        body["recurrence"] = recurrence_lines(event, tz)
    elif event.google_base is not None and event.google_base.get("recurrence") is not None:
        body["recurrence"] = None  # the series was turned into a single event here
    return body


def insert_body(event: LocalEvent, tz: ZoneInfo) -> JsonDict:
    """A new event in Google: its id is our row's, and so is the private mark."""
    own = event.id.hex
    return to_google(event, tz) | {
        "id": own,
        "extendedProperties": {"private": {OWN_MARK: own}},
    }


def recurrence_lines(event: LocalEvent, tz: ZoneInfo) -> list[str]:
    """RRULE and EXDATE lines for Google; timed ones in the owner's zone (the `timeZone` of
    the start, in which Google expands the series)."""
    assert event.recurrence is not None
    lines = ["RRULE:" + calendar_rule(event.recurrence, tz, all_day=event.all_day)]
    moments = sorted(event.recurrence_exdates)
    if moments and event.all_day:
        days = ",".join(f"{m.astimezone(tz):%Y%m%d}" for m in moments)
        lines.append(f"EXDATE;VALUE=DATE:{days}")
    elif moments:
        times = ",".join(f"{m.astimezone(tz):%Y%m%dT%H%M%S}" for m in moments)
        lines.append(f"EXDATE;TZID={tz.key}:{times}")
    return lines


def instance_id(master_id: str, original_start: datetime, *, all_day: bool, tz: ZoneInfo) -> str:
    """The id Google gives the occurrence of a series that starts at `original_start`."""
    if all_day:
        return f"{master_id}_{original_start.astimezone(tz):%Y%m%d}"
    return f"{master_id}_{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def moment(when: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> datetime:
    """A start or end: a date is its local midnight in the owner's zone."""
    if "date" in when:
        return datetime.combine(date.fromisoformat(when["date"]), time(), tzinfo=tz)
    found = datetime.fromisoformat(when["dateTime"])
    if found.tzinfo is None:
        zone = when.get("timeZone") or calendar_zone or tz.key
        found = found.replace(tzinfo=ZoneInfo(zone))
    return found


def instant(value: str | None) -> datetime | None:
    """An RFC 3339 time as Google writes it ("…Z" or an offset)."""
    return datetime.fromisoformat(value) if value else None


def google_updated(item: JsonDict) -> datetime | None:
    return instant(item.get("updated"))


def from_google(item: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> dict[str, Any]:
    """The columns we manage, from Google's copy (no sync marks, no stamps: those come from
    our own clock)."""
    start = moment(item["start"], tz, calendar_zone)
    end = moment(item["end"], tz, calendar_zone)
    rule, exdates = _series(item, start, tz, calendar_zone)
    return {
        "title": (item.get("summary") or "").strip() or UNTITLED,
        "description": item.get("description"),
        "location": item.get("location"),
        "starts_at": start,
        "ends_at": max(start, end),
        "all_day": "date" in item["start"],
        "recurrence": rule,
        "recurrence_exdates": exdates,
    }


def is_exception(item: JsonDict) -> bool:
    """One occurrence of a series, changed or cancelled there."""
    return "recurringEventId" in item


def own_id(item: JsonDict) -> uuid.UUID | None:
    """Our row's id when Google's event is one we sent (its id and private mark are ours)."""
    google_id = str(item.get("id", ""))
    private = (item.get("extendedProperties") or {}).get("private") or {}
    if _OWN_ID.fullmatch(google_id) and private.get(OWN_MARK) == google_id:
        return uuid.UUID(hex=google_id)
    return None


def own_ids(google_ids: Sequence[str]) -> list[uuid.UUID]:
    """Google ids that may be one of our rows' uuid (an event we sent)."""
    return [uuid.UUID(hex=gid) for gid in google_ids if _OWN_ID.fullmatch(gid)]


def _series(
    item: JsonDict, start: datetime, tz: ZoneInfo, calendar_zone: str | None
) -> tuple[str | None, list[datetime]]:
    """A master's rule and exception dates; (None, []) for a single event, or for a series
    whose lines this service cannot honour (kept as its first occurrence, said in the log)."""
    lines = [str(line) for line in item.get("recurrence") or []]
    if not lines:
        return None, []
    rules = [line for line in lines if line.upper().startswith("RRULE")]
    others = [line for line in lines if line.upper().startswith(("RDATE", "EXRULE"))]
    try:
        if len(rules) != 1 or others:
            raise InvalidRecurrenceError("one RRULE and EXDATE lines only")
        rule = normalize(rules[0])
        exdates = _exdates(lines)
    except ValueError as exc:
        log.warning(
            "google event %s: recurrence not taken (%s); first occurrence only", item["id"], exc
        )
        return None, []
    zone = _zone(item["start"].get("timeZone") or calendar_zone, tz)
    return rule, [_exdate(m, start, tz, zone) for m in exdates]


def _exdates(lines: Sequence[str]) -> list[date]:
    found = ICalEvent.from_ical("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
    if not isinstance(found, ICalEvent):
        raise ValueError("not one event")
    return list(found.exdates)


def _zone(name: str | None, tz: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else tz
    except (ZoneInfoNotFoundError, ValueError):
        return tz


def _exdate(value: date, start: datetime, tz: ZoneInfo, zone: ZoneInfo) -> datetime:
    """An EXDATE as the occurrence start it leaves out: a date is that day at the series'
    time (midnight for an all-day one), a floating time is in the series' zone."""
    if not isinstance(value, datetime):
        return datetime.combine(value, start.astimezone(tz).time(), tzinfo=tz)
    return value if value.tzinfo else value.replace(tzinfo=zone)
