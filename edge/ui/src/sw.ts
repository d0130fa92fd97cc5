/**
 * App-shell cache for HTTPS installs: the shell and hashed assets come from the cache when the
 * Pi is briefly away; the API is never cached (live values must be live or visibly missing).
 */
const sw = globalThis as unknown as ServiceWorkerGlobalScope;
const CACHE = 'tokkatot-shell-__BUILD__';
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg'];

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ??
          fetch(event.request).then((response) => {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put(event.request, copy));
            return response;
          }),
      ),
    );
    return;
  }
  // Navigations: the network first (fresh shell), the cached shell when the Pi does not answer.
  if (event.request.mode === 'navigate') {
    event.respondWith(fetch(event.request).catch(async () => (await caches.match('/')) ?? Response.error()));
  }
});

export {};
