"""Recurring events over HTTP: a series is created with its rule, listed as its occurrences in
the owner's wall-clock time (18:00 stays 18:00 across both DST changes), one occurrence can be
deleted, and the iCal feed publishes the series as one VEVENT with its RRULE and EXDATE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from tests.conftest import ICAL_SECRET
from tests.web.conftest import ApiClient, Client

PARIS = ZoneInfo("Europe/Paris")
FEED = f"/agenda/ical/{ICAL_SECRET}.ics"
EVENTS = "/agenda/events"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


async def series(api: ApiClient, start: datetime, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Piscine",
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(hours=1)),
        "recurrence": "FREQ=WEEKLY",
    } | fields
    created: dict[str, Any] = await api.post(EVENTS, json=body, status=201)
    return created


async def window(api: ApiClient, start: datetime, end: datetime) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get(
        EVENTS, params={"from": iso(start), "to": iso(end)}
    )
    return found


def local_starts(items: list[dict[str, Any]]) -> list[datetime]:
    return [utc(item["starts_at"]).astimezone(PARIS) for item in items]


async def test_a_weekly_series_stays_at_18_00_across_both_dst_changes(api: ApiClient) -> None:
    swim = await series(api, paris(2026, 3, 23, 18), recurrence="RRULE:freq=weekly;byday=mo")
    assert swim["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    assert swim["recurrence_text"] == "chaque lundi à 18:00"

    spring = await window(api, paris(2026, 3, 20), paris(2026, 4, 7))
    assert local_starts(spring) == [
        paris(2026, 3, 23, 18),
        paris(2026, 3, 30, 18),
        paris(2026, 4, 6, 18),
    ]
    assert [item["starts_at"] for item in spring] == [
        "2026-03-23T17:00:00Z",  # +01:00
        "2026-03-30T16:00:00Z",  # +02:00 since the 29th
        "2026-04-06T16:00:00Z",
    ]
    autumn = await window(api, paris(2026, 10, 19), paris(2026, 10, 27))
    assert [item["starts_at"] for item in autumn] == [
        "2026-10-19T16:00:00Z",
        "2026-10-26T17:00:00Z",  # +01:00 again since the 25th
    ]
    for item in spring + autumn:
        assert item["id"] == swim["id"]
        assert item["occurrence_start"] == item["starts_at"]
        assert utc(item["ends_at"]) - utc(item["starts_at"]) == timedelta(hours=1)
        assert item["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
        assert item["recurrence_text"] == "chaque lundi à 18:00"
        assert item["title"] == "Piscine"


async def test_a_series_begun_long_ago_shows_in_this_week_with_the_one_off_events(
    api: ApiClient,
) -> None:
    await series(api, paris(2025, 11, 1, 7, 30), title="Méditation", recurrence="FREQ=DAILY")
    await api.post(
        EVENTS,
        json={
            "title": "Dentiste",
            "starts_at": iso(paris(2026, 11, 26, 7)),
            "ends_at": iso(paris(2026, 11, 26, 8)),
        },
        status=201,
    )
    week = await window(api, paris(2026, 11, 23), paris(2026, 11, 30))
    assert [(item["title"], utc(item["starts_at"]).astimezone(PARIS)) for item in week] == [
        ("Méditation", paris(2026, 11, 23, 7, 30)),
        ("Méditation", paris(2026, 11, 24, 7, 30)),
        ("Méditation", paris(2026, 11, 25, 7, 30)),
        ("Dentiste", paris(2026, 11, 26, 7)),
        ("Méditation", paris(2026, 11, 26, 7, 30)),
        ("Méditation", paris(2026, 11, 27, 7, 30)),
        ("Méditation", paris(2026, 11, 28, 7, 30)),
        ("Méditation", paris(2026, 11, 29, 7, 30)),
    ]
    # An occurrence that began before the window and still runs in it is listed.
    evening = await window(api, paris(2026, 11, 25, 8), paris(2026, 11, 25, 9))
    assert local_starts(evening) == [paris(2026, 11, 25, 7, 30)]
    # Without a window: every event once, a series at its first occurrence.
    everything = await api.get(EVENTS)
    assert [(e["title"], e["starts_at"]) for e in everything] == [
        ("Méditation", "2025-11-01T06:30:00Z"),
        ("Dentiste", "2026-11-26T06:00:00Z"),
    ]


async def test_a_series_ends_with_its_rule_and_an_all_day_one_keeps_whole_days(
    api: ApiClient,
) -> None:
    await series(api, paris(2026, 11, 2, 9), title="Cours", recurrence="FREQ=WEEKLY;COUNT=3")
    await api.post(
        EVENTS,
        json={
            "title": "Marché",
            "starts_at": iso(paris(2026, 3, 28)),
            "ends_at": iso(paris(2026, 3, 29)),
            "all_day": True,
            "recurrence": "FREQ=DAILY;UNTIL=20260330",
        },
        status=201,
    )
    november = await window(api, paris(2026, 11, 1), paris(2026, 12, 31))
    assert local_starts(november) == [paris(2026, 11, d, 9) for d in (2, 9, 16)]
    assert november[0]["recurrence_text"] == "chaque lundi à 09:00, 3 fois"
    march = await window(api, paris(2026, 3, 27), paris(2026, 4, 2))
    assert [(item["starts_at"], item["ends_at"]) for item in march] == [
        ("2026-03-27T23:00:00Z", "2026-03-28T23:00:00Z"),
        ("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"),  # the 23-hour day
        ("2026-03-29T22:00:00Z", "2026-03-30T22:00:00Z"),
    ]
    assert march[0]["recurrence_text"] == "chaque jour, jusqu'au 30 mars 2026"


async def test_deleting_one_occurrence_leaves_the_rest_of_the_series(api: ApiClient) -> None:
    swim = await series(api, paris(2026, 11, 2, 18))
    path = f"{EVENTS}/{swim['id']}"
    dec7 = "2026-12-07T17:00:00Z"
    await api.delete(path, params={"occurrence": dec7})
    await api.delete(path, params={"occurrence": "2026-12-07T18:00:00+01:00"})  # twice: same
    december = await window(api, paris(2026, 11, 30), paris(2026, 12, 21))
    assert [item["starts_at"] for item in december] == [
        "2026-11-30T17:00:00Z",
        "2026-12-14T17:00:00Z",
    ]
    stored = await api.get(path)
    assert stored["recurrence_exdates"] == [dec7]
    assert stored["updated_at"] == "2026-11-25T09:00:00Z"  # the clock's: Google sync sees it

    error = await api.delete(path, params={"occurrence": "2026-12-08T17:00:00Z"}, status=404)
    assert error["error"]["code"] == "not_found"
    await api.delete(path, params={"occurrence": "tomorrow"}, status=422)

    await api.delete(path)  # the whole series
    assert await window(api, paris(2026, 11, 30), paris(2026, 12, 21)) == []
    await api.get(path, status=404)


async def test_the_one_occurrence_of_a_one_off_event_deletes_it(api: ApiClient) -> None:
    created = await api.post(
        EVENTS,
        json={
            "title": "Dentiste",
            "starts_at": "2026-12-01T09:00:00Z",
            "ends_at": "2026-12-01T10:00:00Z",
        },
        status=201,
    )
    path = f"{EVENTS}/{created['id']}"
    await api.delete(path, params={"occurrence": "2026-12-02T09:00:00Z"}, status=404)
    await api.delete(path, params={"occurrence": "2026-12-01T10:00:00+01:00"})
    await api.get(path, status=404)


def fields(error: dict[str, Any]) -> set[str]:
    """The body fields a 422 names."""
    return {d["loc"][0] for d in error["error"]["details"]}


async def test_a_bad_rule_or_reminder_is_a_422_naming_the_field(api: ApiClient) -> None:
    base = {"title": "x", "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-01T10:00:00Z"}
    for bad in ("tous les lundis", "FREQ=MINUTELY", "FREQ=DAILY;COUNT=2;UNTIL=20261231"):
        error = await api.post(EVENTS, json=base | {"recurrence": bad}, status=422)
        assert fields(error) == {"recurrence"}
    for minutes in (-1, 10081, "soon"):
        error = await api.post(EVENTS, json=base | {"reminder_minutes": minutes}, status=422)
        assert fields(error) == {"reminder_minutes"}
    created = await api.post(EVENTS, json=base | {"reminder_minutes": 10080}, status=201)
    assert created["reminder_minutes"] == 10080 and created["recurrence"] is None
    path = f"{EVENTS}/{created['id']}"
    error = await api.patch(path, json={"recurrence": "FREQ=SOMETIMES"}, status=422)
    assert fields(error) == {"recurrence"}
    assert "RRULE" in error["error"]["details"][0]["msg"]  # the reason
    error = await api.patch(path, json={"reminder_minutes": 10081}, status=422)
    assert fields(error) == {"reminder_minutes"}
    assert (await api.get(path))["recurrence"] is None  # nothing stored by a refusal

    too_long = {"from": "2026-01-01T00:00:00Z", "to": "2027-02-06T00:00:00Z"}
    await api.get(EVENTS, params=too_long, status=422)


async def test_patch_turns_an_event_into_a_series_and_back(api: ApiClient) -> None:
    created = await api.post(
        EVENTS,
        json={
            "title": "Yoga",
            "starts_at": "2026-12-01T17:00:00Z",
            "ends_at": "2026-12-01T18:00:00Z",
        },
        status=201,
    )
    path = f"{EVENTS}/{created['id']}"
    patched = await api.patch(
        path, json={"recurrence": "FREQ=WEEKLY;BYDAY=TU", "reminder_minutes": 0}
    )
    assert (
        patched["recurrence_text"] == "chaque mardi à 18:00" and patched["reminder_minutes"] == 0
    )
    await api.delete(path, params={"occurrence": "2026-12-08T17:00:00Z"})
    assert len(await window(api, paris(2026, 12, 1), paris(2026, 12, 29))) == 3
    one_off = await api.patch(path, json={"recurrence": None})
    assert one_off["recurrence"] is None and one_off["recurrence_exdates"] == []
    assert local_starts(await window(api, paris(2026, 12, 1), paris(2026, 12, 29))) == [
        paris(2026, 12, 1, 18)
    ]


# ---------------------------------------------------------------- iCal


async def test_the_ical_feed_has_one_vevent_per_series_with_rrule_and_exdate(
    api: ApiClient, client: Client
) -> None:
    swim = await series(
        api, paris(2026, 3, 23, 18), recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261102"
    )
    await api.delete(f"{EVENTS}/{swim['id']}", params={"occurrence": "2026-10-26T17:00:00Z"})
    await api.post(
        EVENTS,
        json={
            "title": "Anniversaire",
            "starts_at": iso(paris(2026, 7, 14)),
            "ends_at": iso(paris(2026, 7, 15)),
            "all_day": True,
            "recurrence": "FREQ=YEARLY",
        },
        status=201,
    )
    response = await client.get(FEED)
    body = await response.read()
    assert (await client.get(FEED)).headers["ETag"] == response.headers["ETag"]  # stable
    cal = Calendar.from_ical(body)
    weekly, yearly = sorted(cal.events, key=lambda e: str(e["SUMMARY"]))[::-1]
    assert len(cal.events) == 2
    assert weekly.get("DTSTART").params["TZID"] == "Europe/Paris"
    assert weekly.start == paris(2026, 3, 23, 18)
    assert weekly["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261102T225959Z;BYDAY=MO"
    assert weekly.exdates == [paris(2026, 10, 26, 18)]
    assert weekly.get("EXDATE").params["TZID"] == "Europe/Paris"
    # Expanded by dateutil as a calendar app would: 18:00 Paris on both sides of each change.
    rule = rrulestr(weekly["RRULE"].to_ical().decode(), dtstart=weekly.start)
    starts = [s for s in rule if s not in weekly.exdates]
    assert {s.astimezone(PARIS).hour for s in starts} == {18}
    assert paris(2026, 3, 30, 18) in starts and paris(2026, 10, 19, 18) in starts
    assert paris(2026, 10, 26, 18) not in starts
    assert starts[-1] == paris(2026, 11, 2, 18)

    assert yearly.start == date(2026, 7, 14) and yearly.end == date(2026, 7, 15)
    assert yearly["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert "EXDATE" not in yearly


async def test_an_occurrence_deleted_offline_is_replayed_once(api: ApiClient) -> None:
    swim = await series(api, paris(2026, 11, 30, 18))
    path = f"{EVENTS}/{swim['id']}?occurrence=2026-12-07T18%3A00%3A00%2B01%3A00"
    batch = {"mutations": [{"client_mutation_id": "m1", "method": "DELETE", "path": path}]}
    for _ in range(2):
        answer = await api.post("/sync/replay", json=batch)
        assert answer == {"acked": ["m1"], "errors": []}
    stored = await api.get(f"{EVENTS}/{swim['id']}")
    assert stored["recurrence_exdates"] == ["2026-12-07T17:00:00Z"]
    assert len(await window(api, paris(2026, 11, 30), paris(2026, 12, 21))) == 2
