"""Series and Google Agenda, against the fake Google with the real gcsa/googleapiclient clients:
a series made here is one recurring Google event; one made there is one row here listed as
each of its occurrences once; an occurrence cancelled on either side disappears on the other."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.tables import CalendarEvent
from tests.fakes.google import FakeGoogle, JsonDict, instance_id
from tests.web import test_google
from tests.web.conftest import ApiClient
from tests.web.test_google import connect, new_event, report, sync

# The Google tests' fixtures: the app with Google configured, against the fake.
google = test_google.google
gclient = test_google.gclient
gapi = test_google.gapi

PARIS = ZoneInfo("Europe/Paris")
Sessions = async_sessionmaker[AsyncSession]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def at(moment: datetime) -> JsonDict:
    return {"dateTime": moment.isoformat(), "timeZone": "Europe/Paris"}


async def occurrences(gapi: ApiClient, start: datetime, end: datetime) -> list[dict[str, Any]]:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    found: list[dict[str, Any]] = await gapi.get("/agenda/events", params=params)
    return found


def local(item: dict[str, Any]) -> tuple[str, datetime]:
    return item["title"], datetime.fromisoformat(item["starts_at"]).astimezone(PARIS)


def google_starts(google: FakeGoogle, cal: str, series_id: str) -> list[datetime]:
    return [
        datetime.fromisoformat(i["start"]["dateTime"]).astimezone(PARIS)
        for i in google.instances(cal, series_id)
    ]


# ---------------------------------------------------------------- made here


async def test_a_series_made_here_is_one_recurring_event_in_google(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    swim = await new_event(
        gapi,
        title="Piscine",
        starts_at=paris(2026, 3, 23, 18).isoformat(),
        ends_at=paris(2026, 3, 23, 19).isoformat(),
        recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221",
    )
    path = f"/agenda/events/{swim['id']}"
    await gapi.delete(path, params={"occurrence": "2026-11-30T17:00:00Z"})
    assert await sync(gapi) == report(1, 0, 0)

    [event] = google.events(cal)
    assert event["id"] == uuid.UUID(swim["id"]).hex
    assert event["recurrence"] == [
        "RRULE:FREQ=WEEKLY;UNTIL=20261221T225959Z;BYDAY=MO",
        "EXDATE;TZID=Europe/Paris:20261130T180000",
    ]
    assert event["start"]["timeZone"] == "Europe/Paris"
    starts = google_starts(google, cal, event["id"])
    # Expanded by Google in the start's zone: 18:00 on both sides of both DST changes.
    assert {s.hour for s in starts} == {18} and len(starts) == 39
    assert paris(2026, 3, 30, 18) in starts and paris(2026, 10, 26, 18) in starts
    assert paris(2026, 11, 30, 18) not in starts and starts[-1] == paris(2026, 12, 21, 18)
    # Our push comes back in the next incremental list: nothing to do.
    assert await sync(gapi) == report(0, 0, 0)

    clock.advance(timedelta(minutes=5))
    await gapi.delete(path, params={"occurrence": "2026-12-07T17:00:00Z"})
    assert await sync(gapi) == report(1, 0, 0)
    assert paris(2026, 12, 7, 18) not in google_starts(google, cal, event["id"])
    assert len(google.events(cal)) == 1

    await gapi.delete(path)
    assert await sync(gapi) == report(0, 0, 1)
    assert google.events(cal) == []


async def test_an_all_day_series_goes_out_as_dates(gapi: ApiClient, google: FakeGoogle) -> None:
    cal = await connect(gapi, google)
    market = await new_event(
        gapi,
        title="Marché",
        starts_at=paris(2026, 11, 28).isoformat(),
        ends_at=paris(2026, 11, 29).isoformat(),
        all_day=True,
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    await gapi.delete(
        f"/agenda/events/{market['id']}", params={"occurrence": paris(2026, 12, 5).isoformat()}
    )
    await sync(gapi)
    [event] = google.events(cal)
    assert (event["start"], event["end"]) == ({"date": "2026-11-28"}, {"date": "2026-11-29"})
    assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;VALUE=DATE:20261205"]
    days = [i["start"]["date"] for i in google.instances(cal, event["id"])]
    assert days == ["2026-11-28", "2026-12-12", "2026-12-19"]


# ---------------------------------------------------------------- made in Google


async def test_a_series_made_in_google_shows_each_occurrence_once(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    yoga = google.add_event(
        cal,
        summary="Yoga",
        start=at(paris(2026, 9, 7, 18)),  # begun before the 30 days a full sync looks back
        end=at(paris(2026, 9, 7, 19)),
        recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/Paris:20261012T180000"],
    )
    assert await sync(gapi) == report(0, 1, 0)

    [row] = await gapi.get("/agenda/events")  # one row: the series
    assert (row["recurrence"], row["source"]) == ("FREQ=WEEKLY;BYDAY=MO", "google")
    assert row["recurrence_exdates"] == ["2026-10-12T16:00:00Z"]
    assert row["recurrence_text"] == "chaque lundi à 18:00"
    autumn = await occurrences(gapi, paris(2026, 10, 1), paris(2026, 11, 3))
    assert [local(item) for item in autumn] == [
        ("Yoga", paris(2026, 10, 5, 18)),
        ("Yoga", paris(2026, 10, 19, 18)),
        ("Yoga", paris(2026, 10, 26, 18)),  # winter time since the 25th, still 18:00
        ("Yoga", paris(2026, 11, 2, 18)),
    ]

    # Cancelled there, gone here; nothing goes back.
    google.delete_event(cal, instance_id(yoga["id"], paris(2026, 11, 30, 18)))
    assert await sync(gapi) == report(0, 0, 0)
    december = await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 15))
    assert [local(item)[1] for item in december] == [
        paris(2026, 12, 7, 18),
        paris(2026, 12, 14, 18),
    ]
    assert await sync(gapi) == report(0, 0, 0)
    writes = [r for r in google.requests if r.method in ("PUT", "PATCH", "POST", "DELETE")]
    assert [r.path for r in writes] == ["/calendars"]  # making the calendar, then nothing

    # Changed there (the master): taken, the cancelled occurrence still left out.
    clock.advance(timedelta(minutes=5))
    google.update_event(cal, yoga["id"], summary="Yoga doux")
    assert await sync(gapi) == report(0, 1, 0)
    december = await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 15))
    assert [local(item) for item in december] == [
        ("Yoga doux", paris(2026, 12, 7, 18)),
        ("Yoga doux", paris(2026, 12, 14, 18)),
    ]

    # Deleted there: the series goes here.
    google.delete_event(cal, yoga["id"])
    assert await sync(gapi) == report(0, 0, 1)
    assert await gapi.get("/agenda/events") == []
    async with sessionmaker() as session:
        assert await session.get(CalendarEvent, uuid.UUID(row["id"])) is None


async def test_an_occurrence_cancelled_in_google_of_a_series_made_here_disappears(
    gapi: ApiClient, google: FakeGoogle, clock: FrozenClock
) -> None:
    cal = await connect(gapi, google)
    swim = await new_event(
        gapi,
        title="Piscine",
        starts_at=paris(2026, 11, 30, 18).isoformat(),
        ends_at=paris(2026, 11, 30, 19).isoformat(),
        recurrence="FREQ=WEEKLY",
    )
    await sync(gapi)
    google.delete_event(cal, instance_id(uuid.UUID(swim["id"]).hex, paris(2026, 12, 7, 18)))
    assert await sync(gapi) == report(0, 0, 0)
    december = await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 15))
    assert [local(item)[1] for item in december] == [
        paris(2026, 11, 30, 18),
        paris(2026, 12, 14, 18),
    ]
    # A later change here sends the exception date too: Google's series agrees.
    clock.advance(timedelta(minutes=5))
    await gapi.patch(f"/agenda/events/{swim['id']}", json={"location": "Piscine Molitor"})
    assert (await sync(gapi))["pushed"] == 1
    starts = google_starts(google, cal, uuid.UUID(swim["id"]).hex)
    assert paris(2026, 12, 7, 18) not in starts and paris(2026, 12, 14, 18) in starts


async def test_a_moved_occurrence_is_shown_moved_and_an_unusual_rule_does_not_break_the_sync(
    gapi: ApiClient, google: FakeGoogle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    cal = await connect(gapi, google)
    weekly = google.add_event(
        cal,
        summary="Réunion",
        start=at(paris(2026, 11, 30, 9)),
        end=at(paris(2026, 11, 30, 10)),
        recurrence=["RRULE:FREQ=WEEKLY"],
    )
    google.add_event(
        cal,
        summary="Bizarre",
        start=at(paris(2026, 12, 2, 9)),
        end=at(paris(2026, 12, 2, 10)),
        recurrence=["RRULE:FREQ=WEEKLY", "RDATE;TZID=Europe/Paris:20261205T090000"],
    )
    moved = instance_id(weekly["id"], paris(2026, 12, 7, 9))
    google.update_event(
        cal, moved, start=at(paris(2026, 12, 8, 14)), end=at(paris(2026, 12, 8, 15))
    )
    # Two series and the moved occurrence (issue 14, item 5: it used to stay where it was).
    assert await sync(gapi) == report(0, 3, 0)
    week = await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 14))
    assert [local(item) for item in week] == [
        ("Réunion", paris(2026, 11, 30, 9)),
        ("Bizarre", paris(2026, 12, 2, 9)),  # its first occurrence only
        ("Réunion", paris(2026, 12, 8, 14)),  # moved there: moved here, once
    ]
    assert "recurrence not taken" in caplog.text


async def test_occurrences_stored_one_by_one_before_give_way_to_their_series(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    """Before series were synced as series, each occurrence of a Google series was a row of
    its own (Google's instance id); the series replaces them, and Google keeps its own."""
    cal = await connect(gapi, google)
    weekly = google.add_event(
        cal,
        summary="Réunion",
        start=at(paris(2026, 11, 30, 9)),
        end=at(paris(2026, 11, 30, 10)),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
    )
    async with sessionmaker.begin() as session:
        for week in range(3):
            start = paris(2026, 11, 30, 9) + timedelta(weeks=week)
            stamp = datetime(2026, 11, 20, tzinfo=UTC)
            session.add(
                CalendarEvent(
                    title="Réunion",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    source="google",
                    google_event_id=instance_id(weekly["id"], start),
                    updated_at=stamp,
                    google_synced_at=stamp,
                    google_updated_at=stamp,
                )
            )
    assert await sync(gapi) == report(0, 1, 3)
    listed = await occurrences(gapi, paris(2026, 11, 30), paris(2026, 12, 31))
    assert [local(item)[1] for item in listed] == [
        paris(2026, 11, 30, 9),
        paris(2026, 12, 7, 9),
        paris(2026, 12, 14, 9),
    ]
    assert len({item["id"] for item in listed}) == 1
    assert len(google.instances(cal, weekly["id"])) == 3  # nothing deleted there
    assert await sync(gapi) == report(0, 0, 0)


async def test_a_full_sync_keeps_a_long_running_series_and_drops_a_vanished_one(
    gapi: ApiClient, google: FakeGoogle, sessionmaker: Sessions
) -> None:
    cal = await connect(gapi, google)
    google.add_event(
        cal,
        summary="Depuis longtemps",
        start=at(paris(2025, 1, 6, 8)),
        end=at(paris(2025, 1, 6, 9)),
        recurrence=["RRULE:FREQ=WEEKLY"],
    )
    await sync(gapi)
    async with sessionmaker.begin() as session:  # linked, unchanged here, gone from Google
        stamp = datetime(2026, 1, 1, tzinfo=UTC)
        for title, rule in (("Disparue", "FREQ=DAILY"), ("Finie", "FREQ=DAILY;COUNT=2")):
            session.add(
                CalendarEvent(
                    title=title,
                    starts_at=paris(2026, 1, 5, 12),
                    ends_at=paris(2026, 1, 5, 13),
                    recurrence=rule,
                    google_event_id=f"{title.lower()}01",
                    updated_at=stamp,
                    google_synced_at=stamp,
                    google_updated_at=stamp,
                )
            )
    google.invalidate_sync_tokens(cal)
    assert await sync(gapi) == report(0, 0, 1)
    titles = sorted(e["title"] for e in await gapi.get("/agenda/events"))
    # An ended series is left alone, as an event that ended before the 30 days looked at.
    assert titles == ["Depuis longtemps", "Finie"]
