// Portal's service worker: caches the app shell only, so the portal opens offline to a page
// that says so (and is installable). Never anything personal: /api/ and /oidc/ always go to
// the network untouched, as does every request that is not a GET of this origin.
//
// scripts/sw-precache (a Trunk post_build hook) fills in VERSION (a hash of the build's
// shell) and SHELL (index.html and the hashed JS, wasm and CSS Trunk emitted, the manifest
// and icons). A new build is a new sw.js, so the browser installs it; its cache replaces
// the old one when it activates.
const VERSION = "__PORTAL_SHELL_VERSION__";
const SHELL = ["__PORTAL_SHELL_FILES__"];
const PREFIX = "portal-shell-";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function personal(path) {
  return path.startsWith("/api/") || path === "/api" || path.startsWith("/oidc/") || path === "/oidc";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || personal(url.pathname)) return;

  // Pages (every address of the app is index.html): the network first, so a new shell
  // shows as soon as it is deployed; the cached shell only when the network fails.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/index.html", { cacheName: CACHE })));
    return;
  }
  // Configuration: the network first, kept for offline use (it names no person).
  if (url.pathname === "/config.json") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put("/config.json", copy));
          }
          return response;
        })
        .catch(() => caches.match("/config.json", { cacheName: CACHE }).then((r) => r || Response.error())),
    );
    return;
  }
  // The shell's files are named by content hash (or fixed, like the icons): cache first.
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((r) => r || fetch(request)));
  }
  // Anything else: the browser's own handling.
});
