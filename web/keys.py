"""Typed aiohttp application keys: what the composition root puts in the app for the views."""

from __future__ import annotations

from dataclasses import dataclass
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
