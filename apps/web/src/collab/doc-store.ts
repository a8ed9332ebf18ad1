/**
 * A value read from a Y.Doc, for React's useSyncExternalStore. It is re-read lazily, on the next
 * `get`, after a transaction that changed a top-level type `touches` accepts, and after any
 * transaction made while nobody listened: React subscribes only after it commits, and a
 * transaction between the render that read the value and that subscribe (a cold open's first sync
 * lands there) fires no event for this store. `key` keeps the old value, and its identity, when a
 * re-read gives the same key.
 */
import * as Y from 'yjs'
import { transactionCount } from './transaction-count'

export interface DocStore<T> {
  readonly subscribe: (listener: () => void) => () => void
  readonly get: () => T
}

export function docStore<T>(
  doc: Y.Doc,
  options: {
    readonly read: (doc: Y.Doc) => T
    readonly touches: (top: Y.AbstractType<unknown>) => boolean
    readonly key?: (value: T) => string
  },
): DocStore<T> {
  const { read, touches, key } = options
  let seen = transactionCount(doc)
  let value = read(doc)
  let valueKey = key?.(value)
  let dirty = false
  const listeners = new Set<() => void>()
  const onTx = (tr: Y.Transaction) => {
    for (const type of tr.changed.keys()) {
      if (touches(topOf(type as Y.AbstractType<unknown>))) {
        dirty = true
        for (const l of listeners) l()
        return
      }
    }
  }
  return {
    subscribe(listener) {
      if (listeners.size === 0) {
        doc.on('afterTransaction', onTx)
        if (transactionCount(doc) !== seen) dirty = true
      }
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          doc.off('afterTransaction', onTx)
          seen = transactionCount(doc)
        }
      }
    },
    get() {
      if (dirty) {
        dirty = false
        seen = transactionCount(doc)
        const next = read(doc)
        const nextKey = key?.(next)
        if (key === undefined || nextKey !== valueKey) {
          value = next
          valueKey = nextKey
        }
      }
      return value
    },
  }
}

/** The top-level shared type (a root map of the document) that `type` belongs to. */
function topOf(type: Y.AbstractType<unknown>): Y.AbstractType<unknown> {
  let t = type
  for (let i = 0; i < 256; i++) {
    const parent = t._item?.parent
    if (!(parent instanceof Y.AbstractType)) return t
    t = parent as Y.AbstractType<unknown>
  }
  return t
}
