"""A todo's enrichment (the seed's routes): a draft from one model request, saved nowhere but
the audit trail, then applied as the owner left it.

The draft is the todo's description, checklist, energy, context, tags and verification steps
as they will be once applied (`agent/enrich.py`): what the todo held, plus what the model
added. Apply writes it as sent (the owner's edits are kept) and sets `ai_enriched`; the same
draft twice writes once. Apply needs no model and can be queued offline (`/sync/replay`).
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from agent.enrich import EnrichDraft
from agent.enricher import Applied, apply_draft
from agent.errors import (
    BudgetSpentError,
    DraftMismatchError,
    EnrichFailedError,
    EnrichUnavailableError,
)
from store import mutations
from store import todos as todos_q
from store.clock import Clock
from web.api import Api
from web.appkeys import AGENT
from web.errors import ApiError, Unprocessable
from web.models import In
from web.routes.todos import TodoOut

api = Api("todos")

_ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}


class EnrichFailed(ApiError):
    status = 502
    code = "enrich_failed"


class EnrichUnavailable(ApiError):
    status = 503
    code = "enrich_unavailable"


class EnrichDraftOut(BaseModel):
    draft_id: uuid.UUID = Field(
        description="the draft's record in the audit trail (`GET /ai/actions`, its "
        "proposal_id): send it with apply; `POST /ai/command/cancel` drops it"
    )
    todo_id: uuid.UUID
    draft: EnrichDraft = Field(description="the todo's fields as they will be once applied")
    model_name: str
    model_requests: int = Field(description="1 when the model answered validly at once")


class EnrichApplyIn(In):
    draft: EnrichDraft = Field(description="the draft as the owner left it (edits kept)")
    draft_id: uuid.UUID | None = Field(
        None, description="the draft's id, when it came from `ai-enrich`: its record is confirmed"
    )
    client_mutation_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="applied at most once per id: a repeat writes nothing and gets the todo",
    )


class EnrichAppliedOut(BaseModel):
    todo: TodoOut
    changed: bool = Field(description="false: the todo already held this draft")

    @classmethod
    def of(cls, applied: Applied) -> EnrichAppliedOut:
        return cls(todo=TodoOut.model_validate(applied.todo), changed=applied.changed)


@api.post(
    "/todos/{todo_id}/ai-enrich",
    responses={
        502: _error("The language model failed (down, timing out, no usable answer)"),
        503: _error(
            "No language model is configured (MISTRAL_API_KEY), or this month's AI budget is "
            "spent (details.reason 'budget'): no draft"
        ),
    },
)
async def enrich_todo(request: web.Request, todo_id: uuid.UUID) -> EnrichDraftOut:
    """Propose an enrichment of the todo (one model request); nothing is saved to the todo."""
    enricher = request.app[AGENT].enricher
    try:
        made = await enricher.draft(todo_id, source="pwa")
    except BudgetSpentError as exc:  # the notice, on the request that found it spent
        raise EnrichUnavailable(exc.notice or exc.reason, details={"reason": "budget"}) from None
    except EnrichUnavailableError as exc:
        raise EnrichUnavailable(exc.reason) from None
    except EnrichFailedError as exc:
        raise EnrichFailed(str(exc), details={"reason": exc.reason}) from None
    return EnrichDraftOut(
        draft_id=made.draft_id,
        todo_id=made.todo_id,
        draft=made.draft,
        model_name=made.model_name,
        model_requests=made.model_requests,
    )


@api.post("/todos/{todo_id}/ai-enrich/apply")
async def apply_enrichment(
    session: AsyncSession, clock: Clock, todo_id: uuid.UUID, body: EnrichApplyIn
) -> EnrichAppliedOut:
    """Apply a draft, as edited by the owner, and mark the todo `ai_enriched`; no model
    request. The same draft again changes nothing (`changed: false`)."""
    if body.client_mutation_id is not None and not await mutations.claim(
        session=session, client_mutation_id=body.client_mutation_id, now=clock.now()
    ):
        todo = await todos_q.get_todo(session=session, todo_id=todo_id)
        return EnrichAppliedOut(todo=TodoOut.model_validate(todo), changed=False)
    try:
        applied = await apply_draft(
            session=session,
            todo_id=todo_id,
            draft=body.draft,
            draft_id=body.draft_id,
            now=clock.now(),
        )
    except DraftMismatchError as exc:
        details = [{"loc": ["body", "draft_id"], "msg": str(exc)}]
        raise Unprocessable(str(exc), details=details) from None
    return EnrichAppliedOut.of(applied)
