"""Getting text to Telegram: cut to its size limit, answered in order, and scheduled sends
made at most once across restarts and replicas."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import sendlog

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


async def answer(
    message: Message, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer with `text` in as many messages as it needs; the buttons go on the last one,
    which is returned."""
    parts = split_message(text)
    for part in parts[:-1]:
        await message.answer(part)
    return await message.answer(parts[-1], reply_markup=reply_markup)


async def send_once(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: int,
    kind: str,
    slot: str,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Claim (kind, slot), then send. False when it was claimed before (sent or failed).

    The claim is committed before the message goes out: a crash between the two loses one
    message rather than sending it twice; the transport has already retried transient errors.
    """
    async with sessionmaker.begin() as session:
        claim_id = await sendlog.claim(session=session, kind=kind, slot=slot)
    if claim_id is None:
        log.info("%s %s already claimed, not sending", kind, slot)
        return False
    parts = split_message(text)
    try:
        for part in parts[:-1]:
            await bot.send_message(chat_id, part)
        sent = await bot.send_message(chat_id, parts[-1], reply_markup=reply_markup)
    except Exception as exc:
        log.error("%s %s could not be sent: %s", kind, slot, exc)
        async with sessionmaker.begin() as session:
            await sendlog.mark_failed(session=session, claim_id=claim_id, error=str(exc)[:500])
        return False
    async with sessionmaker.begin() as session:
        await sendlog.mark_sent(
            session=session, claim_id=claim_id, telegram_message_id=sent.message_id
        )
    return True
