"""The PWA's files, served by the real app under `/app/` without the bearer."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import struct
import zlib
from pathlib import Path, PurePosixPath

import pytest

from tests.conftest import BEARER, ICAL_SECRET
from tests.web.conftest import Client
from web.routes.pwa import PWA_DIR, SERVICE_WORKER, load_assets

SHELL_MARK = '<div class="app" id="app">'
JS = "text/javascript"


async def shell_text(client: Client, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, path
    assert response.content_type == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    text = await response.text()
    assert SHELL_MARK in text
    return text


async def test_root_and_bare_app_redirect_to_the_app(client: Client) -> None:
    for path in ("/", "/app"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302, path
        assert response.headers["Location"] == "/app/"


async def test_the_shell_is_served_without_the_bearer(client: Client) -> None:
    response = await client.get("/app/")
    text = await shell_text(client, "/app/")
    assert '<html lang="fr">' in text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_deep_links_and_folders_get_the_shell(client: Client) -> None:
    for path in ("/app/projects/123", "/app/todos", "/app/settings/", "/app/js/", "/app/js"):
        await shell_text(client, path)


async def test_missing_files_and_escapes_are_json_404s(client: Client) -> None:
    for path in (
        "/app/nope.js",
        "/app/../pyproject.toml",
        "/app/%2e%2e/pyproject.toml",
        "/app/..%2fpyproject.toml",
        "/app/js/../../pwa.py",
        "/app/.git/config",
        "/app/icons/nope.png",
    ):
        # Sent byte for byte: clients (browsers, aiohttp's) would remove the dot segments.
        status, head, body = await raw_get(client, path)
        assert status == 404, path
        assert "application/json" in head
        assert json.loads(body)["error"]["code"] == "not_found"
        assert b"[project]" not in body and b"import" not in body


async def test_other_methods_are_refused(client: Client) -> None:
    response = await client.post("/app/", data=b"x")
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"


async def test_paths_that_only_start_like_the_app_still_need_the_bearer(client: Client) -> None:
    response = await client.get("/application")
    assert response.status == 401


async def test_the_manifest_makes_the_app_installable(client: Client) -> None:
    response = await client.get("/app/manifest.webmanifest")
    assert response.status == 200
    assert response.content_type == "application/manifest+json"
    manifest = json.loads(await response.text())
    assert manifest["start_url"] == "/app/"
    assert manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["background_color"])
    pngs = {
        (i["sizes"], i.get("purpose", "any"))
        for i in manifest["icons"]
        if i["type"] == "image/png"
    }
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= pngs
    for icon in manifest["icons"]:
        if icon["type"] == "image/png":
            width, height = png_size(await fetch_bytes(client, icon["src"], "image/png"))
            assert f"{width}x{height}" == icon["sizes"], icon["src"]


async def test_the_apple_touch_icon_is_a_180px_png(client: Client) -> None:
    shell = await shell_text(client, "/app/")
    href = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', shell)
    assert href is not None
    assert png_size(await fetch_bytes(client, href.group(1), "image/png")) == (180, 180)


async def test_the_service_worker_is_javascript_never_cached_and_precaches_the_shell(
    client: Client,
) -> None:
    response = await client.get("/app/sw.js")
    assert response.status == 200
    assert response.content_type == JS
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    text = await response.text()
    first, _, _ = text.partition("\n")
    build = json.loads(first.removeprefix("const BUILD = ").removesuffix(";"))
    assert re.fullmatch(r"[0-9a-f]{16}", build["version"])
    assert "/app/" in build["precache"]
    assert "/app/js/main.js" in build["precache"]
    for url in build["precache"]:
        assert (await client.get(url)).status == 200, url


def test_the_service_worker_version_follows_every_file(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>a</p>")
    (tmp_path / SERVICE_WORKER).write_text("// sw")
    before = load_assets(tmp_path)[SERVICE_WORKER].body
    (tmp_path / "index.html").write_text("<p>b</p>")
    after = load_assets(tmp_path)[SERVICE_WORKER].body
    assert before.split(b"\n")[0] != after.split(b"\n")[0]


async def test_assets_have_their_types_an_etag_and_gzip(client: Client) -> None:
    types = {
        "/app/app.css": "text/css",
        "/app/js/main.js": JS,
        "/app/icons/icon.svg": "image/svg+xml",
    }
    for path, content_type in types.items():
        response = await client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status == 200, path
        assert response.content_type == content_type
        assert response.headers["Content-Encoding"] == "gzip"
        again = await client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status == 304, path


async def test_every_module_the_shell_loads_exists(client: Client) -> None:
    shell = await shell_text(client, "/app/")
    roots = re.findall(r'<script type="module" src="([^"]+)"', shell)
    roots += re.findall(r'<link rel="modulepreload" href="([^"]+)"', shell)
    assert "/app/js/main.js" in roots
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        source = (await fetch_bytes(client, url, JS)).decode()
        for static, dynamic in IMPORT.findall(source):
            spec = static or dynamic
            assert spec.startswith(("./", "../")), (url, spec)
            todo.append(normalise(str(PurePosixPath(url).parent / spec)))
    resolved = set(seen)
    on_disk = {f"/app/{p.relative_to(PWA_DIR).as_posix()}" for p in PWA_DIR.rglob("*.js")}
    # Not modules: the service worker, and Telegram's classic script (js/telegram.js adds it).
    classic = {"/app/sw.js", TELEGRAM_SCRIPT}
    assert resolved == on_disk - classic, "a module is missing, or one is never loaded"
    assert TELEGRAM_SCRIPT in (await fetch_bytes(client, "/app/js/telegram.js", JS)).decode()


TELEGRAM_SCRIPT = "/app/vendor/telegram-web-app.js"
# @twa-dev/sdk 8.0.2's dist/telegram-web-apps.js, as web/pwa/vendor/README.md records it.
TELEGRAM_SCRIPT_SHA256 = "ee7fc2e0150fcf51be9fc90aa800d7f2a97549aa8dc73b107cc2a9d8089b6d1b"


async def test_telegrams_script_is_ours_to_serve_and_unchanged(client: Client) -> None:
    body = await fetch_bytes(client, TELEGRAM_SCRIPT, JS)
    assert hashlib.sha256(body).hexdigest() == TELEGRAM_SCRIPT_SHA256
    readme = (PWA_DIR / "vendor" / "README.md").read_text()
    assert TELEGRAM_SCRIPT_SHA256 in readme
    assert (PWA_DIR / "vendor" / "telegram-web-app.LICENSE").read_text().startswith("MIT License")


async def test_links_of_the_shell_exist(client: Client) -> None:
    shell = await shell_text(client, "/app/")
    for href in re.findall(r'(?:href|src)="(/app/[^"]*\.[a-z]+)"', shell):
        assert (await client.get(href)).status == 200, href


async def test_the_static_routes_are_not_in_the_openapi_document(
    client: Client, auth: dict[str, str]
) -> None:
    doc = await (await client.get("/openapi.json", headers=auth)).json()
    assert not [p for p in doc["paths"] if p == "/" or p.startswith("/app")]


@pytest.mark.parametrize(
    "secret",
    [BEARER, ICAL_SECRET],
)
def test_no_file_of_the_app_holds_a_known_secret(secret: str) -> None:
    for path in PWA_DIR.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


SECRET_LOOKING = re.compile(
    r"(?i)(bearer\s+[a-z0-9_\-.]{16,}"  # a bearer written out
    r"|(api[_-]?key|secret|token|password)\s*[:=]\s*['\"][^'\"]{8,}['\"]"  # key = "value"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bsk-[a-z0-9]{16,}"
    r"|\bgsk_[a-z0-9]{16,}"
    r"|\b\d{6,12}:[a-z0-9_-]{30,})"  # a Telegram bot token
)


def test_no_file_of_the_app_holds_anything_that_looks_like_a_secret() -> None:
    texts = [
        p
        for p in PWA_DIR.rglob("*")
        if p.suffix in {".js", ".html", ".css", ".json", ".webmanifest", ".svg"}
    ]
    assert len(texts) > 10
    for path in texts:
        found = SECRET_LOOKING.search(path.read_text())
        assert found is None, f"{path}: {found.group(0) if found else ''}"


# ---------------------------------------------------------------- helpers


async def raw_get(client: Client, path: str) -> tuple[int, str, bytes]:
    """GET `path` exactly as written, as curl --path-as-is would: status, headers, body."""
    assert client.server.host is not None and client.server.port is not None
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: pwa\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1").lower(), body


IMPORT = re.compile(
    r"""(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)"""
)


def normalise(url: str) -> str:
    parts: list[str] = []
    for part in url.split("/"):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


async def fetch_bytes(client: Client, url: str, content_type: str) -> bytes:
    response = await client.get(normalise(url))
    assert response.status == 200, url
    assert response.content_type == content_type, url
    return await response.read()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a valid PNG (signature, chunk CRCs, image data that inflates)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, size, idat = 8, (0, 0), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert zlib.decompress(idat)
    return size


# ---------------------------------------------------------------- fonts

FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


async def test_the_fonts_are_ours_latin_swapped_served_and_precached(client: Client) -> None:
    css = await (await client.get("/app/app.css")).text()
    faces = FONT_FACE.findall(css)
    families = {re.search(r'font-family:\s*"([^"]+)"', f).group(1) for f in faces}  # type: ignore[union-attr]
    assert families == {"Inter Tight", "Space Mono"}
    assert all("font-display: swap" in f for f in faces)
    urls = [re.search(r"url\(([^)]+)\)", f).group(1) for f in faces]  # type: ignore[union-attr]
    assert all(
        u.startswith("/app/fonts/") and "-latin-" in u and "-latin-ext-" not in u for u in urls
    )
    assert "http" not in css  # no CDN
    sw = await (await client.get("/app/sw.js")).text()
    precache = json.loads(sw.partition("\n")[0].removeprefix("const BUILD = ").removesuffix(";"))
    for url in urls:
        body = await fetch_bytes(client, url, "font/woff2")
        assert body[:4] == b"wOF2", url
        assert url in precache["precache"], url
    on_disk = sorted(p.name for p in (PWA_DIR / "fonts").glob("*.woff2"))
    assert sorted(PurePosixPath(u).name for u in urls) == on_disk  # every file is used
    assert sum((PWA_DIR / "fonts" / name).stat().st_size for name in on_disk) < 150_000
    for licence in ("LICENSE-inter-tight.txt", "LICENSE-space-mono.txt"):
        text = await (await client.get(f"/app/fonts/{licence}")).text()
        assert "SIL Open Font License" in text
