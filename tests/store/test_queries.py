from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.vocabulary import WeeklyTime
from store import health, owner, projects, todos
from store.clock import FrozenClock
from store.db import autocommit
from store.errors import NotFoundError


async def test_toggle_meds_flips_and_keeps_the_note(session: AsyncSession) -> None:
    day = date(2026, 11, 25)
    first = await health.toggle_meds(session=session, day=day, note="fatigué")
    assert (first.meds_taken, first.note) == (True, "fatigué")
    second = await health.toggle_meds(session=session, day=day)
    assert (second.meds_taken, second.note) == (False, "fatigué")


async def test_steps_go_to_the_end_of_their_column(
    session: AsyncSession, clock: FrozenClock
) -> None:
    p = await projects.create_project(session=session, data={"name": "Portfolio"})
    now = clock.now()
    a = await projects.add_step(session=session, project_id=p.id, title="a", now=now)
    b = await projects.add_step(session=session, project_id=p.id, title="b", now=now)
    c = await projects.add_step(
        session=session, project_id=p.id, title="c", status="doing", now=now
    )
    assert (a.position, b.position, c.position) == (0, 1, 0)


async def test_unknown_ids_raise_not_found(session: AsyncSession, clock: FrozenClock) -> None:
    with pytest.raises(NotFoundError):
        await projects.add_idea(session=session, project_id=uuid.uuid4(), content="x")
    with pytest.raises(NotFoundError):
        await todos.update_todo(
            session=session, todo_id=uuid.uuid4(), data={"title": "x"}, now=clock.now()
        )


async def test_an_autocommit_statement_is_committed_when_it_returns(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with autocommit(sessionmaker) as session:
        created = await projects.create_project(session=session, data={"name": "Portfolio"})
        async with sessionmaker() as other:  # another connection sees it at once
            assert [p.id for p in await projects.list_projects(session=other)] == [created.id]


async def test_a_todo_becoming_done_is_stamped_with_the_clock_once(
    session: AsyncSession, clock: FrozenClock
) -> None:
    created_done = await todos.create_todo(
        session=session, data={"title": "a", "status": "done"}, now=clock.now()
    )
    assert created_done.completed_at == clock.now()
    todo = await todos.create_todo(session=session, data={"title": "b"}, now=clock.now())
    assert todo.completed_at is None
    first = clock.now()
    done = await todos.update_todo(
        session=session, todo_id=todo.id, data={"status": "done"}, now=first
    )
    assert done.completed_at == first
    clock.advance(timedelta(hours=1))
    again = await todos.update_todo(
        session=session, todo_id=todo.id, data={"status": "done"}, now=clock.now()
    )
    assert again.completed_at == first  # already done: the first stamp stays
    reopened = await todos.update_todo(
        session=session, todo_id=todo.id, data={"status": "todo"}, now=clock.now()
    )
    assert reopened.completed_at is None


async def test_the_owners_event_reminder_and_weekly_review_override_the_defaults(
    session: AsyncSession,
) -> None:
    defaults = owner.Schedule(digest_time=time(7, 30), med_reminder_times=(time(9),))
    assert await owner.get_schedule(session=session, defaults=defaults) == defaults
    await owner.update_schedule(session=session, digest_time=time(8))
    kept = await owner.get_schedule(session=session, defaults=defaults)
    assert (kept.event_reminder_minutes, kept.weekly_review) == (30, owner.DEFAULT_WEEKLY_REVIEW)
    await owner.update_schedule(
        session=session, event_reminder_minutes=0, weekly_review=WeeklyTime(4, time(17, 30))
    )
    changed = await owner.get_schedule(session=session, defaults=defaults)
    assert (changed.event_reminder_minutes, str(changed.weekly_review)) == (0, "FRI 17:30")
    await session.rollback()
