/**
 * How many transactions a document has seen since it was first asked about here. A store that
 * derives a snapshot while rendering subscribes only after React commits; a transaction in
 * between (a cold open's first sync from the server lands there) fires no event for it. Comparing
 * counts at subscribe time tells the store to re-read, without re-deriving when nothing happened.
 */
import type * as Y from 'yjs'

const counters = new WeakMap<Y.Doc, { n: number }>()

export function transactionCount(doc: Y.Doc): number {
  let counter = counters.get(doc)
  if (!counter) {
    const c = { n: 0 }
    doc.on('afterTransaction', () => c.n++)
    counters.set(doc, (counter = c))
  }
  return counter.n
}
