from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import ICAL_SECRET
from tests.web.conftest import ApiClient, Client

PARIS = ZoneInfo("Europe/Paris")
FEED = f"/agenda/ical/{ICAL_SECRET}.ics"


async def event(api: ApiClient, **fields: object) -> dict[str, object]:
    body = {
        "title": "Dentiste",
        "starts_at": "2026-11-26T10:00:00+01:00",
        "ends_at": "2026-11-26T11:00:00+01:00",
    } | fields
    created: dict[str, object] = await api.post("/agenda/events", json=body, status=201)
    return created


async def test_event_crud_and_window(api: ApiClient) -> None:
    dentist = await event(api)
    assert dentist["starts_at"] == "2026-11-26T09:00:00Z"
    later = await event(
        api, title="Train", starts_at="2026-12-01T08:00:00Z", ends_at="2026-12-01T12:00:00Z"
    )
    window = {"from": "2026-11-26T10:30:00+01:00", "to": "2026-11-30T00:00:00Z"}
    assert [e["title"] for e in await api.get("/agenda/events", params=window)] == ["Dentiste"]
    patched = await api.patch(f"/agenda/events/{later['id']}", json={"location": "Gare"})
    assert patched["location"] == "Gare" and patched["title"] == "Train"
    await api.delete(f"/agenda/events/{dentist['id']}")
    assert [e["title"] for e in await api.get("/agenda/events")] == ["Train"]


async def test_event_errors(api: ApiClient) -> None:
    body = {"title": "x", "starts_at": "2026-11-26T10:00:00Z", "ends_at": "2026-11-26T09:00:00Z"}
    await api.post("/agenda/events", json=body, status=422)
    naive = body | {"starts_at": "2026-11-26T08:00:00", "ends_at": "2026-11-26T09:00:00"}
    await api.post("/agenda/events", json=naive, status=422)
    created = await event(api)
    await api.patch(  # ends before it starts once merged with the stored row
        f"/agenda/events/{created['id']}", json={"ends_at": "2026-11-25T00:00:00Z"}, status=422
    )
    await api.patch(f"/agenda/events/{uuid.uuid4()}", json={"title": "x"}, status=404)
    await api.get("/agenda/events", params={"from": "yesterday"}, status=422)


async def test_ical_feed_round_trips_timed_and_all_day_events(
    api: ApiClient, client: Client
) -> None:
    await event(api)
    await event(
        api,
        title="Anniversaire",
        starts_at="2026-11-28T00:00:00+01:00",
        ends_at="2026-11-29T00:00:00+01:00",
        all_day=True,
    )
    response = await client.get(FEED)  # no bearer: the secret is the credential
    assert response.status == 200
    assert response.content_type == "text/calendar"
    cal = Calendar.from_ical(await response.read())
    timed, all_day = cal.events
    assert timed.start == datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
    assert timed.get("DTSTART").params["TZID"] == "Europe/Paris"
    assert timed.end == datetime(2026, 11, 26, 11, 0, tzinfo=PARIS)
    assert (all_day.start, all_day.end) == (date(2026, 11, 28), date(2026, 11, 29))
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Paris"]
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"


async def test_ical_feed_is_stable_and_answers_304_to_its_etag(
    api: ApiClient, client: Client
) -> None:
    await event(api)
    first, second = await client.get(FEED), await client.get(FEED)
    assert await first.read() == await second.read()
    etag = first.headers["ETag"]
    assert second.headers["ETag"] == etag
    cached = await client.get(FEED, headers={"If-None-Match": etag})
    assert cached.status == 304
    await event(api, title="Nouveau")
    changed = await client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag


async def test_a_wrong_ical_secret_is_404(client: Client) -> None:
    for path in ("/agenda/ical/wrong.ics", f"/agenda/ical/{ICAL_SECRET}x.ics"):
        assert (await client.get(path)).status == 404


async def test_the_ical_feed_goes_back_a_year_and_keeps_every_series(
    api: ApiClient, client: Client
) -> None:
    # The clock: Wednesday 25 November 2026.
    await event(api, title="Ancien", starts_at="2025-10-01T10:00:00Z", ends_at="2025-10-01T11:00Z")
    await event(api, title="Récent", starts_at="2026-01-05T10:00:00Z", ends_at="2026-01-05T11:00Z")
    await event(
        api,
        title="Yoga",
        starts_at="2024-01-01T18:00:00Z",
        ends_at="2024-01-01T19:00:00Z",
        recurrence="FREQ=WEEKLY",
    )

    cal = Calendar.from_ical(await (await client.get(FEED)).read())

    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Récent", "Yoga"]


async def test_the_events_list_is_bounded_by_a_limit(api: ApiClient) -> None:
    for day in (26, 27, 28):
        await event(api, starts_at=f"2026-11-{day}T10:00:00Z", ends_at=f"2026-11-{day}T11:00:00Z")
    window = {"from": "2026-11-25T00:00:00Z", "to": "2026-12-25T00:00:00Z"}

    every = await api.get("/agenda/events", params={"limit": "2"})
    windowed = await api.get("/agenda/events", params=window | {"limit": "2"})
    await api.get("/agenda/events", params={"limit": "5001"}, status=422)

    assert [e["starts_at"][:10] for e in every] == ["2026-11-26", "2026-11-27"]
    assert [e["starts_at"][:10] for e in windowed] == ["2026-11-26", "2026-11-27"]
    doc = await api.get("/openapi.json")
    names = {p["name"] for p in doc["paths"]["/agenda/events"]["get"]["parameters"]}
    assert {"from", "to", "limit"} <= names
