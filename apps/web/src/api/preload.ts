/**
 * Requests started as the app's code starts to run, before React renders, so that they are in
 * flight while the rest of the bundle is evaluated: the signed-in user and, on an editor route,
 * the pipeline's metadata. main.tsx imports this module first. Each preloaded request is used
 * once (by the first caller); later callers ask again.
 */
import { api } from './client.js'

const preloaded = new Map<string, Promise<unknown>>()

function preload<T>(key: string, request: () => Promise<T>): void {
  try {
    const p = request()
    // Rejections are handled by whoever takes it; do not report one nobody took.
    p.catch(() => undefined)
    preloaded.set(key, p)
  } catch {
    // nothing preloaded; the caller asks itself
  }
}

/** The preloaded request for `key`, once; undefined if none (or already taken). */
export function takePreloaded<T>(key: string): Promise<T> | undefined {
  const p = preloaded.get(key) as Promise<T> | undefined
  preloaded.delete(key)
  return p
}

export function preloadStartup(hash: string): void {
  preload('me', () => api.me())
  const m = /^#\/p\/([^/?#]+)/.exec(hash)
  if (m) {
    let id: string
    try {
      id = decodeURIComponent(m[1]!)
    } catch {
      return
    }
    preload(`pipeline:${id}`, () => api.getPipeline(id))
  }
}

/** Forgets what was preloaded (after signing out: those answers were for nobody). */
export function dropPreloaded(): void {
  preloaded.clear()
}
