"""Outer middlewares on every update: serve the owner only, process each update once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import telegram_updates
from store.db import autocommit

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OwnerOnly(BaseMiddleware):
    """Strangers get nothing: no answer, no row stored, one log line."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.id != self.owner_id:
            update_id = event.update_id if isinstance(event, Update) else None
            who = user.id if user else "unknown"
            log.warning("ignored update %s from stranger %s", update_id, who)
            return None
        return await handler(event, data)


class ProcessOnce(BaseMiddleware):
    """Telegram redelivers updates (webhook retries, polling after a crash): the first
    delivery claims the update id in the database, later ones are dropped."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        async with autocommit(self.sessionmaker) as session:  # committed once it returns
            claimed = await telegram_updates.claim(session=session, update_id=event.update_id)
        if not claimed:
            log.info("update %s already processed", event.update_id)
            return None
        return await handler(event, data)
