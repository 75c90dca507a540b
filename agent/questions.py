"""A message's questions, for the service: run at once (no ✅), answered from the rows, logged.

The model's one response lists the query calls beside any action calls (agent/tools.py); the
service then, with no further model request:
- runs the queries, and reads the agenda for the actions' warnings, in one read (`look_up`);
- logs each query in the audit trail (`audit_rows`): an `ai_actions` row with status
  `answered`, `function_name` the query, `function_args` its arguments and `result`
  {total, proposal_id?}. The questions of one message share a `proposal_id` of their own (the
  answer's `question_id`); `result.proposal_id` names the proposal of the actions asked in the
  same message, if any. The model's tokens and latency go on the proposal's first row when
  there is one (as for any proposal), else on the first question's: summing `ai_actions`
  still gives the bill.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent import clashes, reads
from agent.actions import ActionArgs, ActionWarning
from agent.answers import Found, QueryAnswer
from agent.model_run import Answer
from agent.queries import QueryArgs
from store.db import autocommit


async def look_up(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    queries: Sequence[QueryArgs],
    actions: Sequence[ActionArgs],
    now: datetime,
    tz: ZoneInfo,
) -> tuple[list[Found], list[list[ActionWarning]]]:
    """What the queries found, and each action's warnings; one connection, no transaction."""
    if not queries and not actions:
        return [], []
    async with autocommit(sessionmaker) as session:
        found = [await reads.run(session, query, now=now, tz=tz) for query in queries]
        warned = await clashes.warnings(session, actions, tz=tz)
    return found, warned


def audit_rows(
    answer: QueryAnswer,
    run: Answer,
    *,
    common: Mapping[str, Any],
    proposal_id: uuid.UUID | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """The `ai_actions` rows of the questions answered: one per query, status `answered`."""
    billed = proposal_id is None  # else the proposal's first row carries the run's cost
    rows = []
    for i, found in enumerate(answer.results):
        result: dict[str, Any] = {"total": found.total}
        if proposal_id is not None:
            result["proposal_id"] = str(proposal_id)
        first = billed and i == 0
        rows.append(
            {
                **common,
                "proposal_id": answer.question_id,
                "position": i,
                "function_name": found.fn,
                "function_args": found.args,
                "result": result,
                "status": "answered",
                "model_name": run.model_name,
                "tokens_in": run.tokens_in if first else None,
                "tokens_out": run.tokens_out if first else None,
                "latency_ms": run.latency_ms if first else None,
                "created_at": now,
            }
        )
    return rows
