"""`ordinarthur-os digest [--send]`: today's digest, printed, or sent like the scheduled one."""

from __future__ import annotations

import html
import re
import sys

from app.database import open_database
from app.settings import Settings
from bot.digest import build_digest, send_digest
from bot.dispatcher import create_bot
from store.clock import Clock

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML to terminal text."""
    return html.unescape(_TAG.sub("", text))


async def digest(settings: Settings, *, send: bool, clock: Clock | None = None) -> int:
    clock = clock or Clock(settings.tz)
    if send and (settings.telegram_bot_token is None or settings.telegram_owner_id is None):
        print("digest --send needs TELEGRAM_BOT_TOKEN and TELEGRAM_OWNER_ID", file=sys.stderr)  # noqa: T201
        return 2
    async with open_database(settings) as db:
        if not send:
            async with db.sessionmaker() as session:
                built = await build_digest(session=session, clock=clock)
            print(plain(built.text))  # noqa: T201
            return 0
        assert settings.telegram_bot_token is not None and settings.telegram_owner_id is not None
        bot = create_bot(
            settings.telegram_bot_token.get_secret_value(), api_base=settings.telegram_api_base
        )
        try:
            sent = await send_digest(
                bot=bot,
                sessionmaker=db.sessionmaker,
                clock=clock,
                chat_id=settings.telegram_owner_id,
            )
        finally:
            await bot.session.close()
    print("digest sent" if sent else "today's digest was already sent; not sending it twice")  # noqa: T201
    return 0
