"""What the PWA's browser tests share: headless Chromium from the system driven by Playwright,
the real app on a loopback port, signing in, and axe-core's accessibility audit.

No browser is downloaded: `.ci/run` installs Debian's `chromium`, and without one the tests
fail (a browser test that does not run proves nothing). axe-core comes from npm, pinned in
`tests/web/axe/package-lock.json`; `deploy/install.sh … dev` runs `npm ci` for it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page

from store.clock import FrozenClock
from tests.conftest import BEARER

# Debian's package by default; CHROMIUM names another build (e.g. on a developer's laptop).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",
    # A microphone that plays a tone, granted without asking: the 🎤 button records for real.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
SHOTS = os.environ.get("PWA_SCREENSHOTS")  # a folder: save screenshots there, to look at
TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

AXE_DIR = Path(__file__).parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def chromium_or_fail() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium "
            "(or set CHROMIUM to a Chromium binary)",
            pytrace=False,
        )
    return CHROMIUM


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def open_page(
    browser: Browser,
    clock: FrozenClock,
    *,
    timezone_id: str = "Europe/Paris",
    viewport: dict[str, int] = DESKTOP,
) -> AsyncIterator[Page]:
    """A fresh context (no token, no worker, no queue), its clock at the test's "now"; fails
    the test on any uncaught error of the page."""
    context = await browser.new_context(
        permissions=["microphone"],
        locale="fr-FR",
        timezone_id=timezone_id,
        reduced_motion="reduce",
        viewport=viewport,  # type: ignore[arg-type]
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.clock.set_fixed_time(clock.now())  # the server's "today" is the page's
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        await context.close()
    assert not errors, errors


async def sign_in(
    page: Page, base_url: str, path: str = "/app/", ready: str = "#today-todos"
) -> None:
    await page.goto(f"{base_url}{path}")
    await page.fill("#token-input", BEARER)
    await page.press("#token-input", "Enter")
    await page.wait_for_selector(ready)


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def go(page: Page, path: str) -> None:
    """Move inside the app as a link would (the router, no reload)."""
    await page.evaluate(
        """(path) => {
          history.pushState(null, "", path);
          dispatchEvent(new PopStateEvent("popstate"));
        }""",
        path,
    )


QUEUED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("ordinarthur-os");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const store = open.result.transaction("pendingMutations").objectStore("pendingMutations");
    const req = store.getAll();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  };
})"""


# ---------------------------------------------------------------- axe-core


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS} is missing: run `npm ci --prefix {AXE_DIR}` "
            "(deploy/install.sh does it when the dev extras are installed)",
            pytrace=False,
        )
    return AXE_JS.read_text()


# Every node of every violation, with the rule's impact; the rules are axe's defaults (WCAG
# 2.0-2.2 A and AA, and its best practices).
_AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.flatMap((v) => v.nodes.map((n) => ({
    rule: v.id, impact: n.impact || v.impact, target: n.target.join(" "),
    why: n.failureSummary.split("\\n").slice(1, 2).join("").trim(),
  })));
}"""


async def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    # Through the DevTools protocol, so the page's CSP (script-src 'self') does not apply.
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(f"() => {{ {source}\n}}")
    violations: list[dict[str, Any]] = await page.evaluate(_AXE_RUN)
    return violations
