// Service worker of ordinarthur·os, scope /app/. The server puts a first line before this one:
// `const BUILD = {version, precache}`, hashed from the PWA's files, so any change installs anew.
//  - the shell and its assets: precached, served from the cache (pages: the shell);
//  - API reads (GET outside /app/): stale-while-revalidate; the page is told when fresher data
//    arrived, and a read made with `cache: "no-cache"` goes to the network first;
//  - writes are never cached: the page queues them in IndexedDB when offline.
/* global BUILD */

const SHELL_CACHE = `ordinarthur-shell-${BUILD.version}`;
const API_CACHE = "ordinarthur-api-v1";
const SHELL_URL = "/app/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(BUILD.precache.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("ordinarthur-shell-") && key !== SHELL_CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/app" || url.pathname.startsWith("/app/")) {
    event.respondWith(shell(request, url));
  } else if (request.headers.has("Authorization") || url.pathname === "/health") {
    event.respondWith(request.cache === "no-cache" || request.cache === "reload" ? networkFirst(request) : staleWhileRevalidate(event, request));
  }
});

async function shell(request, url) {
  const cache = await caches.open(SHELL_CACHE);
  if (request.mode === "navigate") {
    return (await cache.match(SHELL_URL)) || fetch(request);
  }
  const hit = await cache.match(url.pathname);
  return hit || fetch(request);
}

function offline() {
  const body = { error: { code: "offline", message: "Hors ligne, et rien en cache pour cette page.", details: null } };
  return new Response(JSON.stringify(body), { status: 503, headers: { "Content-Type": "application/json" } });
}

async function store(request, response) {
  if (response.ok && response.status === 200) {
    const cache = await caches.open(API_CACHE);
    await cache.put(request, response.clone());
  }
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    await store(request, response);
    return response;
  } catch {
    return (await caches.match(request, { cacheName: API_CACHE })) || offline();
  }
}

function staleWhileRevalidate(event, request) {
  // The cached copy's text is read now: once handed to the page, its body is gone.
  const cached = caches.match(request, { cacheName: API_CACHE })
    .then((hit) => (hit ? { hit, text: hit.clone().text() } : null));
  const network = fetch(request).then(async (response) => {
    const old = await cached;
    await store(request, response);
    if (old && response.ok && (await old.text) !== (await response.clone().text())) {
      await tell({ type: "api-updated", url: request.url });
    }
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  return cached.then((c) => (c ? c.hit : network.catch(() => offline())));
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}
