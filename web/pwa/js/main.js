// Boot: the bearer (or the onboarding; inside Telegram, Telegram's sign-in), the router
// (History API under /app/), the service worker, the network state and the offline queue, the
// palette (Cmd/Ctrl-K) and the 🎤 button.

import { sync, syncSoon, token } from "./api.js";
import { onboarding } from "./onboarding.js";
import { keepLists, keepListsRegularly } from "./offline.js";
import { loadOwner } from "./owner.js";
import { openPalette } from "./palette.js";
import { count } from "./queue.js";
import { askToReopen, telegramSignIn } from "./signin.js";
import { backButton, inTelegram, startTelegram } from "./telegram.js";
import { clear, closeDialog, dialogOpen, errorBox, toast } from "./ui.js";
import { accountView } from "./views/account.js";
import { agendaView } from "./views/agenda.js";
import { dashboardView } from "./views/dashboard.js";
import { healthView } from "./views/health.js";
import { jobCriteriaView } from "./views/job_criteria.js";
import { jobView, jobsView } from "./views/jobs.js";
import { notFoundView } from "./views/notfound.js";
import { projectView, projectsView } from "./views/projects.js";
import { settingsView } from "./views/settings.js";
import { todoView } from "./views/todo.js";
import { todosView } from "./views/todos.js";
import { loadVocabulary } from "./vocabulary.js";
import { startVoice } from "./voice.js";

const ROUTES = [
  [/^\/app\/?$/, "dashboard", dashboardView, "Aujourd'hui"],
  [/^\/app\/todos\/?$/, "todos", todosView, "Tâches"],
  [/^\/app\/todos\/([^/]+)\/?$/, "todos", todoView, "Tâche"],
  [/^\/app\/projects\/?$/, "projects", projectsView, "Projets"],
  [/^\/app\/projects\/([^/]+)\/?$/, "projects", projectView, "Projet"],
  [/^\/app\/agenda\/?$/, "agenda", agendaView, "Agenda"],
  [/^\/app\/health\/?$/, "health", healthView, "Santé"],
  [/^\/app\/jobs\/?$/, "jobs", jobsView, "Offres"],
  [/^\/app\/jobs\/([^/]+)\/?$/, "jobs", jobView, "Offre"],
  [/^\/app\/settings\/?$/, "settings", settingsView, "Réglages"],
  [/^\/app\/settings\/jobs\/?$/, "settings", jobCriteriaView, "Critères des offres"],
  [/^\/app\/settings\/account\/?$/, "settings", accountView, "Compte et état"],
];

const viewEl = document.getElementById("view");
let current = null; // { refresh } of the view on screen
let renderToken = 0;
let ownerKnown = null; // the first GET /settings of this token: the time zone before any date
let sessionEnded = false; // inside Telegram: the session was refused; reopening signs in again

// How many pages deep the owner went inside the app (Telegram's back button goes back up).
const depth = () => history.state?.depth ?? 0;

export function navigate(path, { replace = false } = {}) {
  if (path !== location.pathname + location.search) {
    if (replace) history.replaceState({ depth: depth() }, "", path);
    else history.pushState({ depth: depth() + 1 }, "", path);
  }
  render();
}

async function render() {
  if (!token.get()) {
    renderToken++;
    if (inTelegram()) signInWithTelegram();
    else showOnboarding();
    return;
  }
  const mine = ++renderToken;
  ownerKnown ??= loadOwner();
  await Promise.all([ownerKnown, loadVocabulary()]);
  if (mine !== renderToken) return;
  document.body.classList.remove("onboarding");
  const path = location.pathname;
  const match = ROUTES.map(([re, nav, view, title]) => [re.exec(path), nav, view, title]).find(([m]) => m);
  const [m, nav, view, title] = match || [null, null, notFoundView, "Introuvable"];
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.route === nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${title} — ordinarthur·os`;
  const root = document.createElement("div");
  clear(viewEl, root);
  viewEl.scrollTop = 0;
  window.scrollTo(0, 0);
  updateBack();
  try {
    const handle = await view(root, m ? m.slice(1).map(decodeURIComponent) : [], { navigate });
    if (mine === renderToken) current = handle || null;
  } catch (err) {
    if (mine === renderToken) clear(root, errorBox(err));
  }
}

// Telegram's back button: closes the dialog on top, else goes back a page, else home.
function updateBack() {
  if (!inTelegram()) return;
  const home = /^\/app\/?$/.test(location.pathname);
  if (!token.get()) backButton(null);
  else if (dialogOpen()) backButton(() => closeDialog());
  else if (depth() > 0) backButton(() => history.back());
  else if (!home) backButton(() => navigate("/app/", { replace: true }));
  else backButton(null);
}
window.addEventListener("dialog-changed", updateBack);

function signInWithTelegram() {
  ownerKnown = null;
  current = null;
  document.body.classList.add("onboarding");
  document.title = "Connexion — ordinarthur·os";
  updateBack();
  if (sessionEnded) {
    askToReopen(viewEl);
    return;
  }
  telegramSignIn(viewEl, () => {
    syncSoon(0);
    keepLists();
    navigate(location.pathname, { replace: true });
  });
}

function showOnboarding() {
  ownerKnown = null;
  document.body.classList.add("onboarding");
  document.title = "Bienvenue — ordinarthur·os";
  current = null;
  onboarding(viewEl, () => {
    toast("Token vérifié. Bienvenue.");
    syncSoon(0);
    keepLists();
    navigate(location.pathname, { replace: true });
  });
}

let refreshTimer = null;
let refreshFresh = false;
/** Re-read the page's data; `fresh` after our own writes, past the worker's cached copy. */
function refreshSoon(fresh = false) {
  refreshFresh ||= fresh;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const opts = refreshFresh ? { fresh: true } : undefined;
    refreshFresh = false;
    current?.refresh?.(opts);
  }, 120);
}

// ---------------------------------------------------------------- links, keys, buttons

// Past the header and the seven tabs in one key press; no hash in the URL (the router reads it).
document.getElementById("skip-link").addEventListener("click", (e) => {
  e.preventDefault();
  viewEl.focus();
});

document.addEventListener("click", (e) => {
  const a = e.target.closest?.("a[href]");
  if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/app")) return;
  if (/\.[a-z0-9]+$/i.test(url.pathname)) return; // a file, not a page
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", render);

document.addEventListener("keydown", (e) => {
  if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
    e.preventDefault();
    if (token.get() && !dialogOpen()) openPalette({ navigate });
  }
});
document.getElementById("palette-btn").addEventListener("click", () => token.get() && openPalette({ navigate }));
document.getElementById("mic-btn").addEventListener("click", () => token.get() && startVoice());
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
document.querySelector("#palette-btn .kbd").textContent = isMac ? "⌘K" : "Ctrl K";

// ---------------------------------------------------------------- network and queue

const dot = document.getElementById("net-dot");
const syncState = document.getElementById("sync-state");

async function showNetwork() {
  const pending = await count().catch(() => 0);
  const online = navigator.onLine;
  dot.classList.toggle("off", !online);
  dot.title = online ? "En ligne" : "Hors ligne";
  const parts = [];
  if (!online) parts.push("Hors ligne");
  if (pending) parts.push(`${pending} en attente`);
  syncState.textContent = parts.join(" · ");
  syncState.classList.toggle("warn", !online || pending > 0);
}

window.addEventListener("online", () => {
  showNetwork();
  sync();
  keepLists();
});
window.addEventListener("offline", showNetwork);
window.addEventListener("queue-changed", showNetwork);
window.addEventListener("synced", (e) => {
  if (e.detail.sent) toast(`Synchronisé : ${e.detail.sent} modification${e.detail.sent > 1 ? "s" : ""} envoyée${e.detail.sent > 1 ? "s" : ""}.`);
  refreshSoon(true);
  keepLists();
});
window.addEventListener("data-changed", () => {
  refreshSoon(true);
  keepLists();
});
window.addEventListener("sync-failed", (e) => {
  for (const { mutation, error } of e.detail) {
    toast(`Refusé par le serveur (${mutation?.method} ${mutation?.path}) : ${error.message}`, { error: true, ms: 8000 });
  }
});
window.addEventListener("auth-lost", () => {
  if (inTelegram()) sessionEnded = true; // the queue stays; reopening from Telegram signs in
  else toast("Token refusé : saisis-le à nouveau.", { error: true });
  token.clear();
  ownerKnown = null;
  render();
});
window.addEventListener("owner-changed", () => render()); // another time zone: redraw every date
setInterval(() => navigator.onLine && syncSoon(0), 30000);

// ---------------------------------------------------------------- service worker

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (e) => {
    if (e.data?.type === "api-updated") refreshSoon();
  });
  navigator.serviceWorker.startMessages();
  let hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController) {
      toast("Nouvelle version installée.", { action: { label: "Recharger", run: () => location.reload() } });
    }
    hadController = true;
  });
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch((err) => console.warn("service worker", err));
  });
}

fetch("/health").then((r) => r.json()).then((h) => {
  document.getElementById("version").textContent = `v${h.version}`;
}).catch(() => {});

showNetwork();
await startTelegram(); // before the first render: its colours, and no onboarding inside it
render();
syncSoon(500);
// Every list kept for offline reading (nothing before a token: the onboarding keeps them then).
keepListsRegularly();
