"""A recurring event through the agent: the tool takes `recurrence` and `reminder_minutes`,
validated like the REST body (a bad rule goes back to the model), and the confirm writes them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from store.tables import CalendarEvent
from tests.agent.conftest import all_rows, script

MakeService = Callable[..., AgentService]

SWIM = {"title": "Piscine", "starts_at": "2026-11-30T18:00", "ends_at": "2026-11-30T19:00"}


async def test_a_weekly_event_with_a_reminder_is_proposed_then_written(
    make_service: MakeService, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    model = script(
        [("create_calendar_event", SWIM | {"recurrence": "tous les lundis"})],
        [
            (
                "create_calendar_event",
                SWIM | {"recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO", "reminder_minutes": 15},
            )
        ],
    )
    service = make_service(model)

    proposal = await service.propose("piscine tous les lundis à 18h, préviens-moi 15 min avant")

    assert model.requests == 2  # the bad rule went back to the model with the reason
    assert "recurrence" in str(model.seen[1][-1])
    tool = {t.name: t for t in model.infos[0].function_tools}["create_calendar_event"]
    properties = tool.parameters_json_schema["properties"]
    assert "RRULE" in properties["recurrence"]["description"]
    assert "minutes" in properties["reminder_minutes"]["description"]
    assert "recurrence = la règle" in (model.infos[0].instructions or "")
    [action] = proposal.actions
    assert action.args.to_json()["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"

    assert proposal.proposal_id is not None
    state = await service.apply(proposal.proposal_id)
    [event] = await all_rows(sessionmaker, CalendarEvent)
    assert (event.recurrence, event.reminder_minutes) == ("FREQ=WEEKLY;BYDAY=MO", 15)
    assert state.actions[0].row is not None
    assert state.actions[0].row["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"


async def test_a_reminder_out_of_bounds_goes_back_to_the_model(make_service: MakeService) -> None:
    model = script(
        [("create_calendar_event", SWIM | {"reminder_minutes": -5})],
        [("create_calendar_event", SWIM | {"reminder_minutes": 0})],
    )

    proposal = await make_service(model).propose("piscine lundi, pas de rappel")

    assert model.requests == 2 and "reminder_minutes" in str(model.seen[1][-1])
    assert proposal.actions[0].args.to_json()["reminder_minutes"] == 0
