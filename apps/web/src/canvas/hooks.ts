/**
 * Subscriptions from the Y.Doc to React, split so that a position change (a drag here or
 * elsewhere) never re-derives the graph, and a pipeline change re-derives it once per render.
 */
import type * as Y from 'yjs'
import { useMemo, useState, useSyncExternalStore } from 'react'
import { docKeys, exportYaml, validateYaml } from '@weft/core'
import { useDocDiagnostics } from '../editor/diagnostics'
import type { StepDiagnostics } from './flow'
import type { XY } from './layout'
import { deriveModel, isRecord, type CanvasModel } from './model'
import { readPositions } from './ops'
import { docStore, type DocStore } from '../collab/doc-store'
import { transactionCount } from '../collab/transaction-count'

/** The canvas model, re-derived after transactions that touch more than layout and notes. */
export function modelStore(doc: Y.Doc): DocStore<CanvasModel> {
  const skip = new Set<unknown>([doc.getMap(docKeys.layout), doc.getMap(docKeys.notes)])
  return docStore(doc, { read: deriveModel, touches: (top) => !skip.has(top) })
}

export function useModel(doc: Y.Doc): CanvasModel {
  const store = useMemo(() => modelStore(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}

/** The shared layout map as positions; only changed keys are copied on each change. */
export function positionsStore(doc: Y.Doc): DocStore<ReadonlyMap<string, XY>> {
  let seen = transactionCount(doc)
  let positions: ReadonlyMap<string, XY> = readPositions(doc)
  const map = doc.getMap<unknown>(docKeys.layout)
  const listeners = new Set<() => void>()
  const onChange = (e: Y.YMapEvent<unknown>) => {
    const next = new Map(positions)
    for (const k of e.keysChanged) {
      const v = map.get(k)
      if (isRecord(v) && typeof v.x === 'number' && typeof v.y === 'number') {
        const old = next.get(k)
        if (!old || old.x !== v.x || old.y !== v.y) next.set(k, { x: v.x, y: v.y })
      } else next.delete(k)
    }
    positions = next
    for (const l of listeners) l()
  }
  return {
    subscribe(l: () => void) {
      if (listeners.size === 0) {
        // Re-read only if the document changed while nobody listened (see doc-store.ts): a new
        // map for the same positions would render the canvas once more for nothing.
        if (transactionCount(doc) !== seen) positions = readPositions(doc)
        map.observe(onChange)
      }
      listeners.add(l)
      return () => {
        listeners.delete(l)
        if (listeners.size === 0) {
          map.unobserve(onChange)
          seen = transactionCount(doc)
        }
      }
    },
    get: () => positions,
  }
}

export function usePositions(doc: Y.Doc): ReadonlyMap<string, XY> {
  const store = useMemo(() => positionsStore(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}

const EMPTY_DIAGNOSTICS: ReadonlyMap<string, StepDiagnostics> = new Map()

interface PlainDiagnostic {
  readonly severity: string
  readonly message: string
  readonly path: readonly (string | number)[]
  readonly stepId?: string
}

/**
 * Diagnostics per step id: each one goes to the innermost step whose path starts its own path.
 * Entries equal to `previous` keep their object, so unchanged nodes do not re-render.
 */
export function groupDiagnostics(
  diagnostics: readonly PlainDiagnostic[],
  model: CanvasModel,
  previous: ReadonlyMap<string, StepDiagnostics> = EMPTY_DIAGNOSTICS,
): ReadonlyMap<string, StepDiagnostics> {
  const acc = new Map<
    string,
    { errors: number; warnings: number; infos: number; messages: string[] }
  >()
  for (const d of diagnostics) {
    let stepId = d.stepId
    for (let n = d.path.length; stepId === undefined && n >= 2; n--) {
      if (typeof d.path[n - 1] === 'number') stepId = model.view.idAt(d.path.slice(0, n))
    }
    if (stepId === undefined) continue
    let e = acc.get(stepId)
    if (!e) acc.set(stepId, (e = { errors: 0, warnings: 0, infos: 0, messages: [] }))
    if (d.severity === 'error') e.errors++
    else if (d.severity === 'warning') e.warnings++
    else e.infos++
    if (e.messages.length < 6) e.messages.push(`${d.severity}: ${d.message}`)
  }
  const out = new Map<string, StepDiagnostics>()
  for (const [id, e] of acc) {
    const old = previous.get(id)
    const same =
      old &&
      old.errors === e.errors &&
      old.warnings === e.warnings &&
      old.infos === e.infos &&
      old.messages.join('\n') === e.messages.join('\n')
    out.set(id, same ? old : e)
  }
  return out
}

/** Diagnostics per step id from validating the current export (on this thread). */
export function stepDiagnostics(
  doc: Y.Doc,
  model: CanvasModel,
  previous: ReadonlyMap<string, StepDiagnostics> = EMPTY_DIAGNOSTICS,
): ReadonlyMap<string, StepDiagnostics> {
  return groupDiagnostics(validateYaml(exportYaml(doc)).diagnostics, model, previous)
}

/**
 * Step diagnostics for the badges, from the document's one shared validation (see
 * editor/diagnostics.ts: once per pipeline version, in a worker when there is one; never on
 * position-only changes). They are grouped when a new result arrives, with the model of that
 * render, so a result is never grouped against a model it was not made for (entries that did not
 * change keep their object).
 */
export function useDiagnostics(
  doc: Y.Doc,
  model: CanvasModel,
): ReadonlyMap<string, StepDiagnostics> {
  const result = useDocDiagnostics(doc)
  const [state, setState] = useState(() => ({
    result,
    grouped: groupDiagnostics(result.diagnostics, model),
  }))
  if (state.result !== result) {
    const next = { result, grouped: groupDiagnostics(result.diagnostics, model, state.grouped) }
    setState(next)
    return next.grouped
  }
  return state.grouped
}
