"""Headers every answer of the service carries, and the request-line limit.

- JSON (the API and its errors): `Cache-Control: no-store` (owner data, never kept by a
  browser or a proxy) and `X-Content-Type-Options: nosniff`.
- HTML: a Content-Security-Policy on every page; a page without its own gets `PAGE_CSP`,
  which allows nothing but itself (no script, no style, no frame).
- A request URI longer than `MAX_URI_BYTES` is a JSON 414. aiohttp's own parser answers a
  plain-text 400 past its request-line limit, before any middleware: its limit is raised to
  `PARSER_LINE_LIMIT` so that ours speaks first, and only a line longer than that one (which
  Traefik, in front, already refuses: Go's 1 MiB header limit) still gets aiohttp's 400.
"""

from __future__ import annotations

import base64
import hashlib

from aiohttp import web
from aiohttp.typedefs import Handler

from web.errors import error_response

# aiohttp's default request-line limit (`max_line_size`): what the service always allowed.
MAX_URI_BYTES = 8190
PARSER_LINE_LIMIT = 1024 * 1024
NO_STORE = "no-store"
PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def style_hash(style: str) -> str:
    """The CSP source that allows exactly this inline `<style>` text."""
    digest = hashlib.sha256(style.encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


@web.middleware
async def uri_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    if len(request.raw_path) > MAX_URI_BYTES:
        return error_response(
            414, "uri_too_long", f"the request URI is longer than {MAX_URI_BYTES} bytes"
        )
    return await handler(request)


async def security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: runs for every answer, errors and middlewares' included."""
    content_type = response.content_type
    if content_type == "application/json":
        response.headers.setdefault("Cache-Control", NO_STORE)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    elif content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")


def install(app: web.Application) -> None:
    app.on_response_prepare.append(security_headers)
