"""Clashes flagged before ✅: a proposed event overlapping the agenda (a one-off, a series'
occurrence, an event pulled from Google), a series proposed over a series, a todo reminded
during an event. Through `POST /ai/command` on the app (the offline parser proposes); the
warnings are read from the database, never from a model, and never block the confirm."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.clashes import HORIZON
from store.clock import FrozenClock
from store.tables import CalendarEvent
from tests.agent.conftest import count
from tests.agent.owner_week import seed

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]


async def propose(client: Client, auth: dict[str, str], text: str) -> dict[str, Any]:
    response = await client.post("/ai/command", json={"text": text}, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    return dict(body)


async def test_an_event_over_another_carries_an_overlap_warning(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    week = await seed(sessionmaker, clock)

    proposal = await propose(client, auth, "rdv coiffeur demain à 15h30")

    [action] = proposal["actions"]
    # The all-day birthday that day is no clash.
    assert action["warnings"] == [
        {
            "code": "overlap",
            "event_id": str(week.dentist),
            "title": "Dentiste",
            "starts_at": "2026-11-26T15:00:00+01:00",
            "ends_at": "2026-11-26T16:00:00+01:00",
        }
    ]


async def test_an_occurrence_of_a_series_and_an_event_from_google_clash_too(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    week = await seed(sessionmaker, clock)

    monday = await propose(client, auth, "réunion lundi à 18h30")
    friday = await propose(client, auth, "rdv banque vendredi à 10h")

    [over_pool] = monday["actions"][0]["warnings"]
    assert (over_pool["event_id"], over_pool["starts_at"]) == (
        str(week.pool),
        "2026-11-30T18:00:00+01:00",  # the series' occurrence that day, not its first
    )
    [over_google] = friday["actions"][0]["warnings"]
    assert (over_google["event_id"], over_google["title"]) == (
        str(week.google_meeting),
        "Réunion client",
    )


async def test_a_series_is_checked_over_its_occurrences_in_the_horizon(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    proposal = await propose(client, auth, "yoga tous les lundis à 18h")

    [action] = proposal["actions"]
    assert action["args"]["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    starts = [w["starts_at"] for w in action["warnings"]]
    assert {w["title"] for w in action["warnings"]} == {"Piscine"}
    assert starts[0] == "2026-11-30T18:00:00+01:00"
    # Every Monday within 90 days of the first one (30 Nov 2026 → 28 Feb 2027), none after.
    assert HORIZON.days == 90 and len(starts) == 13
    assert starts[-1] == "2027-02-22T18:00:00+01:00"


async def test_a_reminder_during_an_event_is_said(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    week = await seed(sessionmaker, clock)

    proposal = await propose(client, auth, "rappelle-moi d'appeler le garage demain à 15h30")

    [action] = proposal["actions"]
    assert action["args"]["remind_at"] == "2026-11-26T15:30:00+01:00"
    [warning] = action["warnings"]
    assert (warning["code"], warning["event_id"]) == ("reminder_during_event", str(week.dentist))


async def test_no_clash_no_warning_and_a_warning_never_blocks_the_confirm(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    free = await propose(client, auth, "rdv coiffeur demain à 17h")
    clash = await propose(client, auth, "rdv coiffeur demain à 15h30")

    assert free["actions"][0]["warnings"] == []
    before = await count(sessionmaker, CalendarEvent)
    # The client may send the action back as it came, warnings included: they are ignored.
    body = {"proposal_id": clash["proposal_id"], "actions": clash["actions"]}
    response = await client.post("/ai/command/confirm", json=body, headers=auth)
    assert response.status == 200, await response.json()
    assert await count(sessionmaker, CalendarEvent) == before + 1
