"""POST /telegram/webhook: Telegram's deliveries, checked against the secret token."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

from aiohttp import web

from web.errors import error_response
from web.keys import TELEGRAM_WEBHOOK

log = logging.getLogger(__name__)


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
