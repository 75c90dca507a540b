"""Agent fixtures: the service on the real (embedded) database, models scripted with
pydantic-ai's `FunctionModel` (the network edge is faked only in the end-to-end tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic_ai.messages import (
    ModelMessage,
    ModelResponse,
    ModelResponsePart,
    TextPart,
    ToolCallPart,
)
from pydantic_ai.models import override_allow_model_requests
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService, RetryPolicy
from store.clock import FrozenClock
from store.tables import Base

Call = tuple[str, dict[str, Any]]


@dataclass
class Script:
    """A FunctionModel answering from a list of turns; records what it was sent.

    A turn is a list of `(fn, args)` tool calls, a string (plain text), or a callable that
    receives the messages and returns either.
    """

    turns: list[Any]
    seen: list[list[ModelMessage]] = field(default_factory=list)
    infos: list[AgentInfo] = field(default_factory=list)
    name: str = "scripted"

    @property
    def requests(self) -> int:
        return len(self.seen)

    @property
    def model(self) -> FunctionModel:
        return FunctionModel(self._respond, model_name=self.name)

    def _respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.seen.append(list(messages))
        self.infos.append(info)
        turn = self.turns[min(len(self.seen), len(self.turns)) - 1]
        if callable(turn):
            turn = turn(messages)
        parts: list[ModelResponsePart]
        if isinstance(turn, str):
            parts = [TextPart(turn)]
        else:
            parts = [
                ToolCallPart(fn, args, tool_call_id=f"call{len(self.seen)}x{i}")
                for i, (fn, args) in enumerate(turn)
            ]
        return ModelResponse(parts=parts)


def script(*turns: Any) -> Script:
    return Script(list(turns))


@pytest.fixture(autouse=True)
def no_real_model_requests() -> Iterator[None]:
    """A test that talks to a model over HTTP says so (and points it at a fake)."""
    with override_allow_model_requests(False):
        yield


FAST = RetryPolicy(timeout=1.0, attempts=3, backoff=0.01, max_backoff=0.02)


@pytest.fixture
def make_service(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> Callable[..., AgentService]:
    def make(model: Script | None = None, **options: Any) -> AgentService:
        options.setdefault("retry", FAST)
        return AgentService(
            sessionmaker=sessionmaker,
            clock=clock,
            model=model.model if model is not None else None,
            **options,
        )

    return make


async def count(
    sessionmaker: async_sessionmaker[AsyncSession], table: type[Base], *where: Any
) -> int:
    async with sessionmaker() as session:
        stmt = select(func.count()).select_from(table).where(*where)
        return int((await session.execute(stmt)).scalar_one())


async def all_rows(sessionmaker: async_sessionmaker[AsyncSession], table: type[Base]) -> list[Any]:
    async with sessionmaker() as session:
        return list((await session.execute(select(table))).scalars().all())


def calls(*items: Call) -> list[Call]:
    return list(items)


def user_prompts(messages: Iterable[ModelMessage]) -> str:
    return "\n".join(
        str(part.content)
        for message in messages
        for part in getattr(message, "parts", [])
        if type(part).__name__ == "UserPromptPart"
    )
