"""Bearer authentication for every route but the public ones: the health probe, the Telegram
webhook (it has its own secret), the OAuth callback, the iCal feed (its secret is in its URL) and
the PWA's own files."""

from __future__ import annotations

import secrets

from aiohttp import web
from aiohttp.typedefs import Handler

from web.errors import error_response
from web.keys import CONFIG

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
    expected = request.app[CONFIG].bearer_token
    if not bearer_matches(request.headers.get("Authorization", ""), expected):
        response = error_response(401, "unauthorized", "missing or wrong bearer token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return await handler(request)
