"""What the agent service refuses, for the web and bot layers to translate."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any


class AgentError(Exception):
    pass


class EmptyMessageError(AgentError):
    def __init__(self) -> None:
        super().__init__("nothing to understand: the message is empty")


class ProposalNotFoundError(AgentError):
    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(f"proposal {proposal_id} not found")
        self.proposal_id = proposal_id


class NotPendingError(AgentError):
    """The proposal is no longer waiting for the owner (confirmed, cancelled, …)."""

    def __init__(self, proposal_id: uuid.UUID, status: str) -> None:
        super().__init__(f"proposal {proposal_id} is {status}, no longer proposed")
        self.proposal_id = proposal_id
        self.status = status


class InvalidEditError(AgentError):
    """Edited actions that do not fit the proposal or their argument model; nothing changed."""

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class MutationIdReusedError(AgentError):
    """A `client_mutation_id` already spent on another kind of mutation (an offline replay)."""

    def __init__(self, client_mutation_id: str) -> None:
        super().__init__(f"client_mutation_id {client_mutation_id!r} was used for another change")
        self.client_mutation_id = client_mutation_id


class UndoExpiredError(AgentError):
    def __init__(self, proposal_id: uuid.UUID, confirmed_at: datetime | None) -> None:
        super().__init__(f"proposal {proposal_id} was confirmed too long ago to be undone")
        self.proposal_id = proposal_id
        self.confirmed_at = confirmed_at


class SpeechToTextDisabledError(AgentError):
    def __init__(self) -> None:
        super().__init__("speech-to-text is disabled: GROQ_API_KEY is not set")


class EnrichUnavailableError(AgentError):
    """No language model to enrich a todo with (no MISTRAL_API_KEY): no draft is invented."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BudgetSpentError(EnrichUnavailableError):
    """This month's AI budget is spent: no model request until the 1st (`agent.usage`).
    `notice` is set on the request that found it spent (the owner is told on Telegram too)."""

    def __init__(self, reason: str, notice: str | None = None) -> None:
        super().__init__(reason)
        self.notice = notice


class EnrichFailedError(AgentError):
    """The language model gave no usable draft (down, timing out, answering nonsense)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the model gave no draft: {reason}")
        self.reason = reason


class DraftMismatchError(AgentError):
    """A draft id that is not an enrichment draft of this todo."""

    def __init__(self, draft_id: uuid.UUID, todo_id: uuid.UUID) -> None:
        super().__init__(f"{draft_id} is not an enrichment draft of todo {todo_id}")
        self.draft_id = draft_id
        self.todo_id = todo_id
