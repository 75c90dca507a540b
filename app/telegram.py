"""Wiring of the Telegram bot into the running application: polling or webhook, and the
messages the scheduler's jobs send with it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from aiogram import Bot, Dispatcher
from aiogram.exceptions import AiogramError, TelegramAPIError, TelegramNetworkError
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agent import OWNER_NOTICE, OwnerNotice
from app.scheduler import OWNER_MESSAGES, SCHEDULER
from app.settings import Settings, SettingsError
from app.shutdown import SHUTDOWN
from bot.digest import send_digest
from bot.dispatcher import create_bot, create_dispatcher, register_commands, set_menu_button
from bot.middlewares import InFlight
from bot.reminders import REMINDER_KIND, SNOOZE_KIND, send_med_reminder, send_reminder
from bot.render.escape import esc
from bot.review import send_review
from bot.sending import Outcome, Outgoing, send_once
from store.clock import Clock
from store.reminders import Ring
from web.appkeys import (
    AGENT,
    CLOCK,
    SESSIONMAKER,
    TELEGRAM_WEBHOOK,
    WebhookRegistration,
    WebhookTarget,
)
from web.routes.telegram import (
    TelegramNotConfiguredError,
    TelegramSetupError,
    TelegramUnavailableError,
)

log = logging.getLogger(__name__)


@dataclass
class Telegram:
    bot: Bot
    dispatcher: Dispatcher


TELEGRAM = web.AppKey("telegram", Telegram)


@dataclass(frozen=True)
class TelegramMessages:
    """`app.scheduler.OwnerMessages` through the bot, to the owner's chat."""

    bot: Bot
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    chat_id: int

    async def digest(self, day: date) -> bool:
        outcome = await send_digest(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            day=day,
        )
        return outcome is Outcome.SENT

    async def med_reminder(self, day: date, slot: str, *, snoozed: bool) -> bool:
        outcome = await send_med_reminder(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            day=day,
            slot=slot,
            kind=SNOOZE_KIND if snoozed else REMINDER_KIND,
        )
        return outcome is Outcome.SENT

    async def reminder(self, ring: Ring, *, default_minutes: int) -> bool:
        outcome = await send_reminder(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            ring=ring,
            default_minutes=default_minutes,
        )
        return outcome is Outcome.SENT

    async def weekly_review(self, day: date) -> bool:
        outcome = await send_review(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            day=day,
        )
        return outcome is Outcome.SENT

    async def notice(self, kind: str, slot: str, text: str) -> bool:
        outcome = await send_once(
            bot=self.bot,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            chat_id=self.chat_id,
            kind=kind,
            slot=slot,
            message=Outgoing(esc(text)),
        )
        return outcome is Outcome.SENT


def build(app: web.Application, settings: Settings) -> Telegram:
    assert settings.telegram_bot_token is not None and settings.telegram_owner_id is not None
    clock = app[CLOCK]
    bot = create_bot(
        settings.telegram_bot_token.get_secret_value(), api_base=settings.telegram_api_base
    )

    # The scheduler starts after the bot (its jobs send with it): found when the owner acts.
    # Before it exists there is nothing to tell: its start reads the owner's settings.
    async def schedule_changed() -> None:
        if (scheduler := app.get(SCHEDULER)) is not None:
            await scheduler.reschedule()

    async def snoozed(until: datetime) -> None:
        if (scheduler := app.get(SCHEDULER)) is not None:
            await scheduler.snoozed(until)

    dispatcher = create_dispatcher(
        owner_id=settings.telegram_owner_id,
        sessionmaker=app[SESSIONMAKER],
        clock=clock,
        tz=clock.tz,
        agent=app.get(AGENT),
        schedule_defaults=settings.schedule_defaults,
        on_schedule_change=schedule_changed,
        on_snooze=snoozed,
        mini_app_url=settings.mini_app_url,
    )
    return Telegram(bot=bot, dispatcher=dispatcher)


def owner_notice(bot: Bot, chat_id: int) -> OwnerNotice:
    """A plain notice to the owner (the AI budget reached); its message id."""

    async def send(text: str) -> int | None:
        return (await bot.send_message(chat_id, esc(text))).message_id

    return send


async def telegram_ctx(app: web.Application, settings: Settings) -> AsyncIterator[None]:
    """The bot (polling or webhook) for the life of the application."""
    assert settings.telegram_owner_id is not None
    tg = build(app, settings)
    app[TELEGRAM] = tg
    app[OWNER_MESSAGES] = TelegramMessages(
        bot=tg.bot,
        sessionmaker=app[SESSIONMAKER],
        clock=app[CLOCK],
        chat_id=settings.telegram_owner_id,
    )
    app[OWNER_NOTICE] = owner_notice(tg.bot, settings.telegram_owner_id)
    # In the background: Telegram slow or down at start must not keep the service from serving.
    commands = asyncio.create_task(
        _register_at_start(tg.bot, settings.telegram_owner_id, settings.mini_app_url)
    )
    polling: asyncio.Task[None] | None = None
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        if secret is None:  # Settings refuses it; a hand-built one must not open the door
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set"
            )
        app[TELEGRAM_WEBHOOK] = WebhookTarget(
            secret=secret.get_secret_value(),
            feed=lambda update: tg.dispatcher.feed_raw_update(tg.bot, update),
        )
        log.info("telegram bot in webhook mode")
    else:
        polling = asyncio.create_task(_poll(tg))
        log.info("telegram bot polling")
    try:
        yield
    finally:
        commands.cancel()
        if polling is not None:  # no new update is fetched
            await _stop_polling(tg, polling)
        await _finish_in_flight(tg, app.get(TELEGRAM_WEBHOOK), app[SHUTDOWN].remaining())
        await tg.bot.session.close()


async def _finish_in_flight(tg: Telegram, target: WebhookTarget | None, grace: float) -> None:
    """Let the updates being handled finish (a slow model call, its retries), within the grace
    period. The database, the agent and the bot's session are closed only after this."""
    started = time.monotonic()
    in_flight: InFlight = tg.dispatcher["in_flight"]
    if target is not None and target.tasks:
        await asyncio.wait(target.tasks, timeout=grace)
    left = max(0.0, grace - (time.monotonic() - started))
    if not await in_flight.drained(left):
        log.warning("stopping with %d Telegram update(s) unfinished", in_flight.count)
        await in_flight.cancel()


async def _stop_polling(tg: Telegram, polling: asyncio.Task[None]) -> None:
    """aiogram's own stop ends its polling loop; cancelling the task that awaits it alone would
    leave that loop fetching updates no one handles."""
    with contextlib.suppress(RuntimeError, TimeoutError):  # RuntimeError: not polling yet
        await asyncio.wait_for(tg.dispatcher.stop_polling(), timeout=5)
    polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling


async def _register_at_start(bot: Bot, owner_id: int, mini_app_url: str | None) -> None:
    await _register_commands(bot)
    if mini_app_url is not None:  # without PUBLIC_URL, app/main.py's start logs say why not
        await _register_menu_button(bot, owner_id, mini_app_url)


async def _register_commands(bot: Bot) -> None:
    try:
        await register_commands(bot)
    except Exception as exc:
        log.warning("could not register bot commands: %s", exc)


async def _register_menu_button(bot: Bot, owner_id: int, url: str) -> None:
    try:
        await set_menu_button(bot, chat_id=owner_id, url=url)
    except Exception as exc:
        log.warning("could not set the Telegram menu button to %s: %s", url, exc)
    else:
        log.info("telegram menu button opens %s", url)


async def _poll(tg: Telegram) -> None:
    used = tg.dispatcher.resolve_used_update_types()
    await tg.dispatcher.start_polling(
        tg.bot, handle_signals=False, close_bot_session=False, allowed_updates=used
    )


async def set_webhook(settings: Settings) -> None:
    """`ordinarthur-os set-webhook`: register TELEGRAM_WEBHOOK_URL with Telegram."""
    try:
        await register_webhook(settings)
    except TelegramSetupError as exc:
        raise SystemExit(f"set-webhook: {exc}") from None


async def register_webhook(settings: Settings) -> WebhookRegistration:
    """Register TELEGRAM_WEBHOOK_URL (and its secret) with Telegram, then the bot's commands;
    what Telegram answered. Raises `TelegramSetupError` saying why it could not."""
    if settings.telegram_bot_token is None:
        raise TelegramNotConfiguredError(
            "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN is not set: there is no bot to register"
        )
    if not settings.telegram_webhook_url:
        # Registering anyway would stop the polling bot: Telegram refuses getUpdates then.
        raise TelegramNotConfiguredError(
            "TELEGRAM_WEBHOOK_URL",
            "TELEGRAM_WEBHOOK_URL is not set: the bot polls; set it (and "
            "TELEGRAM_WEBHOOK_SECRET), restart, then register",
        )
    token = settings.telegram_bot_token.get_secret_value()
    bot = create_bot(token, api_base=settings.telegram_api_base)
    secret = settings.telegram_webhook_secret
    try:
        result = await bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=["message", "callback_query"],
        )
        info = await bot.get_webhook_info()
        await _register_commands(bot)
    except TelegramNetworkError as exc:
        reason = exc.message.replace(token, "<token>")  # an invalid URL is quoted whole
        raise TelegramUnavailableError(f"Telegram could not be reached: {reason}") from None
    except TelegramAPIError as exc:
        raise TelegramUnavailableError(f"Telegram refused: {exc.message}") from None
    except AiogramError:
        raise TelegramUnavailableError("Telegram's answer could not be read") from None
    finally:
        await bot.session.close()
    return WebhookRegistration(
        result=result, webhook=info.model_dump(mode="json", exclude_none=True)
    )
