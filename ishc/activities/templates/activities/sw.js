/* ISHC service worker (served from /sw.js so that its scope covers the meeting-day flow).
 * The app shell is kept in a cache whose name carries the release's version; the meeting-day
 * pages and rosters are fetched from the network when there is one and kept, and served from
 * the cache when there is none. Nothing else is intercepted. */
const CACHE = "ishc-meeting-{{ version }}";
const SHELL = {{ shell|safe }};
const KEPT = [/^\/clubs\/\d+\/meeting-day\//, /^\/api\/v1\/meeting-day\/clubs\/\d+\/\d+\/\d+$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ishc-meeting-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (!KEPT.some((re) => re.test(url.pathname))) return;
  // Network first: the latest roster when there is signal, the kept one when there is none.
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit || Response.error())),
  );
});
