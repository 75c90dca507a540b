// The offline queue: mutations made without a network wait in IndexedDB (`pendingMutations`),
// in order, each with its `client_mutation_id`, and are replayed by `POST /sync/replay`, which
// applies each one at most once however often it is sent.

const DB_NAME = "ordinarthur-os";
const STORE = "pendingMutations";
const TEMP_ID = /tmp-[0-9a-f-]{36}/;

let dbPromise = null;

function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
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

const changed = () => window.dispatchEvent(new CustomEvent("queue-changed"));

export const all = () => run("readonly", (s) => s.getAll());
export const count = () => run("readonly", (s) => s.count());
const remove = (seqs) => run("readwrite", (s) => seqs.forEach((seq) => s.delete(seq)));

export async function clearQueue() {
  await run("readwrite", (s) => s.clear());
  changed();
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain http on a LAN is not a secure context: build a v4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** An id for a row created offline, until the server gives it its own. */
export const tempId = () => `tmp-${uuid()}`;
export const isTemp = (id) => typeof id === "string" && id.startsWith("tmp-");

/**
 * Queue one mutation. A change to a row that was itself created offline (its path holds a
 * temporary id) is folded into that queued creation: the server never saw the temporary id.
 */
export async function enqueue({ method, path, body = null, temp = null }) {
  const target = TEMP_ID.exec(path)?.[0];
  if (target) {
    const creation = (await all()).find((m) => m.temp === target);
    if (creation && method === "DELETE") await remove([creation.seq]);
    else if (creation) await run("readwrite", (s) => s.put({ ...creation, body: { ...creation.body, ...body } }));
    changed();
    return;
  }
  const mutation = { client_mutation_id: uuid(), method, path, body, temp, queued_at: Date.now() };
  await run("readwrite", (s) => s.add(mutation));
  changed();
}

let flushing = null;

/**
 * Send the queue, oldest first, through `send(body)` (POST /sync/replay). Acked mutations and
 * those the server refused for good (4xx) leave the queue; a 5xx keeps the rest for later.
 * Returns { sent, failed: [{ mutation, error }] }.
 */
export function flush(send) {
  flushing ??= doFlush(send).finally(() => {
    flushing = null;
    changed();
  });
  return flushing;
}

async function doFlush(send) {
  const outcome = { sent: 0, failed: [] };
  const pending = await all();
  for (let i = 0; i < pending.length; i += 100) {
    const batch = pending.slice(i, i + 100);
    const mutations = batch.map(({ client_mutation_id, method, path, body }) => ({ client_mutation_id, method, path, body }));
    const answer = await send({ mutations });
    const byId = new Map(batch.map((m) => [m.client_mutation_id, m]));
    const done = new Set(answer.acked);
    let retryLater = false;
    for (const error of answer.errors) {
      if (error.status >= 500) {
        retryLater = true;
        continue;
      }
      done.add(error.client_mutation_id);
      outcome.failed.push({ mutation: byId.get(error.client_mutation_id), error: error.error });
    }
    await remove(batch.filter((m) => done.has(m.client_mutation_id)).map((m) => m.seq));
    outcome.sent += answer.acked.length;
    if (retryLater) break;
  }
  return outcome;
}

/**
 * `items` (a list read from `collection`, e.g. "/todos") as they will be once the queue is
 * replayed: queued creations appended (with their temporary ids), changes merged, deletions
 * removed. Rows touched by the queue carry `pending: true`.
 */
export async function overlay(collection, items) {
  const queued = await all().catch(() => []);
  let rows = items.map((item) => ({ ...item }));
  for (const m of queued) {
    if (m.path === collection && m.method === "POST" && m.temp) {
      rows.unshift({ ...m.body, id: m.temp, pending: true });
      continue;
    }
    const id = m.path.startsWith(`${collection}/`) ? m.path.slice(collection.length + 1) : null;
    if (!id || id.includes("/")) continue;
    if (m.method === "DELETE") rows = rows.filter((r) => String(r.id) !== id);
    else if (m.method === "PATCH") rows = rows.map((r) => (String(r.id) === id ? { ...r, ...m.body, pending: true } : r));
  }
  return rows;
}

/** The queued mutations that are `method path` (e.g. the meds presses made offline), oldest first. */
export async function queued(method, path) {
  const pending = await all().catch(() => []);
  return pending.filter((m) => m.method === method && m.path === path);
}
