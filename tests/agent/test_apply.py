"""apply(), cancel(), undo(): one transaction, exactly once, from the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.errors import InvalidEditError, ProposalNotFoundError, UndoExpiredError
from agent.service import AgentService, Proposal
from store import health
from store import projects as projects_q
from store.clock import FrozenClock
from store.tables import AiAction, CalendarEvent, DailyCheckin, ProjectIdea, ProjectStep, Todo
from tests.agent.conftest import Script, all_rows, count, script

MakeService = Callable[..., AgentService]
Sessionmaker = async_sessionmaker[AsyncSession]


async def propose(
    service: AgentService, scripted: Script, *calls: tuple[str, dict[str, Any]]
) -> Proposal:
    scripted.turns = [list(calls)]
    proposal = await service.propose("peu importe")
    assert proposal.proposal_id is not None
    return proposal


def pid(proposal: Proposal) -> uuid.UUID:
    assert proposal.proposal_id is not None
    return proposal.proposal_id


@pytest.fixture
def scripted() -> Script:
    """The service's model; each test says what it answers."""
    return script("rien")


@pytest.fixture
def service(make_service: MakeService, scripted: Script) -> AgentService:
    return make_service(scripted)


async def test_confirm_writes_the_todo_and_returns_the_row_written(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(
        service,
        scripted,
        ("create_todo", {"title": "Pain", "due_at": "2026-11-26T09:00", "tags": ["courses"]}),
    )

    state = await service.apply(pid(proposal))

    [todo] = await all_rows(sessionmaker, Todo)
    assert (state.status, state.changed) == ("confirmed", True)
    [action] = state.actions
    assert action.table == "todos" and action.row is not None
    assert action.row["id"] == str(todo.id)
    assert action.row["title"] == "Pain" and action.row["tags"] == ["courses"]
    assert action.confirmed_at == FrozenClock.now(service._clock)  # noqa: SLF001
    assert todo.due_at is not None and todo.due_at.isoformat() == "2026-11-26T08:00:00+00:00"


async def test_every_kind_of_action_is_written_in_one_confirm(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    async with sessionmaker() as session, session.begin():
        project = await projects_q.create_project(session=session, data={"name": "Portfolio"})
    pid_ = str(project.id)
    proposal = await propose(
        service,
        scripted,
        ("create_todo", {"title": "Pain", "project_id": pid_, "priority": 1}),
        ("add_project_idea", {"project_id": pid_, "content": "Dark mode"}),
        ("add_project_step", {"project_id": pid_, "title": "Maquettes", "status": "doing"}),
        (
            "create_calendar_event",
            {"title": "Dentiste", "starts_at": "2026-11-26T14:00", "ends_at": "2026-11-26T15:00"},
        ),
        ("toggle_daily_checkin", {"note": "avec le petit-déj"}),
    )

    state = await service.apply(pid(proposal))

    assert state.status == "confirmed"
    assert [a.table for a in state.actions] == [
        "todos",
        "project_ideas",
        "project_steps",
        "calendar_events",
        "daily_checkins",
    ]
    for table in (Todo, ProjectIdea, ProjectStep, CalendarEvent, DailyCheckin):
        assert await count(sessionmaker, table) == 1
    [step] = await all_rows(sessionmaker, ProjectStep)
    assert step.status == "doing"
    [checkin] = await all_rows(sessionmaker, DailyCheckin)
    assert (checkin.day, checkin.meds_taken, checkin.note) == (
        date(2026, 11, 25),
        True,
        "avec le petit-déj",
    )


async def test_a_second_confirm_writes_nothing_and_returns_the_first_results(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))

    first = await service.apply(pid(proposal))
    second = await service.apply(pid(proposal))

    assert await count(sessionmaker, Todo) == 1
    assert (first.changed, second.changed) == (True, False)
    assert second.status == "confirmed"
    assert second.actions[0].row == first.actions[0].row


async def test_concurrent_confirms_write_once(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(
        service, scripted, ("create_todo", {"title": "Pain"}), ("toggle_daily_checkin", {})
    )

    states = await asyncio.gather(*(service.apply(pid(proposal)) for _ in range(5)))

    assert sorted(s.changed for s in states) == [False, False, False, False, True]
    assert {s.status for s in states} == {"confirmed"}
    assert await count(sessionmaker, Todo) == 1
    [checkin] = await all_rows(sessionmaker, DailyCheckin)
    assert checkin.meds_taken is True  # toggled once, not five times


async def test_a_failing_action_writes_nothing_and_says_why(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    async with sessionmaker() as session, session.begin():
        project = await projects_q.create_project(session=session, data={"name": "Vieux"})
    proposal = await propose(
        service,
        scripted,
        ("create_todo", {"title": "Pain"}),
        ("add_project_idea", {"project_id": str(project.id), "content": "Idée"}),
    )
    async with sessionmaker() as session, session.begin():
        await session.delete(await session.get_one(type(project), project.id))

    state = await service.apply(pid(proposal))

    assert (state.status, state.changed) == ("failed", True)
    assert await count(sessionmaker, Todo) == 0
    assert await count(sessionmaker, ProjectIdea) == 0
    assert state.error is not None and str(project.id) in state.error
    todo_action, idea_action = state.actions
    assert todo_action.status == idea_action.status == "failed"
    assert todo_action.error is not None and "une autre action" in todo_action.error
    again = await service.apply(pid(proposal))
    assert (again.status, again.changed) == ("failed", False)
    assert await count(sessionmaker, Todo) == 0


async def test_edited_arguments_are_validated_by_the_same_models(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))
    action_id = proposal.actions[0].id

    with pytest.raises(InvalidEditError) as bad:
        await service.apply(
            pid(proposal),
            [
                {
                    "id": str(action_id),
                    "fn": "create_todo",
                    "args": {"title": "Pain", "priority": 9},
                }
            ],
        )
    assert bad.value.details[0]["loc"][-1] == "priority"
    with pytest.raises(InvalidEditError, match="cannot change"):
        await service.apply(
            pid(proposal), [{"id": str(action_id), "fn": "toggle_daily_checkin", "args": {}}]
        )
    assert (await service.get(pid(proposal))).status == "proposed"

    state = await service.apply(
        pid(proposal),
        [
            {
                "id": str(action_id),
                "fn": "create_todo",
                "args": {"title": "Pain complet", "due_at": "2026-11-27T18:00"},
            }
        ],
    )

    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.title == "Pain complet"
    assert todo.due_at is not None and todo.due_at.isoformat() == "2026-11-27T17:00:00+00:00"
    assert state.actions[0].args["title"] == "Pain complet"  # the audit keeps what ran


async def test_the_owner_can_drop_an_action_before_confirming(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(
        service, scripted, ("create_todo", {"title": "Pain"}), ("create_todo", {"title": "Lait"})
    )
    lait = proposal.actions[1].id

    state = await service.apply(pid(proposal), drop=[lait])

    [todo] = await all_rows(sessionmaker, Todo)
    assert todo.title == "Pain"
    assert [a.status for a in state.actions] == ["confirmed", "cancelled"]
    assert state.status == "confirmed"


async def test_dropping_every_action_cancels_the_proposal(
    scripted: Script, service: AgentService
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))

    state = await service.apply(pid(proposal), edited_actions=[])

    assert (state.status, state.changed) == ("cancelled", True)


async def test_cancel_is_once_and_a_cancelled_proposal_cannot_be_confirmed(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))

    first = await service.cancel(pid(proposal))
    second = await service.cancel(pid(proposal))
    confirm = await service.apply(pid(proposal))

    assert (first.changed, second.changed) == (True, False)
    assert (confirm.status, confirm.changed) == ("cancelled", False)
    assert await count(sessionmaker, Todo) == 0


async def test_undo_after_confirm_removes_the_rows(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    proposal = await propose(
        service,
        scripted,
        ("create_todo", {"title": "Pain"}),
        (
            "create_calendar_event",
            {"title": "Dentiste", "starts_at": "2026-11-26T14:00", "ends_at": "2026-11-26T15:00"},
        ),
    )
    await service.apply(pid(proposal))
    clock.advance(timedelta(minutes=9, seconds=59))

    state = await service.undo(pid(proposal))
    again = await service.undo(pid(proposal))

    assert (state.status, state.changed) == ("undone", True)
    assert (again.status, again.changed) == ("undone", False)
    assert await count(sessionmaker, Todo) == 0
    assert await count(sessionmaker, CalendarEvent) == 0
    assert await count(sessionmaker, AiAction, AiAction.status == "undone") == 2


async def test_undo_after_ten_minutes_is_refused(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))
    await service.apply(pid(proposal))
    clock.advance(timedelta(minutes=10, seconds=1))

    with pytest.raises(UndoExpiredError):
        await service.undo(pid(proposal))

    assert await count(sessionmaker, Todo) == 1
    assert (await service.get(pid(proposal))).status == "confirmed"


@pytest.mark.parametrize("before", [None, (True, "matin"), (False, None)])
async def test_undo_puts_a_toggled_checkin_back(
    scripted: Script,
    service: AgentService,
    sessionmaker: Sessionmaker,
    before: tuple[bool, str | None] | None,
) -> None:
    day = date(2026, 11, 25)
    if before is not None:
        async with sessionmaker() as session, session.begin():
            await health.set_checkin(
                session=session, day=day, meds_taken=before[0], note=before[1]
            )
    proposal = await propose(service, scripted, ("toggle_daily_checkin", {"note": "pris"}))

    await service.apply(pid(proposal))
    await service.undo(pid(proposal))

    [checkin] = await all_rows(sessionmaker, DailyCheckin)
    assert (checkin.meds_taken, checkin.note) == (before or (False, None))


async def test_a_check_in_belongs_to_the_day_it_was_proposed(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    clock.advance(timedelta(hours=13, minutes=59))  # 23:59 in Paris
    proposal = await propose(service, scripted, ("toggle_daily_checkin", {}))
    clock.advance(timedelta(minutes=2))

    await service.apply(pid(proposal))

    [checkin] = await all_rows(sessionmaker, DailyCheckin)
    assert checkin.day == date(2026, 11, 25)


async def test_unknown_proposals_are_not_found(service: AgentService) -> None:
    for call in (service.apply, service.cancel, service.undo, service.get):
        with pytest.raises(ProposalNotFoundError):
            await call(uuid.uuid4())


async def test_the_audit_trail_is_newest_first(
    scripted: Script, service: AgentService, clock: FrozenClock
) -> None:
    first = await propose(service, scripted, ("create_todo", {"title": "Un"}))
    clock.advance(timedelta(minutes=1))
    second = await propose(
        service, scripted, ("create_todo", {"title": "Deux"}), ("toggle_daily_checkin", {})
    )
    await service.apply(pid(first))

    records = await service.list_actions(limit=10)

    assert [r.proposal_id for r in records] == [pid(second), pid(second), pid(first)]
    assert [r.position for r in records[:2]] == [0, 1]
    assert records[2].status == "confirmed" and records[2].row is not None
    older = await service.list_actions(limit=10, before=records[0].created_at)
    assert [r.proposal_id for r in older] == [pid(first)]


async def test_the_bot_records_the_card_of_a_proposal(
    scripted: Script, service: AgentService
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))

    await service.attach_telegram_message(pid(proposal), chat_id=42, message_id=7)

    [action] = (await service.get(pid(proposal))).actions
    assert (action.telegram_chat_id, action.telegram_message_id) == (42, 7)
    with pytest.raises(ProposalNotFoundError):
        await service.attach_telegram_message(uuid.uuid4(), chat_id=42, message_id=7)


async def test_a_confirm_racing_a_cancel_leaves_one_outcome(
    scripted: Script, service: AgentService, sessionmaker: Sessionmaker
) -> None:
    proposal = await propose(service, scripted, ("create_todo", {"title": "Pain"}))

    confirmed, cancelled = await asyncio.gather(
        service.apply(pid(proposal)), service.cancel(pid(proposal))
    )

    assert confirmed.changed != cancelled.changed
    final = await service.get(pid(proposal))
    assert await count(sessionmaker, Todo) == (1 if final.status == "confirmed" else 0)


async def test_a_page_of_the_audit_trail_never_cuts_a_proposal(
    service: AgentService, scripted: Script, clock: FrozenClock
) -> None:
    older = await propose(service, scripted, ("create_todo", {"title": "Un"}))
    clock.advance(timedelta(minutes=1))
    newer = await propose(
        service, scripted, ("create_todo", {"title": "Deux"}), ("toggle_daily_checkin", {})
    )

    page = await service.list_actions(limit=1)
    rest = await service.list_actions(limit=1, before=page[-1].created_at)

    assert [r.proposal_id for r in page] == [pid(newer), pid(newer)]
    assert [r.proposal_id for r in rest] == [pid(older)]
