"""Google's events ↔ rows of `calendar_events`: the bodies sent, the columns taken, and Google's
changes applied to the rows (who wins a conflict, what a cancellation deletes).

A series is one row here and one recurring event (a "master") there: its RRULE and EXDATE
lines ↔ `recurrence` and `recurrence_exdates`. Google lists a cancelled occurrence as an
exception (`recurringEventId`, `originalStartTime`): here it becomes an exception date of the
series. A changed or moved occurrence (a confirmed exception) is not taken yet: the series shows
it at its original time, and a log line says so.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event as ICalEvent
from sqlalchemy.ext.asyncio import AsyncSession

from core.recurrence import InvalidRecurrenceError, calendar_rule, normalize
from store import agenda
from store import google as google_store
from store.tables import CalendarEvent

log = logging.getLogger(__name__)

UNTITLED = "(sans titre)"
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
        "recurrence": recurrence_lines(event, tz) if event.recurrence else None,
    }
    return {key: value for key, value in body.items() if value is not None}


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


def _moment(when: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> datetime:
    if "date" in when:
        return datetime.combine(date.fromisoformat(when["date"]), time(), tzinfo=tz)
    moment = datetime.fromisoformat(when["dateTime"])
    if moment.tzinfo is None:
        zone = when.get("timeZone") or calendar_zone or tz.key
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def instant(value: str | None) -> datetime | None:
    """An RFC 3339 time as Google writes it ("…Z" or an offset)."""
    return datetime.fromisoformat(value) if value else None


def google_updated(item: JsonDict) -> datetime | None:
    return instant(item.get("updated"))


def from_google(item: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> dict[str, Any]:
    """The row's columns for Google's copy, sync marks included."""
    start = _moment(item["start"], tz, calendar_zone)
    end = _moment(item["end"], tz, calendar_zone)
    updated = google_updated(item) or datetime.now(UTC)
    rule, exdates = _series(item, start, tz, calendar_zone)
    return {
        "recurrence": rule,
        "recurrence_exdates": exdates,
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
    return rule, [_exdate(moment, start, tz, zone) for moment in exdates]


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


def _exdate(moment: date, start: datetime, tz: ZoneInfo, zone: ZoneInfo) -> datetime:
    """An EXDATE as the occurrence start it leaves out: a date is that day at the series'
    time (midnight for an all-day one), a floating time is in the series' zone."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, start.astimezone(tz).time(), tzinfo=tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _here_wins(row: CalendarEvent, item: JsonDict) -> bool:
    """Changed here since the last exchange, and later than Google's change."""
    updated = google_updated(item)
    changed_here = google_store.is_changed_here(row)
    return changed_here and updated is not None and row.updated_at > updated


def _takes_google(row: CalendarEvent | None, item: JsonDict) -> bool:
    if "start" not in item or "end" not in item:
        return False
    if row is None:
        return True
    return google_updated(item) != row.google_updated_at and not _here_wins(row, item)


def _own_ids(google_ids: Sequence[str]) -> list[uuid.UUID]:
    """Google ids that are one of our rows' uuid (an event we sent)."""
    return [uuid.UUID(hex=gid) for gid in google_ids if _OWN_ID.fullmatch(gid)]


def _is_exception(item: JsonDict) -> bool:
    """One occurrence of a series, changed or cancelled there."""
    return "recurringEventId" in item


async def apply_changes(
    session: AsyncSession, changes: Changes, tz: ZoneInfo, *, deleted_here: Collection[str]
) -> tuple[int, list[str]]:
    """Google's changes onto the rows: how many rows took Google's copy, and the Google ids of
    the rows deleted. An event deleted here stays deleted (the push deletes it there).
    Occurrences come after the events, so a series made there has its row when its
    cancelled occurrences are read."""
    latest = {item["id"]: item for item in changes.items if item["id"] not in deleted_here}
    events = {gid: item for gid, item in latest.items() if not _is_exception(item)}
    rows = await google_store.events_for_remote(
        session=session, google_event_ids=list(events), local_ids=_own_ids(list(events))
    )
    by_google_id = {row.google_event_id or row.id.hex: row for row in rows}
    pulled, gone = 0, []
    for google_id, item in events.items():
        row = by_google_id.get(google_id)
        if item.get("status") == "cancelled":
            if row is not None and not _here_wins(row, item):
                await agenda.delete_event(session=session, event_id=row.id)
                gone.append(google_id)
        elif _takes_google(row, item):
            data = from_google(item, tz, changes.time_zone)
            await _take_google(session, row, item, data)
            if data["recurrence"] is not None:
                # Occurrences stored one by one before series were synced as series.
                gone += await google_store.delete_occurrence_rows(
                    session=session, series_google_id=google_id
                )
            pulled += 1
    exceptions = [item for item in latest.values() if _is_exception(item)]
    await _apply_exceptions(session, exceptions, tz, changes.time_zone)
    return pulled, gone


async def _apply_exceptions(
    session: AsyncSession, items: Sequence[JsonDict], tz: ZoneInfo, calendar_zone: str | None
) -> None:
    """A cancelled occurrence becomes an exception date of its series here."""
    cancelled = [item for item in items if item.get("status") == "cancelled"]
    for item in items:
        if item.get("status") != "cancelled":
            log.info("google event %s: a changed occurrence, not taken yet", item["id"])
    if not cancelled:
        return
    series_ids = list({item["recurringEventId"] for item in cancelled})
    rows = await google_store.events_for_remote(
        session=session, google_event_ids=series_ids, local_ids=_own_ids(series_ids)
    )
    by_google_id = {row.google_event_id or row.id.hex: row for row in rows}
    for item in cancelled:
        series = by_google_id.get(item["recurringEventId"])
        if series is None or series.recurrence is None or "originalStartTime" not in item:
            continue
        original = _moment(item["originalStartTime"], tz, calendar_zone)
        await google_store.skip_remote_occurrence(
            session=session, event_id=series.id, occurrence_start=original
        )


async def _take_google(
    session: AsyncSession, row: CalendarEvent | None, item: JsonDict, data: dict[str, Any]
) -> None:
    if row is not None and data["recurrence"] is not None:
        # Occurrences cancelled there are exceptions, not EXDATE lines of the master: keep
        # those already known.
        known = {m.astimezone(UTC) for m in row.recurrence_exdates}
        taken = {m.astimezone(UTC) for m in data["recurrence_exdates"]}
        data = data | {"recurrence_exdates": sorted(known | taken)}
    if row is not None:
        await google_store.take_remote(session=session, event_id=row.id, data=data)
        return
    created = instant(item.get("created")) or data["updated_at"]
    data = data | {"source": "google", "created_at": created}
    await agenda.create_event(session=session, data=data, now=data["updated_at"])
