/**
 * Reads a pipeline's Y.Doc back into the plain YAML value, with every step's id and place.
 *
 * Concurrent moves can leave a state no single peer made: a step whose container was deleted
 * (delete vs move) or two containers inside each other (A moves X into Y while B moves Y into X).
 * The tree is repaired here, at read time, by a rule that depends only on the document state, so
 * every peer sees the same valid tree and no step is ever lost: a step whose parent is missing,
 * and the lowest id of each cycle, sit at the end of the top-level list.
 */
import * as Y from 'yjs'
import type { Path } from '../diagnostics.js'
import {
  decode,
  isPlainObject,
  metaMap,
  orderKeys,
  ROOT_ID,
  ROOT_SLOT,
  recordParent,
  recordSlot,
  rootMap,
  setIn,
  slotKey,
  slotPath,
  stepsMap,
} from './shape.js'

export interface StepEntry {
  readonly id: string
  /** The container step's id, or '' for a top-level step. */
  readonly parentId: string
  /** Where in the container the step sits, e.g. ['workflow', 'steps'] or ['steps']. */
  readonly slot: Path
  readonly index: number
  /** Path of the step in the YAML value, e.g. ['workflow', 'steps', 2, 'steps', 0]. */
  readonly path: Path
}

export interface PipelineView {
  /** The pipeline as a plain YAML value (what exportYaml writes). */
  readonly value: unknown
  /** Every step in document order. */
  readonly steps: readonly StepEntry[]
  stepById(id: string): StepEntry | undefined
  /** The id of the step whose map sits exactly at `path`. */
  idAt(path: Path): string | undefined
}

interface Rec {
  readonly id: string
  readonly map: Y.Map<unknown>
  parent: string
  slot: string
  readonly order: string
}

export function readPipeline(doc: Y.Doc): PipelineView {
  const recs = new Map<string, Rec>()
  stepsMap(doc).forEach((map, id) => {
    recs.set(id, {
      id,
      map,
      parent: recordParent(map),
      slot: recordSlot(map),
      order: String(map.get('order') ?? ''),
    })
  })
  repairTree(recs)

  const children = new Map<string, Map<string, Rec[]>>()
  for (const r of recs.values()) {
    let bySlot = children.get(r.parent)
    if (!bySlot) children.set(r.parent, (bySlot = new Map()))
    let list = bySlot.get(r.slot)
    if (!list) bySlot.set(r.slot, (list = []))
    list.push(r)
  }
  for (const bySlot of children.values()) {
    for (const list of bySlot.values()) list.sort(compareRecs)
  }

  const entries: StepEntry[] = []
  const byPath = new Map<string, string>()
  const byId = new Map<string, StepEntry>()

  const stepValue = (rec: Rec, path: Path): unknown => {
    const fields = rec.map.get('fields')
    if (!(fields instanceof Y.Map)) return decode(rec.map.get('value'))
    const value = decode(fields) as Record<string, unknown>
    const slots = new Set<string>(declaredSlots(rec.map))
    for (const k of children.get(rec.id)?.keys() ?? []) slots.add(k)
    for (const key of [...slots].sort()) {
      const sp = slotPath(key)
      setIn(value, sp, childList(rec.id, key, [...path, ...sp]))
    }
    return slots.size > 0 ? reorder(value) : value
  }

  const childList = (parentId: string, key: string, listPath: Path): unknown[] => {
    const list = children.get(parentId)?.get(key) ?? []
    return list.map((rec, index) => {
      const path = [...listPath, index]
      const entry: StepEntry = { id: rec.id, parentId, slot: slotPath(key), index, path }
      entries.push(entry)
      byId.set(rec.id, entry)
      byPath.set(JSON.stringify(path), rec.id)
      return stepValue(rec, path)
    })
  }

  const meta = metaMap(doc)
  const root = rootMap(doc)
  let value: unknown
  if (meta.get('rootKind') === 'value') {
    value = decode(root.get('$value'))
  } else {
    const obj = decode(root) as Record<string, unknown>
    const rootSlots = new Set<string>(declaredSlots(meta))
    for (const k of children.get(ROOT_ID)?.keys() ?? []) rootSlots.add(k)
    for (const key of [...rootSlots].sort()) {
      const sp = slotPath(key)
      setIn(obj, sp, childList(ROOT_ID, key, sp))
    }
    if (isPlainObject(obj.workflow)) obj.workflow = reorder(obj.workflow)
    value = meta.get('schema') === undefined && root.size === 0 && recs.size === 0 ? null : obj
  }

  return {
    value,
    steps: entries,
    stepById: (id) => byId.get(id),
    idAt: (path) => byPath.get(JSON.stringify(path)),
  }
}

function declaredSlots(map: Y.Map<unknown>): string[] {
  const slots = map.get('slots')
  return slots instanceof Y.Map ? [...slots.keys()] : []
}

function reorder(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of orderKeys(Object.keys(obj))) out[k] = obj[k]
  return out
}

export function compareRecs(
  a: { order: string; id: string },
  b: { order: string; id: string },
): number {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Attaches orphans and breaks cycles so the records form one tree (see the module note). */
function repairTree(recs: Map<string, Rec>): void {
  const rootSlot = slotKey(ROOT_SLOT)
  for (const r of recs.values()) {
    if (r.parent !== ROOT_ID && !recs.has(r.parent)) {
      r.parent = ROOT_ID
      r.slot = rootSlot
    }
  }
  const state = new Map<string, 'visiting' | 'done'>()
  const ids = [...recs.keys()].sort()
  for (const start of ids) {
    const chain: string[] = []
    let cur: string = start
    while (cur !== ROOT_ID && state.get(cur) !== 'done') {
      if (state.get(cur) === 'visiting') {
        const cycle = chain.slice(chain.indexOf(cur))
        const cut = cycle.reduce((a, b) => (a < b ? a : b))
        const rec = recs.get(cut)!
        rec.parent = ROOT_ID
        rec.slot = rootSlot
        break
      }
      state.set(cur, 'visiting')
      chain.push(cur)
      cur = recs.get(cur)!.parent
    }
    for (const id of chain) state.set(id, 'done')
  }
}
