"""What accounting adds to a proposal, and what a month's report costs.

    .venv/bin/python -m bench.ai_usage

Before each Mistral run the budget is checked (`UsageMeter.gate`: the owner's cap, and with a
cap this month's sum), after it the usage is recorded (one autocommit INSERT). Then
`GET /ai/usage`'s report and /usage's two over a month of heavy use: 100 calls a day for 30
days, across three models. Medians over ROUNDS calls after a warm-up, on an embedded PostgreSQL
over its Unix socket.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal

from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.usage import RunUsage

from agent.usage import UsageMeter
from bench._agent import clock, database
from store import ai_usage
from store.db import create_engine, create_sessionmaker

ROUNDS = 200
WARMUP = 20
MODELS = (("mistral", "mistral-small-latest"), ("mistral", "mistral-maison"), ("groq", "whisper"))


def _never(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:  # noqa: ARG001
    raise AssertionError("only its name is read")


async def median(fn: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> float:
    for _ in range(WARMUP):
        await fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


async def run(url: str) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    now = clock()
    meter = UsageMeter(sessionmaker=sessionmaker, clock=now)
    capped = UsageMeter(sessionmaker=sessionmaker, clock=now, default_budget_eur=Decimal(1000))
    model = FunctionModel(function=_never, model_name="mistral-small-latest")
    used = RunUsage(requests=1, input_tokens=1200, output_tokens=60, cost=Decimal("0.0002"))
    async with sessionmaker.begin() as session:
        for day in range(30):
            for i in range(100):
                provider, name = MODELS[i % 3]
                await ai_usage.record(
                    session=session,
                    at=now.now() - timedelta(days=day, minutes=i),
                    kind="transcription" if provider == "groq" else "chat",
                    provider=provider,
                    model=name,
                    input_tokens=1200,
                    output_tokens=60,
                    cost_usd=None if name == "mistral-maison" else Decimal("0.0002"),
                )
    first = date(2026, 11, 1)
    gate = await median(meter.gate)
    capped_gate = await median(capped.gate)
    record = await median(lambda: meter.record_run(model, used))
    report = await median(lambda: meter.report(first, date(2026, 11, 30)), rounds=50)
    print(f"gate, no cap (one read):         {gate:7.3f} ms")  # noqa: T201
    print(f"gate, with a cap (two reads):    {capped_gate:7.3f} ms")  # noqa: T201
    print(f"record a run (one INSERT):       {record:7.3f} ms")  # noqa: T201
    print(f"report, a month of 3,000 calls:  {report:7.3f} ms")  # noqa: T201
    await engine.dispose()


def main() -> None:
    with database() as url:
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
