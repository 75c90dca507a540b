"""Getting text to Telegram: cut to its size limit, answered in order, and scheduled sends
made at most once across restarts and replicas."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import sendlog

log = logging.getLogger(__name__)

# Telegram rejects messages longer than 4096 characters.
TELEGRAM_LIMIT = 4096


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> Iterator[str]:
    """Cut a long text on line boundaries so that each part fits in one Telegram message."""
    part = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single enormous line: cut it where it must be cut
            if part:
                yield part
                part = ""
            yield line[:limit]
            line = line[limit:]
        candidate = f"{part}\n{line}" if part else line
        if len(candidate) > limit:
            yield part
            part = line
        else:
            part = candidate
    if part:
        yield part


async def answer(
    message: Message, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer with `text` in as many messages as it needs; the buttons go on the last one,
    which is returned."""
    parts = list(split_message(text))
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
    parts = list(split_message(text))
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
