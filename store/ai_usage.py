"""What the AI cost: one `ai_usage` row per paid model call, sums per day and model, and the
owner's monthly cap. Never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, cast, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import AiUsageKind
from store.tables import AiUsage, OwnerSettings


@dataclass(frozen=True)
class UsageRow:
    """The calls of one model on one of the owner's days, summed."""

    day: date
    kind: str
    provider: str | None
    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    audio_seconds: float
    cost_usd: Decimal  # of the calls genai-prices could price
    unpriced_requests: int  # requests whose cost is unknown (not in `cost_usd`)


async def record(
    *,
    session: AsyncSession,
    at: datetime,
    kind: AiUsageKind,
    provider: str | None,
    model: str,
    requests: int = 1,
    input_tokens: int = 0,
    output_tokens: int = 0,
    audio_seconds: float | None = None,
    cost_usd: Decimal | None = None,
) -> None:
    await session.execute(
        insert(AiUsage).values(
            at=at,
            kind=kind,
            provider=provider,
            model=model,
            requests=requests,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            audio_seconds=audio_seconds,
            cost_usd=cost_usd,
        )
    )


async def cost_between(*, session: AsyncSession, start: datetime, end: datetime) -> Decimal:
    """USD spent in [start, end) on calls with a known price."""
    stmt = select(func.coalesce(func.sum(AiUsage.cost_usd), 0)).where(
        AiUsage.at >= start, AiUsage.at < end
    )
    return Decimal((await session.execute(stmt)).scalar_one() or 0)


async def per_day(
    *, session: AsyncSession, start: datetime, end: datetime, tz: str
) -> list[UsageRow]:
    """Calls in [start, end) summed per day of the owner (in `tz`) and model, in day order."""
    day = cast(func.timezone(tz, AiUsage.at), Date).label("day")
    unpriced = func.coalesce(func.sum(AiUsage.requests).filter(AiUsage.cost_usd.is_(None)), 0)
    stmt = (
        select(
            day,
            AiUsage.kind,
            AiUsage.provider,
            AiUsage.model,
            func.sum(AiUsage.requests),
            func.sum(AiUsage.input_tokens),
            func.sum(AiUsage.output_tokens),
            func.coalesce(func.sum(AiUsage.audio_seconds), 0.0),
            func.coalesce(func.sum(AiUsage.cost_usd), 0),
            unpriced,
        )
        .where(AiUsage.at >= start, AiUsage.at < end)
        .group_by(day, AiUsage.kind, AiUsage.provider, AiUsage.model)
        .order_by(day, AiUsage.kind, AiUsage.model)
    )
    return [
        UsageRow(
            day=row[0],
            kind=row[1],
            provider=row[2],
            model=row[3],
            requests=int(row[4]),
            input_tokens=int(row[5]),
            output_tokens=int(row[6]),
            audio_seconds=float(row[7] or 0),
            cost_usd=Decimal(row[8] or 0),
            unpriced_requests=int(row[9]),
        )
        for row in await session.execute(stmt)
    ]


async def get_budget(*, session: AsyncSession) -> Decimal | None:
    """The cap the owner set at run time, in euros; None: the environment's holds."""
    stmt = select(OwnerSettings.ai_monthly_budget_eur).where(OwnerSettings.id == 1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_budget(*, session: AsyncSession, budget_eur: Decimal | None) -> None:
    """None: back to the environment's cap (AI_MONTHLY_BUDGET_EUR)."""
    values = {"ai_monthly_budget_eur": budget_eur}
    stmt = pg_insert(OwnerSettings).values(id=1, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[OwnerSettings.id], set_={**values, "updated_at": func.now()}
    )
    await session.execute(stmt)
