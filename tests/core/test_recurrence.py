"""Recurrence rules: validation, wall-clock expansion across DST, and the rule in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.recurrence import (
    InvalidRecurrenceError,
    describe,
    ends,
    expand,
    next_after,
    normalize,
    until_rule,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("RRULE:freq=daily", "FREQ=DAILY"),
        (" FREQ=MONTHLY;BYMONTHDAY=5 ", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("FREQ=WEEKLY;UNTIL=20261231T230000Z;BYDAY=MO,TH", None),
        ("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14", "FREQ=YEARLY;BYMONTHDAY=14;BYMONTH=7"),
    ],
)
def test_a_valid_rule_is_kept_in_canonical_form(text: str, canonical: str | None) -> None:
    assert normalize(text) == (canonical or text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tous les lundis",
        "FREQ=SOMETIMES",
        "FREQ=MINUTELY",
        "BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z",
        "FREQ=DAILY\nEXDATE:20261201",
        "FREQ=DAILY;" + "BYHOUR=1;" * 60,
    ],
)
def test_an_invalid_rule_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidRecurrenceError):
        normalize(text)


def test_a_weekly_series_keeps_its_wall_clock_time_across_both_dst_changes() -> None:
    first = paris(2026, 3, 23, 18, 0)  # a Monday; DST starts Sunday 29 March
    found = expand("FREQ=WEEKLY;BYDAY=MO", first, PARIS, start=first, end=paris(2026, 4, 7))
    assert [(m.date().isoformat(), f"{m:%H:%M}") for m in found] == [
        ("2026-03-23", "18:00"),
        ("2026-03-30", "18:00"),
        ("2026-04-06", "18:00"),
    ]
    assert found[0].utcoffset() == timedelta(hours=1)
    assert found[1].utcoffset() == timedelta(hours=2)
    autumn = expand(
        "FREQ=DAILY",
        paris(2026, 10, 20, 18, 0),
        PARIS,
        start=paris(2026, 10, 24),
        end=paris(2026, 10, 27),
    )
    assert [m.astimezone(UTC).hour for m in autumn] == [16, 17, 17]  # 25 Oct: back to UTC+1


def test_next_after_moves_by_the_rule_and_the_series_ends_by_count_or_until() -> None:
    first = paris(2026, 11, 30, 18, 0)  # Monday
    assert next_after("FREQ=WEEKLY;BYDAY=MO", first, PARIS, first) == paris(2026, 12, 7, 18, 0)
    assert next_after("FREQ=DAILY;COUNT=2", first, PARIS, first) == paris(2026, 12, 1, 18, 0)
    assert next_after("FREQ=DAILY;COUNT=2", first, PARIS, paris(2026, 12, 1, 18, 0)) is None
    until = "FREQ=DAILY;UNTIL=20261201T170000Z"  # 18:00 in Paris: the last one included
    assert next_after(until, first, PARIS, first) == paris(2026, 12, 1, 18, 0)
    assert next_after("FREQ=DAILY;UNTIL=20261201", first, PARIS, first) is not None
    assert ends(until) and not ends("FREQ=DAILY")


def test_exception_dates_are_left_out() -> None:
    first = paris(2026, 12, 1, 9, 0)
    found = expand(
        "FREQ=DAILY",
        first,
        PARIS,
        start=first,
        end=paris(2026, 12, 4),
        exdates=[paris(2026, 12, 2, 9, 0).astimezone(UTC)],
    )
    assert [m.day for m in found] == [1, 3]
    skipped = next_after("FREQ=DAILY", first, PARIS, first, exdates=[paris(2026, 12, 2, 9, 0)])
    assert skipped == paris(2026, 12, 3, 9, 0)


def test_a_series_stopped_ends_at_its_last_occurrence() -> None:
    first = paris(2026, 12, 1, 9, 0)
    stopped = until_rule("FREQ=DAILY;COUNT=10", paris(2026, 12, 2, 9, 0))
    assert "COUNT" not in stopped
    found = expand(stopped, first, PARIS, start=first, end=paris(2027, 1, 1))
    assert [m.day for m in found] == [1, 2]


def test_a_year_of_a_daily_series_expands_only_the_window() -> None:
    first = paris(2025, 11, 25, 7, 30)
    week = expand("FREQ=DAILY", first, PARIS, start=paris(2026, 11, 23), end=paris(2026, 11, 30))
    assert len(week) == 7 and week[0] == paris(2026, 11, 23, 7, 30)


@pytest.mark.parametrize(
    ("rule", "first", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", paris(2026, 11, 30, 18, 0), "chaque lundi à 18:00"),
        ("FREQ=WEEKLY", paris(2026, 11, 30, 18, 0), "chaque lundi à 18:00"),
        ("FREQ=DAILY", paris(2026, 12, 1, 8, 0), "chaque jour à 08:00"),
        ("FREQ=DAILY;INTERVAL=3", paris(2026, 12, 1, 8, 0), "tous les 3 jours à 08:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH",
            paris(2026, 11, 30, 9, 0),
            "chaque lundi et jeudi à 09:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            paris(2026, 11, 30, 7, 0),
            "en semaine à 07:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
            paris(2026, 12, 4, 10, 0),
            "toutes les 2 semaines le vendredi à 10:00",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=5", paris(2026, 12, 5, 9, 0), "chaque mois le 5 à 09:00"),
        (
            "FREQ=MONTHLY;BYDAY=1MO",
            paris(2026, 12, 7, 9, 0),
            "le premier lundi du mois à 09:00",
        ),
        (
            "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14",
            paris(2027, 7, 14, 9, 0),
            "chaque année le 14 juillet à 09:00",
        ),
        (
            "FREQ=DAILY;UNTIL=20261224T230000Z",
            paris(2026, 12, 1, 8, 0),
            "chaque jour à 08:00, jusqu'au 25 décembre 2026",
        ),
        ("FREQ=DAILY;COUNT=5", paris(2026, 12, 1, 8, 0), "chaque jour à 08:00, 5 fois"),
    ],
)
def test_a_rule_reads_in_french(rule: str, first: datetime, words: str) -> None:
    assert describe(rule, first, PARIS) == words


def test_an_all_day_series_has_no_time_in_words() -> None:
    rule = "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14"
    assert describe(rule, paris(2027, 7, 14), PARIS, all_day=True) == (
        "chaque année le 14 juillet"
    )
