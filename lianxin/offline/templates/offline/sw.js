/* 连心离线工作 service worker, version {{ version }} — written by hand (ADR 0012), served by the
 * app from its own origin. Scope: /offline/.
 *
 * Cache Storage holds only the shell page (no resident data, no user data) and the static files
 * it needs. Residents' data lives in IndexedDB (db.js), never here; every other request goes to
 * the network exactly as without a service worker.
 */
"use strict";
var VERSION = "{{ version }}";
var CACHE = "lianxin-offline-" + VERSION;
var SHELL = "{{ shell }}";
var PRECACHE = {{ precache_json|safe }};

function cacheShell(cache) {
  return fetch(SHELL, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    if (response.ok && response.type === "basic") return cache.put(SHELL, response);
    return undefined; // not logged in: the login page is not the shell
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(PRECACHE).then(function () { return cacheShell(cache); });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("lianxin-offline-") === 0 && k !== CACHE;
      }).map(function (k) { return caches["delete"](k); }));
    })["catch"](function () { return undefined; }).then(function () { return self.clients.claim(); })
  );
});

/* A page that was loading while this worker activated can miss the claim above (it was not a
 * client yet) and stay uncontrolled until reloaded: such a page asks again (offline.js), so a
 * first visit works offline without a reload (seen under load in the browser tests). */
self.addEventListener("message", function (event) {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

function shellResponse(event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(SHELL).then(function (cached) {
      var network = fetch(event.request).then(function (response) {
        if (response.ok && response.type === "basic" && !response.redirected) {
          cache.put(SHELL, response.clone());
        }
        return response;
      });
      if (cached) {
        event.waitUntil(network["catch"](function () {}));
        return cached;
      }
      return network["catch"](function () {
        return new Response(
          "<!DOCTYPE html><meta charset=utf-8><title>离线</title><p>当前没有网络，且本机尚未保存离线工作页面。请联网后打开一次“我的工作（离线）”。</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
        );
      });
    });
  });
}

function staticResponse(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached) return cached;
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shellResponse(event));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticResponse(request));
  }
});
