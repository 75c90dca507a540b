"""Google's events ↔ rows of `calendar_events`: the bodies sent, the columns taken, and Google's
changes applied to the rows (who wins a conflict, what a cancellation deletes)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from store import agenda
from store import google as google_store
from store.tables import CalendarEvent

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
    created = instant(item.get("created")) or data["updated_at"]
    data = data | {"source": "google", "created_at": created}
    await agenda.create_event(session=session, data=data, now=data["updated_at"])
