"""Typed aiohttp application keys: what the composition root puts in the app for the views."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import Clock


@dataclass(frozen=True)
class WebConfig:
    version: str
    bearer_token: str
    ical_feed_secret: str
    tz: ZoneInfo
    max_body_bytes: int = 1024 * 1024


CONFIG = web.AppKey("config", WebConfig)
SESSIONMAKER = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
CLOCK = web.AppKey("clock", Clock)


@dataclass
class WebhookTarget:
    """Where Telegram webhook updates go (the bot's dispatcher), and the secret they carry."""

    secret: str
    feed: Callable[[dict[str, Any]], Coroutine[Any, Any, Any]]
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


TELEGRAM_WEBHOOK = web.AppKey("telegram_webhook", WebhookTarget)
