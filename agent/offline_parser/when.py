"""Dates, times and durations: the temporal phrases of one part are taken out of its text into
a `When`, then resolved against now (the package's docstring lists the defaults)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType

from agent.offline_parser.lexicon import (
    MONTHS,
    NUMBER_WORDS,
    PARTS_OF_DAY,
    RELATIVE_DAYS,
    WEEKDAYS,
)
from agent.offline_parser.text import MASK, Text, alt

_PART_OF_DAY_CLOCK = MappingProxyType(
    {"morning": time(9), "noon": time(12), "afternoon": time(14), "evening": time(19),
     "night": time(21)}
)  # fmt: skip


_PM_PARTS = frozenset({"afternoon", "evening", "night"})

_DEFAULT_CLOCK = time(9)

_NUM = rf"(?:\d{{1,3}}|{alt(NUMBER_WORDS)})"

_UNIT = r"(?:minutes?|mins?|mn|heures?|hours?|hrs?|h|jours?|days?|semaines?|weeks?|mois|months?)"

_HM_UNIT = r"(?:minutes?|mins?|mn|heures?|hours?|hrs?|h)"

_HALF = r"(?P<half>\s+(?:et|and)\s+(?:demie?|a\s+half))?"

_DEMI = r"(?:une\s+demi-?\s?heure|half\s+an\s+hour|a\s+half\s+hour)"

_MER = r"(?:a\.?m\.?|p\.?m\.?)(?![a-z])"

_ATOM = (
    rf"(?:\d{{1,2}}\s*h\s*\d{{2}}(?!\d)|\d{{1,2}}\s*h(?![a-z\d])|\d{{1,2}}:\d{{2}}(?:\s*{_MER})?"
    rf"|\d{{1,2}}\.\d{{2}}\s*{_MER}|\d{{1,2}}\s*{_MER}|(?<!apres-)(?<!apres )midi|minuit|noon"
    r"|midnight)"
)

_ANY_CLOCK = rf"(?:{_ATOM}|\d{{1,2}})"

_WD = alt(WEEKDAYS)

_MON = alt(MONTHS)

# Words that may introduce a date and belong to it ("pour demain", "avant le 3 mai", "on friday").
_DPREP = (
    r"(?:\b(?:pour|avant|d'ici|des|jusqu'a|jusqu'au|by|for|due|on|before|until|le|this|ce"
    r"|cette|next|coming)\s+){0,2}"
)

_TPREP = r"(?:\b(?:a|vers|at|around|about|des|pour|avant|by|before)\s+|@\s*)?"

_OFFSET = re.compile(
    rf"\b(?:dans|in)\s+(?:(?P<n>{_NUM})\s*(?P<unit>{_UNIT})(?![a-z])(?:\s*(?P<m>\d{{2}})(?!\d))?"
    rf"{_HALF}|(?P<demi>{_DEMI}))\b"
)

_DURATION = re.compile(
    rf"\b(?:pendant|durant|for|during|duree\s*:?|pour(?=\s+\S+\s+(?:heure|minute|mn|min)))\s+"
    rf"(?:(?P<n>{_NUM})\s*(?P<unit>{_HM_UNIT})(?![a-z])(?:\s*(?P<m>\d{{2}})(?!\d))?{_HALF}"
    rf"|(?P<demi>{_DEMI}))"
)

_ISO_DATE = re.compile(rf"{_DPREP}\b(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})\b")

_NUMERIC_DATE = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD})\s+)?(?<![\d/])(?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})"
    r"(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"
)

_DAY_MONTH = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD}),?\s+)?\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<mon>{_MON})\b\.?(?:\s+(?P<y>\d{{4}})\b)?"
)

_MONTH_DAY = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD}),?\s+)?\b(?P<mon>{_MON})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<y>\d{{4}})\b)?(?!\s*(?::|{_MER}))"
)

# "avant le 5", "on the 1st": only when nothing but a time or the end follows the number.
_DAY_OF_MONTH = re.compile(
    r"(?:\b(?:pour|avant|d'ici|des|jusqu'au|by|before|for|until|on)\s+){0,2}"
    r"(?:\ble\s+(?P<fr>\d{1,2})(?:er)?|\bthe\s+(?P<en>\d{1,2})(?:st|nd|rd|th))"
    r"(?=[\s,.;!?]*(?:$|\x00|a\s|at\s))"
)

_RANGE = re.compile(
    rf"(?:\b(?:de|from|entre|between|a|at)\s+)?(?<![\d/:.])(?P<a>{_ANY_CLOCK})\s*"
    rf"(?:-|–|—|\ba\b|\bto\b|\btill\b|\buntil\b|\bet\b|\band\b|jusqu'a)\s*(?P<b>{_ATOM})"
)

_UNTIL = re.compile(rf"\b(?:jusqu'a|jusqu'au|until|till)\s+(?P<b>{_ATOM})")

_RELATIVE = re.compile(rf"{_DPREP}\b(?P<rel>{alt(RELATIVE_DAYS)})\b")

_TODAY_PART = re.compile(
    r"\b(?:ce\s+(?P<fr>soir|matin|midi)|cet\s+(?P<fr2>apres-midi|apres midi|aprem)"
    r"|cette\s+(?P<fr3>nuit)|this\s+(?P<en>morning|afternoon|evening)|(?P<tonight>tonight))\b"
)

_WEEKDAY = re.compile(rf"{_DPREP}\b(?P<wd>{_WD})\b(?:\s+(?:prochain|qui\s+vient))?")

_NEXT_WEEK = re.compile(rf"{_DPREP}\b(?:la\s+semaine\s+prochaine|next\s+week)\b")

_WEEKEND = re.compile(r"\b(?:ce|le|this|on\s+the|the)\s+week-?\s?end\b")

_CLOCK = re.compile(
    rf"{_TPREP}(?<![\d/:.])(?P<t>{_ATOM})"
    r"(?:\s+(?:du|de\s+l'|in\s+the|at)\s*(?P<pod>matin|apres-midi|soir|morning|afternoon"
    r"|evening|night))?"
)

_BARE_AT = re.compile(r"\bat\s+(?P<n>\d{1,2})(?![\d:/.]|\s*(?:h\b|%)|\w)")

# Alone, these are nouns too ("soirée jeux"): read them only after "le"/"in the" or a date.
_PART_OF_DAY = re.compile(
    r"(?P<lead>\b(?:le|du|dans\s+la|en|in\s+the|at)\s+)?"
    r"\b(?P<pod>matinee|matin|apres-midi|aprem|soiree|soir|nuit|morning|afternoon|evening|night)\b"
)


@dataclass
class When:
    """What the temporal phrases of one part said, before it is resolved against now."""

    day: date | None = None
    start: time | None = None
    meridiem_known: bool = False
    end: time | None = None
    part_of_day: str | None = None
    duration: timedelta | None = None
    instant: datetime | None = None

    def set_day(self, day: date | None) -> None:
        # The first date found wins; later ones are still blanked out of the title.
        if self.day is None:
            self.day = day

    def has_time(self) -> bool:
        return self.start is not None or self.part_of_day is not None or self.instant is not None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _amount(match: re.Match[str]) -> tuple[int, str]:
    """The quantity of an offset or duration phrase, as (count, unit kind); halves in minutes."""
    if match["demi"]:
        return 30, "minutes"
    count, kind = _number(match["n"]), _unit_kind(match["unit"])
    extra = int(match["m"]) if match["m"] else (30 if match["half"] else 0)
    if kind == "hours" and extra:
        return count * 60 + extra, "minutes"
    return count, kind


def _unit_kind(unit: str) -> str:
    if unit.startswith("mo"):
        return "months"
    if unit.startswith("mi") or unit == "mn":
        return "minutes"
    if unit.startswith("h"):
        return "hours"
    if unit.startswith(("j", "d")):
        return "days"
    return "weeks"


def _delta(count: int, kind: str) -> timedelta:
    return timedelta(minutes=count) if kind == "minutes" else timedelta(hours=count)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=day.year + year, month=month + 1, day=last)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _shift(moment: datetime, delta: timedelta) -> datetime:
    """Add real elapsed time: computed in UTC so a DST change does not bend it."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def _local(day: date, clock: time, tz: tzinfo) -> datetime:
    # The UTC round trip moves a wall time that DST skips (02:30 in spring) past the gap.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC).astimezone(tz)


def _take_offsets(text: Text, when: When, now: datetime) -> None:
    for match in text.find(_OFFSET):
        text.blank(match)
        count, kind = _amount(match)
        if kind in ("minutes", "hours") and when.instant is None:
            when.instant = _shift(now, _delta(count, kind)).replace(second=0, microsecond=0)
        elif kind == "months":
            when.set_day(_add_months(now.date(), count))
        elif kind in ("days", "weeks"):
            when.set_day(now.date() + timedelta(days=count * (7 if kind == "weeks" else 1)))


def _take_durations(text: Text, when: When) -> None:
    for match in text.find(_DURATION):
        text.blank(match)
        if when.duration is None:
            when.duration = _delta(*_amount(match))


def _calendar_date(year: str | None, month: int, day: int, today: date) -> date | None:
    full_year = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
    try:
        found = date(full_year, month, day)
        if year is None and found < today:
            found = found.replace(year=full_year + 1)
    except ValueError:
        return None
    return found


def _take_dates(text: Text, when: When, today: date) -> None:
    for pattern in (_ISO_DATE, _NUMERIC_DATE, _DAY_MONTH, _MONTH_DAY):
        for match in text.find(pattern):
            month = int(match["mo"]) if "mo" in match.re.groupindex else MONTHS[match["mon"]]
            found = _calendar_date(match["y"], month, int(match["d"]), today)
            if found is not None:
                text.blank(match)
                when.set_day(found)


def _next_day_of_month(today: date, day: int) -> date | None:
    first = today.replace(day=1)
    for months in range(13):
        try:
            found = _add_months(first, months).replace(day=day)
        except ValueError:
            continue  # no 31st this month
        if found >= today:
            return found
    return None


def _take_days_of_month(text: Text, when: When, today: date) -> None:
    for match in text.find(_DAY_OF_MONTH):
        found = _next_day_of_month(today, int(match["fr"] or match["en"]))
        if found is not None:
            text.blank(match)
            when.set_day(found)


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _take_days(text: Text, when: When, today: date) -> None:
    for match in text.find(_TODAY_PART):
        text.blank(match)
        when.set_day(today)
        word = next(group for group in match.groups() if group)
        when.part_of_day = when.part_of_day or PARTS_OF_DAY[word]
    for match in text.find(_RELATIVE):
        text.blank(match)
        when.set_day(today + timedelta(days=RELATIVE_DAYS[re.sub(r"\s+", " ", match["rel"])]))
    for match in text.find(_WEEKDAY):
        text.blank(match)
        when.set_day(_next_weekday(today, WEEKDAYS[match["wd"]]))
    for match in text.find(_NEXT_WEEK):
        text.blank(match)
        when.set_day(_next_weekday(today, 0))
    for match in text.find(_WEEKEND):
        text.blank(match)
        when.set_day(today if today.weekday() == 5 else _next_weekday(today, 5))


def _clock(raw: str) -> tuple[time, bool] | None:
    """A clock time and whether its half of the day is known (24 h form or am/pm)."""
    word = raw.replace(" ", "")
    if word in ("midi", "noon"):
        return time(12), True
    if word in ("minuit", "midnight"):
        return time(0), True
    match = re.fullmatch(r"(\d{1,2})(?:[h:.](\d{2})?)?(?:(a|p)\.?m\.?)?", word)
    if match is None:
        return None
    hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), bool(meridiem) or hour == 0 or hour >= 12


def _take_ranges(text: Text, when: When) -> None:
    for match in text.find(_RANGE):
        start, end = _clock(match["a"]), _clock(match["b"])
        if start is None or end is None or when.start is not None:
            continue
        text.blank(match)
        when.start, when.meridiem_known = start
        when.end = end[0]
        # "2-3pm": the start borrows the end's afternoon when that keeps it before the end.
        if not start[1] and end[1] and time(start[0].hour + 12, start[0].minute) <= end[0]:
            when.start = time(start[0].hour + 12, start[0].minute)
    for match in text.find(_UNTIL):
        end = _clock(match["b"])
        if end is not None:
            text.blank(match)
            when.end = when.end or end[0]


def _take_clocks(text: Text, when: When) -> None:
    for match in text.find(_CLOCK):
        found = _clock(match["t"])
        if found is None:
            continue
        text.blank(match)
        if match["pod"]:
            when.part_of_day = when.part_of_day or PARTS_OF_DAY[match["pod"]]
        if when.start is None:
            when.start, when.meridiem_known = found
    for match in text.find(_BARE_AT):
        hour = int(match["n"])
        if when.start is None and 1 <= hour <= 12:
            text.blank(match)
            # English "at 5" with no am/pm: afternoon for 1-7, when meetings and calls happen.
            when.start = time(hour + 12 if hour <= 7 else hour)
            when.meridiem_known = hour <= 7 or hour == 12


def _take_parts_of_day(text: Text, when: When, before: str) -> None:
    """Parts of the day after a lead word, or right after a date ("demain soir")."""
    for match in text.find(_PART_OF_DAY):
        previous = match.start() - 2  # skip the one space between the date and the word
        after_date = previous >= 0 and before[previous] != MASK == text.folded[previous]
        if not (match["lead"] or after_date):
            continue
        text.blank(match)
        when.part_of_day = when.part_of_day or PARTS_OF_DAY[match["pod"]]


def take_when(text: Text, now: datetime) -> When:
    when = When()
    before = text.folded
    _take_offsets(text, when, now)
    _take_durations(text, when)
    _take_dates(text, when, now.date())
    _take_days_of_month(text, when, now.date())
    _take_ranges(text, when)
    _take_days(text, when, now.date())
    _take_clocks(text, when)
    _take_parts_of_day(text, when, before)
    return when


def _start_clock(when: When) -> time | None:
    part = when.part_of_day
    if when.start is None:
        return _PART_OF_DAY_CLOCK[part] if part else None
    if part in _PM_PARTS and not when.meridiem_known and when.start.hour < 12:
        return when.start.replace(hour=when.start.hour + 12)
    return when.start


def resolve_start(when: When, now: datetime) -> datetime | None:
    """The moment the phrases designate, or None when they said nothing about time."""
    tz = now.tzinfo
    assert tz is not None  # parse() refuses naive clocks
    if when.instant is not None:
        return when.instant
    clock = _start_clock(when)
    if when.day is None and clock is None:
        return None
    start = _local(when.day or now.date(), clock or _DEFAULT_CLOCK, tz)
    if when.day is None and start <= now:
        start = _local(now.date() + timedelta(days=1), clock or _DEFAULT_CLOCK, tz)
    return start


def resolve_end(when: When, start: datetime) -> datetime:
    if when.end is None:
        return _shift(start, when.duration or timedelta(hours=1))
    assert start.tzinfo is not None
    end = _local(start.date(), when.end, start.tzinfo)
    if end <= start:
        end = _local(start.date() + timedelta(days=1), when.end, start.tzinfo)
    return end


def take_date_at(text: Text, pos: int, today: date) -> date | None:
    """A day said right at `pos` (after "jusqu'au", "à partir du"), read as anywhere else and
    blanked; None when no date starts there."""
    folded = text.folded
    for pattern in (_ISO_DATE, _NUMERIC_DATE, _DAY_MONTH, _MONTH_DAY):
        match = pattern.match(folded, pos)
        if match is None:
            continue
        month = int(match["mo"]) if "mo" in match.re.groupindex else MONTHS[match["mon"]]
        found = _calendar_date(match["y"], month, int(match["d"]), today)
        if found is not None:
            text.blank(match)
            return found
    found, match = None, _DAY_OF_MONTH.match(folded, pos)
    if match is not None:
        found = _next_day_of_month(today, int(match["fr"] or match["en"]))
    elif (match := _RELATIVE.match(folded, pos)) is not None:
        found = today + timedelta(days=RELATIVE_DAYS[re.sub(r"\s+", " ", match["rel"])])
    elif (match := _WEEKDAY.match(folded, pos)) is not None:
        found = _next_weekday(today, WEEKDAYS[match["wd"]])
    if match is not None and found is not None:
        text.blank(match)
    return found
