"""RFC 5545 recurrence rules (one RRULE, plus exception dates), expanded in the owner's
wall-clock time: a series at 18:00 stays at 18:00 across daylight saving changes.

A rule is stored without its "RRULE:" prefix, in icalendar's canonical order
("FREQ=WEEKLY;BYDAY=MO"). It is parsed by icalendar (validation, canonical text) and expanded by
dateutil's rrule; neither is written here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr  # type: ignore[import-untyped]
from icalendar import vRecur
from pydantic import AfterValidator, Field

from core.french import DAYS, MONTHS

# Seconds and minutes would turn a reminder into spam; nobody asks for them in a personal OS.
FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_RULE_LENGTH = 300
# A longer series is an open-ended one: leave COUNT out. (It also bounds the work of turning
# COUNT into UNTIL, which walks the occurrences.)
MAX_COUNT = 1000
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", -1: "dernier"}


class InvalidRecurrenceError(ValueError):
    """The text is not an RRULE this service honours; the message says why, in English
    (it ends up in a 422's details, naming the field)."""


def normalize(text: str) -> str:
    """The canonical form of an RRULE ("RRULE:" prefix optional), or InvalidRecurrenceError."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body or len(body) > MAX_RULE_LENGTH or "\n" in body:
        raise InvalidRecurrenceError("expected one RRULE line, e.g. FREQ=WEEKLY;BYDAY=MO")
    try:
        parts = vRecur.from_ical(body.upper())
    except ValueError as exc:
        raise InvalidRecurrenceError(f"not an RFC 5545 RRULE: {exc}") from None
    freq = parts.get("FREQ", [None])[0]
    if freq not in FREQUENCIES:
        raise InvalidRecurrenceError(f"FREQ must be one of {', '.join(FREQUENCIES)}")
    if "UNTIL" in parts and "COUNT" in parts:
        raise InvalidRecurrenceError("UNTIL and COUNT cannot both be given")
    if "COUNT" in parts and not 1 <= int(parts["COUNT"][0]) <= MAX_COUNT:
        raise InvalidRecurrenceError(f"COUNT must be between 1 and {MAX_COUNT}")
    canonical = _text(parts)
    try:
        # Naive on purpose: the wall-clock start every expansion uses.
        _build(canonical, datetime(2026, 1, 1, 9, 0), "UTC")  # noqa: DTZ001
    except (ValueError, TypeError) as exc:
        raise InvalidRecurrenceError(f"not an RFC 5545 RRULE: {exc}") from None
    return canonical


RRule = Annotated[
    str,
    AfterValidator(normalize),
    # No description here: each model says what the rule means to it, and the tool schemas the
    # model reads with every request are the shorter for it.
    Field(max_length=MAX_RULE_LENGTH + len("RRULE:")),
]
"""A validated rule, for every pydantic model that takes one (the agent's tool arguments, the
REST bodies): an invalid rule is a validation error located at the field, with the reason."""


def _parts(rule: str) -> dict[str, list[Any]]:
    return dict(vRecur.from_ical(rule))


def _text(parts: dict[str, list[Any]]) -> str:
    ical: bytes = vRecur(parts).to_ical()  # type: ignore[no-untyped-call]
    return ical.decode()


@lru_cache(maxsize=512)
def _build(rule: str, first: datetime, zone: str) -> rrule:
    """dateutil's rrule from the owner's naive wall-clock `first`; UNTIL (UTC or a date in the
    rule) is turned into the same wall-clock so that dateutil compares like with like."""
    parts = _parts(rule)
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        if isinstance(until, datetime):
            local = until.astimezone(ZoneInfo(zone)) if until.tzinfo else until
            until = local.replace(tzinfo=None)
        else:  # a date: the whole of that day is included
            until = datetime.combine(until, time.max)
        parts = parts | {"UNTIL": [until]}
    text = _text(parts)
    built: rrule = rrulestr(text, dtstart=first, cache=True)
    return built


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def _aware(wall: datetime, tz: ZoneInfo) -> datetime:
    # In the spring-forward gap zoneinfo reads the time with the earlier offset (02:30 → 03:30).
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def expand(
    rule: str,
    first: datetime,
    tz: ZoneInfo,
    *,
    start: datetime,
    end: datetime,
    exdates: Collection[datetime] = (),
) -> list[datetime]:
    """The occurrences' starts in [start, end), aware, in `tz`; `first` is the series' start."""
    series = _build(rule, _wall(first, tz), tz.key)
    # A day's slack each side: wall-clock bounds shift with the offset; the exact filter is below.
    found = series.between(
        _wall(start, tz) - timedelta(days=1), _wall(end, tz) + timedelta(days=1)
    )
    excluded = {moment.astimezone(UTC) for moment in exdates}
    return [
        moment
        for moment in (_aware(wall, tz) for wall in found)
        if start <= moment < end and moment.astimezone(UTC) not in excluded
    ]


def next_after(
    rule: str,
    first: datetime,
    tz: ZoneInfo,
    after: datetime,
    *,
    exdates: Collection[datetime] = (),
) -> datetime | None:
    """The first occurrence strictly after `after`, or None when the series has ended."""
    series = _build(rule, _wall(first, tz), tz.key)
    excluded = {moment.astimezone(UTC) for moment in exdates}
    for wall in _walls_after(series, _wall(after, tz) - timedelta(days=1)):
        moment = _aware(wall, tz)
        if moment > after and moment.astimezone(UTC) not in excluded:
            return moment
    return None


def _walls_after(series: rrule, wall: datetime) -> Iterator[datetime]:
    current: datetime | None = series.after(wall)
    while current is not None:
        yield current
        current = series.after(current)


def first_on_or_after(
    rule: str, first: datetime, tz: ZoneInfo, moment: datetime
) -> datetime | None:
    """The first occurrence at or after `moment` of the series starting at `first` (`first`
    itself counts only when the rule matches it, as in dateutil)."""
    return next_after(rule, first, tz, moment - timedelta(microseconds=1))


def carried(moment: datetime, anchor: datetime, occurrence: datetime, tz: ZoneInfo) -> datetime:
    """`moment` moved as `anchor` moved to `occurrence`, in wall-clock time: a reminder 15
    minutes before an 18:00 due time stays at 17:45 when the next one falls after a DST change."""
    return _aware(_wall(occurrence, tz) + (_wall(moment, tz) - _wall(anchor, tz)), tz)


def count_as_until(rule: str, first: datetime, tz: ZoneInfo) -> str:
    """The rule with its COUNT turned into UNTIL (the day of the last occurrence), `first`
    being the first occurrence, counted whatever the rule says (RFC 5545: DTSTART is always
    the first). A todo's series is stored one occurrence at a time, each computed from the
    previous one: COUNT would start again at every step, a day does not."""
    parts = _parts(rule)
    if "COUNT" not in parts:
        return rule
    count = int(parts.pop("COUNT")[0])
    series = _build(_text(parts), _wall(first, tz), tz.key)
    last = _wall(first, tz)
    remaining = count - 1
    for wall in series:
        if remaining <= 0:
            break
        if wall > last:
            last, remaining = wall, remaining - 1
    return _text(parts | {"UNTIL": [last.date()]})


def ends(rule: str) -> bool:
    """Whether the series stops by itself (UNTIL or COUNT)."""
    parts = _parts(rule)
    return "UNTIL" in parts or "COUNT" in parts


def until_rule(rule: str, last: datetime) -> str:
    """The same rule ending at `last` (inclusive): how a series is stopped or split."""
    parts = {k: v for k, v in _parts(rule).items() if k not in ("UNTIL", "COUNT")}
    return _text(parts | {"UNTIL": [last.astimezone(UTC)]})


# ---------------------------------------------------------------- in words


def describe(rule: str, first: datetime, tz: ZoneInfo, *, all_day: bool = False) -> str:
    """The rule in French for the card and every list: "chaque lundi à 18:00"."""
    parts = _parts(rule)
    local = first.astimezone(tz)
    words = _period(parts, local)
    if not all_day and parts["FREQ"][0] != "HOURLY":
        words += f" à {local:%H:%M}"
    return words + _end(parts, tz)


def _period(parts: dict[str, list[Any]], local: datetime) -> str:
    freq = parts["FREQ"][0]
    interval = int(parts.get("INTERVAL", [1])[0])
    days = [str(d) for d in parts.get("BYDAY", [])]
    if freq == "HOURLY":
        return "toutes les heures" if interval == 1 else f"toutes les {interval} heures"
    if freq == "DAILY":
        return "chaque jour" if interval == 1 else f"tous les {interval} jours"
    if freq == "WEEKLY":
        return _weekly(days or [_WEEKDAYS[local.weekday()]], interval)
    if freq == "MONTHLY":
        return _monthly(parts, days, interval, local)
    month = int(parts.get("BYMONTH", [local.month])[0])
    day = int(parts.get("BYMONTHDAY", [local.day])[0])
    every = "chaque année" if interval == 1 else f"tous les {interval} ans"
    return f"{every} le {_day_of_month(day)} {MONTHS[month - 1]}"


def _weekly(days: list[str], interval: int) -> str:
    if sorted(days, key=_WEEKDAYS.index) == list(_WEEKDAYS[:5]) and interval == 1:
        return "en semaine"
    names = _and([DAYS[_WEEKDAYS.index(d[-2:])] for d in sorted(days, key=_weekday_index)])
    if interval == 1:
        return f"chaque {names}"
    return f"toutes les {interval} semaines le {names}"


def _monthly(parts: dict[str, list[Any]], days: list[str], interval: int, local: datetime) -> str:
    every = "du mois" if interval == 1 else f"tous les {interval} mois"
    if days:
        day = days[0]
        position = int(parts.get("BYSETPOS", [day[:-2] or 1])[0])
        ordinal = _ORDINALS.get(position, f"{position}e")
        return f"le {ordinal} {DAYS[_WEEKDAYS.index(day[-2:])]} {every}"
    day_of_month = int(parts.get("BYMONTHDAY", [local.day])[0])
    if interval == 1:
        return f"chaque mois le {_day_of_month(day_of_month)}"
    return f"{every} le {_day_of_month(day_of_month)}"


def _end(parts: dict[str, list[Any]], tz: ZoneInfo) -> str:
    if "COUNT" in parts:
        return f", {int(parts['COUNT'][0])} fois"
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        day = until.astimezone(tz).date() if isinstance(until, datetime) else until
        return f", jusqu'au {_date(day)}"
    return ""


def _date(day: date) -> str:
    return f"{_day_of_month(day.day)} {MONTHS[day.month - 1]} {day.year}"


def _day_of_month(day: int) -> str:
    return "1er" if day == 1 else str(day)


def _weekday_index(day: str) -> int:
    return _WEEKDAYS.index(day[-2:])


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


# ---------------------------------------------------------------- for calendar apps


def calendar_rule(rule: str, tz: ZoneInfo, *, all_day: bool) -> str:
    """The rule as written next to a DTSTART (iCal feed, Google): RFC 5545 wants UNTIL as a
    DATE beside a DATE, and in UTC beside a time with a zone; a rule typed "UNTIL=20261224"
    for a timed series ends with that whole day, as `expand` reads it."""
    parts = _parts(rule)
    if "UNTIL" not in parts:
        return rule
    until = parts["UNTIL"][0]
    value: date | datetime
    if all_day:
        value = _local_day(until, tz)
    elif isinstance(until, datetime):
        value = (until if until.tzinfo else until.replace(tzinfo=tz)).astimezone(UTC)
    else:
        value = datetime.combine(until, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
    return _text(parts | {"UNTIL": [value]})


def _local_day(moment: date, tz: ZoneInfo) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(tz).date() if moment.tzinfo else moment.date()
    return moment
