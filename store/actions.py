"""`ai_actions` queries: the proposals' audit trail and their state changes. Never commit.

Every state change is one conditional UPDATE … WHERE status = <expected> RETURNING: whoever gets
rows back won the change; a second or concurrent caller gets nothing and must do nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, insert, literal, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import AiAction

_FRESH = {"populate_existing": True}


async def insert_actions(
    *, session: AsyncSession, rows: Sequence[Mapping[str, Any]]
) -> list[uuid.UUID]:
    """Insert a proposal's rows (one statement); their ids, in `position` order."""
    # Core, and the rows as parameters: `.values(rows)` makes a multi-VALUES statement that is
    # compiled anew on every call, and ORM objects cost more to load than two columns.
    # SQLAlchemy still sends one INSERT … VALUES (insertmanyvalues).
    table = cast(Table, AiAction.__table__)
    stmt = insert(table).returning(table.c.id, table.c.position)
    inserted = (await session.execute(stmt, list(rows))).all()
    return [row.id for row in sorted(inserted, key=lambda row: row.position)]


async def get_proposal(*, session: AsyncSession, proposal_id: uuid.UUID) -> Sequence[AiAction]:
    stmt = (
        select(AiAction)
        .where(AiAction.proposal_id == proposal_id)
        .order_by(AiAction.position, AiAction.id)
    )
    return (await session.execute(stmt, execution_options=_FRESH)).scalars().all()


async def list_actions(
    *, session: AsyncSession, limit: int, before: datetime | None = None
) -> Sequence[AiAction]:
    """The audit trail, newest first; about `limit` rows, never half a proposal (its rows share
    `created_at`, so `before=<last created_at>` pages on without losing any)."""
    order = (AiAction.created_at.desc(), AiAction.proposal_id, AiAction.position)
    stmt = select(AiAction).order_by(*order)
    if before is not None:
        stmt = stmt.where(AiAction.created_at < before)
    rows = list((await session.execute(stmt.limit(limit))).scalars().all())
    if len(rows) == limit:
        last = rows[-1]
        rest = select(AiAction).where(
            AiAction.proposal_id == last.proposal_id, AiAction.position > last.position
        )
        rows += (await session.execute(rest.order_by(AiAction.position))).scalars().all()
    return rows


async def claim_for_apply(
    *,
    session: AsyncSession,
    proposal_id: uuid.UUID,
    keep: Collection[uuid.UUID],
    now: datetime,
) -> Sequence[AiAction]:
    """Move a pending proposal to confirmed (rows in `keep`) and cancelled (the others).

    Returns the confirmed rows, in position order; nothing when the proposal was not pending.
    """
    kept = AiAction.id.in_(list(keep))
    stmt = (
        update(AiAction)
        .where(AiAction.proposal_id == proposal_id, AiAction.status == "proposed")
        .values(
            status=case((kept, literal("confirmed")), else_=literal("cancelled")),
            confirmed_at=case((kept, literal(now, AiAction.confirmed_at.type)), else_=null()),
        )
        .returning(AiAction)
    )
    rows = (await session.execute(stmt, execution_options=_FRESH)).scalars().all()
    return sorted((r for r in rows if r.status == "confirmed"), key=lambda a: a.position)


async def mark_failed(
    *,
    session: AsyncSession,
    proposal_id: uuid.UUID,
    errors: Mapping[uuid.UUID, str],
    default_error: str,
) -> Sequence[AiAction]:
    """After a rolled-back apply: rows in `errors` failed, the others of the proposal cancelled."""
    failed = AiAction.id.in_(list(errors))
    stmt = (
        update(AiAction)
        .where(AiAction.proposal_id == proposal_id, AiAction.status == "proposed")
        .values(
            status=case((failed, literal("failed")), else_=literal("cancelled")),
            error=case(
                *((AiAction.id == k, literal(v)) for k, v in errors.items() if v),
                (failed, literal(default_error)),
                else_=null(),
            ),
        )
        .returning(AiAction)
    )
    return (await session.execute(stmt, execution_options=_FRESH)).scalars().all()


async def set_results(
    *, session: AsyncSession, results: Mapping[uuid.UUID, Mapping[str, Any]]
) -> None:
    """Store each row's `result` (and `function_args`, for edited actions); by primary key."""
    params = [{"id": action_id, **values} for action_id, values in results.items()]
    if params:
        await session.execute(update(AiAction), params)


async def transition(
    *,
    session: AsyncSession,
    proposal_id: uuid.UUID,
    from_status: str,
    to_status: str,
    confirmed_since: datetime | None = None,
    result: Mapping[str, Any] | None = None,
) -> Sequence[AiAction]:
    """Move every row of the proposal in `from_status` to `to_status`; the rows that moved."""
    stmt = update(AiAction).where(
        AiAction.proposal_id == proposal_id, AiAction.status == from_status
    )
    if confirmed_since is not None:
        stmt = stmt.where(AiAction.confirmed_at >= confirmed_since)
    values: dict[str, Any] = {"status": to_status}
    if result is not None:
        values["result"] = dict(result)
    stmt = stmt.values(**values).returning(AiAction)
    rows = (await session.execute(stmt, execution_options=_FRESH)).scalars().all()
    return sorted(rows, key=lambda a: a.position)


async def set_telegram_message(
    *, session: AsyncSession, proposal_id: uuid.UUID, chat_id: int, message_id: int
) -> int:
    stmt = (
        update(AiAction)
        .where(AiAction.proposal_id == proposal_id)
        .values(telegram_chat_id=chat_id, telegram_message_id=message_id)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]
