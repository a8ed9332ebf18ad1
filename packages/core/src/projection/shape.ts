/**
 * The shape of a pipeline's Y.Doc (see docs/decisions/0001-yjs-doc-shape.md) and the codec
 * between plain YAML values and Yjs types. Every other projection module goes through here, so
 * the layout is written down once.
 *
 *   weft    Y.Map   { schema, rootKind: 'map' | 'value', slots: Y.Map<true> }  format version, root shape
 *   root    Y.Map   the root mapping without the step lists (or `$value` for a non-map root)
 *   steps   Y.Map   step id → StepRecord: { parent, slot, order, fields | value, slots }
 *   source  Y.Text  the YAML text last imported: a formatting hint for export, never the truth
 *   layout  Y.Map   step id → { x, y }: canvas positions, shared, never exported
 *   notes   Y.Map   comment threads (notes.ts) and per-step notes: collaboration data, never exported
 */
import * as Y from 'yjs'
import type { Path } from '../diagnostics.js'

export const SCHEMA_VERSION = 1

export const docKeys = {
  meta: 'weft',
  root: 'root',
  steps: 'steps',
  source: 'source',
  layout: 'layout',
  notes: 'notes',
} as const

/** The parent id of steps that sit directly in `workflow.steps`. */
export const ROOT_ID = ''

/** Strings under these keys become Y.Text, so that concurrent typing merges per character. */
const TEXT_KEYS = new Set([
  'content',
  'description',
  'system_prompt',
  'append_system_prompt',
  'new_prompt',
  'prompt',
])

export function isTextKey(key: string | number | undefined): boolean {
  return typeof key === 'string' && TEXT_KEYS.has(key)
}

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(docKeys.meta)
}
export function rootMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(docKeys.root)
}
export function stepsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(docKeys.steps)
}
export function sourceText(doc: Y.Doc): Y.Text {
  return doc.getText(docKeys.source)
}
export function layoutMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(docKeys.layout)
}

/** True when `doc` holds a Weft pipeline (written by importYaml or createPipeline). */
export function isPipelineDoc(doc: Y.Doc): boolean {
  return metaMap(doc).get('schema') === SCHEMA_VERSION
}

/** Slot paths (where a container keeps its child steps) are stored as JSON text. */
export function slotKey(path: Path): string {
  return JSON.stringify(path)
}
export function slotPath(key: string): Path {
  try {
    const p: unknown = JSON.parse(key)
    return Array.isArray(p) ? (p as Path) : []
  } catch {
    return []
  }
}

export const ROOT_SLOT: Path = ['workflow', 'steps']
const ROOT_SLOT_KEY = slotKey(ROOT_SLOT)
const BODY_SLOT_KEY = slotKey(['steps'])

/*
 * A record leaves out what is implied, because a pipeline has thousands of them: no `parent`
 * for a top-level step, no `slot` when it is the container's usual one (`workflow.steps` at the
 * top, `steps` in a loop), no `slots` map when the step holds no children.
 */
export function recordParent(rec: Y.Map<unknown>): string {
  const p = rec.get('parent')
  return typeof p === 'string' ? p : ROOT_ID
}
export function recordSlot(rec: Y.Map<unknown>): string {
  const s = rec.get('slot')
  return typeof s === 'string' ? s : recordParent(rec) === ROOT_ID ? ROOT_SLOT_KEY : BODY_SLOT_KEY
}
export function writePlace(rec: Y.Map<unknown>, parent: string, slot: string, order: string): void {
  if (parent === ROOT_ID) {
    if (rec.has('parent')) rec.delete('parent')
  } else if (rec.get('parent') !== parent) rec.set('parent', parent)
  const implied = parent === ROOT_ID ? ROOT_SLOT_KEY : BODY_SLOT_KEY
  if (slot === implied) {
    if (rec.has('slot')) rec.delete('slot')
  } else if (rec.get('slot') !== slot) rec.set('slot', slot)
  if (rec.get('order') !== order) rec.set('order', order)
}
export function writeSlots(rec: Y.Map<unknown>, slots: readonly string[]): void {
  const cur = rec.get('slots')
  if (slots.length === 0) {
    if (rec.has('slots')) rec.delete('slots')
    return
  }
  let map = cur instanceof Y.Map ? cur : undefined
  if (!map) {
    map = new Y.Map<unknown>()
    rec.set('slots', map)
  }
  const want = new Set(slots)
  for (const k of [...map.keys()]) if (!want.has(k)) map.delete(k)
  for (const k of want) if (map.get(k) !== true) map.set(k, true)
}

/**
 * Where a step keeps child steps, by type: loop bodies, an inline pipeline's steps, switch
 * cases. Only lists count; anything else under those keys is ordinary data.
 */
export function childSlots(step: Record<string, unknown>): Path[] {
  const out: Path[] = []
  const type = step.type
  if ((type === 'for_loop' || type === 'while_loop') && Array.isArray(step.steps))
    out.push(['steps'])
  if (type === 'pipeline' && isPlainObject(step.pipeline)) {
    const inline = step.pipeline
    if (isPlainObject(inline.workflow) && Array.isArray(inline.workflow.steps))
      out.push(['pipeline', 'workflow', 'steps'])
    else if (!('workflow' in inline) && Array.isArray(inline.steps)) out.push(['pipeline', 'steps'])
  }
  if (type === 'switch') {
    if (isPlainObject(step.cases)) {
      for (const [k, v] of Object.entries(step.cases)) if (Array.isArray(v)) out.push(['cases', k])
    }
    if (Array.isArray(step.default)) out.push(['default'])
  }
  return out
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

/** A plain value as Yjs types: maps → Y.Map, lists → Y.Array, text fields → Y.Text. */
export function encode(value: unknown, key?: string | number): unknown {
  if (typeof value === 'string') return isTextKey(key) ? new Y.Text(value) : value
  if (Array.isArray(value)) {
    const arr = new Y.Array<unknown>()
    arr.insert(
      0,
      value.map((v) => encode(v)),
    )
    return arr
  }
  if (isPlainObject(value)) {
    const map = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(value)) map.set(k, encode(v, k))
    return map
  }
  return value === undefined ? null : value
}

/** Yjs types back to a plain value, with keys in canonical order so every peer agrees. */
export function decode(value: unknown): unknown {
  if (value instanceof Y.Text) return value.toString()
  if (value instanceof Y.Array) return value.toArray().map(decode)
  if (value instanceof Y.Map) {
    const out: Record<string, unknown> = {}
    for (const k of orderKeys([...value.keys()])) out[k] = decode(value.get(k))
    return out
  }
  return value
}

/**
 * Canonical key order for keys that no source text orders: the order pipeline files are
 * usually written in, then alphabetical. Y.Map iteration order differs between peers, so this
 * order is what makes two peers with the same state export the same bytes.
 */
const KEY_PRIORITY = [
  'workflow',
  'name',
  'type',
  'role',
  'description',
  'version',
  'checkpoint_enabled',
  'checkpoint_dir',
  'workspace_dir',
  'environment',
  'defaults',
  'global_vars',
  'gemini_functions',
  'condition',
  'iterator',
  'data_source',
  'input_source',
  'scope',
  'variables',
  'operation',
  'preset',
  'model',
  'token_budget',
  'functions',
  'session_config',
  'extraction_config',
  'batch_config',
  'retry_config',
  'claude_options',
  'pipeline_file',
  'pipeline',
  'inputs',
  'outputs',
  'config',
  'parallel_tasks',
  'tasks',
  'prompt',
  'content',
  'path',
  'step',
  'extract',
  'session_id',
  'operations',
  'steps',
  'output_field',
  'output_to_file',
]
const PRIORITY = new Map(KEY_PRIORITY.map((k, i) => [k, i]))

export function orderKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => {
    const pa = PRIORITY.get(a) ?? Infinity
    const pb = PRIORITY.get(b) ?? Infinity
    return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0
  })
}

/** The value at `path` inside a plain value, or undefined where the path leaves it. */
export function getIn(value: unknown, path: Path): unknown {
  let cur = value
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k]
    else if (isPlainObject(cur)) cur = cur[String(k)]
    else return undefined
  }
  return cur
}

/** Sets `value` at `path` inside a plain object, creating maps on the way. */
export function setIn(target: Record<string, unknown>, path: Path, value: unknown): void {
  let cur: Record<string, unknown> = target
  for (let i = 0; i < path.length - 1; i++) {
    const k = String(path[i])
    const next = cur[k]
    if (!isPlainObject(next)) cur[k] = {}
    cur = cur[k] as Record<string, unknown>
  }
  cur[String(path[path.length - 1])] = value
}

/** Removes the value at `path` from a plain object (a copy is made along the path). */
export function withoutPath(obj: Record<string, unknown>, path: Path): Record<string, unknown> {
  const [head, ...rest] = path
  const out = { ...obj }
  if (head === undefined) return out
  const k = String(head)
  if (rest.length === 0) delete out[k]
  else if (isPlainObject(out[k])) out[k] = withoutPath(out[k], rest)
  return out
}
