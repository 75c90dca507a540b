"""Google's changes onto the rows of `calendar_events`: each row changed there is merged field
by field with Google's copy (`merge`); what Google deleted goes here, unless we changed it
since (the push then restores it there); a changed or cancelled occurrence of a series
overrides or leaves out that occurrence only."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from integrations.google.mapping import (
    Changes,
    JsonDict,
    LocalEvent,
    from_google,
    google_updated,
    is_exception,
    moment,
    own_id,
    own_ids,
)
from integrations.google.merge import (
    Pair,
    base_of,
    cancelled_of,
    changed_there,
    copy_of,
    copy_of_local,
    here_is_later,
    iso,
    merge,
    pair_of,
)
from store import agenda
from store import google as google_store
from store.tables import CalendarEvent

log = logging.getLogger(__name__)


@dataclass
class Pulled:
    """What a pull did: rows that took something from Google, the Google ids of rows deleted
    here as Google had them deleted (not to send back), and our own events still in Google
    whose row was deleted here before it was ever linked (to delete there)."""

    pulled: int = 0
    gone: list[str] = field(default_factory=list)
    delete_there: list[str] = field(default_factory=list)
    # Series deleted there that we restore: their occurrences went with them, and come back.
    restoring: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Context:
    tz: ZoneInfo
    calendar_zone: str | None
    pair: Pair | None
    now: datetime


async def apply_changes(
    session: AsyncSession,
    changes: Changes,
    tz: ZoneInfo,
    *,
    deleted_here: Collection[str],
    pair: Pair | None,
    now: datetime,
) -> Pulled:
    """Google's changes onto the rows. An event deleted here stays deleted (the push deletes
    it there). Occurrences come after the events, so a series made there has its row when
    its occurrences are read."""
    context = _Context(tz, changes.time_zone, pair, now)
    latest = {item["id"]: item for item in changes.items if item["id"] not in deleted_here}
    events = {gid: item for gid, item in latest.items() if not is_exception(item)}
    rows = await google_store.events_for_remote(
        session=session, google_event_ids=list(events), local_ids=own_ids(list(events))
    )
    by_google_id = {row.google_event_id or row.id.hex: row for row in rows}
    result = Pulled()
    for google_id, item in events.items():
        await _apply_event(session, by_google_id.get(google_id), item, context, result)
    exceptions = [item for item in latest.values() if is_exception(item)]
    ours = [item for item in exceptions if item["recurringEventId"] in result.restoring]
    if ours:
        await _revive_occurrences(session, ours, context)
    theirs = [item for item in exceptions if item["recurringEventId"] not in result.restoring]
    if theirs:
        await _apply_exceptions(session, theirs, context, result)
    return result


async def _series_of(
    session: AsyncSession, items: Sequence[JsonDict]
) -> tuple[Sequence[CalendarEvent], dict[str, CalendarEvent], Sequence[CalendarEvent]]:
    """The series rows the occurrences `items` belong to, by their id there (ours, hex, until
    linked), and those series' override rows."""
    series_ids = list({item["recurringEventId"] for item in items})
    series_rows = await google_store.events_for_remote(
        session=session, google_event_ids=series_ids, local_ids=own_ids(series_ids)
    )
    by_series_id = {row.google_event_id or row.id.hex: row for row in series_rows}
    overrides = await google_store.overrides_of(
        session=session, series_ids=[row.id for row in series_rows]
    )
    return series_rows, by_series_id, overrides


async def _revive_occurrences(
    session: AsyncSession, items: Sequence[JsonDict], context: _Context
) -> None:
    """A series deleted there that we restore: the occurrences Google cancelled along with it
    come back as this side has them; each without a row of its own gets one (the series'
    occurrence), which the push restores there."""
    _, by_series_id, overrides = await _series_of(session, items)
    known = {(row.recurring_event_id, _utc(row.original_start)) for row in overrides}
    for item in items:
        series = by_series_id.get(item["recurringEventId"])
        if series is None or "originalStartTime" not in item:
            continue
        original = moment(item["originalStartTime"], context.tz, context.calendar_zone)
        left_out = {_utc(m) for m in series.recurrence_exdates}
        if (series.id, _utc(original)) in known or _utc(original) in left_out:
            continue
        data = {
            "title": series.title,
            "description": series.description,
            "location": series.location,
            "starts_at": original,
            "ends_at": agenda.occurrence_end(series, original, context.tz),
            "all_day": series.all_day,
            "source": series.source,
            "recurring_event_id": series.id,
            "original_start": original,
            "reminder_minutes": series.reminder_minutes,
            "google_event_id": item["id"],
        }
        await agenda.create_event(session=session, data=data, now=context.now)


async def _apply_event(
    session: AsyncSession,
    row: CalendarEvent | None,
    item: JsonDict,
    context: _Context,
    result: Pulled,
) -> None:
    if item.get("status") == "cancelled":
        await _deleted_there(session, row, item["id"], result)
        return
    if "start" not in item or "end" not in item:
        return
    if row is None:
        if own_id(item) is not None:
            result.delete_there.append(item["id"])  # ours, deleted here before it was linked
            return
        row = await _create(session, item, context, {"source": "google"})
        result.pulled += 1
    elif row.google_event_id is None or changed_there(item, LocalEvent.of(row)):
        linking = row.google_event_id is None  # ours, sent before: its answer never stored
        if await _merge_into(session, row, item, context) or linking:
            result.pulled += 1
    else:
        return  # our own push, listed back
    if row.recurrence is not None or item.get("recurrence"):
        # Occurrences stored one by one before series were synced as series.
        result.gone += await google_store.delete_occurrence_rows(
            session=session, series_google_id=item["id"]
        )
        # "This and following": the series may have lost occurrences it had overridden.
        result.gone += await agenda.prune_overrides(
            session=session, series_id=row.id, tz=context.tz
        )


async def _deleted_there(
    session: AsyncSession, row: CalendarEvent | None, google_id: str, result: Pulled
) -> None:
    """Deleted in Google: deleted here, with its overrides, unless we changed it since the
    last sync; then the push reads Google's copy (no ETag) and restores it there, and a
    series' moved occurrences with it (Google deleted them along)."""
    if row is None:
        return
    if google_store.is_changed_here(row):
        await google_store.forget_etags(session=session, event_id=row.id)
        result.restoring.add(google_id)
        return
    result.gone += await google_store.delete_rows(session=session, event_ids=[row.id])


async def _create(
    session: AsyncSession, item: JsonDict, context: _Context, extra: dict[str, Any]
) -> CalendarEvent:
    columns = from_google(item, context.tz, context.calendar_zone)
    data = columns | extra | _marks(item, base_of(copy_of(columns)))
    return await agenda.create_event(
        session=session, data=data | {"google_synced_at": context.now}, now=context.now
    )


def _marks(item: JsonDict, base: dict[str, Any]) -> dict[str, Any]:
    """What a row records of Google's copy: its id, ETag, `updated` (Google's clock, only
    ever compared with itself) and the copy itself, the base of the next merge."""
    return {
        "google_event_id": item["id"],
        "google_etag": item.get("etag"),
        "google_updated_at": google_updated(item),
        "google_base": base,
    }


async def _merge_into(
    session: AsyncSession, row: CalendarEvent, item: JsonDict, context: _Context
) -> bool:
    """Google's copy merged into the row, field by field; whether it took anything. A row
    whose result differs from Google's copy stays changed here: the push sends it."""
    local = LocalEvent.of(row)
    remote_columns = from_google(item, context.tz, context.calendar_zone)
    remote = copy_of(remote_columns)
    mine = copy_of_local(local, context.tz)
    cancelled = cancelled_of(row.google_base)
    if row.google_base is None:
        # Before bases were kept: exception dates Google has not as lines were cancellations.
        cancelled = set(mine["exdates"]) - set(remote["exdates"])
    unchanged_here = not google_store.is_changed_here(row) and row.google_event_id is not None
    base = base_of(mine, cancelled) if unchanged_here else row.google_base
    later = here_is_later(
        changed_here=row.updated_at,
        changed_there=google_updated(item),
        pair=context.pair or pair_of(local),
    )
    merged = merge(base, mine, remote, here_later=later)
    if merged.conflicts:
        winner = "ici" if later else "Google"
        log.info(
            "google event %s: %s changed on both sides, %s wins",
            item["id"],
            ", ".join(sorted(merged.conflicts)),
            winner,
        )
    taken = merged.columns(remote_columns, local)
    values = taken | _marks(item, base_of(remote, cancelled))
    stamp = context.now if taken else row.updated_at
    if taken:
        values["updated_at"] = stamp
    values["google_synced_at"] = None if merged.differs_from_remote else stamp
    if not merged.differs_from_remote:
        values["google_error"] = None
    await google_store.take_remote(session=session, event_id=row.id, data=values)
    return bool(taken)


async def _apply_exceptions(
    session: AsyncSession, items: Sequence[JsonDict], context: _Context, result: Pulled
) -> None:
    """A cancelled occurrence becomes an exception date of its series; a changed or moved
    one, a row of its own overriding that occurrence (merged like any row afterwards)."""
    series_rows, by_series_id, overrides = await _series_of(session, items)
    by_google_id = {row.google_event_id: row for row in overrides if row.google_event_id}
    by_occurrence = {(row.recurring_event_id, _utc(row.original_start)): row for row in overrides}
    bases = {row.id: row.google_base for row in series_rows}
    for item in items:
        series = by_series_id.get(item["recurringEventId"])
        if series is None or series.recurrence is None or "originalStartTime" not in item:
            log.info("google event %s: an occurrence of a series not synced here", item["id"])
            continue
        original = moment(item["originalStartTime"], context.tz, context.calendar_zone)
        override = by_google_id.get(item["id"]) or by_occurrence.get((series.id, _utc(original)))
        left_out_here = _utc(original) in {_utc(m) for m in series.recurrence_exdates}
        if item.get("status") != "cancelled" and left_out_here and override is None:
            # Deleted here while changed there: deleted there too (our EXDATE goes with the
            # series; this cancels Google's exception as well).
            result.delete_there.append(item["id"])
            continue
        if item.get("status") == "cancelled":
            base = bases[series.id]
            if base is not None:
                base = base | {"cancelled": sorted(cancelled_of(base) | {iso(original)})}
                bases[series.id] = base
            result.gone += await google_store.skip_remote_occurrence(
                session=session, event_id=series.id, occurrence_start=original, base=base
            )
        elif "start" not in item or "end" not in item:
            continue
        elif override is None:
            extra = {
                "source": series.source,
                "recurring_event_id": series.id,
                "original_start": original,
                "reminder_minutes": series.reminder_minutes,  # rings like its series
            }
            await _create(session, item, context, extra)
            result.pulled += 1
        elif (
            override.google_event_id is None or changed_there(item, LocalEvent.of(override))
        ) and await _merge_into(session, override, item, context):
            result.pulled += 1


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None
