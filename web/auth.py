"""Bearer authentication for every route but the public ones: the health probe, the Telegram
webhook (it has its own secret), Telegram sign-in (Telegram's signature is the proof), the
OAuth callback, the iCal feed (its secret is in its URL) and the PWA's own files.

Two kinds of bearer open the API: the master `API_BEARER_TOKEN` (everything), and a session
token from `POST /auth/telegram` (the PWA's routes only: `web/scope.py`, else 403). Both go
through the wrong-token throttle (`web/throttle.py`): an unknown, revoked or expired session
token counts as a wrong token. The request carries who it was let in as (`PRINCIPAL`)."""

from __future__ import annotations

import logging
import secrets

from aiohttp import web
from aiohttp.typedefs import Handler

from web import sessions
from web.appkeys import CLOCK, CONFIG, SESSIONMAKER
from web.errors import error_response
from web.scope import session_may
from web.sessions import MASTER, PRINCIPAL, Principal, Refusal
from web.throttle import THROTTLE, client_address

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset(
    {
        "/health",
        "/telegram/webhook",
        "/auth/telegram",
        "/agenda/google/oauth/callback",
        "/",
        "/app",
    }
)
# "/app/", not "/app": a future "/applications" route must not become public by accident.
PUBLIC_PREFIXES = ("/agenda/ical/", "/app/")

_MESSAGES = {
    Refusal.UNKNOWN: "missing or wrong bearer token",
    Refusal.EXPIRED: "this session has expired: open the app from Telegram again",
}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def bearer_of(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _refused(refusal: Refusal) -> web.Response:
    response = error_response(401, refusal.value, _MESSAGES[refusal])
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _principal(request: web.Request, header: str | None) -> Principal | Refusal:
    token = None if header is None else bearer_of(header)
    if token is None:
        return Refusal.UNKNOWN
    if secrets.compare_digest(token.encode(), request.app[CONFIG].bearer_token.encode()):
        return MASTER
    return await sessions.check(request.app[SESSIONMAKER], token, request.app[CLOCK].now())


def _template(request: web.Request) -> str | None:
    resource = request.match_info.route.resource
    return None if resource is None else resource.canonical


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "OPTIONS" or is_public(request.path):
        return await handler(request)
    config, throttle, now = request.app[CONFIG], request.app[THROTTLE], request.app[CLOCK].now()
    client = client_address(request, config.trusted_proxies)
    # Before the comparison: a throttled address learns nothing, right token or wrong.
    if (wait := throttle.retry_after(client, now)) is not None:
        response = error_response(
            429, "too_many_failures", "too many wrong bearer tokens from this address"
        )
        response.headers["Retry-After"] = str(wait)
        return response
    header = request.headers.get("Authorization")
    principal = await _principal(request, header)
    if isinstance(principal, Refusal):
        if header is not None:
            throttle.failed(client, now)
        return _refused(principal)
    throttle.succeeded(client)
    template = _template(request)
    # An unknown path goes on to its 404: there is nothing there to protect.
    if principal.is_session and template is not None and not session_may(request.method, template):
        return error_response(
            403,
            "outside_session_scope",
            f"a Telegram session cannot call {request.method} {template}; use API_BEARER_TOKEN",
        )
    request[PRINCIPAL] = principal
    return await handler(request)
