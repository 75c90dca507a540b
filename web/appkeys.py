"""Typed aiohttp application keys: what the composition root puts in the app for the views."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from ipaddress import IPv4Network, IPv6Network
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.answers import QueryAnswer
from agent.service import AgentService
from integrations.google import GoogleAgenda
from store.clock import Clock
from store.owner import Schedule


@dataclass(frozen=True)
class TelegramLogin:
    """What checking a Telegram sign-in needs: the bot's token (the key of Telegram's
    signature) and the only user let in."""

    bot_token: str = field(repr=False)
    owner_id: int


@dataclass(frozen=True)
class WebConfig:
    version: str
    bearer_token: str
    ical_feed_secret: str
    tz: ZoneInfo
    max_body_bytes: int = 1024 * 1024
    owner_name: str | None = None  # the PWA's greeting; none said when unset
    google_missing: tuple[str, ...] = ()  # the variables Google Calendar sync still needs
    # Proxies whose X-Forwarded-For is believed (web/throttle.py).
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    # `POST /auth/telegram`, when there is a bot; None: that route answers 503.
    telegram_login: TelegramLogin | None = None
    # PUBLIC_URL is set: the PWA is a Telegram Mini App too (Telegram Web frames it).
    mini_app: bool = False


CONFIG = web.AppKey("config", WebConfig)
SESSIONMAKER = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
CLOCK = web.AppKey("clock", Clock)
# The one door to the model (agent/), for the AI routes and the bot.
AGENT = web.AppKey("agent", AgentService)

# A question's answer as plain text (the API's `message`): written by the bot's renderers, the
# same lines as Telegram's, handed in by the composition root (web never imports bot).
AnswerText = Callable[[QueryAnswer, Clock], str]
ANSWER_TEXT: web.AppKey[AnswerText] = web.AppKey("answer_text")


@dataclass
class WebhookTarget:
    """Where Telegram webhook updates go (the bot's dispatcher), and the secret they carry."""

    secret: str
    feed: Callable[[dict[str, Any]], Coroutine[Any, Any, Any]]
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


TELEGRAM_WEBHOOK = web.AppKey("telegram_webhook", WebhookTarget)


async def _nothing_to_reschedule() -> None:
    return None


@dataclass
class Scheduling:
    """The environment's schedule defaults, and who to tell when the owner changes them
    (the scheduler)."""

    defaults: Schedule
    changed: Callable[[], Coroutine[Any, Any, None]] = _nothing_to_reschedule


SCHEDULING = web.AppKey("scheduling", Scheduling)


# The Google Calendar link (integrations/google), only when configured.
GOOGLE: web.AppKey[GoogleAgenda] = web.AppKey("google")


@dataclass(frozen=True)
class WebhookRegistration:
    """Telegram's answer to setWebhook, and the webhook as getWebhookInfo reports it after."""

    result: bool
    webhook: dict[str, Any]


# `ordinarthur-os set-webhook` as a call (app/telegram.py), for `POST /telegram/set-webhook`.
RegisterWebhook = Callable[[], Coroutine[Any, Any, WebhookRegistration]]
TELEGRAM_SET_WEBHOOK: web.AppKey[RegisterWebhook] = web.AppKey("telegram_set_webhook")


@dataclass(frozen=True)
class ServiceFacts:
    """What the composition root knows of the environment, for `GET /status`. Only whether
    a secret is set, never its value."""

    telegram_configured: bool = False
    telegram_webhook: bool = False  # False: long polling
    telegram_owner_id: int | None = None
    model_configured: bool = False
    model_name: str | None = None
    stt_configured: bool = False
    stt_model: str | None = None
    database_embedded: bool = True


SERVICE_FACTS = web.AppKey("service_facts", ServiceFacts)


@dataclass(frozen=True)
class SchedulerState:
    """The scheduler as `GET /status` shows it: leader or not, and when each timer fires next
    (by job id; whatever jobs the scheduler has)."""

    leader: bool
    next_runs: dict[str, datetime]


# Set by the composition root once the scheduler runs (app/scheduler.py).
SCHEDULER_STATE: web.AppKey[Callable[[], SchedulerState]] = web.AppKey("scheduler_state")
