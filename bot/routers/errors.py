"""The owner never meets a silent failure: an unexpected error gets a friendly answer."""

from __future__ import annotations

import logging

from aiogram.types import ErrorEvent

from agent.errors import ProposalNotFoundError
from bot import texts

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> None:
    update = event.update
    if isinstance(event.exception, ProposalNotFoundError) and update.callback_query:
        await update.callback_query.answer(texts.NOT_FOUND)
        return
    log.error("update %s failed", update.update_id, exc_info=event.exception)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.OOPS[:200], show_alert=True)
        elif update.message is not None:
            await update.message.answer(texts.OOPS)
    except Exception:  # Telegram itself failing: nothing more to tell the owner
        log.exception("could not tell the owner about the error")
