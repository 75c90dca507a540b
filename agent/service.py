"""The agent service: the one door to the model, for the bot and the web alike.

    propose()  one model request → actions stored in `ai_actions` as `proposed`; nothing written
    apply()    the owner confirmed: the actions run through `store/` in one transaction
    run_now()  actions a client already showed the owner, proposed and confirmed at once
    cancel()   the owner said no
    undo()     within `undo_window` of a confirm: what was created is removed
    revise()   one model request with the pending proposal and the owner's correction

Decisions worth knowing:
- A proposal with no action stores nothing: `Proposal.proposal_id` is None and `message` says
  why (the model's own sentence, or the offline parser's help).
- `tokens_in`, `tokens_out` and `latency_ms` are the proposal's; they are stored on its first
  row only (position 0), so that summing `ai_actions` gives the bill. `model_name` is on every row.
- The Mistral model is retried on timeouts, 429 and 5xx (`RetryPolicy`); when it still fails, or
  fails in any other way, the offline parser answers and `Proposal.fallback_reason` says why.
- What every model run and transcription costs is recorded by `usage` (`agent/usage.py`); once
  this month's AI budget is spent the offline parser answers, as without a model, and the
  request that found it spent carries the notice in its `message` (on Telegram the owner gets
  it as a message of its own).
- A check-in toggle applies to the owner's day the proposal was made, not the day it is confirmed.
- Questions (agent/questions.py): the model's one response lists query calls beside any action
  calls; the service runs the queries at once and `Proposal.answer` holds the rows, which each
  surface renders (never the model's prose: at most one short sentence of it is kept,
  `agent.answers.model_sentence`). A message that only asks stores no proposal
  (`proposal_id` None) but logs its questions in `ai_actions` (status `answered`).
- A proposed event overlapping the agenda, or a todo reminded during an event, carries
  warnings (agent/clashes.py), read from the database when the proposal is made.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from pydantic_ai.models import Model
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent import questions, writes
from agent.actions import (
    PROPOSED_ACTION,
    ActionArgs,
    ActionCall,
    ActionWarning,
    ProposedAction,
    UnknownFunctionError,
    ValidationContext,
    action_json,
    make_action,
    validate_args,
    validation_context,
)
from agent.answers import QueryAnswer, model_sentence
from agent.enricher import TodoEnricher
from agent.errors import (
    EmptyMessageError,
    InvalidEditError,
    MutationIdReusedError,
    NotPendingError,
    ProposalNotFoundError,
    SpeechToTextDisabledError,
    UndoExpiredError,
)
from agent.model_run import Answer, ModelRunner, RetryPolicy
from agent.offline_model import OFFLINE_MODEL_NAME
from agent.prompt import revision_prompt, user_prompt
from agent.proposals import (
    NOT_RUN,
    ActionRecord,
    Proposal,
    ProposalState,
    ProposalStatus,
    Source,
    proposal_state,
    proposal_status,
)
from agent.situation import ProjectRef, Situation
from agent.tools import ProposeAgent
from agent.usage import Gate, UsageMeter
from core import recurrence
from core.audio import ogg_opus_seconds
from integrations.groq import SpeechToText
from store import actions as actions_q
from store import mutations
from store import projects as projects_q
from store.clock import Clock
from store.db import autocommit
from store.errors import StoreError
from store.tables import AiAction

# What the bot and the web import from here (the result types live in agent/proposals.py).
__all__ = [
    "ActionRecord",
    "AgentService",
    "Proposal",
    "ProposalState",
    "ProposalStatus",
    "RetryPolicy",
    "Source",
]

log = logging.getLogger(__name__)

NOTHING_PROPOSED = "Je n'ai trouvé aucune action à proposer."


def _said_alone(run: Answer) -> str:
    """The reply to a message that called no tool. The offline parser's words are ours; the
    language model's prose is held to the rule of an answer's sentence (agent/answers.py): with
    no rows to show, a reply that states a time, a count or a title ("Tu as 3 rendez-vous
    demain") is something the model made up, so the owner reads that nothing was found."""
    if run.model_name == OFFLINE_MODEL_NAME:
        return run.message or NOTHING_PROPOSED
    return model_sentence(run.message) or NOTHING_PROPOSED


class _Failure(Exception):
    """An action failed: the apply transaction rolls back, then the actions are marked."""

    def __init__(self, action_id: uuid.UUID, message: str, kept: Collection[uuid.UUID]) -> None:
        super().__init__(message)
        self.action_id = action_id
        self.message = message
        self.kept = tuple(kept)


def _clean(text: str | None) -> str | None:
    return (text.strip() or None) if text else None


def _project_names(
    actions: Sequence[tuple[str, ActionArgs]], situation: Situation
) -> dict[uuid.UUID, str]:
    """The names of the projects the actions refer to (validation allows only listed ones)."""
    referred = {getattr(args, "project_id", None) for _, args in actions}
    return {p.id: p.name for p in situation.projects if p.id in referred}


def _with_notice(proposal: Proposal, notice: str | None, source: str | None) -> Proposal:
    """The budget notice leads the answer's `message`, except on Telegram, where the owner is
    told by a message of its own (`UsageMeter.notify`)."""
    if notice is None or source == "telegram":
        return proposal
    message = "\n\n".join(m for m in (notice, proposal.message) if m)
    return proposal.model_copy(update={"message": message, "notice": notice})


def _recurrence_texts(
    actions: Sequence[tuple[uuid.UUID, ActionArgs]], *, now: datetime, tz: ZoneInfo
) -> dict[uuid.UUID, str]:
    """The rules of the recurring actions in words, by action id, from their first moment."""
    texts = {}
    for action_id, args in actions:
        rule = getattr(args, "recurrence", None)
        if rule:
            first = next(
                (m for k in ("due_at", "starts_at", "remind_at") if (m := getattr(args, k, None))),
                None,
            )
            texts[action_id] = recurrence.describe(rule, first or now, tz)
    return texts


def _with_aliases(args: Mapping[str, Any] | None, situation: Situation) -> dict[str, Any]:
    """Stored arguments as the prompt shows them: projects by their short id."""
    shown = dict(args or {})
    if "project_id" in shown:
        alias = situation.aliases.get(uuid.UUID(str(shown["project_id"])))
        shown["project_id"] = alias or shown["project_id"]
    return shown


class AgentService:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        model: Model | None = None,
        stt: SpeechToText | None = None,
        retry: RetryPolicy | None = None,
        request_limit: int = 3,
        undo_window: timedelta = timedelta(minutes=10),
        usage: UsageMeter | None = None,
    ) -> None:
        """`model` None: the offline parser serves every request (no `MISTRAL_API_KEY`).
        `request_limit` caps the model requests of one proposal (invalid arguments are sent
        back to the model within the run). `usage` records what the AI costs and holds the
        monthly cap (by default: no cap)."""
        self._sessionmaker = sessionmaker
        self._clock = clock
        self.usage = usage or UsageMeter(sessionmaker=sessionmaker, clock=clock)
        self._runner = ModelRunner(
            model=model,
            retry=retry or RetryPolicy(),
            request_limit=request_limit,
            on_usage=self.usage.record_run,
        )
        self.stt = stt
        self.undo_window = undo_window
        # A todo's enrichment: its drafts use the same model, retries and audit trail.
        self.enricher = TodoEnricher(
            sessionmaker=sessionmaker, clock=clock, runner=self._runner, usage=self.usage
        )

    @property
    def agent(self) -> ProposeAgent:
        return self._runner.agent

    @property
    def model(self) -> Model | None:
        return self._runner.model

    # ------------------------------------------------------------ propose

    async def propose(
        self,
        text: str | None = None,
        *,
        source: Source = "pwa",
        transcript: str | None = None,
        forwarded: str | None = None,
        telegram_chat_id: int | None = None,
        telegram_message_id: int | None = None,
    ) -> Proposal:
        """Ask the model what to do with the owner's message; store what it proposes.

        `text` is what the owner typed, `transcript` what they dictated, `forwarded` a message
        or quote from someone else they pass on; all three are framed as data in the prompt.
        """
        text, transcript, forwarded = _clean(text), _clean(transcript), _clean(forwarded)
        if not (text or transcript or forwarded):
            raise EmptyMessageError()
        prompt = user_prompt(text=text, transcript=transcript, forwarded=forwarded)
        offline_text = "\n".join(t for t in (text, transcript, forwarded) if t)
        situation = await self._situation()
        run, notice = await self._ask(prompt, situation, offline_text=offline_text)
        input_text = "\n\n".join(
            t for t in (text, f"Transféré : {forwarded}" if forwarded else None) if t
        )
        proposal = await self._store(
            run,
            situation,
            common={
                "input_text": input_text or None,
                "transcript": transcript,
                "source": source,
                "telegram_chat_id": telegram_chat_id,
                "telegram_message_id": telegram_message_id,
            },
        )
        return _with_notice(proposal, notice, source)

    async def transcribe(
        self,
        audio: bytes,
        *,
        filename: str = "voice.ogg",
        content_type: str = "audio/ogg",
        seconds: float | None = None,
    ) -> str:
        """Speech to text; raises `TranscriptionError` (clear French message) on any failure.

        Recorded in `ai_usage` with the audio's length: read from the file when it is Ogg/Opus
        (Telegram's voice notes), else `seconds` as the sender measured it (Telegram's
        `duration`, the PWA's recording time), else unknown. Above the monthly cap too (see
        `agent.usage`)."""
        if self.stt is None:
            raise SpeechToTextDisabledError()
        text = await self.stt.transcribe(audio, filename=filename, content_type=content_type)
        measured = ogg_opus_seconds(audio)
        await self.usage.record_transcription(
            provider=self.stt.provider,
            model=self.stt.model,
            seconds=measured if measured is not None else seconds,
        )
        return text

    async def propose_voice(
        self,
        audio: bytes,
        *,
        filename: str = "voice.ogg",
        content_type: str = "audio/ogg",
        seconds: float | None = None,
        source: Source = "pwa",
        telegram_chat_id: int | None = None,
        telegram_message_id: int | None = None,
    ) -> Proposal:
        """Transcribe, then propose from the transcript; no proposal when transcription fails."""
        transcript = await self.transcribe(
            audio, filename=filename, content_type=content_type, seconds=seconds
        )
        return await self.propose(
            source=source,
            transcript=transcript,
            telegram_chat_id=telegram_chat_id,
            telegram_message_id=telegram_message_id,
        )

    async def revise(self, proposal_id: uuid.UUID, correction: str) -> Proposal:
        """One model request with the pending proposal and the owner's correction.

        The new proposal replaces the old one, whose rows become `superseded` (their `result`
        names the new proposal). When the model proposes nothing, the old one stays pending.
        """
        correction_text = _clean(correction)
        if not correction_text:
            raise EmptyMessageError()
        async with self._sessionmaker() as session:
            rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
        if not rows:
            raise ProposalNotFoundError(proposal_id)
        if (status := proposal_status(rows)) != "proposed":
            raise NotPendingError(proposal_id, status)
        first = rows[0]
        situation = await self._situation()
        prompt = revision_prompt(
            text=first.input_text,
            transcript=first.transcript,
            previous=[
                {"fn": r.function_name, "args": _with_aliases(r.function_args, situation)}
                for r in rows
            ],
            correction=correction_text,
        )
        run, notice = await self._ask(prompt, situation, offline_text=correction_text)
        common = {
            "input_text": first.input_text,
            "transcript": first.transcript,
            "source": first.source,
            "telegram_chat_id": first.telegram_chat_id,
            "telegram_message_id": first.telegram_message_id,
        }
        proposal = await self._store(
            run,
            situation,
            common=common,
            supersede=(proposal_id, correction_text),
            revision_of=proposal_id,
        )
        return _with_notice(proposal, notice, first.source)

    async def _ask(
        self, prompt: str, situation: Situation, *, offline_text: str
    ) -> tuple[Answer, str | None]:
        """The one model request, from the language model unless this month's AI budget is
        spent (then the offline parser, as without MISTRAL_API_KEY); and the notice to give
        when this call is the one that found it spent."""
        gate = await self.usage.gate() if self.model is not None else Gate(online=False)
        run = await self._runner.answer(
            prompt, situation, offline_text=offline_text, online=gate.online
        )
        return run, gate.notice

    async def _situation(self) -> Situation:
        async with autocommit(self._sessionmaker) as session:
            projects = await projects_q.list_projects(session=session, active_only=True)
        return Situation(
            now=self._clock.now(),
            projects=[ProjectRef(p.id, p.name) for p in projects],
            validation=validation_context(self._clock.tz, [p.id for p in projects]),
        )

    async def _store(
        self,
        run: Answer,
        situation: Situation,
        *,
        common: Mapping[str, Any],
        supersede: tuple[uuid.UUID, str] | None = None,
        revision_of: uuid.UUID | None = None,
    ) -> Proposal:
        transcript = common.get("transcript")
        if not run.actions and not run.queries:
            return Proposal(
                proposal_id=None,
                actions=[],
                message=_said_alone(run),
                transcript=transcript,
                model_name=run.model_name,
                fallback_reason=run.fallback_reason,
                ignored_calls=run.ignored_calls,
                model_requests=run.requests,
                revision_of=revision_of,
            )
        now = self._clock.now()
        found, warned = await questions.look_up(
            self._sessionmaker,
            queries=[query for _, query in run.queries],
            actions=[args for _, args in run.actions],
            now=now,
            tz=self._clock.tz,
        )
        proposal_id = uuid.uuid4() if run.actions else None
        rows = self._proposed_rows(run, proposal_id, common, now) if proposal_id else []
        answer = None
        asked: list[dict[str, Any]] = []
        if run.queries:
            # The model's prose never answers: its one kept sentence goes above the rows.
            sentence = model_sentence(run.message)
            answer = QueryAnswer(question_id=uuid.uuid4(), sentence=sentence, results=found)
            asked = questions.audit_rows(
                answer, run, common=common, proposal_id=proposal_id, now=now
            )
        ids = await self._insert(
            rows, asked, supersede=supersede if rows else None, by=proposal_id
        )
        log.info(
            "message answered: %d action(s), %d question(s) by %s in %d ms, %d+%d tokens, "
            "%d request(s)%s",
            len(run.actions),
            len(run.queries),
            run.model_name,
            run.latency_ms,
            run.tokens_in,
            run.tokens_out,
            run.requests,
            f" (fallback: {run.fallback_reason})" if run.fallback_reason else "",
        )
        return Proposal(
            proposal_id=proposal_id,
            actions=[
                make_action(action_id, fn, args, warnings)
                for action_id, (fn, args), warnings in zip(ids, run.actions, warned, strict=True)
            ],
            message=answer.sentence if answer is not None else run.message,
            answer=answer,
            transcript=transcript,
            model_name=run.model_name,
            fallback_reason=run.fallback_reason,
            ignored_calls=run.ignored_calls,
            model_requests=run.requests,
            revision_of=revision_of,
            project_names=_project_names(run.actions, situation),
            recurrence_texts=_recurrence_texts(
                [(i, args) for i, (_, args) in zip(ids, run.actions, strict=True)],
                now=now,
                tz=self._clock.tz,
            ),
        )

    def _proposed_rows(
        self,
        run: Answer,
        proposal_id: uuid.UUID,
        common: Mapping[str, Any],
        now: datetime,
    ) -> list[dict[str, Any]]:
        return [
            {
                **common,
                "proposal_id": proposal_id,
                "position": i,
                "function_name": fn,
                "function_args": args.to_json(),
                "status": "proposed",
                "model_name": run.model_name,
                "tokens_in": run.tokens_in if i == 0 else None,
                "tokens_out": run.tokens_out if i == 0 else None,
                "latency_ms": run.latency_ms if i == 0 else None,
                "created_at": now,
            }
            for i, (fn, args) in enumerate(run.actions)
        ]

    async def _insert(
        self,
        rows: Sequence[Mapping[str, Any]],
        asked: Sequence[Mapping[str, Any]],
        *,
        supersede: tuple[uuid.UUID, str] | None,
        by: uuid.UUID | None,
    ) -> list[uuid.UUID]:
        """Store the proposal's rows (their ids, in order) and the questions'; one statement
        when there is only one kind, else one transaction."""
        if supersede is None and not (rows and asked):
            async with autocommit(self._sessionmaker) as session:  # one INSERT
                ids = await actions_q.insert_actions(session=session, rows=rows or asked)
            return ids if rows else []
        async with self._sessionmaker.begin() as session:
            if supersede is not None and by is not None:
                await self._supersede(session, *supersede, by=by)
            ids = await actions_q.insert_actions(session=session, rows=rows) if rows else []
            if asked:
                await actions_q.insert_actions(session=session, rows=asked)
        return ids

    async def _supersede(
        self, session: AsyncSession, old_id: uuid.UUID, correction: str, *, by: uuid.UUID
    ) -> None:
        moved = await actions_q.transition(
            session=session,
            proposal_id=old_id,
            from_status="proposed",
            to_status="superseded",
            result={"superseded_by": str(by), "correction": correction},
        )
        if not moved:
            current = await actions_q.get_proposal(session=session, proposal_id=old_id)
            raise NotPendingError(old_id, proposal_status(current))

    # ------------------------------------------------------------ apply, cancel, undo

    async def apply(
        self,
        proposal_id: uuid.UUID,
        edited_actions: Sequence[ProposedAction | Mapping[str, Any]] | None = None,
        *,
        drop: Collection[uuid.UUID] = (),
    ) -> ProposalState:
        """Carry out a pending proposal in one transaction; no model request.

        `edited_actions`, when given, is the list to run, each `{id, fn, args}` with the id of
        one of the proposal's actions and its (possibly edited) arguments; actions it leaves
        out are dropped. `drop` drops actions by id. Dropped actions become `cancelled`.
        Raises `InvalidEditError` (nothing changed) for edits that do not validate.

        Idempotent: a second or concurrent call writes nothing and returns `changed=False` with
        the state and results of the first. When an action fails, nothing is written and the
        actions are marked `failed` (`ProposalState.error` is the reason).
        """
        now = self._clock.now()
        try:
            async with self._sessionmaker() as session, session.begin():
                rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
                if not rows:
                    raise ProposalNotFoundError(proposal_id)
                if proposal_status(rows) != "proposed":
                    return proposal_state(rows, changed=False)
                plan = self._plan(rows, edited_actions, drop)
                if not plan:
                    return await self._cancel(session, proposal_id)
                claimed = await actions_q.claim_for_apply(
                    session=session, proposal_id=proposal_id, keep=plan.keys(), now=now
                )
                if claimed:
                    await self._execute(session, claimed, plan)
                rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
                return proposal_state(rows, changed=bool(claimed))
        except _Failure as failure:
            log.info("proposal %s failed: %s", proposal_id, failure.message)
            async with self._sessionmaker() as session, session.begin():
                errors = {k: "" for k in failure.kept} | {failure.action_id: failure.message}
                marked = await actions_q.mark_failed(
                    session=session, proposal_id=proposal_id, errors=errors, default_error=NOT_RUN
                )
                rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
            return proposal_state(rows, changed=bool(marked))

    async def run_now(
        self,
        calls: Sequence[ActionCall],
        *,
        source: Source = "api",
        client_mutation_id: str | None = None,
    ) -> ProposalState:
        """The one-step confirm: actions a client already showed the owner run at once,
        in one transaction, recorded as a proposal made and confirmed together; no model request.

        With `client_mutation_id`, applied at most once ever: a repeat, concurrent or later,
        writes nothing and gets the first call's state (`changed=False`), whatever it carries.
        When an action fails nothing is written and the id stays free (the client may fix and
        resend); the attempt stays in the audit trail as `failed`. Raises `InvalidEditError`
        (nothing stored) for arguments that do not validate, `MutationIdReusedError` for an id
        an offline replay already spent.
        """
        plan = self._called(calls)
        proposal_id = uuid.uuid4()
        ids = [uuid.uuid4() for _ in plan]
        rows = self._confirmed_rows(proposal_id, ids, plan, source=source)
        by_id = {action_id: args for action_id, (_, args) in zip(ids, plan, strict=True)}
        try:
            async with self._sessionmaker() as session, session.begin():
                if client_mutation_id is not None and not await mutations.claim(
                    session=session, client_mutation_id=client_mutation_id, now=self._clock.now()
                ):
                    return await self._applied_before(session, client_mutation_id)
                await actions_q.insert_actions(session=session, rows=rows)
                inserted = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
                await self._execute(session, inserted, by_id)
                if client_mutation_id is not None:
                    await mutations.record_result(
                        session=session,
                        client_mutation_id=client_mutation_id,
                        result={"proposal_id": str(proposal_id)},
                    )
                stored = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
                return proposal_state(stored, changed=True)
        except _Failure as failure:
            log.info("direct actions %s failed: %s", proposal_id, failure.message)
            return await self._record_failure(proposal_id, rows, failure)

    def _called(self, calls: Sequence[ActionCall]) -> list[tuple[str, ActionArgs]]:
        """The calls' arguments validated again, in the owner's time zone (as an edit is)."""
        context = validation_context(self._clock.tz)
        plan: list[tuple[str, ActionArgs]] = []
        for i, call in enumerate(calls):
            try:
                plan.append((call.fn, validate_args(call.fn, call.args.to_json(), context)))
            except ValidationError as exc:
                details = [
                    {"loc": ["actions", str(i), "args", *map(str, e["loc"])], "msg": e["msg"]}
                    for e in exc.errors(include_url=False, include_input=False)
                ]
                message = f"invalid arguments for action {i}"
                raise InvalidEditError(message, details=details) from None
        return plan

    def _confirmed_rows(
        self,
        proposal_id: uuid.UUID,
        ids: Sequence[uuid.UUID],
        plan: Sequence[tuple[str, ActionArgs]],
        *,
        source: Source,
    ) -> list[dict[str, Any]]:
        """`ai_actions` rows of a proposal made and confirmed at the same instant."""
        now = self._clock.now()
        return [
            {
                "id": action_id,
                "proposal_id": proposal_id,
                "position": i,
                "function_name": fn,
                "function_args": args.to_json(),
                "status": "confirmed",
                "source": source,
                "created_at": now,
                "confirmed_at": now,
            }
            for i, (action_id, (fn, args)) in enumerate(zip(ids, plan, strict=True))
        ]

    async def _record_failure(
        self, proposal_id: uuid.UUID, rows: Sequence[Mapping[str, Any]], failure: _Failure
    ) -> ProposalState:
        """After the rollback: the attempt in the audit trail, its actions `failed`."""
        attempted = [{**row, "status": "proposed", "confirmed_at": None} for row in rows]
        async with self._sessionmaker() as session, session.begin():
            await actions_q.insert_actions(session=session, rows=attempted)
            errors = {k: "" for k in failure.kept} | {failure.action_id: failure.message}
            await actions_q.mark_failed(
                session=session, proposal_id=proposal_id, errors=errors, default_error=NOT_RUN
            )
            stored = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
        return proposal_state(stored, changed=True)

    async def _applied_before(
        self, session: AsyncSession, client_mutation_id: str
    ) -> ProposalState:
        """The state the first call with this id left (it committed before our claim)."""
        outcome = await mutations.get_result(
            session=session, client_mutation_id=client_mutation_id
        )
        proposal_id = (outcome or {}).get("proposal_id")
        rows = (
            await actions_q.get_proposal(session=session, proposal_id=uuid.UUID(proposal_id))
            if isinstance(proposal_id, str)
            else ()
        )
        if not rows:
            raise MutationIdReusedError(client_mutation_id)
        return proposal_state(rows, changed=False)

    def _plan(
        self,
        rows: Sequence[AiAction],
        edited: Sequence[ProposedAction | Mapping[str, Any]] | None,
        drop: Collection[uuid.UUID],
    ) -> dict[uuid.UUID, ActionArgs]:
        """The actions to run, by id, with their validated arguments."""
        context = validation_context(self._clock.tz)
        by_id = {r.id: r for r in rows}
        unknown = [str(i) for i in drop if i not in by_id]
        if unknown:
            raise InvalidEditError(f"not actions of this proposal: {', '.join(unknown)}")
        try:
            if edited is None:
                plan = {
                    r.id: validate_args(r.function_name or "", r.function_args or {}, context)
                    for r in rows
                }
            else:
                plan = self._edited(by_id, edited, context)
        except ValidationError as exc:
            details = [
                {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False, include_input=False)
            ]
            raise InvalidEditError("invalid action arguments", details=details) from None
        except UnknownFunctionError as exc:
            raise InvalidEditError(str(exc)) from None
        return {k: v for k, v in plan.items() if k not in drop}

    def _edited(
        self,
        by_id: Mapping[uuid.UUID, AiAction],
        edited: Sequence[ProposedAction | Mapping[str, Any]],
        context: ValidationContext,
    ) -> dict[uuid.UUID, ActionArgs]:
        plan: dict[uuid.UUID, ActionArgs] = {}
        for item in edited:
            data = action_json(item) if isinstance(item, BaseModel) else item
            action = PROPOSED_ACTION.validate_python(data, context=context)
            row = by_id.get(action.id)
            if row is None:
                raise InvalidEditError(f"action {action.id} is not part of this proposal")
            if action.fn != row.function_name:
                raise InvalidEditError(
                    f"action {action.id} is {row.function_name}: its function cannot change"
                )
            if action.id in plan:
                raise InvalidEditError(f"action {action.id} is listed twice")
            plan[action.id] = action.args
        return dict(sorted(plan.items(), key=lambda kv: by_id[kv[0]].position))

    async def _execute(
        self,
        session: AsyncSession,
        claimed: Sequence[AiAction],
        plan: Mapping[uuid.UUID, ActionArgs],
    ) -> None:
        results: dict[uuid.UUID, dict[str, Any]] = {}
        for row in claimed:
            args = plan[row.id]
            day = row.created_at.astimezone(self._clock.tz).date()
            try:
                result = await writes.execute(session, args, day=day, now=self._clock.now())
            except writes.ActionFailedError as exc:
                raise _Failure(row.id, str(exc), kept=plan.keys()) from exc
            except (StoreError, DBAPIError) as exc:
                # The database refused the values (a CHECK, a reference to nothing, …).
                reason = str(getattr(exc, "orig", exc)).split("\n")[0]
                raise _Failure(
                    row.id, f"refusée par la base : {reason}", kept=plan.keys()
                ) from exc
            results[row.id] = {"result": result, "function_args": args.to_json()}
        await actions_q.set_results(session=session, results=results)

    async def cancel(self, proposal_id: uuid.UUID) -> ProposalState:
        """The owner declined: a pending proposal becomes `cancelled`; anything else is left."""
        async with self._sessionmaker() as session, session.begin():
            return await self._cancel(session, proposal_id)

    async def _cancel(self, session: AsyncSession, proposal_id: uuid.UUID) -> ProposalState:
        moved = await actions_q.transition(
            session=session, proposal_id=proposal_id, from_status="proposed", to_status="cancelled"
        )
        rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
        if not rows:
            raise ProposalNotFoundError(proposal_id)
        return proposal_state(rows, changed=bool(moved))

    async def undo(self, proposal_id: uuid.UUID) -> ProposalState:
        """Within `undo_window` of the confirm: remove what was created, put a toggled check-in
        back, mark the actions `undone`. Raises `UndoExpiredError` after the window."""
        since = self._clock.now() - self.undo_window
        async with self._sessionmaker() as session, session.begin():
            moved = await actions_q.transition(
                session=session,
                proposal_id=proposal_id,
                from_status="confirmed",
                to_status="undone",
                confirmed_since=since,
            )
            for row in moved:
                if row.result:
                    await writes.undo(session, row.result)
            rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
        if not rows:
            raise ProposalNotFoundError(proposal_id)
        state = proposal_state(rows, changed=bool(moved))
        if not moved and state.status == "confirmed":
            confirmed_at = next((r.confirmed_at for r in rows if r.confirmed_at), None)
            raise UndoExpiredError(proposal_id, confirmed_at)
        return state

    # ------------------------------------------------------------ reading

    async def get(self, proposal_id: uuid.UUID) -> ProposalState:
        async with self._sessionmaker() as session:
            rows = await actions_q.get_proposal(session=session, proposal_id=proposal_id)
        if not rows:
            raise ProposalNotFoundError(proposal_id)
        return proposal_state(rows, changed=False)

    async def list_actions(
        self, *, limit: int = 50, before: datetime | None = None
    ) -> list[ActionRecord]:
        """The audit trail, newest first."""
        async with self._sessionmaker() as session:
            rows = await actions_q.list_actions(session=session, limit=limit, before=before)
        return [ActionRecord.of(r) for r in rows]

    async def warnings(
        self, actions: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> list[list[ActionWarning]]:
        """The warnings of actions as stored (their JSON arguments), read from the agenda now,
        for a card drawn again; no model request."""
        context = validation_context(self._clock.tz)
        args = [validate_args(fn, values, context) for fn, values in actions]
        _, warned = await questions.look_up(
            self._sessionmaker, queries=[], actions=args, now=self._clock.now(), tz=self._clock.tz
        )
        return warned

    async def attach_telegram_message(
        self, proposal_id: uuid.UUID, *, chat_id: int, message_id: int
    ) -> None:
        """Remember the Telegram card showing this proposal, to edit it when its state changes."""
        async with autocommit(self._sessionmaker) as session:  # one UPDATE
            count = await actions_q.set_telegram_message(
                session=session, proposal_id=proposal_id, chat_id=chat_id, message_id=message_id
            )
        if not count:
            raise ProposalNotFoundError(proposal_id)
