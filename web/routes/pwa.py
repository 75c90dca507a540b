"""The companion PWA: the static files of `web/pwa/`, served under `/app/` without the bearer.

The files are read once per process, when the routes are first added: a request never reaches
the filesystem, so no path can climb out of the folder and nothing but these files can be
listed or served (edit a file, restart the server).
Any other `/app/...` path is a page of the client's router and gets the shell, unless it looks
like a file (its last segment has a dot) or holds a dot segment (`..`, `.git`): that one is a
JSON 404, so a missing script fails loudly instead of being parsed as HTML.

The service worker gets a first line, `const BUILD = {...}`, with a version hashed from every
file and the list to precache: any change to the PWA installs a new worker, with no build step.
Not documented in `/openapi.json` (these are not API operations).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from web.errors import error_response

PWA_DIR = Path(__file__).parent.parent / "pwa"
PREFIX = "/app/"
SHELL = "index.html"
SERVICE_WORKER = "sw.js"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
_COMPRESSIBLE = {".html", ".js", ".css", ".webmanifest", ".json", ".svg", ".txt"}
# Served (the fonts' licences go with them) but not precached: the app never reads them.
_NOT_PRECACHED = {".txt"}
# The URLs are not versioned: browsers revalidate (a 304 by ETag) and the service worker's
# precache is what makes repeat visits instant. Icons and fonts hardly ever change.
_REVALIDATE = "no-cache"
_IMAGES = "public, max-age=604800"
_LONG_LIVED = {".png", ".woff2"}
# The bearer lives in localStorage, so no script but ours may ever run on these pages (the
# Telegram Mini App script included: it is one of our files, `vendor/telegram-web-app.js`).
_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)
# Telegram's apps open a Mini App in a web view, but Telegram Web (web.telegram.org) opens it in
# an iframe: with PUBLIC_URL set, that one origin may frame the PWA, and no other.
TELEGRAM_WEB = "https://web.telegram.org"


def shell_csp(*, mini_app: bool) -> str:
    ancestors = f"frame-ancestors {TELEGRAM_WEB}" if mini_app else "frame-ancestors 'none'"
    return "; ".join((*_DIRECTIVES, ancestors))


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    cache_control: str
    etag: str


def _asset(name: str, body: bytes) -> Asset:
    suffix = Path(name).suffix
    gzipped = gzip.compress(body, mtime=0) if suffix in _COMPRESSIBLE else None
    if gzipped is not None and len(gzipped) >= len(body):
        gzipped = None
    return Asset(
        body=body,
        gzipped=gzipped,
        content_type=_TYPES[suffix],
        cache_control=_IMAGES if suffix in _LONG_LIVED else _REVALIDATE,
        etag=hashlib.sha256(body).hexdigest()[:20],
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in _TYPES and not path.name.startswith(".")
    }


def _build_line(files: dict[str, bytes]) -> bytes:
    digest = hashlib.sha256()
    for name, body in files.items():
        if name != SERVICE_WORKER:
            digest.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
    precache = [PREFIX] + [
        PREFIX + name
        for name in files
        if name not in (SHELL, SERVICE_WORKER) and Path(name).suffix not in _NOT_PRECACHED
    ]
    build = {"version": digest.hexdigest()[:16], "precache": precache}
    return f"const BUILD = {json.dumps(build)};\n".encode()


def load_assets(root: Path = PWA_DIR) -> dict[str, Asset]:
    """Every servable file under `root`, by its path relative to it (`js/main.js`)."""
    files = _files(root)
    if SERVICE_WORKER in files:
        files[SERVICE_WORKER] = _build_line(files) + files[SERVICE_WORKER]
    return {name: _asset(name, body) for name, body in files.items()}


# Read once per process (every app a test suite builds shares them): ~8 ms of reading and gzip.
_loaded_assets = functools.cache(load_assets)


def _accepts_gzip(request: web.Request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _respond(request: web.Request, name: str, asset: Asset, csp: str) -> web.StreamResponse:
    gzipped = asset.gzipped is not None and _accepts_gzip(request)
    etag = f'"{asset.etag}-gz"' if gzipped else f'"{asset.etag}"'
    headers = {
        "Cache-Control": asset.cache_control,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if name == SHELL:
        headers["Content-Security-Policy"] = csp
    if name == SERVICE_WORKER:
        headers["Service-Worker-Allowed"] = PREFIX
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = asset.gzipped if gzipped and asset.gzipped is not None else asset.body
    return web.Response(body=body, headers=headers | {"Content-Type": asset.content_type})


def _not_a_page(tail: str) -> bool:
    """A file name (`x.js`), or a dot segment anywhere (`..`, `.git`): no page of ours."""
    segments = tail.split("/")
    return "." in segments[-1] or any(s.startswith(".") for s in segments)


def add_pwa_routes(app: web.Application, root: Path = PWA_DIR, *, mini_app: bool = False) -> None:
    """`/` and `/app` redirect to `/app/`; `/app/...` serves a file or the shell."""
    assets = _loaded_assets(root)
    csp = shell_csp(mini_app=mini_app)
    if SHELL not in assets:
        raise RuntimeError(f"no {SHELL} in {root}: the PWA files are missing from this install")

    async def redirect(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(PREFIX)

    async def serve(request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        name = tail or SHELL
        if name not in assets:
            if _not_a_page(tail):
                return error_response(404, "not_found", f"no file {request.path}")
            name = SHELL  # a page of the client's router
        return _respond(request, name, assets[name], csp)

    app.router.add_get("/", redirect)
    app.router.add_get(PREFIX.rstrip("/"), redirect)
    app.router.add_get(PREFIX + "{tail:.*}", serve)
