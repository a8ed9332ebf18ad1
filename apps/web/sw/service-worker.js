/* Weft's service worker: keeps the app's own files so it opens offline. Built into dist/sw.js by
 * vite.config.ts, which replaces the two placeholders with the build's file list and version.
 * It never touches /api or /sync: pipelines live in IndexedDB, not in this cache. */
/* global self, caches, fetch, URL */
const PRECACHE = self.__WEFT_PRECACHE__
const CACHE = 'weft-app-__WEFT_VERSION__'

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('weft-app-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

const bypass = /^\/(api|sync|metrics|healthz)(\/|$)/

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin || bypass.test(url.pathname)) return

  if (request.mode === 'navigate') {
    // Network first, so a new deployment is picked up; this device's copy when offline.
    event.respondWith(
      fetch(request).catch(() =>
        caches
          .match('/index.html')
          .then((r) => r || caches.match('/'))
          .then((r) => r || Response.error()),
      ),
    )
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content: this device's copy first.
    event.respondWith(caches.match(request).then((r) => r || fetch(request)))
    return
  }
  event.respondWith(
    fetch(request).catch(() => caches.match(request).then((r) => r || Response.error())),
  )
})
