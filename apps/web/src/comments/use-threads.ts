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
import { docStore, type DocStore } from '../collab/doc-store'

export interface ThreadsSnapshot {
  readonly threads: readonly CommentThread[]
  /** Step id → step name, for the steps threads are on. */
  readonly stepNames: ReadonlyMap<string, string>
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

export function threadsStore(doc: Y.Doc): DocStore<ThreadsSnapshot> {
  const watched = new Set<unknown>([doc.getMap(docKeys.notes), doc.getMap(docKeys.steps)])
  return docStore(doc, { read, touches: (top) => watched.has(top), key })
}

export function useThreads(doc: Y.Doc): ThreadsSnapshot {
  const store = useMemo(() => threadsStore(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}
