/**
 * The document's comment threads as plain values for React, kept current with every change made
 * here or by anyone else. Re-read only after transactions that touch the notes map or the steps
 * (a thread's step may be renamed or deleted), never after a canvas drag; and the snapshot keeps
 * its identity while nothing the panel shows changed.
 */
import { docKeys, listThreads } from '@weft/core'
import type { CommentThread } from '@weft/core'
import { useMemo, useSyncExternalStore } from 'react'
import * as Y from 'yjs'

export interface ThreadsSnapshot {
  readonly threads: readonly CommentThread[]
  /** Step id → step name, for the steps threads are on. */
  readonly stepNames: ReadonlyMap<string, string>
}

function topOf(type: Y.AbstractType<unknown>): Y.AbstractType<unknown> {
  let t = type
  for (let i = 0; i < 256; i++) {
    const parent = t._item?.parent
    if (!(parent instanceof Y.AbstractType)) return t
    t = parent as Y.AbstractType<unknown>
  }
  return t
}

/** A step's name read straight from its record (decision 0001), without reading the pipeline. */
export function stepNameOf(doc: Y.Doc, stepId: string): string | undefined {
  const rec = doc.getMap<unknown>(docKeys.steps).get(stepId)
  const fields = rec instanceof Y.Map ? rec.get('fields') : undefined
  const name: unknown = fields instanceof Y.Map ? fields.get('name') : undefined
  return typeof name === 'string' ? name : name instanceof Y.Text ? name.toString() : undefined
}

function read(doc: Y.Doc): ThreadsSnapshot {
  const threads = listThreads(doc)
  const stepNames = new Map<string, string>()
  for (const t of threads) {
    if (t.stepId === null || t.stepDeleted || stepNames.has(t.stepId)) continue
    const name = stepNameOf(doc, t.stepId)
    if (name !== undefined) stepNames.set(t.stepId, name)
  }
  return { threads, stepNames }
}

function key(s: ThreadsSnapshot): string {
  return JSON.stringify([s.threads, [...s.stepNames]])
}

export function threadsStore(doc: Y.Doc) {
  let snapshot = read(doc)
  let snapshotKey = key(snapshot)
  let dirty = false
  const listeners = new Set<() => void>()
  const watched = new Set<unknown>([doc.getMap(docKeys.notes), doc.getMap(docKeys.steps)])
  const onTx = (tr: Y.Transaction) => {
    for (const type of tr.changed.keys()) {
      if (watched.has(topOf(type as Y.AbstractType<unknown>))) {
        dirty = true
        for (const l of listeners) l()
        return
      }
    }
  }
  return {
    subscribe(l: () => void): () => void {
      if (listeners.size === 0) {
        doc.on('afterTransaction', onTx)
        dirty = true // whatever happened while nobody listened
      }
      listeners.add(l)
      return () => {
        listeners.delete(l)
        if (listeners.size === 0) doc.off('afterTransaction', onTx)
      }
    },
    get(): ThreadsSnapshot {
      if (dirty) {
        dirty = false
        const next = read(doc)
        const nextKey = key(next)
        if (nextKey !== snapshotKey) {
          snapshot = next
          snapshotKey = nextKey
        }
      }
      return snapshot
    },
  }
}

export function useThreads(doc: Y.Doc): ThreadsSnapshot {
  const store = useMemo(() => threadsStore(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}
