// Inside Telegram (the PWA opened as a Mini App from the bot's menu button or /app): Telegram's
// script (ours to serve: /app/vendor/telegram-web-app.js, loaded only when Telegram opened the
// page), its colours on the design's tokens, the BackButton for in-app navigation, the
// MainButton for the confirm modal's ✅, and the signed initData that signs the owner in.
// Outside Telegram none of this runs, and the PWA is what it always was.

import { applyTokens, tokensFor } from "./theme.js";

const SCRIPT = "/app/vendor/telegram-web-app.js";

let app = null; // Telegram.WebApp, once we know we are inside Telegram

/** Opened by Telegram: its launch parameters in the URL, or kept by its script on a reload. */
function openedByTelegram() {
  if (/[#&?]tgWebApp(Data|Version|Platform)=/.test(location.hash + location.search)) return true;
  try {
    return /tgWebAppData/.test(sessionStorage.getItem("__telegram__initParams") || "");
  } catch {
    return false;
  }
}

function loadScript() {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = SCRIPT;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

/** Telegram.WebApp when the page runs inside Telegram with signed data, else null. */
export async function startTelegram() {
  if (!window.Telegram?.WebApp && openedByTelegram()) {
    await loadScript().catch((err) => console.warn("telegram script", err));
  }
  const webApp = window.Telegram?.WebApp;
  if (!webApp?.initData) return null;
  app = webApp;
  // Telegram's script has read (and kept) its launch parameters: the signed data leaves the URL.
  if (/tgWebApp/.test(location.hash)) history.replaceState(history.state, "", location.pathname + location.search);
  document.body.classList.add("in-telegram");
  applyTheme();
  call("onEvent", "themeChanged", applyTheme);
  call("ready");
  call("expand");
  return app;
}

export const inTelegram = () => app !== null;
export const initData = () => app?.initData || "";

function call(method, ...args) {
  try {
    return app?.[method]?.(...args);
  } catch (err) {
    console.warn(`Telegram.WebApp.${method}`, err); // an older Telegram lacks it
    return undefined;
  }
}

function applyTheme() {
  const tokens = tokensFor(app.themeParams || {});
  if (!tokens) return; // colours that cannot keep AA: the design's own palette stays
  applyTokens(tokens);
  call("setHeaderColor", tokens.bg);
  call("setBackgroundColor", tokens.bg);
}

export function close() {
  call("close");
}

// ---------------------------------------------------------------- BackButton

let onBack = null;

/** Show Telegram's back button while `back` is a function (what it does), hide it on null. */
export function backButton(back) {
  const button = app?.BackButton;
  if (!button) return;
  if (onBack) button.offClick(onBack);
  onBack = back;
  if (back) {
    button.onClick(back);
    button.show();
  } else {
    button.hide();
  }
}

// ---------------------------------------------------------------- MainButton

let mainRelease = null;

/**
 * Telegram's main button, showing `text` and doing `run` when pressed. Returns what takes it
 * away again (a no-op outside Telegram).
 */
export function mainButton(text, run) {
  const button = app?.MainButton;
  if (!button) return () => {};
  mainRelease?.();
  const handler = () => run();
  button.setText(text);
  button.onClick(handler);
  button.enable?.();
  button.show();
  const release = () => {
    button.offClick(handler);
    button.hideProgress?.();
    button.hide();
    if (mainRelease === release) mainRelease = null;
  };
  mainRelease = release;
  return release;
}

/** The main button shows it is working (after a press, while the API answers), or not. */
export function mainButtonBusy(busy = true) {
  if (busy) app?.MainButton?.showProgress?.(false);
  else app?.MainButton?.hideProgress?.();
}
