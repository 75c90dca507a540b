"""Every Bot API call goes through here: transient errors retried, permanent ones logged once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

PERMANENT_MARKERS = ("chat not found", "bot was blocked", "user is deactivated", "bot was kicked")


def is_permanent(exc: Exception) -> bool:
    """The chat is gone or has blocked us: retrying cannot help."""
    if isinstance(exc, TelegramForbiddenError | TelegramNotFound):
        return True
    return any(marker in str(exc).lower() for marker in PERMANENT_MARKERS)


class KeepResponseModels(BaseRequestMiddleware):
    """Hold on to the `Response[T]` model of every method sent.

    aiogram parses each answer with `Response[method.__returning__]`, and pydantic caches that
    generic class only weakly: nothing else refers to it, so the next garbage collection drops
    it and the following call builds it again (5-10 ms of CPU, more than the request itself).
    """

    def __init__(self) -> None:
        self._models: dict[Any, type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._models:
            self._models[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


class RetryTransient(BaseRequestMiddleware):
    """Retry 429 (honouring retry_after), 5xx and network errors with backoff.

    A permanent error (blocked, chat not found) is logged once per chat and re-raised.
    """

    def __init__(
        self, *, attempts: int = 4, base_delay: float = 0.5, max_delay: float = 30
    ) -> None:
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._reported: set[Any] = set()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay: float = exc.retry_after
                error: Exception = exc
            except (TelegramServerError, TelegramNetworkError) as exc:
                delay = self.base_delay * 2 ** (attempt - 1)
                error = exc
            except Exception as exc:
                if is_permanent(exc):
                    self._report_once(method, exc)
                raise
            if attempt == self.attempts or delay > self.max_delay:
                raise error
            log.info(
                "telegram %s failed (%s), retry in %.1fs", type(method).__name__, error, delay
            )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _report_once(self, method: TelegramMethod[Any], exc: Exception) -> None:
        chat = getattr(method, "chat_id", None)
        if chat not in self._reported:
            self._reported.add(chat)
            log.error("telegram: giving up on chat %s: %s", chat, exc)
