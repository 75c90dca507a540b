// The REST API, with the bearer the owner typed, or the session token Telegram's sign-in gave
// (either kept in this device's localStorage, never in a file of the app). Reads go through the
// service worker (stale-while-revalidate); writes go straight to the API, or into the offline
// queue when there is no network.

import { count, enqueue, flush } from "./queue.js";

const TOKEN_KEY = "ordinarthur-os.bearer";
const EXPIRES_KEY = "ordinarthur-os.session-expires";
const SESSION_PREFIX = "tgs_"; // POST /auth/telegram's tokens (web/sessions.py)

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(EXPIRES_KEY);
  },
  /** A session from Telegram's sign-in (not the master bearer); `expires` is its end. */
  setSession: ({ token: value, expires_at: expires }) => {
    localStorage.setItem(TOKEN_KEY, value);
    localStorage.setItem(EXPIRES_KEY, expires);
  },
  isSession: () => (localStorage.getItem(TOKEN_KEY) || "").startsWith(SESSION_PREFIX),
  expires: () => localStorage.getItem(EXPIRES_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  get offline() {
    return this.status === 0 || this.code === "offline";
  }
}

const emit = (name, detail) => window.dispatchEvent(new CustomEvent(name, { detail }));

/**
 * One call. `fresh`: skip the cached copy (after a write, to read it back); `bearer`: check a
 * token that is not stored yet (onboarding); `anonymous`: no token at all (Telegram's sign-in).
 * Resolves to the JSON body (null for a 204).
 */
export async function request(method, path, { body, form, fresh = false, bearer, anonymous = false } = {}) {
  const headers = anonymous ? {} : { Authorization: `Bearer ${bearer ?? token.get() ?? ""}` };
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: fresh ? "no-cache" : "default" });
  } catch {
    throw new ApiError(0, "offline", "Hors ligne : le serveur ne répond pas.");
  }
  if (response.status === 204) return null;
  const json = (response.headers.get("Content-Type") || "").includes("json");
  const data = json ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = data?.error || {};
    if (response.status === 401 && bearer === undefined && !anonymous) emit("auth-lost");
    throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || response.statusText, error.details);
  }
  return data;
}

export const get = (path, opts) => request("GET", path, opts);

/** `/path?a=1&b=2`, leaving out empty values; `+` of offsets encoded as the API asks. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * A write. Online with an empty queue: sent now, resolves to { queued: false, data }. Offline
 * (or behind mutations still queued, to keep their order): queued and replayed later, resolves
 * to { queued: true }. `queue: false` for routes that cannot be replayed (settings, AI).
 * `temp`: the temporary id of a row this call creates, so later changes to it can follow.
 */
export async function mutate(method, path, body, { queue = true, temp = null } = {}) {
  // A Telegram session that ended keeps the change for after the next sign-in, like offline.
  const session = token.isSession();
  const later = async () => {
    await enqueue({ method, path, body: body ?? null, temp });
    syncSoon();
    return { queued: true };
  };
  if (queue && (!navigator.onLine || (await count().catch(() => 0)) > 0)) return later();
  try {
    return { queued: false, data: await request(method, path, { body }) };
  } catch (err) {
    if (queue && err instanceof ApiError && (err.offline || (session && err.status === 401))) return later();
    throw err;
  }
}

let timer = null;

export function syncSoon(ms = 300) {
  clearTimeout(timer);
  timer = setTimeout(sync, ms);
}

/** Replay the queue now; views refresh on "synced", failures are announced on "sync-failed". */
export async function sync() {
  if (!navigator.onLine || !token.get()) return;
  try {
    const outcome = await flush((body) => request("POST", "/sync/replay", { body }));
    if (outcome.sent || outcome.failed.length) emit("synced", outcome);
    if (outcome.failed.length) emit("sync-failed", outcome.failed);
  } catch (err) {
    if (!(err instanceof ApiError && err.offline)) console.warn("sync failed", err);
  }
}
