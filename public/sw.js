/*
 * Runsheet's service worker: a run page opened once keeps working on the data-center floor when the
 * network drops. A reload without a network shows the last copy of the page this browser saw (with
 * its last known run state) instead of the browser's "no internet" page; ticks made then wait in the
 * page's offline queue as usual. Only run pages and the app's static files are kept; API calls and
 * live updates always go to the network.
 */
const PAGES = "runsheet-pages-v1";
const STATIC = "runsheet-static-v1";
const RUN_PAGE = /^\/projects\/[^/]+\/runs\/[^/]+\/?$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  // Signing out forgets every kept page: they hold what that user could see.
  if (event.data && event.data.type === "forget") event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(STATIC)]));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/_next/static/")) {
    // Content-hashed file names: a cached copy is always the right one.
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(STATIC).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }

  if (request.mode === "navigate" && RUN_PAGE.test(url.pathname)) {
    // Network first, so a connected reload is always current; the kept copy only when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(PAGES).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() =>
          caches.match(url.pathname, { cacheName: PAGES }).then(
            (hit) =>
              hit ||
              new Response(
                "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><title>Offline</title><body style='font:16px system-ui;padding:2rem'><h1>Offline</h1><p>This run page hasn't been opened on this device with a connection yet, so there is no copy to show. Reconnect and open it once; after that it loads without a network.</p>",
                {
                  status: 503,
                  // Made here, not by the server: it gets the same protection as the app's pages
                  // (no scripts, no framing); its only style is the inline attribute above.
                  headers: {
                    "content-type": "text/html; charset=utf-8",
                    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                    "x-frame-options": "DENY",
                    "x-content-type-options": "nosniff",
                    "referrer-policy": "same-origin",
                  },
                },
              ),
          ),
        ),
    );
  }
});
