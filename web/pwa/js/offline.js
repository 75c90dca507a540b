// Offline reading. While online, every list the app shows (todos, projects with their steps
// and ideas, the agenda's window, the job offers) is kept in IndexedDB with the moment it was
// read; offline, a page reads its list from there, even one never opened before, and says how
// old it is. The service worker's cache only holds what a page already asked for.

import { ApiError, get, token, withQuery } from "./api.js";
import { addDays, localInstant, weekStart } from "./dates.js";
import { clear, h } from "./ui.js";

const DB_NAME = "ordinarthur-os-lists";
const STORE = "lists";
const KEEP_EVERY_MS = 10 * 60 * 1000;

export const TODOS = withQuery("/todos", { limit: 1000 });
export const JOBS = withQuery("/jobs", { archived: false, limit: 300 });

/** The agenda days kept: from last week's Monday, nine weeks ("YYYY-MM-DD", owner's days). */
export function agendaWindow() {
  const from = addDays(weekStart(), -7);
  return { from, to: addDays(from, 63) };
}

let dbPromise = null;

function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "key" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

async function run(mode, work) {
  const store = (await db()).transaction(STORE, mode).objectStore(STORE);
  return new Promise((resolve, reject) => {
    const req = work(store);
    store.transaction.oncomplete = () => resolve(req?.result);
    store.transaction.onerror = () => reject(store.transaction.error);
  });
}

/** The kept copy of `key`: { key, data, at } (`at`: when it was read, ms), or undefined. */
export const recall = (key) => run("readonly", (s) => s.get(key)).catch(() => undefined);

export const forgetLists = () => run("readwrite", (s) => s.clear()).catch(() => {});

// ---------------------------------------------------------------- keeping

let keeping = null;

/** Read every list now (past the worker's cache) and keep it; once at a time. */
export function keepLists() {
  keeping ??= doKeep().catch((err) => {
    if (!(err instanceof ApiError && err.offline)) console.warn("lists not kept", err);
  }).finally(() => { keeping = null; });
  return keeping;
}

async function doKeep() {
  if (!navigator.onLine || !token.get()) return;
  const fresh = { fresh: true };
  const win = agendaWindow();
  const agendaPath = withQuery("/agenda/events", { from: localInstant(win.from), to: localInstant(win.to) });
  const [todos, projects, jobs, events] = await Promise.all(
    [TODOS, "/projects", JOBS, agendaPath].map((path) => get(path, fresh)),
  );
  const at = Date.now();
  const rows = [
    { key: "todos", data: todos, at },
    { key: "projects", data: projects, at },
    { key: "jobs", data: jobs, at },
    { key: "agenda", data: events, at, window: win },
  ];
  for (const p of projects) {
    const base = `/projects/${p.id}`;
    // A project deleted meanwhile (404) is simply not kept.
    const [steps, ideas] = await Promise.all([get(`${base}/steps`, fresh), get(`${base}/ideas`, fresh)])
      .catch((err) => (err instanceof ApiError && err.status === 404 ? [null, null] : Promise.reject(err)));
    if (steps) rows.push({ key: `steps:${p.id}`, data: steps, at }, { key: `ideas:${p.id}`, data: ideas, at });
  }
  await run("readwrite", (s) => {
    s.clear(); // projects deleted since: their steps go too
    let last;
    for (const row of rows) last = s.put(row);
    return last;
  });
  document.documentElement.dataset.listsKept = String(at);
}

/** Keep the lists now and every few minutes while the app is open and online. */
export function keepListsRegularly() {
  keepLists();
  setInterval(() => navigator.onLine && keepLists(), KEEP_EVERY_MS);
}

// ---------------------------------------------------------------- reading

/**
 * `path` from the API; offline (or with the server out of reach), the kept list `key` passed
 * through `pick`. Resolves to { data, at }: `at` is null for live data, else when it was kept.
 */
export async function readList(path, key, { pick = (data) => data, ...opts } = {}) {
  if (navigator.onLine) {
    try {
      return { data: await get(path, opts), at: null };
    } catch (err) {
      if (!(err instanceof ApiError && err.offline)) throw err;
    }
  }
  const kept = await recall(key);
  if (!kept) throw new ApiError(0, "offline", "Hors ligne, et rien de gardé sur cet appareil pour cette page.");
  const data = pick(kept.data, kept);
  if (data === undefined) throw new ApiError(0, "offline", "Hors ligne, et ceci n'est pas gardé sur cet appareil.");
  return { data, at: kept.at };
}

/** "il y a 3 h": how long ago `at` (ms) was, in French. */
export function ago(at) {
  const minutes = Math.floor((Date.now() - at) / 60000);
  if (minutes < 1) return "de moins d'une minute";
  if (minutes < 60) return `d'il y a ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `d'il y a ${hours} h`;
  return `d'il y a ${Math.floor(hours / 24)} j`;
}

/** Where a view says its data is a kept copy (empty while it is live). */
export const ageSlot = () => h("div", { class: "data-age", id: "data-age" });

export function showAge(slot, at) {
  clear(slot, at === null || at === undefined ? null
    : h("p", { class: "label stale", role: "status" }, `Hors ligne · données ${ago(at)}`));
}

/** Case and accents aside: "Marseille" matches "marseille", "Évry" matches "evry". */
export const fold = (s) => String(s ?? "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
