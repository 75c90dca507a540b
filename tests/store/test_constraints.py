from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import (
    ENERGIES,
    HIGHEST_PRIORITY,
    LOWEST_PRIORITY,
    REMOTE_TYPES,
    TODO_STATUSES,
)
from store.tables import AiAction, DailyCheckin, Job, Project, ProjectStep, SentLog, Todo


async def _rejects(session: AsyncSession, table: type, **values: object) -> None:
    with pytest.raises(IntegrityError, match="violates check constraint"):
        await session.execute(insert(table).values(**values))
    await session.rollback()


async def test_todo_status_and_priority_are_checked(session: AsyncSession) -> None:
    await _rejects(session, Todo, title="x", status="later")
    await _rejects(session, Todo, title="x", priority=7)
    await _rejects(session, Todo, title="x", energy="extreme")


async def test_other_checks(session: AsyncSession) -> None:
    await _rejects(session, Job, source="s", source_url="u", title="t", remote_type="mars")
    await _rejects(session, Project, name="p", kind="corporate")
    await _rejects(
        session, AiAction, status="maybe", proposal_id="00000000-0000-0000-0000-0000000000aa"
    )


async def test_defaults_are_filled_in(session: AsyncSession) -> None:
    todo = (await session.execute(insert(Todo).values(title="Pain").returning(Todo))).scalar_one()
    assert (todo.status, todo.tags, todo.checklist, todo.ai_enriched) == ("inbox", [], [], False)
    assert todo.created_at.tzinfo is not None
    project = (
        await session.execute(insert(Project).values(name="Portfolio").returning(Project))
    ).scalar_one()
    assert (project.kind, project.status) == ("perso", "active")
    step = (
        await session.execute(
            insert(ProjectStep).values(project_id=project.id, title="t").returning(ProjectStep)
        )
    ).scalar_one()
    assert (step.status, step.position) == ("backlog", 0)


async def test_send_log_claims_a_slot_once(session: AsyncSession) -> None:
    await session.execute(insert(SentLog).values(kind="digest", slot="2026-11-25"))
    with pytest.raises(IntegrityError, match="uq_sent_log_kind_slot"):
        await session.execute(insert(SentLog).values(kind="digest", slot="2026-11-25"))
    await session.rollback()


async def test_checkin_is_one_row_per_day(session: AsyncSession) -> None:
    from datetime import date

    await session.execute(insert(DailyCheckin).values(day=date(2026, 11, 25)))
    with pytest.raises(IntegrityError):
        await session.execute(insert(DailyCheckin).values(day=date(2026, 11, 25)))
    await session.rollback()
    assert (await session.execute(select(DailyCheckin))).all() == []


async def test_the_checks_accept_every_word_of_the_vocabulary(session: AsyncSession) -> None:
    for status in TODO_STATUSES:
        await session.execute(insert(Todo).values(title=status, status=status))
    for energy in ENERGIES:
        await session.execute(insert(Todo).values(title=energy, energy=energy))
    for priority in range(LOWEST_PRIORITY, HIGHEST_PRIORITY + 1):
        await session.execute(insert(Todo).values(title=str(priority), priority=priority))
    for remote_type in REMOTE_TYPES:
        values = {"source": "s", "source_url": remote_type, "title": "t"}
        await session.execute(insert(Job).values(**values, remote_type=remote_type))
    await session.rollback()
    await _rejects(session, Todo, title="x", priority=HIGHEST_PRIORITY + 1)
    await _rejects(session, Todo, title="x", priority=LOWEST_PRIORITY - 1)
