"""Getting text to Telegram: cut to its size limit, answered in order, and scheduled sends
made at most once across restarts and replicas."""

from __future__ import annotations

import asyncio
import enum
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import sendlog
from store.clock import Clock

log = logging.getLogger(__name__)

# Telegram refuses a text longer than 4096 characters once its HTML is parsed (tags do not
# count, an entity counts one), and any part whose tags are not balanced. Counted here in
# UTF-16 code units, as Telegram's entity offsets are: an emoji counts two, never too few.
TELEGRAM_LIMIT = 4096

# A tag, an entity, or one character: what a cut may fall between.
_ATOM = re.compile(r"<[^<>]*>|&#?\w+;|[\s\S]", re.ASCII)
_TAG_NAME = re.compile(r"</?([\w-]+)")


@dataclass
class _Piece:
    """One atom of the text and what it costs and does to the open tags."""

    text: str
    size: int  # UTF-16 code units once parsed: 0 for a tag, 1 for an entity
    opens: str | None = None  # the tag's name, for a start tag
    closes: str | None = None  # the tag's name, for an end tag


def _pieces(text: str) -> list[_Piece]:
    pieces = []
    for atom in _ATOM.findall(text):
        name = _TAG_NAME.match(atom) if len(atom) > 2 and atom[0] == "<" else None
        if name is not None:
            closing = atom.startswith("</")
            pieces.append(
                _Piece(atom, 0, None if closing else name[1], name[1] if closing else None)
            )
        elif len(atom) > 1 and atom[0] == "&":
            pieces.append(_Piece(atom, 1))
        else:
            pieces.append(_Piece(atom, 2 if ord(atom) > 0xFFFF else 1))
    return pieces


def _after(open_tags: list[_Piece], piece: _Piece) -> list[_Piece]:
    """The tags open after `piece` (start tags, innermost last)."""
    if piece.opens is not None:
        return [*open_tags, piece]
    if piece.closes is not None:
        names = [tag.opens for tag in open_tags]
        if piece.closes in names:
            last = len(names) - 1 - names[::-1].index(piece.closes)
            return open_tags[:last]
    return open_tags


def _closing(open_tags: list[_Piece]) -> str:
    return "".join(f"</{tag.opens}>" for tag in reversed(open_tags))


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut an HTML text into parts that Telegram accepts one by one: each within `limit`, cut
    at a line break in its second half, else at a blank, else at any line break, else between
    two characters (never inside a tag or an entity); a tag open at a cut is closed at the end
    of the part and opened again at the start of the next, so every part is balanced. The
    blank at a cut is dropped."""
    pieces = _pieces(text)
    parts: list[str] = []
    start, open_tags = 0, list[_Piece]()
    while start < len(pieces):
        cut = _cut(pieces, start, open_tags, limit)
        body = "".join(piece.text for piece in pieces[start : cut.end])
        parts.append("".join(tag.text for tag in open_tags) + body + _closing(cut.open_tags))
        start, open_tags = cut.next_start, cut.open_tags
    return parts or [text]


@dataclass(frozen=True)
class _Cut:
    end: int  # the part's last piece + 1
    next_start: int  # past the blank dropped at the cut
    open_tags: list[_Piece]
    size: int = 0


def _cut(pieces: list[_Piece], start: int, open_tags: list[_Piece], limit: int) -> _Cut:
    """Where the part starting at `start` ends."""
    size, tags = 0, open_tags
    at_line = at_blank = None
    index = start
    while index < len(pieces):
        piece = pieces[index]
        if index > start and piece.text.isspace():
            cut = _Cut(index, index + 1, tags, size)
            at_line, at_blank = (cut, at_blank) if piece.text == "\n" else (at_line, cut)
        if size + piece.size > limit and index > start:
            if at_line is not None and at_line.size >= limit // 2:
                return at_line
            return at_blank or at_line or _Cut(index, index, tags)
        size += piece.size
        tags = _after(tags, piece)
        index += 1
    return _Cut(index, index, tags)


def clip(text: str, limit: int = TELEGRAM_LIMIT) -> str:
    """What fits one message (an edit cannot add messages): the first part, marked as cut."""
    parts = split_message(text, limit - 2)
    return parts[0] if len(parts) == 1 else f"{parts[0]}\n…"


def fits_one_message(text: str) -> bool:
    return len(split_message(text)) == 1


@dataclass(frozen=True)
class Outgoing:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


async def edit(bot: Bot, message: Message, out: Outgoing) -> None:
    """Replace a message the bot sent (its text and buttons) with `out`."""
    try:
        await bot.edit_message_text(
            clip(out.text),
            chat_id=message.chat.id,
            message_id=message.message_id,
            reply_markup=out.reply_markup,
        )
    except TelegramBadRequest as exc:
        # Two presses drawing the same thing: Telegram refuses an edit that changes nothing.
        if "not modified" not in str(exc):
            raise


async def answer(
    message: Message, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer with `text` in as many messages as it needs; the buttons go on the last one,
    which is returned."""
    parts = split_message(text)
    for part in parts[:-1]:
        await message.answer(part)
    return await message.answer(parts[-1], reply_markup=reply_markup)


class Outcome(enum.Enum):
    """What `send_once` did."""

    SENT = "sent"
    CLAIMED = "claimed"  # sent, given up, or being sent: by a replica, an earlier run, the CLI
    UNNEEDED = "unneeded"  # nothing to say any more (the todo was done meanwhile): not claimed
    FAILED = "failed"  # not sent; claimed again on a later tick if its window is still open
    GIVEN_UP = "given up"  # refused for good (blocked, chat not found, invalid message)


# Builds the message once the claim is won, in the claim's transaction; None: nothing to send
# any more (the claim is then rolled back, as if never made).
Prepare = Callable[[AsyncSession], Awaitable[Outgoing | None]]

# Bounds one send, the transport's own retries included, well within the claim's lease.
SEND_TIMEOUT = sendlog.LEASE / 2
# After a transient failure (Telegram down, a 5xx, the network), the next tick may try again.
RETRY_DELAY = timedelta(minutes=1)
# Worth another try later: Telegram busy or down, the network, our own send timeout.
TRANSIENT = (TelegramRetryAfter, TelegramServerError, TelegramNetworkError, TimeoutError)


async def send_once(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    kind: str,
    slot: str,
    message: Outgoing | Prepare,
) -> Outcome:
    """Claim (kind, slot), then send, then record how it went.

    The claim is committed before the message goes out, so that two senders never both send.
    A failed send leaves the claim open for a retry (`sendlog.claim` takes it again later), so a
    Telegram outage costs a delay, not the message. A message Telegram received but whose
    answer never came back (a timeout) may then be sent twice: the Bot API has no idempotency
    key; the transport's own retries already take that risk.
    """
    async with sessionmaker() as session:
        claim_id = await sendlog.claim(session=session, kind=kind, slot=slot, now=clock.now())
        if claim_id is None:
            log.debug("%s %s already claimed, not sending", kind, slot)
            return Outcome.CLAIMED
        outgoing = message if isinstance(message, Outgoing) else await message(session)
        if outgoing is None:
            await session.rollback()
            return Outcome.UNNEEDED
        await session.commit()
    try:
        async with asyncio.timeout(SEND_TIMEOUT.total_seconds()):
            sent = await send(bot, chat_id, outgoing)
    except Exception as exc:
        return await _failed(sessionmaker, clock, claim_id, f"{kind} {slot}", exc)
    async with sessionmaker.begin() as session:
        await sendlog.mark_sent(
            session=session, claim_id=claim_id, now=clock.now(), telegram_message_id=sent
        )
    return Outcome.SENT


async def send(bot: Bot, chat_id: int, outgoing: Outgoing) -> int:
    """Send `outgoing` in as many messages as it needs (buttons on the last); its message id."""
    parts = split_message(outgoing.text)
    for part in parts[:-1]:
        await bot.send_message(chat_id, part)
    sent = await bot.send_message(chat_id, parts[-1], reply_markup=outgoing.reply_markup)
    return sent.message_id


async def _failed(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    claim_id: int,
    what: str,
    exc: Exception,
) -> Outcome:
    error = (str(exc) or type(exc).__name__)[:500]
    now = clock.now()
    async with sessionmaker.begin() as session:
        if isinstance(exc, TelegramRetryAfter):
            retry_at = now + max(RETRY_DELAY, timedelta(seconds=exc.retry_after))
        elif isinstance(exc, TRANSIENT):
            retry_at = now + RETRY_DELAY
        else:
            log.error("%s could not be sent, giving up: %s", what, error)
            await sendlog.give_up(session=session, claim_id=claim_id, error=error, now=now)
            return Outcome.GIVEN_UP
        log.warning("%s could not be sent (%s); retrying from %s", what, error, retry_at)
        await sendlog.mark_failed(
            session=session, claim_id=claim_id, error=error, retry_at=retry_at
        )
    return Outcome.FAILED
