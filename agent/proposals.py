"""What the agent service gives back: proposals, and proposals' states read from `ai_actions`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from agent.actions import ProposedAction
from agent.answers import QueryAnswer
from core.vocabulary import ActionSource, ActionStatus
from store.tables import AiAction

Source = ActionSource
ProposalStatus = ActionStatus
# When rows of one proposal differ (a confirm that dropped some), the first status found here.
_STATUS_ORDER: tuple[ProposalStatus, ...] = (
    "proposed",
    "confirmed",
    "undone",
    "failed",
    "superseded",
    "cancelled",
    "answered",
)
NOT_RUN = "non exécutée : une autre action de la proposition a échoué"


class Proposal(BaseModel):
    """What the model proposed, stored as `proposed` and waiting for the owner."""

    model_config = ConfigDict(frozen=True)

    proposal_id: uuid.UUID | None  # None: no action was proposed (a question may be answered)
    actions: list[ProposedAction]
    message: str | None = None  # the model's own words, or why nothing was proposed
    transcript: str | None = None
    model_name: str
    fallback_reason: str | None = None  # set when the model failed and the offline parser answered
    ignored_calls: int = 0  # calls the model made with arguments that did not validate
    model_requests: int = 1  # 1 when the model answered validly at once
    revision_of: uuid.UUID | None = None
    # The projects the actions refer to, by id, as the prompt listed them: what a card shows.
    project_names: dict[uuid.UUID, str] = {}
    # The repeat rule of each recurring action, by action id, in French words in the owner's
    # zone ("chaque lundi à 18:00"): what a card shows, so no client reads RRULEs itself.
    recurrence_texts: dict[uuid.UUID, str] = {}
    # The questions the message asked, answered from the rows (nothing to confirm); None when
    # it asked none. `message` is then the model's one kept sentence, if any.
    answer: QueryAnswer | None = None
    # The monthly budget's notice when this request found it spent (already at the head of
    # `message`): kept apart so that a surface rewriting `message` (a question's answer said
    # in plain text, web/routes/ai.py) still says it first.
    notice: SkipJsonSchema[str | None] = Field(None, exclude=True, repr=False)


class ActionRecord(BaseModel):
    """One `ai_actions` row, as the audit trail and the confirm/undo answers show it."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    proposal_id: uuid.UUID
    position: int
    fn: str
    args: dict[str, Any]
    status: str
    table: str | None = None  # where apply wrote
    row: dict[str, Any] | None = None  # the row written, every column
    error: str | None = None
    superseded_by: uuid.UUID | None = None
    source: str
    input_text: str | None = None
    transcript: str | None = None
    model_name: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: int | None = None
    created_at: datetime
    confirmed_at: datetime | None = None
    telegram_chat_id: int | None = None
    telegram_message_id: int | None = None

    @classmethod
    def of(cls, row: AiAction) -> ActionRecord:
        result = row.result or {}
        superseded_by = result.get("superseded_by")
        return cls(
            id=row.id,
            proposal_id=row.proposal_id,
            position=row.position,
            fn=row.function_name or "",
            args=row.function_args or {},
            status=row.status,
            table=result.get("table"),
            row=result.get("row"),
            error=row.error,
            superseded_by=uuid.UUID(superseded_by) if superseded_by else None,
            source=row.source,
            input_text=row.input_text,
            transcript=row.transcript,
            model_name=row.model_name,
            tokens_in=row.tokens_in,
            tokens_out=row.tokens_out,
            latency_ms=row.latency_ms,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            telegram_chat_id=row.telegram_chat_id,
            telegram_message_id=row.telegram_message_id,
        )


class ProposalState(BaseModel):
    """A proposal after apply, cancel or undo; rendered from the database.

    `changed` says whether this call moved it: a second confirm (or cancel, or undo) gets
    `changed=False` and the state the first one left, results included.
    """

    model_config = ConfigDict(frozen=True)

    proposal_id: uuid.UUID
    status: ProposalStatus
    changed: bool
    actions: list[ActionRecord]

    @property
    def error(self) -> str | None:
        return next((a.error for a in self.actions if a.error and a.error != NOT_RUN), None)


def proposal_status(rows: Sequence[AiAction]) -> ProposalStatus:
    present = {r.status for r in rows}
    return next(s for s in _STATUS_ORDER if s in present)


def proposal_state(rows: Sequence[AiAction], *, changed: bool) -> ProposalState:
    return ProposalState(
        proposal_id=rows[0].proposal_id,
        status=proposal_status(rows),
        changed=changed,
        actions=[ActionRecord.of(r) for r in rows],
    )
