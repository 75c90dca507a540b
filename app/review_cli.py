"""`ordinarthur-os review [--send]`: this week's review, printed, or sent like the scheduled
one (the same claim: once a week)."""

from __future__ import annotations

from app.digest_cli import print_or_send
from app.settings import Settings
from bot.review import build_review, send_review
from store.clock import Clock


async def review(settings: Settings, *, send: bool, clock: Clock | None = None) -> int:
    return await print_or_send(
        settings,
        what="weekly review",
        send=send,
        clock=clock or Clock(settings.tz),
        build=build_review,
        deliver=send_review,
    )
