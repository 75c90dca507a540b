"""`ordinarthur-os digest [--send]`: today's digest, printed, or sent like the scheduled one."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.database import open_database
from app.settings import Settings
from bot.digest import build_digest, send_digest
from bot.dispatcher import create_bot
from bot.sending import Outcome
from store.clock import Clock

_TAG = re.compile(r"<[^>]+>")

# What `--send` prints for each outcome of the claim; {what}: "digest", "weekly review".
SAID = {
    Outcome.SENT: "{what} sent",
    Outcome.CLAIMED: "{what} was already sent (or is being sent); not sending it twice",
    Outcome.UNNEEDED: "nothing to send",
    Outcome.FAILED: "{what} could not be sent; the scheduler tries again while it is due",
    Outcome.GIVEN_UP: "{what} could not be sent: Telegram refused it (see the log)",
}

Send = Callable[[Bot, async_sessionmaker[AsyncSession], int], Awaitable[Outcome]]


def plain(text: str) -> str:
    """Telegram HTML to terminal text."""
    return html.unescape(_TAG.sub("", text))


async def send_with_bot(settings: Settings, what: str, send: Send) -> int:
    """`--send`: through the bot, to the owner, under the scheduled send's claim."""
    token, owner = settings.telegram_bot_token, settings.telegram_owner_id
    if token is None or owner is None:
        print(f"{what} --send needs TELEGRAM_BOT_TOKEN and TELEGRAM_OWNER_ID", file=sys.stderr)  # noqa: T201
        return 2
    async with open_database(settings) as db:
        bot = create_bot(token.get_secret_value(), api_base=settings.telegram_api_base)
        try:
            outcome = await send(bot, db.sessionmaker, owner)
        finally:
            await bot.session.close()
    print(SAID[outcome].format(what=what))  # noqa: T201
    return 0 if outcome in (Outcome.SENT, Outcome.CLAIMED) else 1


class _Drawn(Protocol):
    @property
    def text(self) -> str: ...


class _Build(Protocol):
    def __call__(self, *, session: AsyncSession, clock: Clock) -> Awaitable[_Drawn]: ...


class _Deliver(Protocol):
    def __call__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        chat_id: int,
    ) -> Awaitable[Outcome]: ...


async def print_or_send(
    settings: Settings, *, what: str, send: bool, clock: Clock, build: _Build, deliver: _Deliver
) -> int:
    """Print the message `build` draws now, or `--send` it as the scheduler would (`deliver`,
    under the same claim: never twice)."""
    if send:

        async def send_it(
            bot: Bot, sessions: async_sessionmaker[AsyncSession], chat: int
        ) -> Outcome:
            return await deliver(bot=bot, sessionmaker=sessions, clock=clock, chat_id=chat)

        return await send_with_bot(settings, what, send_it)
    async with open_database(settings) as db, db.sessionmaker() as session:
        built = await build(session=session, clock=clock)
    print(plain(built.text))  # noqa: T201
    return 0


async def digest(settings: Settings, *, send: bool, clock: Clock | None = None) -> int:
    return await print_or_send(
        settings,
        what="digest",
        send=send,
        clock=clock or Clock(settings.tz),
        build=build_digest,
        deliver=send_digest,
    )
