"""Recurring todos in the store: completing an occurrence brings the next one, exactly once, in
the owner's wall-clock time; UNTIL and COUNT end a series; skipping and stopping."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import projects, todos
from store.clock import FrozenClock
from store.errors import NotFoundError
from store.tables import Todo
from tests.conftest import PARIS

WEEKLY_MONDAY = "FREQ=WEEKLY;BYDAY=MO"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


async def new(
    session: AsyncSession, clock: FrozenClock, title: str = "Appeler maman", **data: Any
) -> Todo:
    return await todos.create_todo(
        session=session, data={"title": title, "status": "todo", **data}, now=clock.now()
    )


async def series_rows(session: AsyncSession, title: str = "Appeler maman") -> list[Todo]:
    stmt = select(Todo).where(Todo.title == title).order_by(Todo.due_at, Todo.created_at)
    return list((await session.execute(stmt)).scalars().all())


async def test_the_next_occurrence_keeps_18h_across_the_spring_dst_change(
    session: AsyncSession, clock: FrozenClock
) -> None:
    project = await projects.create_project(session=session, data={"name": "Famille"})
    clock.set(paris(2026, 3, 23, 9, 0))  # Monday; DST starts on Sunday the 29th
    first = await new(
        session,
        clock,
        due_at=paris(2026, 3, 23, 18, 0),
        remind_at=paris(2026, 3, 23, 18, 0),
        recurrence=WEEKLY_MONDAY,
        description="lui parler du week-end",
        priority=2,
        tags=["famille"],
        project_id=project.id,
        checklist=[{"text": "numéro", "done": True}],
        energy="low",
        context="maison",
    )
    clock.set(paris(2026, 3, 23, 18, 30))

    completed = await todos.complete_todo(
        session=session, todo_id=first.id, now=clock.now(), tz=PARIS
    )

    assert completed is not None and completed.next is not None
    assert (completed.done.status, completed.done.completed_at) == ("done", clock.now())
    following = completed.next
    assert following.due_at == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # 18:00 in summer
    assert following.remind_at == following.due_at
    assert following.previous_id == first.id
    assert (following.status, following.completed_at) == ("todo", None)
    assert following.recurrence == WEEKLY_MONDAY
    carried = ("title", "description", "priority", "tags", "project_id", "energy", "context")
    assert [getattr(following, k) for k in carried] == [getattr(first, k) for k in carried]
    assert following.checklist == [{"text": "numéro", "done": False}]


async def test_a_second_completion_and_undo_then_redo_bring_no_second_occurrence(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    done = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now(), tz=PARIS)
    assert done is not None and done.next is not None

    assert await todos.complete_todo(session=session, todo_id=first.id, now=clock.now()) is None
    await todos.update_todo(
        session=session, todo_id=first.id, data={"status": "todo"}, now=clock.now()
    )
    redone = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())

    assert redone is not None and redone.next is not None
    assert redone.next.id == done.next.id  # the one already there, not a new one
    assert len(await series_rows(session)) == 2


async def test_two_completions_at_the_same_time_bring_one_occurrence(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as session:
        first = await new(session, clock, due_at=paris(2026, 11, 26, 9), recurrence="FREQ=DAILY")

    async def tap() -> todos.CompletedTodo | None:
        async with sessionmaker.begin() as session:
            return await todos.complete_todo(
                session=session, todo_id=first.id, now=clock.now(), tz=PARIS
            )

    results = await asyncio.gather(tap(), tap())

    assert sorted(r is None for r in results) == [False, True]
    async with sessionmaker() as session:
        count = select(func.count()).select_from(Todo)
        assert (await session.execute(count)).scalar_one() == 2


async def test_count_becomes_until_and_the_series_ends_there(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(
        session, clock, due_at=paris(2026, 11, 30, 18), recurrence="FREQ=WEEKLY;COUNT=2"
    )
    assert first.recurrence == "FREQ=WEEKLY;UNTIL=20261207"

    second = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert second is not None and second.next is not None
    assert second.next.due_at == paris(2026, 12, 7, 18)
    last = await todos.complete_todo(session=session, todo_id=second.next.id, now=clock.now())

    assert last is not None and last.next is None
    assert len(await series_rows(session)) == 2


async def test_until_ends_the_series(session: AsyncSession, clock: FrozenClock) -> None:
    first = await new(
        session,
        clock,
        due_at=paris(2026, 11, 25, 18),
        recurrence="FREQ=DAILY;UNTIL=20261125T220000Z",
    )
    completed = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert completed is not None and completed.next is None


async def test_done_late_the_next_occurrence_is_the_first_after_it_was_done(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 2, 18), recurrence=WEEKLY_MONDAY)
    completed = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert completed is not None and completed.next is not None
    assert completed.next.due_at == paris(2026, 11, 30, 18)  # not the 9th, 16th, 23rd


async def test_a_reminder_before_the_due_time_keeps_its_wall_clock_gap_across_autumn_dst(
    session: AsyncSession, clock: FrozenClock
) -> None:
    clock.set(paris(2026, 10, 23, 9))  # Friday; DST ends on Sunday the 25th
    first = await new(
        session,
        clock,
        due_at=paris(2026, 10, 23, 18),
        remind_at=paris(2026, 10, 23, 17, 45),
        recurrence="FREQ=WEEKLY",
    )
    completed = await todos.complete_todo(
        session=session, todo_id=first.id, now=clock.now(), tz=PARIS
    )
    assert completed is not None and completed.next is not None
    assert completed.next.due_at == datetime(2026, 10, 30, 17, 0, tzinfo=UTC)
    assert completed.next.remind_at == datetime(2026, 10, 30, 16, 45, tzinfo=UTC)


async def test_a_series_given_no_date_starts_at_its_first_occurrence_from_now_at_nine(
    session: AsyncSession, clock: FrozenClock
) -> None:
    weekly = await new(session, clock, "Sortir les poubelles", recurrence=WEEKLY_MONDAY)
    daily = await new(session, clock, "Méditer", recurrence="FREQ=DAILY")
    assert weekly.due_at == paris(2026, 11, 30, 9)
    assert daily.due_at == paris(2026, 11, 26, 9)  # today's 09:00 has passed (it is 10:00)


async def test_archiving_or_deleting_an_open_occurrence_skips_it_and_the_series_goes_on(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    await todos.update_todo(
        session=session, todo_id=first.id, data={"status": "archived"}, now=clock.now()
    )
    [_, second] = await series_rows(session)
    assert (second.due_at, second.previous_id) == (paris(2026, 12, 7, 18), first.id)

    assert await todos.delete_occurrence(session=session, todo_id=second.id, now=clock.now())

    [archived, third] = await series_rows(session)
    assert (archived.id, third.due_at) == (first.id, paris(2026, 12, 14, 18))
    await todos.update_todo(
        session=session, todo_id=first.id, data={"status": "archived"}, now=clock.now()
    )
    assert len(await series_rows(session)) == 2  # archived again: nothing more


async def test_deleting_a_done_occurrence_brings_nothing_more(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert await todos.delete_occurrence(session=session, todo_id=first.id, now=clock.now())
    [left] = await series_rows(session)
    assert left.due_at == paris(2026, 12, 7, 18)
    assert not await todos.delete_occurrence(session=session, todo_id=first.id, now=clock.now())


async def test_a_stopped_series_brings_nothing_and_the_occurrence_stays(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    stopped = await todos.stop_series(session=session, todo_id=first.id)
    assert (stopped.recurrence, stopped.status) == (None, "todo")
    completed = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert completed is not None and completed.next is None


async def test_stopping_an_occurrence_already_followed_stops_the_one_after_too(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    completed = await todos.complete_todo(session=session, todo_id=first.id, now=clock.now())
    assert completed is not None and completed.next is not None

    await todos.stop_series(session=session, todo_id=first.id)  # e.g. from an old reminder

    following = await todos.get_todo(session=session, todo_id=completed.next.id)
    await session.refresh(following)
    assert following.recurrence is None


async def test_a_patch_to_null_recurrence_stops_the_series(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 30, 18), recurrence=WEEKLY_MONDAY)
    changed = await todos.update_todo(
        session=session,
        todo_id=first.id,
        data={"recurrence": None, "status": "done"},
        now=clock.now(),
    )
    assert (changed.recurrence, changed.status) == (None, "done")
    assert len(await series_rows(session)) == 1


async def test_unknown_todos_are_not_found(session: AsyncSession, clock: FrozenClock) -> None:
    with pytest.raises(NotFoundError):
        await todos.complete_todo(session=session, todo_id=uuid.uuid4(), now=clock.now())
    with pytest.raises(NotFoundError):
        await todos.stop_series(session=session, todo_id=uuid.uuid4())


async def test_a_todo_done_before_its_time_comes_back_after_its_due_moment(
    session: AsyncSession, clock: FrozenClock
) -> None:
    first = await new(session, clock, due_at=paris(2026, 11, 26, 9), recurrence="FREQ=DAILY")
    completed = await todos.complete_todo(
        session=session, todo_id=first.id, now=clock.now() - timedelta(hours=1)
    )
    assert completed is not None and completed.next is not None
    assert completed.next.due_at == paris(2026, 11, 27, 9)
