"""Repetition: "tous les lundis", "le premier lundi du mois", "every 2 weeks until June 30", taken
out of a part's text (so they leave the title) and turned into an RFC 5545 rule, then into the
series' first occurrence.

What is understood, French and English (folded):

- every day / N days: "tous les jours", "chaque jour", "tous les 2 jours", "un jour sur deux",
  "every day", "daily", "every other day"; a part of the day, "tous les soirs", "every morning";
- weekdays: "chaque lundi", "tous les lundis et jeudis", "les lundis", "every Monday and
  Thursday", "on Mondays"; "en semaine", "du lundi au vendredi", "on weekdays"; "tous les
  week-ends", "every weekend";
- weeks: "toutes les semaines", "toutes les 2 semaines (le lundi)", "une semaine sur deux",
  "every week", "every 2 weeks (on Monday)", "every other week", "fortnightly";
- months: "tous les mois", "tous les mois le 5", "le 5 de chaque mois", "tous les 5 du mois",
  "monthly on the 5th", "le premier lundi du mois", "the last Friday of every month",
  "tous les 3 mois", "every other month";
- years: "tous les ans", "tous les ans le 14 juillet", "tous les 14 juillet", "every year on
  July 14", "every July 14";
- and, once a repetition was found: its end, "jusqu'au 30 juin", "until June 30", "pendant 3
  semaines", "for 3 weeks", "5 fois", "5 times"; its start, "à partir du 1er décembre",
  "starting Monday".

"le lundi" alone stays a date (this Monday), as does "ce week-end".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from agent.offline_parser.lexicon import MONTHS, NUMBER_WORDS, PARTS_OF_DAY, WEEKDAYS
from agent.offline_parser.text import Text, alt
from agent.offline_parser.when import take_date_at
from core import recurrence

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKWEEK = "MO,TU,WE,TH,FR"
_DEFAULT_CLOCK = time(9)

_WD = alt(WEEKDAYS)
_MON = alt(MONTHS)
_NUM = rf"(?:\d{{1,2}}|{alt(NUMBER_WORDS)})"
_ORDINALS = {
    "premier": 1, "1er": 1, "first": 1, "1st": 1, "deuxieme": 2, "2e": 2, "2eme": 2,
    "second": 2, "2nd": 2, "troisieme": 3, "3e": 3, "3eme": 3, "third": 3, "3rd": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4, "fourth": 4, "4th": 4, "dernier": -1, "last": -1,
}  # fmt: skip
_POD = r"(?P<pod>matin|soir|apres-midi|nuit|morning|afternoon|evening|night)s?"
# One or more weekdays, singular or plural: "lundi", "lundis et jeudis", "monday, wednesday and
# friday".
_DAYS = (
    rf"(?P<days>(?:{_WD})s?(?:\s*(?:,|\bet\b|\band\b|&)\s*(?:(?:le|les)\s+)?(?:{_WD})s?){{0,6}})"
)
_EVERY = r"(?:tous\s+les|toutes\s+les|chaque|every|each)"
_DATE = (
    rf"(?:(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})"
    rf"|(?P<mon2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b"
)
_YEARLY_WORDS = r"(?:tous\s+les\s+ans|chaque\s+annee|every\s+year|each\s+year|annuellement"
_YEARLY_WORDS += r"|annually|yearly)"
_MONTHLY_WORDS = r"(?:tous\s+les\s+mois|chaque\s+mois|every\s+month|each\s+month|mensuellement"
_MONTHLY_WORDS += r"|monthly)"
# "weekly", "monthly"… alone are adjectives too ("monthly report"): a repetition only at the end
# or before what may follow one.
_ADVERB_END = r"(?=\s*(?:$|[,.;!\x00]|on\b|at\b|from\b|until\b|for\b|starting\b))"


@dataclass(frozen=True)
class Repeat:
    """What the repetition phrases of one part said, before the series is placed in time."""

    rule: str  # FREQ=…;… without its end
    until: date | None = None
    span: relativedelta | None = None  # "pendant 3 semaines"
    count: int | None = None
    start: date | None = None  # "à partir du 1er décembre"
    part_of_day: str | None = None  # "tous les soirs"


def _number(word: str | None, default: int = 1) -> int:
    if not word:
        return default
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _byday(days: str | None) -> str:
    if not days:
        return ""
    found = [WEEKDAYS[w] for w in re.findall(_WD, days)]
    codes = ",".join(_CODES[d] for d in sorted(set(found)))
    return f";BYDAY={codes}"


def _interval(n: int) -> str:
    return f";INTERVAL={n}" if n > 1 else ""


def _pod(match: re.Match[str]) -> str | None:
    pod = match.groupdict().get("pod")
    return PARTS_OF_DAY[pod] if pod else None


def _nth_weekday(m: re.Match[str]) -> str | None:
    return f"FREQ=MONTHLY;BYDAY={_ORDINALS[m['ord']]}{_CODES[WEEKDAYS[m['wd']]]}"


def _yearly_date(m: re.Match[str]) -> str | None:
    day, month = int(m["d"] or m["d2"]), MONTHS[m["mon"] or m["mon2"]]
    try:
        date(2024, month, day)  # a leap year: the 29th of February is a date
    except ValueError:
        return None
    return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"


def _month_day(m: re.Match[str]) -> str | None:
    day = int(m["md"])
    return f"FREQ=MONTHLY;BYMONTHDAY={day}" if 1 <= day <= 31 else None


def _every(m: re.Match[str]) -> int:
    """The N of "toutes les N semaines" / "every N weeks"; 2 for "every other", "sur deux"."""
    groups = m.groupdict()
    if groups.get("other"):
        return 2
    return _number(groups.get("n") or groups.get("n2"))


def _weeks(m: re.Match[str]) -> str | None:
    return f"FREQ=WEEKLY{_interval(_every(m))}{_byday(m.groupdict().get('days'))}"


def _days(m: re.Match[str]) -> str | None:
    return f"FREQ=DAILY{_interval(_every(m))}"


def _months(m: re.Match[str]) -> str | None:
    return f"FREQ=MONTHLY{_interval(_every(m))}"


_Builder = Callable[[re.Match[str]], str | None]


def _fixed(rule: str) -> _Builder:
    return lambda _match: rule


# Tried in this order; the first that matches is the repetition (more specific ones first:
# "tous les jours ouvrés" before "tous les jours", "tous les mois le 5" before "tous les mois").
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (
        re.compile(
            rf"\b(?:(?:le|les|chaque|tous\s+les|the|every|each|on\s+the)\s+)?"
            rf"(?P<ord>{alt(_ORDINALS)})s?\s+(?P<wd>{_WD})s?\s+(?:du|de\s+chaque|de\s+tous\s+les"
            r"|of\s+the|of\s+every|of\s+each|each|every)\s+(?:mois|month)\b"
        ),
        _nth_weekday,
    ),
    (
        re.compile(rf"\b{_YEARLY_WORDS}\s*,?\s+(?:le\s+|on\s+(?:the\s+)?)?{_DATE}"),
        _yearly_date,
    ),
    (
        re.compile(
            rf"\b(?:le\s+|on\s+(?:the\s+)?)?{_DATE}\s+(?:de\s+chaque\s+annee|de\s+tous\s+les\s+ans"
            r"|chaque\s+annee|tous\s+les\s+ans|every\s+year|each\s+year)\b"
        ),
        _yearly_date,
    ),
    (re.compile(rf"\b(?:tous\s+les|chaque|every|each)\s+{_DATE}"), _yearly_date),
    (
        re.compile(
            rf"\b{_MONTHLY_WORDS}\s*,?\s+(?:le|on\s+the|the)\s+(?P<md>\d{{1,2}})"
            r"(?:er|st|nd|rd|th)?\b"
        ),
        _month_day,
    ),
    (
        re.compile(
            r"\b(?:le|the|on\s+the)\s+(?P<md>\d{1,2})(?:er|st|nd|rd|th)?\s+(?:de\s+chaque\s+mois"
            r"|de\s+tous\s+les\s+mois|of\s+(?:each|every)\s+month|(?:each|every)\s+month)\b"
        ),
        _month_day,
    ),
    (
        re.compile(
            r"\b(?:tous\s+les|chaque|every)\s+(?P<md>\d{1,2})(?:er|st|nd|rd|th)?\s+"
            r"(?:du\s+mois|of\s+the\s+month)\b"
        ),
        _month_day,
    ),
    (
        re.compile(
            r"\b(?:en\s+semaine|les\s+jours\s+de\s+semaine|tous\s+les\s+jours\s+(?:de\s+la\s+semaine"
            r"|ouvres|ouvrables)|(?:chaque|tous\s+les)\s+jours?\s+ouvres?|du\s+lundi\s+au\s+vendredi"
            r"|(?:on\s+|every\s+)?weekdays|every\s+weekday|monday\s+(?:to|through|thru)\s+friday)\b"
        ),
        _fixed(f"FREQ=WEEKLY;BYDAY={_WORKWEEK}"),
    ),
    (
        re.compile(
            r"\b(?:tous\s+les\s+week-?\s?ends|chaque\s+week-?\s?end|every\s+weekend"
            r"|on\s+weekends)\b"
        ),
        _fixed("FREQ=WEEKLY;BYDAY=SA,SU"),
    ),
    (
        re.compile(
            rf"\b(?:toutes\s+les\s+(?P<n>{_NUM})\s+semaines|every\s+(?P<n2>{_NUM})\s+weeks"
            r"|(?P<other>une\s+semaine\s+sur\s+deux|every\s+other\s+week|fortnightly"
            rf"|every\s+fortnight))(?:\s*,?\s+(?:le|les|on)\s+{_DAYS})?"
        ),
        _weeks,
    ),
    (re.compile(rf"\b{_EVERY}\s+{_DAYS}(?:\s+{_POD})?"), _weeks),
    (
        re.compile(
            rf"\b(?:on|les)\s+(?P<days>(?:{_WD})s(?:\s*(?:,|\bet\b|\band\b|&)\s*(?:les\s+)?"
            rf"(?:{_WD})s){{0,6}})\b"
        ),
        _weeks,
    ),
    (
        re.compile(
            r"\b(?:toutes\s+les\s+semaines|chaque\s+semaine|une\s+fois\s+par\s+semaine"
            rf"|every\s+week|each\s+week|once\s+a\s+week|hebdomadairement|weekly{_ADVERB_END})"
            rf"(?:\s*,?\s+(?:le|les|on)\s+{_DAYS})?"
        ),
        _weeks,
    ),
    (
        re.compile(
            rf"\b(?:tous\s+les\s+(?P<n>{_NUM})\s+jours|every\s+(?P<n2>{_NUM})\s+days"
            r"|(?P<other>un\s+jour\s+sur\s+deux|every\s+other\s+day))\b"
        ),
        _days,
    ),
    (re.compile(rf"\b{_EVERY}\s+{_POD}\b"), _fixed("FREQ=DAILY")),
    (
        re.compile(
            r"\b(?:tous\s+les\s+jours|chaque\s+jour|quotidiennement|every\s+day|each\s+day"
            rf"|everyday|daily{_ADVERB_END})"
        ),
        _fixed("FREQ=DAILY"),
    ),
    (
        re.compile(
            rf"\b(?:tous\s+les\s+(?P<n>{_NUM})\s+mois|every\s+(?P<n2>{_NUM})\s+months"
            r"|(?P<other>un\s+mois\s+sur\s+deux|every\s+other\s+month)|tous\s+les\s+mois"
            rf"|chaque\s+mois|every\s+month|each\s+month|mensuellement|monthly{_ADVERB_END})"
        ),
        _months,
    ),
    (
        re.compile(
            r"\b(?:tous\s+les\s+ans|chaque\s+annee|every\s+year|each\s+year|annuellement"
            rf"|annually|yearly{_ADVERB_END})"
        ),
        _fixed("FREQ=YEARLY"),
    ),
)


_UNTIL = re.compile(r"\b(?:jusqu'au|jusqu'a|jusqu'en|until|till|through|up\s+to)\s+")
_START = re.compile(
    r"\b(?:a\s+partir\s+(?:du|de|d')|a\s+compter\s+(?:du|de|d')|starting(?:\s+(?:on|from))?"
    r"|beginning(?:\s+on)?|from)\s*"
)
_FOR = re.compile(
    rf"\b(?:pendant|durant|during|for)\s+(?P<n>{_NUM})\s*(?P<unit>jours?|days?|semaines?|weeks?"
    r"|mois|months?|ans|annees?|years?)\b"
)
_COUNT = re.compile(rf"\b(?P<n>{_NUM})\s+(?:fois|times)\b(?!\s+(?:par|per|a)\b)")


def _span(n: int, unit: str) -> relativedelta:
    if unit.startswith(("j", "d")):
        return relativedelta(days=n)
    if unit.startswith(("s", "w")):
        return relativedelta(weeks=n)
    if unit.startswith("m"):
        return relativedelta(months=n)
    return relativedelta(years=n)


def _take_rule(text: Text) -> tuple[str, str | None] | None:
    for pattern, build in _PATTERNS:
        for match in text.find(pattern):
            rule = build(match)
            if rule is not None:
                text.blank(match)
                return rule, _pod(match)
    return None


def _take_dated(text: Text, keyword: re.Pattern[str], today: date) -> date | None:
    for match in text.find(keyword):
        found = take_date_at(text, match.end(), today)  # blanks the date only when found
        if found is not None:
            text.blank(match)
            return found
    return None


def take_repeat(text: Text, today: date) -> Repeat | None:
    """Blank and return the repetition said in the text, with its end and start, if any."""
    taken = _take_rule(text)
    if taken is None:
        return None
    rule, part_of_day = taken
    until = _take_dated(text, _UNTIL, today)
    span = count = None
    if until is None and (match := text.take(_FOR)) is not None:
        span = _span(_number(match["n"]), match["unit"])
    elif until is None and (match := text.take(_COUNT)) is not None:
        count = _number(match["n"])
    start = _take_dated(text, _START, today)
    return Repeat(rule, until, span, count, start, part_of_day)


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC).astimezone(tz)


def place(repeat: Repeat, start: datetime | None, now: datetime) -> tuple[str, datetime] | None:
    """The full rule and the series' first occurrence: the first at or after `start` (what
    the other phrases said: "à 18h", "demain"; the next 09:00 when nothing) and at or after
    now. None when the rule ends before it starts."""
    tz = now.tzinfo
    assert isinstance(tz, ZoneInfo)  # parse() takes the owner's aware now
    if start is None:  # as a time with no date: today, or tomorrow once it has passed
        start = _local(now.date(), _DEFAULT_CLOCK, tz)
        if start <= now:
            start = _local(now.date() + timedelta(days=1), _DEFAULT_CLOCK, tz)
    local = start.astimezone(tz)
    day = repeat.start or local.date()
    first_start = _local(day, local.time(), tz)
    first = recurrence.first_on_or_after(repeat.rule, first_start, tz, max(first_start, now))
    if first is None:
        return None
    end = repeat.until or (first.date() + repeat.span - timedelta(days=1) if repeat.span else None)
    rule = repeat.rule
    if end is not None:
        rule += f";UNTIL={end:%Y%m%d}"
    elif repeat.count is not None:
        rule += f";COUNT={repeat.count}"
    try:
        rule = recurrence.normalize(rule)
    except recurrence.InvalidRecurrenceError:
        return None
    if end is not None and first.date() > end:
        return None
    return rule, first
