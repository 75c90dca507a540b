"""One proposal's model request: the language model, retried on transient failures, and the
offline parser when it still fails (or when there is no language model at all).

The run never executes a tool: its calls come back as `DeferredToolRequests`, validated by the
argument models against the `Situation` (time zone, projects listed in the prompt): the actions
to propose, and the queries (questions) the service runs at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import ValidationError
from pydantic_ai import DeferredToolRequests, capture_run_messages
from pydantic_ai.exceptions import (
    AgentRunError,
    ModelAPIError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRateLimitError,
    ModelRequestTimeout,
    ModelServerError,
    ModelUnavailableError,
)
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models import Model
from pydantic_ai.run import AgentRunResult
from pydantic_ai.usage import RunUsage, UsageLimits

from agent.actions import ActionArgs, UnknownFunctionError, ValidationContext, validate_args
from agent.offline_model import offline_model
from agent.queries import QueryArgs, UnknownQueryError, validate_query
from agent.situation import Situation
from agent.tools import Deps, ProposeAgent, build_agent

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
# What a run of the language model used, answered or not (`agent.usage.UsageMeter.record_run`).
UsageHook = Callable[[Model, RunUsage], Awaitable[None]]

_TRANSIENT = (
    ModelRateLimitError,
    ModelUnavailableError,
    ModelServerError,
    ModelConnectionError,  # timeouts included
    ModelRequestTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try the language model before the offline parser answers."""

    timeout: float = 15.0  # seconds for one request (set on the model, see `integrations.mistral`)
    attempts: int = 3
    backoff: float = 0.5  # seconds before the second attempt, doubled each time
    max_backoff: float = 4.0

    def delay(self, attempt: int, exc: Exception) -> float:
        delay = self.backoff * 2.0 ** (attempt - 1)
        retry_after: float | None = exc.retry_after if isinstance(exc, ModelAPIError) else None
        if retry_after:
            delay = max(delay, retry_after)
        return min(delay, self.max_backoff)


def _transient(exc: Exception) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    return isinstance(exc, ModelHTTPError) and (exc.status_code == 429 or exc.status_code >= 500)


async def with_retries(retry: RetryPolicy, attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()` again after a transient failure (timeout, 429, 5xx), with backoff, up to
    `retry.attempts` times; any other failure, or the last one, is raised."""
    tries = 1
    while True:
        try:
            return await attempt()
        except AgentRunError as exc:
            if tries >= retry.attempts or not _transient(exc):
                raise
            delay = retry.delay(tries, exc)
            log.info("model attempt %d failed (%s), retrying in %.1fs", tries, exc, delay)
            await asyncio.sleep(delay)
            tries += 1


def describe_failure(exc: Exception) -> str:
    """Why the model gave no usable answer, in French, for the owner."""
    if isinstance(exc, ModelHTTPError):
        return f"{exc.model_name} a répondu HTTP {exc.status_code}"
    if isinstance(exc, ModelConnectionError | ModelRequestTimeout):
        return f"{exc.model_name} injoignable ({type(exc).__name__})"
    return f"réponse inutilisable du modèle ({type(exc).__name__})"


@dataclass
class Answer:
    """What one proposal's model request(s) came to."""

    actions: list[tuple[str, ActionArgs]]
    message: str | None
    model_name: str
    tokens_in: int
    tokens_out: int
    requests: int
    latency_ms: int
    ignored_calls: int
    fallback_reason: str | None = None
    queries: list[tuple[str, QueryArgs]] = field(default_factory=list)


class ModelRunner:
    def __init__(
        self,
        *,
        model: Model | None,
        retry: RetryPolicy,
        request_limit: int,
        on_usage: UsageHook | None = None,
    ) -> None:
        self.model = model
        self.retry = retry
        self.request_limit = request_limit
        self.on_usage = on_usage
        self.agent: ProposeAgent = build_agent()

    async def answer(
        self, prompt: str, situation: Situation, *, offline_text: str, online: bool = True
    ) -> Answer:
        """`offline_text` is what the offline parser reads: the owner's words, unframed.
        `online` False: the offline parser answers even with a language model (over budget)."""
        deps = Deps(situation.validation)
        instructions = situation.instructions()
        started = time.perf_counter()
        fallback_reason = None
        if self.model is not None and online:
            try:
                return await self._with_retries(self.model, prompt, deps, instructions, started)
            except AgentRunError as exc:
                fallback_reason = describe_failure(exc)
                log.warning("model failed, the offline parser answers: %s", fallback_reason)
        offline = offline_model(offline_text, now=situation.now, projects=situation.projects)
        answer = await self._once(offline, prompt, deps, instructions, started, metered=False)
        answer.fallback_reason = fallback_reason
        return answer

    async def _with_retries(
        self, model: Model, prompt: str, deps: Deps, instructions: str, started: float
    ) -> Answer:
        return await with_retries(
            self.retry, lambda: self._once(model, prompt, deps, instructions, started)
        )

    async def _once(
        self,
        model: Model,
        prompt: str,
        deps: Deps,
        instructions: str,
        started: float,
        *,
        metered: bool = True,
    ) -> Answer:
        def run() -> Awaitable[AgentRunResult[str | DeferredToolRequests]]:
            return self.agent.run(
                prompt,
                model=model,
                deps=deps,
                instructions=instructions,
                usage_limits=UsageLimits(request_limit=self.request_limit),
            )

        result = await (self.metered(model, run) if metered else run())
        return _read(result, model, deps.validation, started)

    async def metered(
        self, model: Model, run: Callable[[], Awaitable[AgentRunResult[R]]]
    ) -> AgentRunResult[R]:
        """`run()`, a run of `model`, its usage given to `on_usage` whether it answers or
        raises: the responses that came back before a failure were billed all the same."""
        with capture_run_messages() as messages:
            try:
                result = await run()
            except AgentRunError:
                await self._used(model, _responses_usage(messages))
                raise
        await self._used(model, result.usage)
        return result

    async def _used(self, model: Model, usage: RunUsage) -> None:
        if self.on_usage is not None and usage.requests:
            await self.on_usage(model, usage)


def _responses_usage(messages: Sequence[ModelMessage]) -> RunUsage:
    """What a run that raised had used: the sum of the responses it got."""
    responses = [m for m in messages if isinstance(m, ModelResponse)]
    usage = RunUsage(requests=len(responses))
    for response in responses:
        usage.incr(response.usage)
    return usage


def _read(
    result: AgentRunResult[str | DeferredToolRequests],
    model: Model,
    context: ValidationContext,
    started: float,
) -> Answer:
    output = result.output
    actions: list[tuple[str, ActionArgs]] = []
    queries: list[tuple[str, QueryArgs]] = []
    ignored = 0
    if isinstance(output, DeferredToolRequests):
        message = result.response.text
        for call in output.approvals:
            try:
                args = validate_args(call.tool_name, call.args_as_dict(), context)
            except (ValidationError, UnknownFunctionError):
                ignored += 1
                continue
            actions.append((call.tool_name, args))
        for call in output.calls:
            try:
                query = validate_query(call.tool_name, call.args_as_dict(), context)
            except (ValidationError, UnknownQueryError):
                ignored += 1
                continue
            queries.append((call.tool_name, query))
        # pydantic-ai drops a call with invalid args when other calls of the same response are
        # deferred: count it so that the owner is told.
        made = sum(isinstance(p, ToolCallPart) for p in result.response.parts)
        ignored += max(0, made - len(output.approvals) - len(output.calls))
    else:
        message = output
    usage = result.usage
    return Answer(
        actions=actions,
        message=(message or "").strip() or None,
        model_name=model.model_name,
        tokens_in=usage.input_tokens,
        tokens_out=usage.output_tokens,
        requests=usage.requests,
        latency_ms=round((time.perf_counter() - started) * 1000),
        ignored_calls=ignored,
        queries=queries,
    )
