"""The AI routes: propose from text or voice, then confirm, cancel or undo; the audit trail.

Thin: everything happens in `agent.service.AgentService` (`web.appkeys.AGENT`); this module reads
the request, calls it, and says what happened in JSON. Actions are `{fn, args}` plus their id;
their argument schemas are the agent's own argument models.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import BodyPartReader, web
from pydantic import BaseModel, Discriminator, Field, RootModel, Tag

from agent.actions import ARGS_MODELS, ActionCall, ProposedAction
from agent.errors import (
    EmptyMessageError,
    InvalidEditError,
    MutationIdReusedError,
    ProposalNotFoundError,
    SpeechToTextDisabledError,
    UndoExpiredError,
)
from agent.proposals import ActionRecord, Proposal, ProposalState, ProposalStatus
from agent.service import AgentService
from integrations.groq import TranscriptionError
from web.api import Api
from web.appkeys import AGENT, ANSWER_TEXT, CLOCK
from web.errors import ApiError, Conflict, NotFound, PayloadTooLarge, Unprocessable
from web.models import In, QueryInstant

api = Api("ai")

_ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}


class NotPending(Conflict):
    code = "not_pending"


class ActionFailed(Conflict):
    code = "action_failed"


class MutationIdReused(Conflict):
    code = "client_mutation_id_reused"


class UndoExpired(Conflict):
    code = "undo_expired"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


class BadGateway(ApiError):
    status = 502
    code = "stt_failed"


class ServiceUnavailable(ApiError):
    status = 503
    code = "stt_disabled"


# ---------------------------------------------------------------- models


class CommandIn(In):
    text: str = Field(min_length=1, max_length=20_000, description="what the owner typed")
    forwarded: str | None = Field(
        None, max_length=20_000, description="a message or quote passed on (data, not orders)"
    )


class ProposalIdIn(In):
    proposal_id: uuid.UUID


class ConfirmIn(In):
    proposal_id: uuid.UUID
    actions: list[ProposedAction] | None = Field(
        None,
        description="the actions to run, possibly edited; those left out are dropped. "
        "Datetimes need an offset.",
    )


class ConfirmActionsIn(In):
    """The one-step form: actions the client showed the owner, run at once with no proposal
    first; recorded in the audit trail as proposed and confirmed together (source "api")."""

    actions: list[ActionCall] = Field(
        min_length=1, max_length=50, description="run in this order. Datetimes need an offset."
    )
    client_mutation_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="applied at most once per id: a repeat writes nothing and gets the first "
        "call's results",
    )


def _confirm_form(data: Any) -> str | None:
    """Which form a body is: a `proposal_id` makes it the first."""
    if isinstance(data, dict):
        return "proposal" if "proposal_id" in data else "actions"
    if isinstance(data, ConfirmIn):
        return "proposal"
    return "actions" if isinstance(data, ConfirmActionsIn) else None


class ConfirmBody(
    RootModel[
        Annotated[
            Annotated[ConfirmIn, Tag("proposal")] | Annotated[ConfirmActionsIn, Tag("actions")],
            Discriminator(
                _confirm_form,
                custom_error_type="invalid_confirm",
                custom_error_message="expected {proposal_id, actions?} or {actions}",
            ),
        ]
    ]
):
    """A pending proposal's id, or actions to run at once. A validation error's
    `loc` starts with the form it was read as ("proposal" or "actions")."""


class ResultsOut(BaseModel):
    """A proposal after confirm, cancel or undo, read back from the database."""

    proposal_id: uuid.UUID
    status: ProposalStatus
    changed: bool = Field(description="false: an earlier call already did it")
    results: list[ActionRecord]

    @classmethod
    def of(cls, state: ProposalState) -> ResultsOut:
        return cls(
            proposal_id=state.proposal_id,
            status=state.status,
            changed=state.changed,
            results=state.actions,
        )


class ActionsQuery(In):
    limit: int = Field(50, ge=1, le=200)
    before: QueryInstant | None = Field(None, description="only actions created before this")


# ---------------------------------------------------------------- helpers


def _agent(request: web.Request) -> AgentService:
    return request.app[AGENT]


def _not_found(exc: ProposalNotFoundError) -> NotFound:
    return NotFound(f"no proposal {exc.proposal_id}")


def _results_or_conflict(state: ProposalState, expected: ProposalStatus) -> ResultsOut:
    out = ResultsOut.of(state)
    if state.status == expected:
        return out
    if state.status == "failed":
        raise ActionFailed(state.error or "an action failed", details=out.model_dump(mode="json"))
    raise NotPending(
        f"proposal {state.proposal_id} is {state.status}", details={"status": state.status}
    )


async def _propose(agent: AgentService, body: CommandIn) -> Proposal:
    try:
        return await agent.propose(body.text, forwarded=body.forwarded, source="pwa")
    except EmptyMessageError as exc:
        raise Unprocessable(str(exc)) from None


def _answered(request: web.Request, proposal: Proposal) -> Proposal:
    """A question's answer in `message`, as plain text written from its rows (the rows
    themselves are in `answer`), after the budget's notice when this request found it spent."""
    if proposal.answer is None:
        return proposal
    text = request.app[ANSWER_TEXT](proposal.answer, request.app[CLOCK])
    message = "\n\n".join(m for m in (proposal.notice, text) if m)
    return proposal.model_copy(update={"message": message})


# ---------------------------------------------------------------- routes


@api.post("/ai/command")
async def ai_command(request: web.Request, body: CommandIn) -> Proposal:
    """Propose actions for a typed command (nothing is written before confirm), and answer
    its questions at once: `answer` holds the rows found, `message` says them in French, and
    `proposal_id` is null when nothing was proposed. Proposed events and todos carry their
    clashes with the agenda in `actions[i].warnings`."""
    return _answered(request, await _propose(_agent(request), body))


MAX_VOICE_SECONDS = 86_400
_AUDIO_SUFFIXES = {"audio/ogg": ".ogg", "audio/webm": ".webm", "audio/mp4": ".m4a"}
_VOICE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "audio": {"type": "string", "format": "binary"},
                    "seconds": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 86400,
                        "description": "the recording's length, when the audio is not Ogg/Opus "
                        "(its length is then read from the file): what the AI usage counts",
                    },
                },
                "required": ["audio"],
            }
        }
    },
}
# A browser sends the audio alone; other parts of the form are read (to reach the audio) up
# to these bounds.
FORM_FIELD_LIMIT = 64 * 1024
FORM_PARTS_LIMIT = 10

_VOICE_ERRORS = {
    413: _error(
        "Audio too large for speech-to-text, a field other than the audio over 64 KiB, "
        "or more than 10 parts before the audio"
    ),
    415: _error("Not a multipart form, or a multipart part inside the form"),
    422: _error("No audio in the form, or nothing heard"),
    502: _error("Speech-to-text failed (Groq); no proposal"),
    503: _error("Speech-to-text is disabled (no GROQ_API_KEY)"),
}


def _filename(sent: str | None, content_type: str) -> str:
    """Groq tells the format by the file's extension; a browser Blob arrives named "blob"."""
    if sent and "." in sent:
        return sent
    suffix = _AUDIO_SUFFIXES.get(content_type) or mimetypes.guess_extension(content_type)
    return f"voice{suffix or '.ogg'}"


@dataclass(frozen=True)
class VoiceUpload:
    audio: bytes
    filename: str
    content_type: str
    seconds: float | None  # the recording's length as the client measured it, if sent


async def _read_audio(request: web.Request, limit: int) -> VoiceUpload:
    """The first file of the form, and the optional `seconds` field before or after it. Every
    part is read in chunks, so that an oversized one stops early, and bounded: the audio by
    `limit`, any other field by FORM_FIELD_LIMIT, the audio within the first FORM_PARTS_LIMIT
    parts."""
    if not request.content_type.startswith("multipart/"):
        raise UnsupportedMediaType("send the audio as multipart/form-data (field 'audio')")
    reader = await request.multipart()
    audio: tuple[bytes, str, str] | None = None
    seconds: float | None = None
    for _ in range(FORM_PARTS_LIMIT):
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            raise UnsupportedMediaType("a multipart part inside the form: send the audio alone")
        if part.filename is None and part.name == "seconds":
            seconds = _seconds(await _read_part(part, FORM_FIELD_LIMIT, "form field 'seconds'"))
        elif part.filename is not None or part.name == "audio":
            if audio is not None:
                break  # one file per note: the rest is not read
            audio = await _read_file(part, limit)
        else:
            await _read_part(part, FORM_FIELD_LIMIT, f"form field {part.name!r}")
    else:
        if audio is None:
            parts = FORM_PARTS_LIMIT
            raise PayloadTooLarge(f"no audio in the first {parts} parts", details={"limit": parts})
    if audio is None:
        raise Unprocessable("no audio file in the form (field 'audio')")
    return VoiceUpload(*audio, seconds=seconds)


async def _read_part(part: BodyPartReader, limit: int, what: str) -> bytes:
    """The part, read in chunks so that an oversized one stops early."""
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"{what} over {limit} bytes", details={"limit": limit})
    return bytes(data)


async def _read_file(part: BodyPartReader, limit: int) -> tuple[bytes, str, str]:
    data = await _read_part(part, limit, "audio")
    content_type = part.headers.get("Content-Type", "audio/ogg").split(";")[0].strip()
    return data, _filename(part.filename, content_type), content_type


def _seconds(text: bytes) -> float:
    try:
        seconds = float(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds <= MAX_VOICE_SECONDS:  # NaN included
        raise Unprocessable(
            f"'seconds' is the recording's length in seconds, 0 to {MAX_VOICE_SECONDS}",
            details={"field": "seconds"},
        )
    return seconds


_TRANSCRIPTION_ERRORS: dict[str, type[ApiError]] = {
    "empty_audio": Unprocessable,
    "empty_transcript": Unprocessable,
    "too_large": PayloadTooLarge,
    "rejected": BadGateway,
    "unavailable": BadGateway,
}


@api.post("/ai/voice", request_body=_VOICE_BODY, responses=_VOICE_ERRORS)
async def ai_voice(request: web.Request) -> Proposal:
    """Transcribe a voice note (Groq Whisper), then propose actions from the transcript and
    answer its questions, as `POST /ai/command` does."""
    agent = _agent(request)
    if agent.stt is None:
        raise ServiceUnavailable(str(SpeechToTextDisabledError()))
    upload = await _read_audio(request, agent.stt.max_bytes)
    try:
        proposal = await agent.propose_voice(
            upload.audio,
            filename=upload.filename,
            content_type=upload.content_type,
            seconds=upload.seconds,
        )
    except TranscriptionError as exc:
        error = _TRANSCRIPTION_ERRORS[exc.code](exc.message, details={"reason": exc.code})
        error.code = f"stt_{exc.code}"
        raise error from None
    return _answered(request, proposal)


_NO_PROPOSAL = _error("No such proposal")
_CONFLICT = {
    404: _NO_PROPOSAL,
    409: _error("The proposal is no longer pending, or an action failed"),
}
_CONFIRM_CONFLICT = {
    404: _NO_PROPOSAL,
    409: _error(
        "The proposal is no longer pending, an action failed (nothing written), "
        "or the client_mutation_id was spent on another change"
    ),
}


async def _run_now(agent: AgentService, body: ConfirmActionsIn) -> ResultsOut:
    try:
        state = await agent.run_now(
            body.actions, source="api", client_mutation_id=body.client_mutation_id
        )
    except InvalidEditError as exc:
        raise Unprocessable(exc.message, details=exc.details) from None
    except MutationIdReusedError as exc:
        raise MutationIdReused(str(exc)) from None
    return _results_or_conflict(state, "confirmed")


@api.post("/ai/command/confirm", responses=_CONFIRM_CONFLICT)
async def ai_confirm(request: web.Request, body: ConfirmBody) -> ResultsOut:
    """Carry out a proposal (once), possibly with edited or dropped actions; or, in one step,
    run the actions sent (once per `client_mutation_id`)."""
    if isinstance(body.root, ConfirmActionsIn):
        return await _run_now(_agent(request), body.root)
    proposal = body.root
    try:
        state = await _agent(request).apply(proposal.proposal_id, proposal.actions)
    except ProposalNotFoundError as exc:
        raise _not_found(exc) from None
    except InvalidEditError as exc:
        raise Unprocessable(exc.message, details=exc.details) from None
    return _results_or_conflict(state, "confirmed")


@api.post("/ai/command/cancel", responses=_CONFLICT)
async def ai_cancel(request: web.Request, body: ProposalIdIn) -> ResultsOut:
    """Decline a pending proposal."""
    try:
        state = await _agent(request).cancel(body.proposal_id)
    except ProposalNotFoundError as exc:
        raise _not_found(exc) from None
    return _results_or_conflict(state, "cancelled")


@api.post(
    "/ai/command/undo",
    responses={404: _NO_PROPOSAL, 409: _error("Not confirmed, or the undo window has passed")},
)
async def ai_undo(request: web.Request, body: ProposalIdIn) -> ResultsOut:
    """Undo a confirmed proposal within 10 minutes: remove what it created."""
    agent = _agent(request)
    try:
        state = await agent.undo(body.proposal_id)
    except ProposalNotFoundError as exc:
        raise _not_found(exc) from None
    except UndoExpiredError:
        minutes = int(agent.undo_window.total_seconds() // 60)
        raise UndoExpired(f"confirmed more than {minutes} minutes ago: too late to undo") from None
    return _results_or_conflict(state, "undone")


@api.get("/ai/actions")
async def ai_actions(request: web.Request, query: ActionsQuery) -> list[ActionRecord]:
    """The audit trail of proposed actions, newest first."""
    return await _agent(request).list_actions(limit=query.limit, before=query.before)


@api.get("/ai/action-schemas")
async def ai_action_schemas() -> dict[str, dict[str, Any]]:
    """The JSON schema of each action's arguments, by action name: the models every edit is
    validated with (the PWA builds its "Éditer" forms from them)."""
    return {fn: model.model_json_schema() for fn, model in ARGS_MODELS.items()}
