/**
 * App-shell cache: owners lose 4G coverage in the field, and the app must still open with the
 * last data it saw. The shell is fetched from the network first (a new build shows at once) and
 * from the cache when there is none; hashed assets come from the cache. The API is never cached
 * here: the app keeps its own snapshots and shows how old they are.
 */
const sw = globalThis as unknown as ServiceWorkerGlobalScope;
const CACHE = 'tokkatot-dashboard-__BUILD__';
/** Filled in by the build: every script, stylesheet and font of this build. */
const PRECACHE: string[] = ['__PRECACHE__'];
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg'];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL, ...PRECACHE.filter((path) => path.startsWith('/assets/'))]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('tokkatot-dashboard-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin || url.pathname.startsWith('/v1/')) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ??
          fetch(event.request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(CACHE).then((cache) => cache.put(event.request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }
  if (event.request.mode === 'navigate') {
    event.respondWith(
      fetch(event.request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(async () => (await caches.match('/')) ?? Response.error()),
    );
    return;
  }
  if (SHELL.includes(url.pathname) || url.pathname === '/icon-maskable.svg') {
    event.respondWith(fetch(event.request).catch(async () => (await caches.match(event.request)) ?? Response.error()));
  }
});

export {};
