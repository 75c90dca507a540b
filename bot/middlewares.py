"""Outer middlewares on every update: serve the owner only, process each update once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import telegram_updates
from store.clock import Clock
from store.db import autocommit

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OwnerOnly(BaseMiddleware):
    """Strangers get nothing: no answer, no row stored, no query, one log line.

    The owner is served only in the owner's private chat: replies go to the update's chat, so
    an update whose sender is the owner but whose chat is another (a group, a forged update)
    would send the owner's data there. A callback's chat is that of its message; a callback
    on an inline message has none and is ignored (the bot has no inline mode)."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or chat is None or self.owner_id != user.id or self.owner_id != chat.id:
            update_id = event.update_id if isinstance(event, Update) else None
            who = user.id if user else "unknown"
            where = chat.id if chat else "none"
            log.warning("ignored update %s from stranger %s in chat %s", update_id, who, where)
            return None
        return await handler(event, data)


class InFlight(BaseMiddleware):
    """Counts the updates being handled, so that a stopping service finishes them first.

    Registered outermost: an update counts from its first step (the owner check) to its last
    answer sent, whether it came by webhook or by polling."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return len(self._tasks)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)
            if not self._tasks:
                self._idle.set()

    async def drained(self, timeout: float) -> bool:
        """Whether none is left in flight within `timeout` seconds."""
        await asyncio.sleep(0)  # an update received just now enters first
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def cancel(self) -> None:
        """Stop those still running (past the grace period, the process is about to end)."""
        left = list(self._tasks)
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)


class ProcessOnce(BaseMiddleware):
    """Telegram redelivers updates (webhook retries, polling after a crash): the first
    delivery claims the update id in the database, later ones are dropped."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        async with autocommit(self.sessionmaker) as session:  # committed once it returns
            claimed = await telegram_updates.claim(
                session=session, update_id=event.update_id, now=self.clock.now()
            )
        if not claimed:
            log.info("update %s already processed", event.update_id)
            return None
        return await handler(event, data)
