"""Three-way merge of one event, field by field, against the copy both sides last agreed on.

A field changed on one side only takes that side. A field changed on both sides (to different
values) is a conflict, settled by the later change. Each side's change is timed on its own
clock, from one moment both clocks saw: the last push Google confirmed (our clock when we got
the answer, Google's `updated` in it), or failing one, this event's last exchange. So our
`updated_at` is only ever compared with our own clock's times, and Google's `updated` only
with Google's own earlier `updated`.

A copy is what Google holds of an event, in comparable form (JSON, stored in
`calendar_events.google_base`): `title`, `description` (as sent: cut when too long),
`location`, `when` (start and end instants in UTC, all-day or not: they move together),
`recurrence`, `exdates` (the master's EXDATE lines). A base also keeps `cancelled`: the
occurrences Google lists as cancelled exceptions rather than EXDATE lines, so that a series'
exception dates are compared with all of Google's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from integrations.google.mapping import (
    JsonDict,
    LocalEvent,
    from_google,
    google_updated,
    instant,
    to_google,
)

Copy = dict[str, Any]
FIELDS = ("title", "description", "location", "when", "recurrence")
# The columns each field of a copy stands for.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "title": ("title",),
    "description": ("description",),
    "location": ("location",),
    "when": ("starts_at", "ends_at", "all_day"),
    "recurrence": ("recurrence",),
}
_UNKNOWN = object()  # a field of a base we never had: changed on both sides


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def copy_of(columns: Mapping[str, Any]) -> Copy:
    """A copy from a row's columns, or from `mapping.from_google`'s."""
    return {
        "title": columns["title"],
        "description": columns["description"],
        "location": columns["location"],
        "when": [iso(columns["starts_at"]), iso(columns["ends_at"]), bool(columns["all_day"])],
        "recurrence": columns["recurrence"],
        "exdates": sorted({iso(m) for m in columns["recurrence_exdates"]}),
    }


def copy_of_google(item: JsonDict, tz: ZoneInfo, calendar_zone: str | None) -> Copy:
    return copy_of(from_google(item, tz, calendar_zone))


def copy_of_local(event: LocalEvent, tz: ZoneInfo) -> Copy:
    """Our row as Google would hold it once sent (its description cut, its times as Google
    writes them), so that it compares with copies of Google's."""
    body = to_google(event, tz)
    return copy_of_google(body | {"id": event.id.hex}, tz, tz.key)


def base_of(copy: Copy, cancelled: set[str] | frozenset[str] = frozenset()) -> Copy:
    return copy | {"cancelled": sorted(cancelled)}


def cancelled_of(base: Mapping[str, Any] | None) -> set[str]:
    return set(base.get("cancelled", [])) if base else set()


@dataclass(frozen=True)
class Pair:
    """One moment as both clocks saw it: ours, and Google's `updated`."""

    app: datetime
    google: datetime


def here_is_later(
    *, changed_here: datetime, changed_there: datetime | None, pair: Pair | None
) -> bool:
    """Whether our change came after Google's, each timed from the pair on its own clock;
    without a pair or Google's time, Google's change counts as the later one."""
    if pair is None or changed_there is None:
        return False
    return changed_here - pair.app > changed_there - pair.google


def pair_of(event: LocalEvent) -> Pair | None:
    """The event's last exchange on both clocks, when no push gave the calendar one."""
    if event.google_synced_at is None or event.google_updated_at is None:
        return None
    return Pair(event.google_synced_at, event.google_updated_at)


@dataclass(frozen=True)
class Merged:
    """The result: its copy, the fields taken from Google (to write here), and whether it
    differs from Google's copy (to push there)."""

    copy: Copy
    taken: frozenset[str]
    conflicts: frozenset[str]
    differs_from_remote: bool

    def columns(self, remote_columns: Mapping[str, Any], local: LocalEvent) -> dict[str, Any]:
        """The row's columns to write: the fields taken from Google, and the exception
        dates when their merge changed them."""
        written: dict[str, Any] = {}
        for name in self.taken:
            if name == "exdates":
                written["recurrence_exdates"] = [instant(m) for m in self.copy["exdates"]]
            else:
                written |= {column: remote_columns[column] for column in COLUMNS[name]}
        if "recurrence" in self.taken and remote_columns["recurrence"] is None:
            written["recurrence_exdates"] = []
        if written.get("recurrence_exdates") == sorted(local.recurrence_exdates):
            del written["recurrence_exdates"]
        return written


def merge(base: Copy | None, local: Copy, remote: Copy, *, here_later: bool) -> Merged:
    """Field by field: one side's change wins; a change on both sides goes to the later."""
    result: Copy = {}
    taken: set[str] = set()
    conflicts: set[str] = set()
    for name in FIELDS:
        mine, theirs = local[name], remote[name]
        former = base.get(name, _UNKNOWN) if base is not None else _UNKNOWN
        if mine == theirs or theirs == former:
            result[name] = mine
        elif mine == former:
            result[name] = theirs
            taken.add(name)
        else:
            conflicts.add(name)
            result[name] = mine if here_later else theirs
            if not here_later:
                taken.add(name)
    exdates, remote_exdates = _merge_exdates(base, local, remote)
    result["exdates"] = sorted(exdates)
    if exdates != set(local["exdates"]):
        taken.add("exdates")
    differs = any(result[name] != remote[name] for name in FIELDS) or exdates != remote_exdates
    return Merged(result, frozenset(taken), frozenset(conflicts), differs)


def _merge_exdates(base: Copy | None, local: Copy, remote: Copy) -> tuple[set[str], set[str]]:
    """Exception dates merge as sets: each side's additions and removals since the base.
    Google's view of them is its EXDATE lines and the occurrences it cancelled."""
    cancelled = cancelled_of(base)
    former = set(base["exdates"]) | cancelled if base is not None else set()
    theirs = set(remote["exdates"]) | cancelled
    mine = set(local["exdates"])
    if base is None:
        return mine | theirs, theirs
    kept = former - (former - theirs) - (former - mine)
    return kept | (theirs - former) | (mine - former), theirs


def changed_there(item: JsonDict, event: LocalEvent) -> bool:
    """Whether Google's copy moved on since our last exchange: by its ETag, or by Google's
    own `updated` (never compared with our clock)."""
    if event.google_etag is not None and item.get("etag") is not None:
        return bool(item["etag"] != event.google_etag)
    return google_updated(item) != event.google_updated_at
