"""What `propose()` costs beyond the model: an instant model vs one INSERT round trip.

    .venv/bin/python -m bench.agent_propose

`propose()` with a `FunctionModel` that answers at once (one `create_todo` call) measures our
own overhead: the projects SELECT, the prompt, the pydantic-ai run and validation, and the
INSERT of the proposal in its transaction. The floors are one `ai_actions` INSERT as the service
does it (SQLAlchemy session: BEGIN, INSERT … RETURNING, COMMIT), and one bare asyncpg
autocommit INSERT (a single round trip). Medians over ROUNDS calls after a warm-up, on an
embedded PostgreSQL over its Unix socket.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.usage import UsageLimits

from agent.actions import validation_context
from agent.service import AgentService
from agent.tools import Deps
from bench._agent import PARIS, clock, database
from store import actions, projects
from store.db import create_engine, create_sessionmaker, to_libpq_url

ROUNDS = 300
WARMUP = 30


def instant(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:  # noqa: ARG001
    args = {"title": "Acheter du pain", "due_at": "2026-11-26T09:00:00+01:00"}
    return ModelResponse(parts=[ToolCallPart("create_todo", args, tool_call_id="call1")])


async def median(fn: Callable[[], Awaitable[object]]) -> float:
    for _ in range(WARMUP):
        await fn()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def row() -> dict[str, object]:
    return {
        "proposal_id": uuid.uuid4(),
        "position": 0,
        "function_name": "create_todo",
        "function_args": {"title": "Acheter du pain"},
        "status": "proposed",
        "source": "pwa",
    }


async def measure(url: str) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        for i in range(8):
            await projects.create_project(session=session, data={"name": f"Projet {i}"})
    service = AgentService(
        sessionmaker=sessionmaker,
        clock=clock(),
        model=FunctionModel(instant, model_name="instant"),
    )

    async def propose() -> None:
        await service.propose("ajoute acheter du pain demain")

    deps = Deps(validation_context(PARIS, []))
    model = FunctionModel(instant, model_name="instant")

    async def agent_run() -> None:
        await service.agent.run(
            "<message>ajoute acheter du pain demain</message>",
            model=model,
            deps=deps,
            instructions="Tu es l'assistant…",
            usage_limits=UsageLimits(request_limit=3),
        )

    async def orm_insert() -> None:
        async with sessionmaker() as session, session.begin():
            await actions.insert_actions(session=session, rows=[row()])

    conn = await asyncpg.connect(to_libpq_url(url))
    values = row()

    async def raw_insert() -> None:
        await conn.execute(
            "INSERT INTO ordinarthur_os.ai_actions (proposal_id, position, function_name, "
            "function_args, status, source) VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
            uuid.uuid4(),
            0,
            values["function_name"],
            '{"title": "Acheter du pain"}',
            "proposed",
            "pwa",
        )

    try:
        t_propose = await median(propose)
        t_agent = await median(agent_run)
        t_orm = await median(orm_insert)
        t_raw = await median(raw_insert)
    finally:
        await conn.close()
        await engine.dispose()
    print(f"propose(), instant model, 8 projects: {t_propose * 1000:7.3f} ms")  # noqa: T201
    print(f"  of which the pydantic-ai run alone: {t_agent * 1000:7.3f} ms")  # noqa: T201
    print(f"one INSERT as the service does it:    {t_orm * 1000:7.3f} ms")  # noqa: T201
    print(f"one bare asyncpg INSERT round trip:   {t_raw * 1000:7.3f} ms")  # noqa: T201
    print(  # noqa: T201
        f"ratio propose / service INSERT = {t_propose / t_orm:.1f}x, "
        f"propose / bare INSERT = {t_propose / t_raw:.1f}x "
        f"(median of {ROUNDS} after {WARMUP} warm-up calls)"
    )


def main() -> None:
    with database() as url:
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
