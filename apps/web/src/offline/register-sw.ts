/**
 * The service worker (built as /sw.js, see vite.config.ts) keeps the app's own files, so a pipeline
 * opened once opens with the network off, even after a browser restart; the pipeline itself comes
 * from IndexedDB.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn('Weft: offline copy of the app unavailable:', error)
    })
  }
  // A new worker took this page over: it has just cached the app's files.
  navigator.serviceWorker.addEventListener('controllerchange', () => whenIdle(primeCodeCache), {
    once: true,
  })
  // After the page's load (the app's code may itself run after it: main.tsx loads it lazily).
  if (document.readyState === 'complete') register()
  else window.addEventListener('load', register)
}

/**
 * Runs the chunks that index.html loads and preloads (the entry and the app chunk, see
 * vite.config.ts) once more, in a hidden frame, as served from the service worker's new cache.
 * Chromium keeps the V8 code cache of a script that came from CacheStorage beside that copy, and
 * makes it when that copy first runs. The cache it makes eagerly at install is a classic
 * script's, which module scripts cannot use. Without this, the second open of a pipeline compiles
 * the whole app from source, and only the third uses a code cache
 * (docs/decisions/0013-web-startup-code.md). In the frame the app renders nothing: it has no
 * #root and no route. The mark lets the benchmark wait for this, as a user's next open would.
 */
function primeCodeCache(): void {
  const urls = [
    ...document.querySelectorAll<HTMLScriptElement>('script[type="module"][src]'),
    ...document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]'),
  ].map((e) => (e instanceof HTMLLinkElement ? e.href : e.src))
  if (!urls.length) return
  const frame = document.createElement('iframe')
  frame.hidden = true
  frame.tabIndex = -1
  frame.setAttribute('aria-hidden', 'true')
  // A document of this origin (about:srcdoc), controlled by this page's service worker; module
  // scripts run before its load event.
  frame.srcdoc = urls
    .map((u) => `<script type="module" crossorigin src="${attribute(u)}"></script>`)
    .join('')
  frame.addEventListener(
    'load',
    () => {
      frame.remove()
      performance.mark('weft:code-cache-primed')
    },
    { once: true },
  )
  document.body.append(frame)
}

const attribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;')

function whenIdle(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 5000 })
  else setTimeout(fn, 1000)
}
