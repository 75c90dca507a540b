"""Bearer authentication for every route but the public ones: the health probe, the Telegram
webhook (it has its own secret), the OAuth callback, the iCal feed (its secret is in its URL) and
the PWA's own files."""

from __future__ import annotations

import secrets

from aiohttp import web
from aiohttp.typedefs import Handler

from web.appkeys import CLOCK, CONFIG
from web.errors import error_response
from web.throttle import THROTTLE, client_address

PUBLIC_PATHS = frozenset(
    {"/health", "/telegram/webhook", "/agenda/google/oauth/callback", "/", "/app"}
)
# "/app/", not "/app": a future "/applications" route must not become public by accident.
PUBLIC_PREFIXES = ("/agenda/ical/", "/app/")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def bearer_matches(header: str, expected: str) -> bool:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return secrets.compare_digest(token.strip().encode(), expected.encode())


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
    if header is None or not bearer_matches(header, config.bearer_token):
        if header is not None:
            throttle.failed(client, now)
        response = error_response(401, "unauthorized", "missing or wrong bearer token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    throttle.succeeded(client)
    return await handler(request)
