"""Getting text to Telegram: cut to its size limit, answered in order, and scheduled sends
made at most once across restarts and replicas."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Iterator
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

# Telegram rejects messages longer than 4096 characters.
TELEGRAM_LIMIT = 4096


@dataclass(frozen=True)
class Outgoing:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


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


async def edit(bot: Bot, message: Message, out: Outgoing) -> None:
    """Replace a message the bot sent (its text and buttons) with `out`."""
    try:
        await bot.edit_message_text(
            out.text,
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
    parts = list(split_message(text))
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
            sent = await _send(bot, chat_id, outgoing)
    except Exception as exc:
        return await _failed(sessionmaker, clock, claim_id, f"{kind} {slot}", exc)
    async with sessionmaker.begin() as session:
        await sendlog.mark_sent(
            session=session, claim_id=claim_id, now=clock.now(), telegram_message_id=sent
        )
    return Outcome.SENT


async def _send(bot: Bot, chat_id: int, outgoing: Outgoing) -> int:
    parts = list(split_message(outgoing.text))
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
