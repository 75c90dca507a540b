"""The composition root: Settings → database → services → aiohttp application."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from importlib.metadata import PackageNotFoundError, version

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from app.agent import agent_ctx
from app.database import open_database
from app.scheduler import scheduler_ctx
from app.secrets import with_generated_secrets
from app.settings import Settings
from app.shutdown import SHUTDOWN, Shutdown, begin_shutdown
from bot.render.answers import plain_text as answer_text
from store.clock import Clock
from web.app import create_web_app
from web.appkeys import (
    ANSWER_TEXT,
    CLOCK,
    SCHEDULING,
    SERVICE_FACTS,
    SESSIONMAKER,
    TELEGRAM_SET_WEBHOOK,
    Scheduling,
    ServiceFacts,
    TelegramLogin,
    WebConfig,
    WebhookRegistration,
)

log = logging.getLogger("ordinarthur_os")

ENGINE = web.AppKey("engine", AsyncEngine)
SETTINGS = web.AppKey("settings", Settings)
DATABASE_URL = web.AppKey("database_url", str)


def package_version() -> str:
    try:
        return version("ordinarthur-os")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def create_app(
    settings: Settings, *, clock: Clock | None = None, run_migrations: bool = True
) -> web.Application:
    settings = with_generated_secrets(settings)
    assert settings.api_bearer_token is not None and settings.ical_feed_secret is not None
    config = WebConfig(
        version=package_version(),
        bearer_token=settings.api_bearer_token.get_secret_value(),
        ical_feed_secret=settings.ical_feed_secret.get_secret_value(),
        tz=settings.tz,
        owner_name=settings.owner_name,
        google_missing=settings.google_missing,
        trusted_proxies=settings.trusted_proxies,
        telegram_login=_telegram_login(settings),
        mini_app=settings.public_url is not None,
    )
    app = create_web_app(config)
    app[SETTINGS] = settings
    app[CLOCK] = clock or Clock(settings.tz)
    app[SCHEDULING] = Scheduling(defaults=settings.schedule_defaults)
    app[SHUTDOWN] = Shutdown(grace=settings.shutdown_grace_seconds)
    app.on_shutdown.append(begin_shutdown)
    app[SERVICE_FACTS] = service_facts(settings)
    app[ANSWER_TEXT] = answer_text

    async def register_webhook() -> WebhookRegistration:
        # aiogram is slow to import: only when asked.
        from app.telegram import register_webhook as register

        return await register(settings)

    app[TELEGRAM_SET_WEBHOOK] = register_webhook

    async def database(app: web.Application) -> AsyncIterator[None]:
        async for _ in database_ctx(app, run_migrations=run_migrations):
            yield

    async def agent(app: web.Application) -> AsyncIterator[None]:
        async for _ in agent_ctx(app, settings):
            yield

    async def telegram(app: web.Application) -> AsyncIterator[None]:
        if settings.telegram_bot_token is None:
            yield
            return
        # aiogram takes a second or two to import: only when there is a bot to run.
        from app.telegram import telegram_ctx

        async for _ in telegram_ctx(app, settings):
            yield

    async def google(app: web.Application) -> AsyncIterator[None]:
        if settings.google_oauth_client_id is None:
            yield
            return
        # googleapiclient and oauthlib are heavy to import too: only when configured.
        from app.google import google_ctx

        async for _ in google_ctx(app, settings):
            yield

    async def scheduler(app: web.Application) -> AsyncIterator[None]:
        async for _ in scheduler_ctx(app, settings, app[DATABASE_URL]):
            yield

    app.cleanup_ctx.append(database)
    app.cleanup_ctx.append(agent)
    app.cleanup_ctx.append(telegram)
    app.cleanup_ctx.append(google)
    # Last: its jobs use the bot and the Google link, so it starts after them and stops first.
    app.cleanup_ctx.append(scheduler)
    app.on_startup.append(_log_disabled_parts)
    app.on_startup.append(_freeze_startup_objects)
    return app


def _telegram_login(settings: Settings) -> TelegramLogin | None:
    token, owner = settings.telegram_bot_token, settings.telegram_owner_id
    if token is None or owner is None:
        return None
    return TelegramLogin(bot_token=token.get_secret_value(), owner_id=owner)


async def _freeze_startup_objects(_app: web.Application) -> None:
    """What exists once started (modules, schemas, pools) lives as long as the process: out of
    the collector's reach, full collections stay short under load (a list page of a thousand
    todos spent most of its time in them)."""
    gc.freeze()


async def database_ctx(app: web.Application, *, run_migrations: bool) -> AsyncIterator[None]:
    async with open_database(app[SETTINGS], migrate=run_migrations) as db:
        app[DATABASE_URL] = db.url
        app[ENGINE] = db.engine
        app[SESSIONMAKER] = db.sessionmaker
        yield


def service_facts(settings: Settings) -> ServiceFacts:
    """What GET /status may say of the settings: what is set, never a secret."""
    bot = settings.telegram_bot_token is not None
    return ServiceFacts(
        telegram_configured=bot,
        telegram_webhook=bot and settings.telegram_webhook_url is not None,
        telegram_owner_id=settings.telegram_owner_id,
        model_configured=settings.mistral_api_key is not None,
        model_name=settings.mistral_model,
        stt_configured=settings.groq_api_key is not None,
        stt_model=settings.groq_stt_model,
        database_embedded=settings.database_url is None,
    )


def disabled_parts(settings: Settings) -> list[str]:
    """One line per part that will not run, and why."""
    parts = []
    if settings.telegram_bot_token is None:
        parts.append("telegram bot disabled: TELEGRAM_BOT_TOKEN is not set")
    elif settings.public_url is None:
        parts.append(
            "Telegram Mini App disabled: PUBLIC_URL is not set "
            "(no menu button; /app says how to enable it)"
        )
    if settings.mistral_api_key is None:
        parts.append("Mistral disabled: MISTRAL_API_KEY is not set, the offline parser serves")
    if settings.groq_api_key is None:
        parts.append("speech-to-text disabled: GROQ_API_KEY is not set")
    if settings.google_oauth_client_id is None:
        parts.append("Google Calendar sync disabled: GOOGLE_OAUTH_CLIENT_ID is not set")
    return parts


async def _log_disabled_parts(app: web.Application) -> None:
    for line in disabled_parts(app[SETTINGS]):
        log.info(line)
