"""Text and voice in → a proposal card → ✅ / ✏️ / ❌ / 🗑 / ↩️.

Nothing is written before ✅; what the card says after ✅ comes from the rows written.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ForceReply, Message
from aiogram.utils.chat_action import ChatActionSender
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.actions import ActionArgs, ActionWarning
from agent.errors import (
    EmptyMessageError,
    NotPendingError,
    SpeechToTextDisabledError,
    UndoExpiredError,
)
from agent.service import AgentService, Proposal
from bot import texts
from bot.answers import send_answer
from bot.keyboards import ActionCb, VoiceCb, proposal_card, undo_card, voice_retry
from bot.render import proposals as cards
from bot.render.escape import esc
from bot.render.projects import Projects
from bot.sending import answer, clip, fits_one_message
from integrations.groq import TranscriptionError
from store import projects as projects_q
from store import voice as voice_q
from store.clock import Clock

log = logging.getLogger(__name__)


class Editing(StatesGroup):
    correction = State()


async def _projects(sessionmaker: async_sessionmaker[AsyncSession]) -> Projects:
    async with sessionmaker() as session:
        return {p.id: p.name for p in await projects_q.list_projects(session=session)}


def _card(
    actions: Sequence[tuple[str, ActionArgs | Mapping[str, Any]]],
    *,
    projects: Projects,
    clock: Clock,
    transcript: str | None,
    fallback: bool = False,
    dropped: frozenset[int] = frozenset(),
    warnings: Sequence[Sequence[ActionWarning]] = (),
) -> tuple[str | None, str]:
    """The card's text, and the transcript to send before it when both do not fit one message:
    the buttons' message must hold the whole card, as ❌ on an action edits it."""
    render = partial(
        cards.proposal_text,
        actions,
        projects=projects,
        clock=clock,
        dropped=dropped,
        fallback=fallback,
        warnings=warnings,
    )
    text = render(transcript=transcript)
    if transcript is None or fits_one_message(text):
        return None, text
    return cards.transcript_text(transcript), render(transcript=None)


async def send_proposal(
    message: Message, proposal: Proposal, *, agent: AgentService, clock: Clock
) -> None:
    """The answer to the message's questions, if it asked any; then the card of the actions it
    proposed, if any (the card ✅ confirms)."""
    transcript = proposal.transcript
    if proposal.answer is not None:
        await send_answer(message, proposal.answer, clock, transcript=transcript)
        transcript = None  # shown once, above the answer
    if proposal.proposal_id is None:
        if proposal.answer is None:
            header = f"{cards.transcript_text(transcript)}\n\n" if transcript else ""
            await answer(message, header + f"🤷 {esc(proposal.message or texts.NOTHING_TO_DO)}")
        return
    before, text = _card(
        [(a.fn, a.args) for a in proposal.actions],
        projects=proposal.project_names,
        clock=clock,
        transcript=transcript,
        fallback=proposal.fallback_reason is not None,
        warnings=[a.warnings for a in proposal.actions],
    )
    if before is not None:
        await answer(message, before)
    markup = proposal_card(proposal.proposal_id, len(proposal.actions))
    card = await answer(message, text, reply_markup=markup)
    await agent.attach_telegram_message(
        proposal.proposal_id, chat_id=card.chat.id, message_id=card.message_id
    )


async def on_text(message: Message, bot: Bot, agent: AgentService, clock: Clock) -> None:
    text = message.text or message.caption or ""
    forwarded = message.forward_origin is not None
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            proposal = await agent.propose(
                None if forwarded else text,
                forwarded=text if forwarded else None,
                source="telegram",
                telegram_chat_id=message.chat.id,
                telegram_message_id=message.message_id,
            )
    except EmptyMessageError:
        await message.answer(texts.NOTHING_TO_DO)
        return
    await send_proposal(message, proposal, agent=agent, clock=clock)


async def on_voice(
    message: Message,
    bot: Bot,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    voice = message.voice or message.audio
    assert voice is not None
    if await _refused_for_size(message, voice.file_size, agent):
        return  # nothing downloaded
    await _transcribe_and_propose(
        message,
        voice.file_id,
        bot=bot,
        agent=agent,
        sessionmaker=sessionmaker,
        clock=clock,
        seconds=voice.duration,
    )


# Telegram lets a bot download files of 20 MB at most (getFile refuses larger ones).
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1000 * 1000


def _audio_limit(agent: AgentService) -> int:
    stt_limit = agent.stt.max_bytes if agent.stt is not None else TELEGRAM_DOWNLOAD_LIMIT
    return min(TELEGRAM_DOWNLOAD_LIMIT, stt_limit)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo".replace(".", ",")


async def _refused_for_size(message: Message, size: int | None, agent: AgentService) -> bool:
    """Say so, and True, when the file is larger than what can be transcribed: known from its
    `file_size`, before any download."""
    limit = _audio_limit(agent)
    if size is None or size <= limit:
        return False
    text = texts.VOICE_TOO_LARGE.format(size=_megabytes(size), limit=_megabytes(limit))
    await message.answer(text)
    return True


async def _transcribe_and_propose(
    message: Message,
    file_id: str,
    *,
    bot: Bot,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    seconds: float | None = None,
) -> None:
    """`seconds`: Telegram's length of the note, for the AI's usage when the file's own
    cannot be read (an audio file that is not Ogg/Opus)."""
    try:
        if agent.stt is None:
            raise SpeechToTextDisabledError()
        file = await bot.get_file(file_id)
        # A message's own size may be missing, and a 🔁 retry knows only the file's id.
        if await _refused_for_size(message, file.file_size, agent):
            return
        if file.file_path is None:
            raise TranscriptionError("unavailable", "Telegram n'a pas donné le fichier.")
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            audio = io.BytesIO()
            await bot.download_file(file.file_path, destination=audio)
            transcript = await agent.transcribe(audio.getvalue(), seconds=seconds)
            proposal = await agent.propose(
                source="telegram",
                transcript=transcript,
                telegram_chat_id=message.chat.id,
                telegram_message_id=message.message_id,
            )
    except (TranscriptionError, SpeechToTextDisabledError) as exc:
        reason = exc.message if isinstance(exc, TranscriptionError) else texts.STT_DISABLED
        async with sessionmaker.begin() as session:
            record = await voice_q.record_failed_voice(
                session=session,
                file_id=file_id,
                error=reason,
                chat_id=message.chat.id,
                now=clock.now(),
            )
        await message.answer(
            texts.STT_FAILED.format(reason=esc(reason)), reply_markup=voice_retry(record)
        )
        return
    await send_proposal(message, proposal, agent=agent, clock=clock)


async def on_voice_retry(
    query: CallbackQuery,
    callback_data: VoiceCb,
    bot: Bot,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async with sessionmaker() as session:
        file_id = await voice_q.failed_voice_file_id(
            session=session, record_id=uuid.UUID(hex=callback_data.record)
        )
    await query.answer()
    if file_id is None or not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await _transcribe_and_propose(
        query.message, file_id, bot=bot, agent=agent, sessionmaker=sessionmaker, clock=clock
    )


# ---------------------------------------------------------------- buttons


async def _edit_card(query: CallbackQuery, text: str, **kwargs: object) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_text(clip(text), **kwargs)  # type: ignore[arg-type]


async def on_confirm(
    query: CallbackQuery,
    callback_data: ActionCb,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    proposal_id = uuid.UUID(hex=callback_data.proposal)
    current = await agent.get(proposal_id)
    drop = [a.id for a in current.actions if callback_data.dropped & (1 << a.position)]
    state = await agent.apply(proposal_id, drop=drop)
    if not state.changed:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer("✅" if state.status == "confirmed" else "⚠️")
    projects = await _projects(sessionmaker)
    text = cards.done_text(state, projects=projects, clock=clock)
    markup = undo_card(proposal_id) if state.status == "confirmed" else None
    await _edit_card(query, text, reply_markup=markup)


async def on_cancel(query: CallbackQuery, callback_data: ActionCb, agent: AgentService) -> None:
    state = await agent.cancel(uuid.UUID(hex=callback_data.proposal))
    if not state.changed:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer()
    await _edit_card(query, texts.PROPOSAL_CANCELLED)


async def on_drop(
    query: CallbackQuery,
    callback_data: ActionCb,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    proposal_id = uuid.UUID(hex=callback_data.proposal)
    state = await agent.get(proposal_id)
    if state.status != "proposed":
        await query.answer(texts.ALREADY_HANDLED)
        return
    dropped = callback_data.dropped | (1 << callback_data.item)
    await query.answer()
    actions = [(a.fn, a.args) for a in state.actions]
    _, text = _card(
        actions,
        projects=await _projects(sessionmaker),
        clock=clock,
        dropped=frozenset(a.position for a in state.actions if dropped & (1 << a.position)),
        transcript=state.actions[0].transcript if state.actions else None,
        warnings=await agent.warnings(actions),
    )
    markup = proposal_card(proposal_id, len(state.actions), dropped)
    await _edit_card(query, text, reply_markup=markup)


async def on_undo(
    query: CallbackQuery,
    callback_data: ActionCb,
    agent: AgentService,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    try:
        state = await agent.undo(uuid.UUID(hex=callback_data.proposal))
    except UndoExpiredError:
        await query.answer(texts.UNDO_TOO_LATE, show_alert=True)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
        return
    if not state.changed:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer("↩️")
    projects = await _projects(sessionmaker)
    await _edit_card(query, cards.undone_text(state, projects=projects, clock=clock))


async def on_edit(query: CallbackQuery, callback_data: ActionCb, state: FSMContext) -> None:
    await state.set_state(Editing.correction)
    await state.update_data(proposal=callback_data.proposal, card=_card_id(query))
    await query.answer()
    if query.message is not None:
        await query.message.answer(
            texts.ASK_CORRECTION, reply_markup=ForceReply(input_field_placeholder="Correction")
        )


def _card_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


async def on_correction(
    message: Message, bot: Bot, state: FSMContext, agent: AgentService, clock: Clock
) -> None:
    data = await state.get_data()
    await state.clear()
    proposal_id = uuid.UUID(hex=data["proposal"])
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            proposal = await agent.revise(proposal_id, message.text or "")
    except NotPendingError:
        await message.answer(texts.ALREADY_HANDLED)
        return
    if proposal.proposal_id is not None and data.get("card"):
        await bot.edit_message_text(
            texts.PROPOSAL_REPLACED, chat_id=message.chat.id, message_id=data["card"]
        )
    await send_proposal(message, proposal, agent=agent, clock=clock)


async def on_anything_else(message: Message) -> None:
    """A photo, a sticker, a file: never silence, say what the bot understands."""
    await message.answer(texts.UNSUPPORTED)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_correction, StateFilter(Editing.correction), F.text)
    router.message.register(on_text, F.text | F.caption)
    router.message.register(on_voice, F.voice | F.audio)
    router.message.register(on_anything_else)
    router.callback_query.register(on_confirm, ActionCb.filter(F.op == "ok"))
    router.callback_query.register(on_cancel, ActionCb.filter(F.op == "no"))
    router.callback_query.register(on_drop, ActionCb.filter(F.op == "drop"))
    router.callback_query.register(on_undo, ActionCb.filter(F.op == "undo"))
    router.callback_query.register(on_edit, ActionCb.filter(F.op == "edit"))
    router.callback_query.register(on_voice_retry, VoiceCb.filter())
    return router
