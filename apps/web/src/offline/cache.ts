/**
 * What the app must know to open a pipeline without the network: who the user is, and each
 * opened pipeline's name, role and epoch. The documents themselves live in IndexedDB
 * (y-indexeddb); this small metadata lives in localStorage so it is there before any await.
 */
import type { Me, PipelineMeta, PipelineSummary } from '../api/client.js'

const PREFIX = 'weft:'

function read<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key)
    return raw === null ? undefined : (JSON.parse(raw) as T)
  } catch {
    return undefined
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(PREFIX + key)
    else localStorage.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // Storage full or disabled: the app still works online.
  }
}

export const offlineCache = {
  me: () => read<Me>('me'),
  setMe: (me: Me | undefined) => write('me', me),
  pipeline: (id: string) => read<PipelineMeta>(`pipeline:${id}`),
  setPipeline: (meta: PipelineMeta) => write(`pipeline:${meta.id}`, meta),
  forgetPipeline: (id: string) => write(`pipeline:${id}`, undefined),
  pipelines: () => read<PipelineSummary[]>('pipelines'),
  setPipelines: (list: readonly PipelineSummary[]) => write('pipelines', list),
  /** Everything of a user, on sign-out, so the next person on this device sees none of it. */
  clear: () => {
    try {
      for (let i = localStorage.length - 1; i >= 0; i--) {
        const key = localStorage.key(i)
        if (key?.startsWith(PREFIX) && !key.startsWith(PREFIX + 'theme'))
          localStorage.removeItem(key)
      }
    } catch {
      // ignore
    }
  },
}
