"""Daily check-in queries (the health tab and medication reminders). Never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import DailyCheckin


async def get_checkin(*, session: AsyncSession, day: date) -> DailyCheckin | None:
    return await session.get(DailyCheckin, day)


async def set_checkin(
    *,
    session: AsyncSession,
    day: date,
    meds_taken: bool | None = None,
    note: str | None = None,
    skipped: bool | None = None,
) -> DailyCheckin:
    """Upsert the day's row, changing only the fields given."""
    values: dict[str, Any] = {"day": day, "updated_at": func.now()}
    if meds_taken is not None:
        values["meds_taken"] = meds_taken
    if note is not None:
        values["note"] = note
    if skipped is not None:
        values["skipped"] = skipped
    insert = pg_insert(DailyCheckin).values(**values)
    stmt = insert.on_conflict_do_update(
        index_elements=[DailyCheckin.day],
        set_={k: insert.excluded[k] for k in values if k != "day"},
    ).returning(DailyCheckin)
    return (
        await session.execute(stmt, execution_options={"populate_existing": True})
    ).scalar_one()


async def toggle_meds(
    *, session: AsyncSession, day: date, note: str | None = None
) -> DailyCheckin:
    """Flip meds_taken for the day in one statement (a row that does not exist becomes taken)."""
    values: dict[str, Any] = {"day": day, "meds_taken": True, "updated_at": func.now()}
    set_: dict[str, Any] = {"meds_taken": ~DailyCheckin.meds_taken, "updated_at": func.now()}
    if note is not None:
        values["note"] = set_["note"] = note
    stmt = (
        pg_insert(DailyCheckin)
        .values(**values)
        .on_conflict_do_update(index_elements=[DailyCheckin.day], set_=set_)
        .returning(DailyCheckin)
    )
    return (
        await session.execute(stmt, execution_options={"populate_existing": True})
    ).scalar_one()


async def history(*, session: AsyncSession, since: date) -> Sequence[DailyCheckin]:
    stmt = select(DailyCheckin).where(DailyCheckin.day >= since).order_by(DailyCheckin.day)
    return (await session.execute(stmt)).scalars().all()


def days_back(today: date, days: int) -> date:
    return today - timedelta(days=days - 1)


async def set_snooze(*, session: AsyncSession, day: date, until: datetime | None) -> None:
    """Arm (or clear) the one extra reminder of a snooze."""
    stmt = pg_insert(DailyCheckin).values(day=day, snoozed_until=until)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailyCheckin.day], set_={"snoozed_until": until, "updated_at": func.now()}
    )
    await session.execute(stmt)


async def restore_checkin(
    *, session: AsyncSession, day: date, meds_taken: bool, note: str | None
) -> DailyCheckin | None:
    """Put back the day's meds and note exactly as they were (undo of an agent toggle)."""
    stmt = (
        update(DailyCheckin)
        .where(DailyCheckin.day == day)
        .values(meds_taken=meds_taken, note=note, updated_at=func.now())
        .returning(DailyCheckin)
    )
    result = await session.execute(stmt, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()
