/**
 * Requests started as the app's code starts to run, before React renders, so that they are in
 * flight while the rest of the bundle is evaluated: the signed-in user and, on an editor route,
 * the pipeline's metadata and its document (this device's IndexedDB copy, then the sync socket).
 * main.tsx imports this module first. Each preloaded request is used once (by the first caller);
 * later callers ask again. See docs/decisions/0006-web-startup.md.
 */
import { PipelineConnection } from '../collab/connection.js'
import { offlineCache } from '../offline/cache.js'
import { api, ApiError } from './client.js'

const preloaded = new Map<string, Promise<unknown>>()

/** The values of preloaded requests that have succeeded (until taken). */
const settled = new Map<string, unknown>()

function preload<T>(key: string, request: () => Promise<T>): Promise<T> | undefined {
  try {
    const p = request()
    preloaded.set(key, p)
    // Rejections are handled by whoever takes it; do not report one nobody took.
    p.then(
      (v) => {
        if (preloaded.get(key) === p) settled.set(key, v)
      },
      () => undefined,
    )
    return p
  } catch {
    // nothing preloaded; the caller asks itself
    return undefined
  }
}

/** The value of the preloaded request for `key` if it has already succeeded, once. */
export function takeSettled<T>(key: string): T | undefined {
  if (!settled.has(key)) return undefined
  const v = settled.get(key) as T
  settled.delete(key)
  preloaded.delete(key)
  return v
}

/** The preloaded request for `key`, once; undefined if none (or already taken). */
export function takePreloaded<T>(key: string): Promise<T> | undefined {
  const p = preloaded.get(key) as Promise<T> | undefined
  preloaded.delete(key)
  settled.delete(key)
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
    const meta = preload(`pipeline:${id}`, () => api.getPipeline(id))
    preload(`connection:${id}`, () => openEarly(id))
    // No such pipeline (or no access): a copy nobody has taken yet is closed, not left retrying.
    meta?.catch((e: unknown) => {
      if (e instanceof ApiError && !e.offline) dropConnection(id)
    })
  }
}

/**
 * Loads the document's local copy and connects at once when that needs no answer from the REST
 * API: the copy knows its epoch (or the cached metadata does), or it is empty. Otherwise the
 * editor connects once the metadata arrives.
 */
async function openEarly(id: string): Promise<PipelineConnection> {
  const c = await PipelineConnection.load(id)
  if (dropped.has(id)) {
    c.destroy()
    throw new Error('dropped')
  }
  const epoch = offlineCache.pipeline(id)?.epoch
  if (epoch !== undefined || c.canConnectWithoutEpoch()) c.connect({ epoch })
  return c
}

const dropped = new Set<string>()

/** Forgets what was preloaded (after signing out: those answers were for nobody). */
export function dropPreloaded(): void {
  for (const key of [...preloaded.keys()]) {
    if (key.startsWith('connection:')) dropConnection(key.slice('connection:'.length))
  }
  preloaded.clear()
  settled.clear()
}

/** Closes the preloaded connection to pipeline `id` if nobody has taken it. */
function dropConnection(id: string): void {
  const key = `connection:${id}`
  const p = preloaded.get(key) as Promise<PipelineConnection> | undefined
  if (!p) return
  preloaded.delete(key)
  settled.delete(key)
  dropped.add(id)
  void p.then((c) => c.destroy()).catch(() => undefined)
}
