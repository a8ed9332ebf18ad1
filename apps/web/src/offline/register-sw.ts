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
  // After the page's load (the app's code may itself run after it: main.tsx loads it lazily).
  if (document.readyState === 'complete') register()
  else window.addEventListener('load', register)
}
