"""create_todo's `remind_at` and `recurrence`: validated like every argument (a bad rule goes
back to the model within the run), shown in words, written as given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from store.tables import Todo
from tests.agent.conftest import all_rows, script
from tests.conftest import PARIS

MakeService = Callable[..., AgentService]
MONDAY_18H = "2026-11-30T18:00"


async def test_a_bad_rule_goes_back_to_the_model_naming_recurrence(
    make_service: MakeService,
) -> None:
    model = script(
        [("create_todo", {"title": "Appeler maman", "recurrence": "tous les lundis"})],
        [("create_todo", {"title": "Appeler maman", "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO"})],
    )

    proposal = await make_service(model).propose("appeler maman tous les lundis")

    assert model.requests == proposal.model_requests == 2
    refused = str(model.seen[1][-1])
    assert "recurrence" in refused and "FREQ" in refused
    [action] = proposal.actions
    assert action.args.model_dump()["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"  # canonical


async def test_the_proposal_carries_the_rule_in_words_and_confirm_writes_both_fields(
    make_service: MakeService, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    args = {
        "title": "Appeler maman",
        "due_at": MONDAY_18H,
        "remind_at": MONDAY_18H,
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    }
    service = make_service(script([("create_todo", args)]))

    proposal = await service.propose("rappelle-moi d'appeler maman tous les lundis à 18h")
    [action] = proposal.actions
    assert proposal.recurrence_texts == {action.id: "chaque lundi à 18:00"}
    assert action.args.model_dump()["remind_at"] == datetime(2026, 11, 30, 18, tzinfo=PARIS)

    assert proposal.proposal_id is not None
    state = await service.apply(proposal.proposal_id)

    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.remind_at == todo.due_at == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert todo.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    [written] = state.actions
    assert written.row is not None and written.row["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"


async def test_a_counted_series_is_stored_with_the_day_it_ends(
    make_service: MakeService, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    args = {"title": "Kiné", "due_at": MONDAY_18H, "recurrence": "FREQ=WEEKLY;COUNT=3"}
    service = make_service(script([("create_todo", args)]))
    proposal = await service.propose("kiné tous les lundis, 3 fois")
    assert list(proposal.recurrence_texts.values()) == ["chaque lundi à 18:00, 3 fois"]

    assert proposal.proposal_id is not None
    await service.apply(proposal.proposal_id)

    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.recurrence == "FREQ=WEEKLY;UNTIL=20261214"
