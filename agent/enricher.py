"""Enriching a todo, for the bot and the web alike.

    draft()        one model request → a draft (agent/enrich.py); the todo is not touched
    apply_draft()  the owner applies a draft, edited or not: the todo's enrichable fields are
                   set and `ai_enriched` becomes true, in the caller's transaction (a REST call
                   or an offline replay); idempotent: the same draft again writes nothing
    apply()        the same, for a draft stored by `draft()` (the bot's ✅)
    drop()         the owner declined

The audit trail is `ai_actions`, like the actions': a draft is one row, `function_name`
"enrich_todo", `function_args` {todo_id, title, draft}, with its model, tokens and latency; its
`proposal_id` is the draft's id. Applied, the row becomes `confirmed`, `function_args.draft` is
the draft as applied (the owner's edits included) and `result` is {table: "todos", row,
enriched_from}: the row written, and the fields as they were, which an undo within the window
puts back (agent/writes.py). Dropped, it is `cancelled`. A request the model failed is a
`failed` row with the reason.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits
from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.enrich import (
    ENRICH_FUNCTION,
    OUTPUT_RETRIES,
    EnrichDraft,
    build_enrich_agent,
    merge,
    todo_prompt,
)
from agent.errors import (
    BudgetSpentError,
    DraftMismatchError,
    EnrichFailedError,
    EnrichUnavailableError,
    ProposalNotFoundError,
)
from agent.model_run import ModelRunner, describe_failure, with_retries
from agent.proposals import Source
from agent.usage import BUDGET_SPENT, Gate, UsageMeter
from agent.writes import row_json
from store import actions as actions_q
from store import enrichment as enrichment_q
from store import projects as projects_q
from store import todos as todos_q
from store.clock import Clock
from store.db import autocommit
from store.errors import NotFoundError
from store.tables import AiAction, Todo

log = logging.getLogger(__name__)

NO_MODEL = "enriching a todo needs the language model: MISTRAL_API_KEY is not set"


@dataclass(frozen=True)
class Draft:
    """What one enrichment request proposed; stored in the audit trail only."""

    draft_id: uuid.UUID
    todo_id: uuid.UUID
    title: str  # the todo's, when the draft was made
    draft: EnrichDraft
    model_name: str
    model_requests: int


@dataclass(frozen=True)
class Applied:
    """The todo after an apply; `changed` is False when it already held the draft, `confirmed`
    True when this apply is the one that confirmed the draft's record."""

    todo: Todo
    changed: bool
    confirmed: bool = False


def _jsonable(value: Any) -> Any:
    return to_jsonable_python(value)


async def apply_draft(
    *,
    session: AsyncSession,
    todo_id: uuid.UUID,
    draft: EnrichDraft,
    now: datetime,
    draft_id: uuid.UUID | None = None,
) -> Applied:
    """Write `draft` into the todo and mark it `ai_enriched`; no model request.

    With `draft_id` (the id `draft()` gave), the draft's audit row becomes `confirmed`, once.
    Raises `NotFoundError` for a todo that does not exist, `DraftMismatchError` for a draft id
    that is not an enrichment of this todo.
    """
    todo = await enrichment_q.lock_todo(session=session, todo_id=todo_id)
    values = {**draft.values(), "ai_enriched": True}
    before = {column: _jsonable(getattr(todo, column)) for column in values}
    changed = before != _jsonable(values)
    if changed:
        written = await enrichment_q.set_fields(session=session, todo_id=todo_id, values=values)
        assert written is not None  # locked above
        todo = written
    confirmed = draft_id is not None and await _confirm(
        session, draft_id, todo=todo, draft=draft, before=before, now=now
    )
    return Applied(todo=todo, changed=changed, confirmed=confirmed)


async def _draft_row(session: AsyncSession, draft_id: uuid.UUID) -> AiAction:
    rows = await actions_q.get_proposal(session=session, proposal_id=draft_id)
    if len(rows) != 1 or rows[0].function_name != ENRICH_FUNCTION:
        raise ProposalNotFoundError(draft_id)
    return rows[0]


async def _confirm(
    session: AsyncSession,
    draft_id: uuid.UUID,
    *,
    todo: Todo,
    draft: EnrichDraft,
    before: dict[str, Any],
    now: datetime,
) -> bool:
    """The draft's row `proposed` → `confirmed` with what was applied; nothing (False) if it
    was not pending any more (applied before, or dropped)."""
    try:
        row = await _draft_row(session, draft_id)
    except ProposalNotFoundError:
        raise DraftMismatchError(draft_id, todo.id) from None
    args = row.function_args or {}
    if args.get("todo_id") != str(todo.id):
        raise DraftMismatchError(draft_id, todo.id)
    claimed = await actions_q.claim_for_apply(
        session=session, proposal_id=draft_id, keep=[row.id], now=now
    )
    if claimed:
        result = {"table": "todos", "row": row_json(todo), "enriched_from": before}
        applied = {**args, "draft": draft.model_dump(mode="json")}
        await actions_q.set_results(
            session=session, results={row.id: {"result": result, "function_args": applied}}
        )
    return bool(claimed)


class TodoEnricher:
    """Drafts through the agent's language model (`ModelRunner.model`, retried like a
    proposal's request); applies and drops through the store."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        runner: ModelRunner,
        usage: UsageMeter | None = None,
    ) -> None:
        """`usage`: the monthly AI budget a draft must be under (its cost is recorded through
        the runner's `on_usage`)."""
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._runner = runner
        self._usage = usage
        self.agent = build_enrich_agent()

    @property
    def model(self) -> Model | None:
        """The model a draft would use now; None when there is none (and no draft then). The
        agent's own: when it stops using the language model (no key; the AI budget spent),
        so does enrichment."""
        return self._runner.model

    @property
    def available(self) -> bool:
        return self.model is not None

    async def draft(
        self,
        todo_id: uuid.UUID,
        *,
        source: Source = "pwa",
        telegram_chat_id: int | None = None,
    ) -> Draft:
        """One model request (a second only to correct an answer that does not validate).

        Raises `NotFoundError` (no such todo), `EnrichUnavailableError` (no model: nothing is
        invented; `BudgetSpentError` when this month's AI budget is spent), `EnrichFailedError`
        (the model failed, after retrying transient errors). Its cost is in `ai_usage`.
        """
        async with autocommit(self._sessionmaker) as session:
            todo = await todos_q.get_todo(session=session, todo_id=todo_id)
            project = await _project_name(session, todo.project_id)
        model = self.model
        if model is None:
            raise EnrichUnavailableError(NO_MODEL)
        gate = await self._usage.gate() if self._usage is not None else Gate(online=True)
        if not gate.online:  # the notice, on the request that found the budget spent
            raise BudgetSpentError(BUDGET_SPENT, notice=gate.notice)
        prompt = todo_prompt(todo, project=project, tz=self._clock.tz)
        limits = UsageLimits(request_limit=1 + OUTPUT_RETRIES)
        started = time.perf_counter()
        draft_id = uuid.uuid4()
        common = {
            "proposal_id": draft_id,
            "position": 0,
            "function_name": ENRICH_FUNCTION,
            "input_text": todo.title,
            "source": source,
            "model_name": model.model_name,
            "telegram_chat_id": telegram_chat_id,
            "created_at": self._clock.now(),
        }
        args = {"todo_id": str(todo.id), "title": todo.title}
        try:
            result = await with_retries(
                self._runner.retry,
                lambda: self._runner.metered(
                    model, lambda: self.agent.run(prompt, model=model, usage_limits=limits)
                ),
            )
        except AgentRunError as exc:
            reason = describe_failure(exc)
            log.warning("enrichment of todo %s failed: %s", todo.id, reason)
            row = {**common, "function_args": args, "status": "failed", "error": reason}
            async with autocommit(self._sessionmaker) as session:
                await actions_q.insert_actions(session=session, rows=[row])
            raise EnrichFailedError(reason) from exc
        draft = merge(todo, result.output)
        usage = result.usage
        latency_ms = round((time.perf_counter() - started) * 1000)
        row = {
            **common,
            "function_args": {**args, "draft": draft.model_dump(mode="json")},
            "status": "proposed",
            "tokens_in": usage.input_tokens,
            "tokens_out": usage.output_tokens,
            "latency_ms": latency_ms,
        }
        async with autocommit(self._sessionmaker) as session:  # one INSERT
            await actions_q.insert_actions(session=session, rows=[row])
        log.info(
            "enrichment draft %s for todo %s by %s in %d ms, %d+%d tokens, %d request(s)",
            draft_id,
            todo.id,
            model.model_name,
            latency_ms,
            usage.input_tokens,
            usage.output_tokens,
            usage.requests,
        )
        return Draft(
            draft_id=draft_id,
            todo_id=todo.id,
            title=todo.title,
            draft=draft,
            model_name=model.model_name,
            model_requests=usage.requests,
        )

    async def stored(self, draft_id: uuid.UUID) -> tuple[uuid.UUID, str, EnrichDraft, str]:
        """A stored draft: its todo's id and title, the draft, and its row's status.
        Raises `ProposalNotFoundError`."""
        async with autocommit(self._sessionmaker) as session:
            row = await _draft_row(session, draft_id)
        args = row.function_args or {}
        try:
            draft = EnrichDraft.model_validate(args.get("draft") or {})
            todo_id = uuid.UUID(str(args.get("todo_id")))
        except (ValidationError, ValueError):
            raise ProposalNotFoundError(draft_id) from None
        return todo_id, str(args.get("title") or ""), draft, row.status

    async def apply(self, draft_id: uuid.UUID) -> Applied:
        """Apply a stored draft as it was proposed (the bot's ✅), if it is still pending: one
        dropped or applied before changes nothing. Raises `ProposalNotFoundError`, or
        `NotFoundError` when its todo was deleted since."""
        todo_id, _title, draft, status = await self.stored(draft_id)
        async with self._sessionmaker.begin() as session:
            if status != "proposed":
                todo = await todos_q.get_todo(session=session, todo_id=todo_id)
                return Applied(todo=todo, changed=False)
            return await apply_draft(
                session=session,
                todo_id=todo_id,
                draft=draft,
                draft_id=draft_id,
                now=self._clock.now(),
            )

    async def drop(self, draft_id: uuid.UUID) -> bool:
        """The owner declined: a pending draft becomes `cancelled`; False when it was not
        pending any more."""
        async with self._sessionmaker.begin() as session:
            moved = await actions_q.transition(
                session=session,
                proposal_id=draft_id,
                from_status="proposed",
                to_status="cancelled",
            )
        return bool(moved)


async def _project_name(session: AsyncSession, project_id: uuid.UUID | None) -> str | None:
    if project_id is None:
        return None
    try:
        return (await projects_q.get_project(session=session, project_id=project_id)).name
    except NotFoundError:
        return None
