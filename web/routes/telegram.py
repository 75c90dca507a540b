"""POST /telegram/webhook: Telegram's deliveries, checked against the secret token.
POST /telegram/set-webhook: the admin one-shot, `ordinarthur-os set-webhook` over HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import Any

from aiohttp import web
from pydantic import Field

from web.api import Api
from web.appkeys import TELEGRAM_SET_WEBHOOK, TELEGRAM_WEBHOOK
from web.errors import ApiError, Conflict, error_response
from web.models import Out

log = logging.getLogger(__name__)


# Raised by the call under TELEGRAM_SET_WEBHOOK (app/telegram.py); answered here.
class TelegramSetupError(Exception):
    """The webhook could not be registered; the message says why and names the variable."""


class TelegramNotConfiguredError(TelegramSetupError):
    """No bot token, or no TELEGRAM_WEBHOOK_URL (the bot polls): nothing to register."""

    def __init__(self, missing: str, message: str) -> None:
        super().__init__(message)
        self.missing = missing


class TelegramUnavailableError(TelegramSetupError):
    """Telegram refused the call or could not be reached."""


async def webhook(request: web.Request) -> web.Response:
    target = request.app.get(TELEGRAM_WEBHOOK)
    if target is None:
        return error_response(404, "not_found", "the bot is not in webhook mode")
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    # An empty expected secret would match an absent header: never accept it.
    if not target.secret or not secrets.compare_digest(given.encode(), target.secret.encode()):
        log.warning("webhook call with a wrong secret token from %s", request.remote)
        return error_response(401, "unauthorized", "wrong secret token")
    try:
        update = json.loads(await request.read())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error_response(400, "bad_json", "body is not a JSON update")
    if not isinstance(update, dict):
        return error_response(400, "bad_json", "body is not a JSON update")
    # Answer at once: Telegram retries slow deliveries, and the work may call a model.
    task = asyncio.create_task(target.feed(update))
    target.tasks.add(task)
    task.add_done_callback(target.tasks.discard)
    return web.json_response({})


api = Api("telegram")


class NotConfigured(Conflict):
    code = "telegram_not_configured"


class TelegramFailed(ApiError):
    status = 502
    code = "telegram_failed"


class WebhookOut(Out):
    """What Telegram answered."""

    ok: bool = True
    result: bool = Field(description="Telegram's answer to setWebhook")
    webhook: dict[str, Any] = Field(
        description="getWebhookInfo right after: url, pending_update_count, last_error_message…"
    )


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_SET_WEBHOOK_ERRORS = {
    409: {
        "description": "No TELEGRAM_BOT_TOKEN, or no TELEGRAM_WEBHOOK_URL (the bot polls)",
        "content": _ERROR,
    },
    502: {"description": "Telegram refused the call or could not be reached", "content": _ERROR},
}


@api.post("/telegram/set-webhook", responses=_SET_WEBHOOK_ERRORS)
async def set_webhook(request: web.Request) -> WebhookOut:
    """Register TELEGRAM_WEBHOOK_URL and its secret with Telegram (as `ordinarthur-os
    set-webhook` does)."""
    register = request.app.get(TELEGRAM_SET_WEBHOOK)
    if register is None:
        raise NotConfigured("the service was started without Telegram")
    try:
        registration = await register()
    except TelegramNotConfiguredError as exc:
        raise NotConfigured(str(exc), details={"missing": exc.missing}) from None
    except TelegramUnavailableError as exc:
        raise TelegramFailed(str(exc)) from None
    return WebhookOut(result=registration.result, webhook=registration.webhook)
