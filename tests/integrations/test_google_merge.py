"""The three-way merge of one event on its own: field by field against the last synced copy,
a change on both sides to the later one, each timed on its own clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.google.merge import Copy, Pair, here_is_later, merge

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


def copy(**fields: Any) -> Copy:
    base: Copy = {
        "title": "Dentiste",
        "description": None,
        "location": "Paris",
        "when": ["2026-12-01T08:00:00+00:00", "2026-12-01T09:00:00+00:00", False],
        "recurrence": None,
        "exdates": [],
    }
    return base | fields


def test_a_field_changed_on_one_side_takes_that_side_and_the_rest_stays() -> None:
    base = copy()
    local = copy(title="Dentiste (Dr Roux)")
    remote = copy(location="Lyon")
    merged = merge(base, local, remote, here_later=False)
    assert (merged.copy["title"], merged.copy["location"]) == ("Dentiste (Dr Roux)", "Lyon")
    assert merged.taken == {"location"} and merged.conflicts == frozenset()
    assert merged.differs_from_remote  # our title still has to go there


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    merged = merge(copy(), copy(title="X"), copy(title="X"), here_later=False)
    assert merged.conflicts == frozenset() and not merged.differs_from_remote


def test_a_field_changed_on_both_sides_goes_to_the_later_change() -> None:
    base, local, remote = copy(), copy(title="Ici"), copy(title="Là-bas")
    assert merge(base, local, remote, here_later=True).copy["title"] == "Ici"
    theirs = merge(base, local, remote, here_later=False)
    assert theirs.copy["title"] == "Là-bas" and theirs.taken == {"title"}
    assert theirs.conflicts == {"title"} and not theirs.differs_from_remote


def test_times_move_together() -> None:
    moved = ["2026-12-01T10:00:00+00:00", "2026-12-01T11:00:00+00:00", False]
    merged = merge(copy(), copy(), copy(when=moved), here_later=True)
    assert merged.copy["when"] == moved and merged.taken == {"when"}


def test_without_a_base_every_difference_is_a_conflict() -> None:
    merged = merge(None, copy(title="Ici"), copy(location="Lyon"), here_later=True)
    assert merged.conflicts == {"title", "location"}
    assert (merged.copy["title"], merged.copy["location"]) == ("Ici", "Paris")


def test_exception_dates_merge_as_sets_and_google_cancellations_count_as_google_s() -> None:
    a, b, c = "2026-12-07T17:00:00+00:00", "2026-12-14T17:00:00+00:00", "2026-12-21T17:00:00+00:00"
    base = copy(recurrence="FREQ=WEEKLY", exdates=[a]) | {"cancelled": [b]}
    local = copy(recurrence="FREQ=WEEKLY", exdates=[a, b, c])  # c: left out here since
    remote = copy(recurrence="FREQ=WEEKLY", exdates=[a])  # b: a cancelled exception there
    merged = merge(base, local, remote, here_later=False)
    assert merged.copy["exdates"] == [a, b, c] and merged.differs_from_remote
    unchanged = merge(
        base, copy(recurrence="FREQ=WEEKLY", exdates=[a, b]), remote, here_later=False
    )
    assert not unchanged.differs_from_remote and "exdates" not in unchanged.taken


def test_each_side_is_timed_on_its_own_clock() -> None:
    google_ahead = Pair(app=T0, google=T0 + timedelta(hours=1))
    # Google changed it 10 minutes after the pair, we did 20 minutes after: ours is later,
    # although Google's `updated` is 50 minutes after our change's time.
    assert here_is_later(
        changed_here=T0 + timedelta(minutes=20),
        changed_there=T0 + timedelta(hours=1, minutes=10),
        pair=google_ahead,
    )
    assert not here_is_later(
        changed_here=T0 + timedelta(minutes=5),
        changed_there=T0 + timedelta(hours=1, minutes=10),
        pair=google_ahead,
    )
    assert not here_is_later(changed_here=T0, changed_there=T0, pair=None)
