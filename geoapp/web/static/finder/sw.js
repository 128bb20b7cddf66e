/* geoapp finder service worker (served at /sw.js, scope /kampung).
   The page, its files, icons and the data are stored on install; data.json and the page
   are network-first with the stored copy as fallback; other stored files cache-first.
   Map tiles and downloads are never stored. The server fills in CONFIG. */
"use strict";

var CONFIG = /*__CONFIG__*/{};
var CACHE = "geoapp-finder-" + CONFIG.version;
var PREFIX = "geoapp-finder-";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) {
        return cache.addAll(CONFIG.precache.map(function (url) {
          return new Request(url, { cache: "reload", credentials: "same-origin" });
        }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf(PREFIX) === 0 && key !== CACHE;
        }).map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

/* A stored response marked so the page can say it shows the offline copy. */
function marked(response) {
  var headers = new Headers(response.headers);
  headers.set("X-Geoapp-Cache", "1");
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText,
                                headers: headers });
  });
}

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(key);
    }).then(function (hit) {
      return hit ? marked(hit) : Response.error();
    });
  });
}

function cacheFirst(request, key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (hit) {
      var update = fetch(request).then(function (response) {
        if (response.ok) { cache.put(key, response.clone()); }
        return response;
      });
      if (hit) {
        update.catch(function () { /* offline: the stored copy is fine */ });
        return hit;
      }
      return update;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var path = url.pathname;
  if (path === CONFIG.data) {
    event.respondWith(networkFirst(request, CONFIG.data));
  } else if (request.mode === "navigate" && (path === CONFIG.scope || path === CONFIG.scope + "/")) {
    event.respondWith(networkFirst(request, CONFIG.scope));
  } else if (CONFIG.precache.indexOf(path) >= 0 && !url.search) {
    event.respondWith(cacheFirst(request, path));
  }
});
