"""The PWA in a real browser (headless Chromium from the system, driven by Playwright) against
the real app on a loopback port: onboarding, a todo made through the UI, the palette's command
confirmed in the modal, the service worker, and a todo made offline then replayed.

No browser is downloaded: `.ci/run` installs Debian's `chromium`. Elsewhere, without it, these
tests are skipped with the reason said (in CI they fail instead)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import Todo
from tests.conftest import BEARER, PARIS
from tests.fakes import FakeGroq

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

if not Path(CHROMIUM).exists():
    # A browser test that does not run proves nothing: fail, and say how to get the browser.
    pytest.fail(
        f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium "
        "(or set CHROMIUM to a Chromium binary)",
        pytrace=False,
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        await browser.close()


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


@pytest.fixture
async def base_url(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - starts from an empty db
) -> AsyncIterator[str]:
    async with serving(create_app(settings, clock=clock, run_migrations=False)) as url:
        yield url


@pytest.fixture
async def page(browser: Browser, clock: FrozenClock) -> AsyncIterator[Page]:
    context = await browser.new_context(
        permissions=["microphone"],
        locale="fr-FR",
        timezone_id="Europe/Paris",
        reduced_motion="reduce",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.clock.set_fixed_time(clock.now())  # the server's "today" is the page's
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    await context.close()
    assert not errors, errors


async def sign_in(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/app/")
    await page.fill("#token-input", BEARER)
    await page.press("#token-input", "Enter")
    await page.wait_for_selector("#today-todos")


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def todos_titled(sessionmaker: async_sessionmaker[AsyncSession], title: str) -> list[Todo]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Todo).where(Todo.title.ilike(title))))


async def test_onboarding_then_a_todo_made_in_the_ui_is_in_the_database(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await page.goto(f"{base_url}/app/")
    await page.fill("#token-input", "not-the-token")
    await page.press("#token-input", "Enter")
    await page.wait_for_selector(".msg.err >> text=Token refusé")
    await shot(page, "onboarding")
    await page.fill("#token-input", BEARER)
    await page.press("#token-input", "Enter")
    await page.wait_for_selector("#today-todos")
    assert await page.evaluate("localStorage.getItem('ordinarthur-os.bearer')") == BEARER

    await page.click("#nav a[data-route=todos]")
    await page.fill("#todo-title", "Acheter des piles")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Acheter des piles")
    [todo] = await todos_titled(sessionmaker, "Acheter des piles")
    assert todo.status == "todo"

    await page.click("#todo-list li.todo input.check")
    await page.wait_for_selector("#todo-list >> text=Rien à faire")  # left the active ones
    await page.click("[data-filter=done]")
    await page.wait_for_selector("#todo-list li.todo.done >> text=Acheter des piles")
    await shot(page, "todos")
    scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.active && r.scope)")
    assert scope == f"{base_url}/app/"
    [todo] = await todos_titled(sessionmaker, "Acheter des piles")
    assert todo.status == "done"


async def test_the_pwa_shows_the_labels_the_api_serves(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.click("#nav a[data-route=todos]")
    await page.fill("#todo-title", "Payer le loyer")
    await page.select_option("#todo-form select[name=priority]", label="P3 · urgente")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=P3 urgente")
    [todo] = await todos_titled(sessionmaker, "Payer le loyer")
    assert todo.priority == 3

    await page.click("#nav a[data-route=projects]")
    await page.fill("#project-form input[name=name]", "Portfolio")
    await page.click("#project-form button[type=submit]")
    await page.click("#project-list >> text=Portfolio")
    await page.wait_for_selector("#board .col")
    heads = await page.locator("#board .col-head span:first-child").all_text_contents()
    assert heads == ["Backlog", "À faire", "En cours", "En revue", "Fait"]


async def test_a_command_from_the_palette_is_confirmed_in_the_modal(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.keyboard.press("Control+k")
    await page.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#proposed-actions >> text=/acheter du pain/i")
    await shot(page, "proposal")
    assert await todos_titled(sessionmaker, "%pain%") == []  # nothing before confirm

    await page.click("#proposal-confirm")
    await page.wait_for_selector("#action-results .action.ok >> text=/acheter du pain/i")
    await shot(page, "confirmed")
    [todo] = await todos_titled(sessionmaker, "%pain%")
    assert todo.due_at is not None
    assert todo.due_at.astimezone(PARIS).date() == date(2026, 11, 26)


async def test_offline_the_shell_opens_and_a_todo_waits_then_is_replayed(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await page.goto(f"{base_url}/app/todos")  # through the worker: the data gets cached
    await page.wait_for_selector("#todo-form")

    await page.context.set_offline(True)
    await page.reload()  # the shell and the last data, from the worker's caches
    await page.wait_for_selector("#todo-list")
    await page.wait_for_selector("#sync-state >> text=Hors ligne")
    await page.fill("#todo-title", "Appeler maman")
    await page.click("#todo-form button[type=submit]")
    await page.wait_for_selector("#todo-list li.todo.pending >> text=Appeler maman")
    await page.wait_for_selector("#sync-state >> text=1 en attente")
    queued = await page.evaluate(QUEUED)
    assert [(m["method"], m["path"], m["body"]["title"]) for m in queued] == [
        ("POST", "/todos", "Appeler maman")
    ]
    assert queued[0]["client_mutation_id"]
    await shot(page, "offline")
    assert await todos_titled(sessionmaker, "Appeler maman") == []

    await page.context.set_offline(False)
    await page.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Appeler maman")
    await page.wait_for_function("document.querySelector('#sync-state').textContent === ''")
    assert len(await todos_titled(sessionmaker, "Appeler maman")) == 1
    assert await page.evaluate(QUEUED) == []


async def test_reads_come_from_the_cache_then_the_fresh_copy_replaces_them(
    page: Page, base_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await sign_in(page, base_url)
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await page.click("#nav a[data-route=todos]")
    await page.wait_for_selector("#todo-list >> text=Rien à faire")
    async with sessionmaker() as session, session.begin():
        session.add(Todo(title="Ajoutée par le bot", status="todo"))
    await page.click("#nav a[data-route=projects]")
    await page.click("#nav a[data-route=todos]")  # the cached empty list, then the worker's news
    await page.wait_for_selector("#todo-list >> text=Ajoutée par le bot")


async def test_a_voice_note_shows_its_transcript_and_is_confirmed(
    page: Page,
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeGroq.start(transcript="Ajoute une tâche acheter du pain demain") as groq:
        update = {"groq_api_key": SecretStr(groq.api_key), "groq_base_url": groq.url}
        app = create_app(settings.model_copy(update=update), clock=clock, run_migrations=False)
        async with serving(app) as base_url:
            await sign_in(page, base_url)
            await page.click("#mic-btn")
            await page.wait_for_selector("#voice-modal[data-bytes]")  # some audio was heard
            await page.click("#voice-send")
            await page.wait_for_selector("#transcript >> text=acheter du pain demain")
            await page.wait_for_selector("#proposed-actions >> text=/acheter du pain/i")
            await shot(page, "voice")
            await page.click("#proposal-confirm")
            await page.wait_for_selector("#action-results .action.ok")
        upload = groq.last_upload
        assert upload is not None and upload.size > 0
        assert (upload.content_type or "").startswith(("audio/webm", "audio/ogg"))
    [todo] = await todos_titled(sessionmaker, "%pain%")
    assert todo.due_at is not None


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


def test_the_clock_fixture_is_the_day_the_browser_tests_assume(clock: FrozenClock) -> None:
    assert clock.now() == datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
