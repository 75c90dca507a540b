"""The PWA inside Telegram, in Chromium: a stub `window.Telegram.WebApp` (injected before the
page's scripts, as Telegram's apps provide it) with initData signed like Telegram's; then the
real vendored script, from launch parameters in the URL as Telegram opens a Mini App."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import AuthSession, Todo
from tests.conftest import BEARER
from tests.fakes.telegram import OWNER_ID, FakeTelegram, init_data
from tests.web.browser import PHONE, QUEUED, axe_source, axe_violations, open_page, serving, shot
from tests.web.test_pwa_a11y import BLOCKING, seed
from tests.web.test_sessions import with_bot
from web.sessions import LIFETIME, open_session

# Telegram for Android's night theme, as its themeParams say it (hint_color is too faint on
# bg_color for small text: the PWA must lighten it).
DARK = {
    "bg_color": "#212d3b",
    "text_color": "#ffffff",
    "hint_color": "#7d8b99",
    "link_color": "#5eabe1",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#151e27",
    "header_bg_color": "#242d39",
    "accent_text_color": "#64b5ef",
    "section_bg_color": "#17212b",
    "section_header_text_color": "#6ab3f3",
    "subtitle_text_color": "#7d8b99",
    "destructive_text_color": "#ee686f",
}

# What Telegram's apps put in the page: a WebApp whose calls are recorded in `window.__tg`.
STUB = """(({ initData, themeParams }) => {
  const tg = window.__tg = { expand: 0, ready: 0, close: 0, events: {},
    back: { visible: false, handlers: [] }, main: { visible: false, text: "", handlers: [] } };
  const button = (state) => ({
    show() { state.visible = true; return this; },
    hide() { state.visible = false; return this; },
    onClick(fn) { state.handlers.push(fn); return this; },
    offClick(fn) { state.handlers = state.handlers.filter((h) => h !== fn); return this; },
    setText(text) { state.text = text; return this; },
    enable() { return this; },
    showProgress() { state.progress = true; return this; },
    hideProgress() { state.progress = false; return this; },
    get isVisible() { return state.visible; },
  });
  window.Telegram = { WebApp: {
    initData, initDataUnsafe: {}, themeParams, colorScheme: "dark", version: "8.0",
    platform: "android",
    expand() { tg.expand++; }, ready() { tg.ready++; }, close() { tg.close++; },
    onEvent(name, fn) { (tg.events[name] ||= []).push(fn); }, offEvent() {},
    setHeaderColor(color) { tg.header = color; },
    setBackgroundColor(color) { tg.background = color; },
    BackButton: button(tg.back), MainButton: button(tg.main),
  } };
  // Whether the bearer onboarding ever showed, however briefly.
  new MutationObserver(() => {
    if (document.getElementById("token-input")) window.__sawOnboarding = true;
  }).observe(document, { childList: true, subtree: true });
})"""


async def in_telegram(page: Page, clock: FrozenClock, theme: dict[str, str] = DARK) -> None:
    """Before the next navigation: Telegram's WebApp, opened now by the owner."""
    args = {"initData": init_data(auth_date=clock.now()), "themeParams": theme}
    await page.add_init_script(script=f"{STUB}({json.dumps(args)})")


async def press(page: Page, button: str) -> None:
    """The owner taps Telegram's BackButton or MainButton."""
    await page.evaluate(f"window.__tg.{button}.handlers.forEach((fn) => fn())")


@pytest.fixture
async def app_url(
    settings: Settings,
    clock: FrozenClock,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - an empty database
) -> AsyncIterator[str]:
    async with serving(
        create_app(with_bot(settings, tg), clock=clock, run_migrations=False)
    ) as url:
        yield url


@pytest.fixture
async def phone(browser: Browser, clock: FrozenClock) -> AsyncIterator[Page]:
    async with open_page(browser, clock, viewport=PHONE) as page:
        yield page


async def todos_titled(sessionmaker: async_sessionmaker[AsyncSession], title: str) -> list[Todo]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Todo).where(Todo.title.ilike(title))))


async def test_inside_telegram_it_signs_in_alone_in_telegrams_dark_colours_and_axe_passes(
    phone: Page,
    app_url: str,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessionmaker, clock)
    bearers: list[str] = []
    phone.on("request", lambda r: bearers.append(r.headers.get("authorization", "")))
    await in_telegram(phone, clock)
    await phone.goto(f"{app_url}/app/")
    await phone.wait_for_selector("#today-todos li.todo")

    assert not await phone.evaluate("window.__sawOnboarding === true")
    stored = await phone.evaluate("localStorage.getItem('ordinarthur-os.bearer')")
    assert stored.startswith("tgs_") and stored != BEARER
    assert f"Bearer {BEARER}" not in bearers
    tg = await phone.evaluate("window.__tg")
    assert (tg["expand"], tg["ready"]) == (1, 1)
    assert tg["back"]["visible"] is False  # at home: nothing to go back to
    style = await phone.evaluate(
        """() => {
          const css = getComputedStyle(document.documentElement);
          const token = (name) => css.getPropertyValue(name).trim();
          const body = getComputedStyle(document.body).backgroundColor;
          return { bg: token("--bg"), ink: token("--ink"), muted: token("--muted"),
                   scheme: css.colorScheme, body };
        }"""
    )
    assert (style["bg"], style["ink"], style["scheme"]) == ("#212D3B", "#FFFFFF", "dark")
    assert style["body"] == "rgb(33, 45, 59)"
    assert style["muted"] != "#7D8B99"  # Telegram's hint colour, lightened to pass AA
    assert tg["header"] == tg["background"] == "#212D3B"
    await shot(phone, "telegram-dark-dashboard")

    source = axe_source()
    found: dict[str, list[dict[str, Any]]] = {}
    found["dashboard"] = await axe_violations(phone, source)
    for name, path, ready in [
        ("todos", "/app/todos", "#todo-list li.todo"),
        ("agenda", "/app/agenda", "#week .ev"),
        ("health", "/app/health", "#heatmap .cell.on"),
        ("settings", "/app/settings", "#session-list"),
    ]:
        await phone.click(f"#nav a[href='{path}']")
        await phone.wait_for_selector(ready)
        found[name] = await axe_violations(phone, source)
        await shot(phone, f"telegram-dark-{name}")
    await phone.click("#nav a[href='/app/']")
    await phone.keyboard.press("Control+k")
    await phone.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await phone.keyboard.press("Enter")
    await phone.wait_for_selector("#proposed-actions")
    found["modal"] = await axe_violations(phone, source)
    await shot(phone, "telegram-dark-modal")
    blocking = {
        view: [
            f"{v['rule']} {v['target']}: {v['why']}"
            for v in found[view]
            if v["impact"] in BLOCKING
        ]
        for view in found
    }
    assert {view: v for view, v in blocking.items() if v} == {}


async def test_telegrams_back_button_leaves_a_dialog_then_a_page(
    phone: Page, app_url: str, clock: FrozenClock
) -> None:
    await in_telegram(phone, clock)
    await phone.goto(f"{app_url}/app/")
    await phone.wait_for_selector("#today-todos")
    await phone.click("#nav a[data-route=todos]")
    await phone.wait_for_selector("#todo-form")
    assert await phone.evaluate("window.__tg.back.visible")

    await phone.click("#palette-btn")
    await phone.wait_for_selector("#palette")
    await press(phone, "back")  # the dialog first
    await phone.wait_for_selector("#palette", state="detached")
    assert phone.url.endswith("/app/todos")
    assert await phone.evaluate("window.__tg.back.visible")

    await press(phone, "back")  # then the page
    await phone.wait_for_selector("#today-todos")
    assert phone.url.endswith("/app/")
    assert not await phone.evaluate("window.__tg.back.visible")
    assert await phone.evaluate("window.__tg.back.handlers.length") == 0


async def test_telegrams_main_button_confirms_the_proposal(
    phone: Page, app_url: str, clock: FrozenClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await in_telegram(phone, clock)
    await phone.goto(f"{app_url}/app/")
    await phone.wait_for_selector("#today-todos")
    assert not await phone.evaluate("window.__tg.main.visible")
    await phone.keyboard.press("Control+k")
    await phone.fill("#palette-input", "ajoute une tâche acheter du pain demain")
    await phone.keyboard.press("Enter")
    await phone.wait_for_selector("#proposed-actions")
    main = await phone.evaluate("window.__tg.main")
    assert (main["visible"], main["text"]) == (True, "✅ Confirmer")

    await press(phone, "main")
    await phone.wait_for_selector("#action-results")
    assert not await phone.evaluate("window.__tg.main.visible")
    assert await phone.evaluate("window.__tg.main.handlers.length") == 0
    assert len(await todos_titled(sessionmaker, "acheter du pain")) == 1


async def test_changes_queued_offline_outlive_an_expired_session_and_replay_after_reopening(
    phone: Page, app_url: str, clock: FrozenClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await in_telegram(phone, clock)
    await phone.goto(f"{app_url}/app/todos")
    await phone.wait_for_selector("#todo-form")

    await phone.context.set_offline(True)
    await phone.fill("#todo-title", "Appeler maman")
    await phone.click("#todo-form button[type=submit]")
    await phone.wait_for_selector("#todo-list li.todo.pending >> text=Appeler maman")
    assert len(await phone.evaluate(QUEUED)) == 1

    clock.advance(LIFETIME + timedelta(hours=1))  # the session ends while the phone is offline
    await phone.clock.set_fixed_time(clock.now())
    await phone.context.set_offline(False)
    await phone.wait_for_selector("#session-ended")
    kept = await phone.text_content("#kept-changes")
    assert kept is not None and "1 modification en attente est gardée" in kept
    assert len(await phone.evaluate(QUEUED)) == 1
    assert await todos_titled(sessionmaker, "Appeler maman") == []
    await shot(phone, "telegram-session-ended")
    await phone.click("#telegram-close")
    assert await phone.evaluate("window.__tg.close") == 1

    await in_telegram(phone, clock)  # reopened from the chat: Telegram signs it anew
    await phone.goto(f"{app_url}/app/todos")
    await phone.wait_for_selector("#todo-list li.todo:not(.pending) >> text=Appeler maman")
    assert len(await todos_titled(sessionmaker, "Appeler maman")) == 1
    assert await phone.evaluate(QUEUED) == []


async def test_a_stranger_in_telegram_is_told_and_gets_no_token(
    phone: Page, app_url: str, clock: FrozenClock
) -> None:
    args = {"initData": init_data(auth_date=clock.now(), user_id=7), "themeParams": DARK}
    await phone.add_init_script(script=f"{STUB}({json.dumps(args)})")
    await phone.goto(f"{app_url}/app/")
    await phone.wait_for_selector("#telegram-signin .msg.err >> text=propriétaire")
    assert await phone.evaluate("localStorage.getItem('ordinarthur-os.bearer')") is None
    assert not await phone.evaluate("window.__sawOnboarding === true")


async def test_telegrams_own_script_reads_the_launch_parameters_and_leaves_the_url_clean(
    phone: Page, app_url: str, clock: FrozenClock
) -> None:
    data = init_data(auth_date=clock.now())
    params = {
        "tgWebAppData": data,
        "tgWebAppVersion": "8.0",
        "tgWebAppPlatform": "tdesktop",
        "tgWebAppThemeParams": json.dumps(DARK),
    }
    fragment = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    await phone.goto(f"{app_url}/app/#{fragment}")
    await phone.wait_for_selector("#today-todos")
    assert await phone.evaluate("window.Telegram.WebApp.initData") == data
    assert (await phone.evaluate("localStorage.getItem('ordinarthur-os.bearer')")).startswith(
        "tgs_"
    )
    assert "tgWebApp" not in phone.url
    bg = await phone.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()"
    )
    assert bg == "#212D3B"


async def test_outside_telegram_no_telegram_script_is_loaded(phone: Page, app_url: str) -> None:
    scripts: list[str] = []
    phone.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    await phone.goto(f"{app_url}/app/")
    await phone.wait_for_selector("#onboarding-form")
    assert await phone.evaluate("typeof window.Telegram") == "undefined"
    assert not [url for url in scripts if "vendor/" in url]


# ---------------------------------------------------------------- colours

# Every pair app.css draws small text with (>= 4.5:1), ink on its backgrounds (>= 7:1), and the
# accent against the background (shapes and large text, >= 3:1).
CHECK_TOKENS = """async (palettes) => {
  const { tokensFor, parse, contrast } = await import("/app/js/theme.js");
  return palettes.map((params) => {
    const t = tokensFor(params);
    if (!t) return null;
    const c = (a, b) => contrast(parse(t[a]), parse(t[b]));
    return {
      tokens: t,
      ok: c("ink", "bg") >= 7 && c("ink", "surface") >= 7
        && c("muted", "bg") >= 4.5 && c("muted", "surface") >= 4.5
        && c("accent-ink", "bg") >= 4.5 && c("accent-ink", "surface") >= 4.5
        && c("accent", "ink") >= 4.5 && c("accent", "bg") >= 3,
    };
  });
}"""


async def test_any_telegram_palette_becomes_tokens_that_keep_aa_or_none(
    phone: Page, app_url: str
) -> None:
    await phone.goto(f"{app_url}/app/")
    light = {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "link_color": "#2481cc",
        "button_color": "#2481cc",
        "secondary_bg_color": "#efeff3",
    }
    palettes = [
        DARK,
        light,
        {
            "bg_color": "#000000",
            "text_color": "#ffffff",
            "hint_color": "#98989e",
            "button_color": "#3e88f7",
            "secondary_bg_color": "#1c1c1d",
        },
        {"bg_color": "#808080", "text_color": "#909090", "button_color": "#8a8a8a"},  # no way
        {"bg_color": "#f0e68c", "text_color": "#ffff00", "hint_color": "#ffffe0"},  # yellow on
        {"text_color": "#000000"},  # no background: nothing to build on
        {"bg_color": "not a colour"},
    ]
    results = await phone.evaluate(CHECK_TOKENS, palettes)
    assert [r is not None and r["ok"] for r in results[:3]] == [True, True, True]
    assert results[3] is None
    assert results[4] is not None and results[4]["ok"]
    assert results[5] is None and results[6] is None
    assert results[1]["tokens"]["bg"] == "#FFFFFF"
    assert results[1]["tokens"]["scheme"] == "light"


async def test_the_settings_page_lists_the_telegram_devices_and_signs_them_out(
    phone: Page, app_url: str, clock: FrozenClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:  # a tablet, signed in and last used yesterday
        await open_session(
            session=session,
            telegram_user_id=OWNER_ID,
            device="Tablette Android",
            now=clock.now() - timedelta(days=1),
        )
        await session.commit()
    await in_telegram(phone, clock)
    await phone.goto(f"{app_url}/app/settings")
    await phone.wait_for_selector("#session-list")

    rows = await phone.locator("#session-list li").all_text_contents()
    assert len(rows) == 2
    tablet = next(r for r in rows if "Tablette Android" in r)
    assert "Utilisé le 24 nov. 10:00" in tablet and "cet appareil" not in tablet
    this_one = next(r for r in rows if "Tablette Android" not in r)
    assert "cet appareil" in this_one and "Utilisé le 25 nov. 10:00" in this_one

    other = phone.locator("#session-list li", has_text="Tablette Android").locator("button")
    await other.click()  # armed first: one slip of the finger signs nothing out
    assert await other.text_content() == "Sûr ? : Tablette Android"
    assert len(await live_sessions(sessionmaker)) == 2
    await other.click()
    await phone.wait_for_selector("#session-list li >> text=Tablette Android", state="detached")
    assert ["Tablette Android" in s.device for s in await live_sessions(sessionmaker)] == [False]

    mine = phone.locator("#session-list li button")
    await mine.click()
    await mine.click()
    await phone.wait_for_selector("#session-ended")
    assert await live_sessions(sessionmaker) == []
    assert await phone.evaluate("localStorage.getItem('ordinarthur-os.bearer')") is None


async def live_sessions(sessionmaker: async_sessionmaker[AsyncSession]) -> list[AuthSession]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(AuthSession)))
