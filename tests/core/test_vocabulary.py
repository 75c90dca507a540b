"""The shared vocabulary: HH:MM read and written one way, labels for every value."""

from __future__ import annotations

from datetime import time

import pytest

from core import vocabulary as v


@pytest.mark.parametrize(("text", "expected"), [("07:30", time(7, 30)), (" 7:05 ", time(7, 5))])
def test_hhmm_reads_hours_and_minutes(text: str, expected: time) -> None:
    assert v.parse_hhmm(text) == expected
    assert v.hhmm(expected) == text.strip().zfill(5)


@pytest.mark.parametrize("text", ["7h30", "7", "25:00", "07:60", "", "7:5", "sept heures"])
def test_hhmm_refuses_anything_else_and_says_the_form(text: str) -> None:
    with pytest.raises(ValueError, match="not a time like 07:30"):
        v.parse_hhmm(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7h30", time(7, 30)), ("21h", time(21)), ("8", time(8)), ("08:15", time(8, 15))],
)
def test_what_the_owner_types_is_read_too(text: str, expected: time) -> None:
    assert v.parse_hhmm(text, typed=True) == expected


def test_a_list_of_times_is_sorted_and_each_time_kept_once() -> None:
    assert v.parse_hhmm_list("20:00, 09:00,20:00") == (time(9), time(20))
    assert v.parse_hhmm_list("21h 8:00", typed=True) == (time(8), time(21))
    with pytest.raises(ValueError):
        v.parse_hhmm_list("21h, 8:00")


def test_every_value_has_a_french_label() -> None:
    for values, labels in [
        (v.TODO_STATUSES, v.TODO_STATUS_LABELS),
        (v.STEP_STATUSES, v.STEP_STATUS_LABELS),
        (v.ENERGIES, v.ENERGY_LABELS),
        (v.REMOTE_TYPES, v.REMOTE_TYPE_LABELS),
        (v.PROJECT_KINDS, v.PROJECT_KIND_LABELS),
        (v.ACTION_STATUSES, v.ACTION_STATUS_LABELS),
    ]:
        assert list(labels) == list(values)
    assert range(v.LOWEST_PRIORITY, v.HIGHEST_PRIORITY + 1) == range(len(v.PRIORITY_LABELS))
