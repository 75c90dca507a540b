"""What the AI costs: every paid call recorded, reported per day and model, and kept under the
owner's monthly cap.

Decisions worth knowing:
- One `ai_usage` row per chat run (its `requests`, tokens, and the cost pydantic-ai computed
  with genai-prices, `result.usage.cost`) and per transcription (its seconds of audio, priced
  with genai-prices' `calc_price`, which applies Groq's 10-second minimum). The cost is stored
  in USD as priced when the call was made, like a bill: later price changes do not rewrite it.
  The offline parser costs nothing and is not recorded.
- A model genai-prices does not know has a NULL cost: reported as `cost_eur: null` with its
  requests and tokens, never a guessed price, and not counted against the budget.
- genai-prices prices in USD only; euros are USD × `AI_USD_EUR_RATE`, a fixed rate.
- Days and months are the owner's (`TIMEZONE`), from the application's clock.
- The cap (`AI_MONTHLY_BUDGET_EUR`, or the owner's run-time value) is checked before each chat
  run: once this month's cost reaches it, the offline parser answers. The first call that finds
  it reached claims `('ai_budget', 'YYYY-MM')` in `sent_log` and says so, once a month.
- Transcriptions go on above the cap: the offline parser cannot hear, a voice note is the main
  way in, and it costs about a thousandth of a cent a second. They are counted all the same.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from genai_prices import Usage, calc_price
from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai.models import Model
from pydantic_ai.usage import RunUsage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.french import MONTHS
from core.vocabulary import AiUsageKind
from store import ai_usage, sendlog
from store.clock import Clock
from store.db import autocommit

log = logging.getLogger(__name__)

BUDGET_KIND = "ai_budget"
BUDGET_REACHED = (
    "Budget IA du mois atteint, le parseur local prend le relais ({spent} dépensés, "
    "budget {limit}) jusqu'au 1er {next_month}."
)

BUDGET_SPENT = "Budget IA du mois atteint : le modèle de langue revient le 1er du mois prochain."

# Sends a text to the owner (on Telegram); the message's id, or None when it went nowhere.
Notify = Callable[[str], Awaitable[int | None]]


def euros(value: Decimal) -> str:
    """'1,23 €', as the owner reads money; under a cent, '0,004 €' rather than '0,00 €'."""
    places = 2 if value == 0 or abs(value) >= Decimal("0.01") else 4
    text = f"{value:.{places}f}".replace(".", ",")
    return f"{text} €"


def month_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The owner's month holding `day`, as [first midnight, next month's first midnight)."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _midnight(first, tz), _midnight(following, tz)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _money(value: Decimal) -> float:
    return float(round(value, 8))


# ---------------------------------------------------------------- what the report says


class Spend(BaseModel):
    """Requests, tokens, audio and cost of some calls."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    audio_seconds: float = 0.0
    cost_eur: float = Field(0.0, description="of the requests that could be priced")
    unpriced_requests: int = Field(
        0, description="requests of models genai-prices does not know: not in cost_eur"
    )


class ModelSpend(BaseModel):
    """One model's calls (over a day, or over the whole range)."""

    model: str
    provider: str | None
    kind: AiUsageKind
    requests: int
    input_tokens: int
    output_tokens: int
    audio_seconds: float
    cost_eur: float | None = Field(description="null: genai-prices does not know this model")


class DaySpend(Spend):
    day: date
    models: list[ModelSpend]


class BudgetState(BaseModel):
    """This month against the cap."""

    month: str = Field(examples=["2026-11"])
    limit_eur: float | None = Field(description="null: no cap")
    spent_eur: float
    reached: bool


class UsageReport(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to", description="included")
    timezone: str
    currency: str = "EUR"
    usd_eur_rate: float = Field(description="AI_USD_EUR_RATE: genai-prices prices in USD")
    days: list[DaySpend] = Field(description="the days with calls, in order")
    models: list[ModelSpend] = Field(description="per model over the range")
    total: Spend
    budget: BudgetState


@dataclass(frozen=True)
class Gate:
    """Whether the language model may answer; `notice` is set on the one call of the month
    that found the cap reached."""

    online: bool
    notice: str | None = None


# ---------------------------------------------------------------- the meter


class UsageMeter:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        usd_eur_rate: Decimal = Decimal("0.86"),
        default_budget_eur: Decimal | None = None,
        notify: Notify | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self.usd_eur_rate = usd_eur_rate
        self.default_budget_eur = default_budget_eur
        self.notify = notify

    # ------------------------------------------------------------ recording

    async def record_run(self, model: Model, usage: RunUsage) -> None:
        """A chat run that reached the model (answered or not); the cost is pydantic-ai's."""
        if not usage.requests:
            return
        async with autocommit(self._sessionmaker) as session:  # one INSERT
            await ai_usage.record(
                session=session,
                at=self._clock.now(),
                kind="chat",
                provider=model.system,
                model=model.model_name,
                requests=usage.requests,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cost_usd=usage.cost,
            )

    async def record_transcription(
        self, *, provider: str, model: str, seconds: float | None
    ) -> None:
        at = self._clock.now()
        async with autocommit(self._sessionmaker) as session:  # one INSERT
            await ai_usage.record(
                session=session,
                at=at,
                kind="transcription",
                provider=provider,
                model=model,
                audio_seconds=seconds,
                cost_usd=transcription_cost(provider, model, seconds, at=at),
            )

    # ------------------------------------------------------------ the cap

    async def budget_eur(self) -> Decimal | None:
        async with self._sessionmaker() as session:
            return await self._budget(session)

    async def _budget(self, session: AsyncSession) -> Decimal | None:
        owner = await ai_usage.get_budget(session=session)
        return owner if owner is not None else self.default_budget_eur

    async def set_budget(self, budget_eur: Decimal | None) -> None:
        """The owner's cap; None: back to AI_MONTHLY_BUDGET_EUR."""
        async with self._sessionmaker.begin() as session:
            await ai_usage.set_budget(session=session, budget_eur=budget_eur)

    async def budget_state(self) -> BudgetState:
        async with self._sessionmaker() as session:
            limit = await self._budget(session)
            spent = await self._month_cost(session)
        return _state(self._clock.today(), limit, spent)

    async def _month_cost(self, session: AsyncSession) -> Decimal:
        start, end = month_bounds(self._clock.today(), self._clock.tz)
        usd = await ai_usage.cost_between(session=session, start=start, end=end)
        return usd * self.usd_eur_rate

    async def gate(self) -> Gate:
        """Before a chat run: may the language model answer? Two small reads when a cap is
        set, none of the model's time."""
        async with self._sessionmaker() as session:
            limit = await self._budget(session)
            if limit is None:
                return Gate(online=True)
            spent = await self._month_cost(session)
        if spent < limit:
            return Gate(online=True)
        return Gate(online=False, notice=await self._claim_notice(spent, limit))

    async def _claim_notice(self, spent: Decimal, limit: Decimal) -> str | None:
        """The notice, to the first caller of the month only; told on Telegram too."""
        today = self._clock.today()
        month = f"{today:%Y-%m}"
        async with autocommit(self._sessionmaker) as session:  # one INSERT
            claim_id = await sendlog.claim(
                session=session, kind=BUDGET_KIND, slot=month, now=self._clock.now()
            )
        if claim_id is None:
            return None
        following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        notice = BUDGET_REACHED.format(
            spent=euros(spent), limit=euros(limit), next_month=MONTHS[following.month - 1]
        )
        log.info("AI budget reached for %s: %s of %s", month, spent, limit)
        await self._tell(claim_id, notice)
        return notice

    async def _tell(self, claim_id: int, notice: str) -> None:
        message_id: int | None = None
        try:
            if self.notify is not None:
                message_id = await self.notify(notice)
        except Exception as exc:
            # Given up, not retried: the request's answer carries the notice all the same, and
            # "once" matters more than a second channel.
            log.error("the AI budget notice could not be sent: %s", exc)
            async with self._sessionmaker.begin() as session:
                await sendlog.give_up(
                    session=session, claim_id=claim_id, error=str(exc)[:500], now=self._clock.now()
                )
            return
        async with self._sessionmaker.begin() as session:
            await sendlog.mark_sent(
                session=session,
                claim_id=claim_id,
                now=self._clock.now(),
                telegram_message_id=message_id,
            )

    # ------------------------------------------------------------ reading

    async def report(self, start: date, end: date) -> UsageReport:
        """Calls of the owner's days `start` to `end` (both included)."""
        tz = self._clock.tz
        async with self._sessionmaker() as session:
            rows = await ai_usage.per_day(
                session=session,
                start=_midnight(start, tz),
                end=_midnight(end + timedelta(days=1), tz),
                tz=tz.key,
            )
            limit = await self._budget(session)
            spent = await self._month_cost(session)
        return UsageReport(
            start=start,
            end=end,
            timezone=tz.key,
            usd_eur_rate=float(self.usd_eur_rate),
            days=self._days(rows),
            models=self._models(rows),
            total=self._spend(rows),
            budget=_state(self._clock.today(), limit, spent),
        )

    def _days(self, rows: list[ai_usage.UsageRow]) -> list[DaySpend]:
        days: dict[date, list[ai_usage.UsageRow]] = {}
        for row in rows:
            days.setdefault(row.day, []).append(row)
        return [
            DaySpend(
                day=day,
                models=[self._model(r) for r in of_day],
                **self._spend(of_day).model_dump(),
            )
            for day, of_day in days.items()
        ]

    def _models(self, rows: list[ai_usage.UsageRow]) -> list[ModelSpend]:
        merged: dict[tuple[str, str | None, str], ai_usage.UsageRow] = {}
        for row in rows:
            key = (row.kind, row.provider, row.model)
            seen = merged.get(key)
            merged[key] = row if seen is None else _sum(seen, row)
        return [self._model(r) for r in sorted(merged.values(), key=lambda r: r.model)]

    def _model(self, row: ai_usage.UsageRow) -> ModelSpend:
        priced = row.unpriced_requests == 0
        return ModelSpend(
            model=row.model,
            provider=row.provider,
            kind=row.kind,
            requests=row.requests,
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            audio_seconds=round(row.audio_seconds, 3),
            cost_eur=_money(row.cost_usd * self.usd_eur_rate) if priced else None,
        )

    def _spend(self, rows: Iterable[ai_usage.UsageRow]) -> Spend:
        rows = list(rows)
        return Spend(
            requests=sum(r.requests for r in rows),
            input_tokens=sum(r.input_tokens for r in rows),
            output_tokens=sum(r.output_tokens for r in rows),
            audio_seconds=round(sum(r.audio_seconds for r in rows), 3),
            cost_eur=_money(sum((r.cost_usd for r in rows), Decimal(0)) * self.usd_eur_rate),
            unpriced_requests=sum(r.unpriced_requests for r in rows),
        )


def _sum(a: ai_usage.UsageRow, b: ai_usage.UsageRow) -> ai_usage.UsageRow:
    return ai_usage.UsageRow(
        day=a.day,
        kind=a.kind,
        provider=a.provider,
        model=a.model,
        requests=a.requests + b.requests,
        input_tokens=a.input_tokens + b.input_tokens,
        output_tokens=a.output_tokens + b.output_tokens,
        audio_seconds=a.audio_seconds + b.audio_seconds,
        cost_usd=a.cost_usd + b.cost_usd,
        unpriced_requests=a.unpriced_requests + b.unpriced_requests,
    )


def _state(today: date, limit: Decimal | None, spent: Decimal) -> BudgetState:
    return BudgetState(
        month=f"{today:%Y-%m}",
        limit_eur=None if limit is None else float(limit),
        spent_eur=_money(spent),
        reached=limit is not None and spent >= limit,
    )


def transcription_cost(
    provider: str, model: str, seconds: float | None, *, at: datetime
) -> Decimal | None:
    """USD for `seconds` of audio, as genai-prices prices it (Groq bills 10 s at least); None
    when the length or the model's price is unknown."""
    if seconds is None:
        return None
    try:
        price = calc_price(
            Usage(input_audio_seconds=seconds),
            model,
            provider_id=provider,
            genai_request_timestamp=at,
        )
    except LookupError:
        log.warning("genai-prices has no price for %s/%s: its cost is unknown", provider, model)
        return None
    return price.total_price
