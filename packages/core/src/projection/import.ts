/**
 * importYaml: brings a pipeline's Y.Doc to the content of a YAML text with the smallest change.
 *
 * Steps keep their identity across imports: a step is matched to an existing one by name
 * (preferring the same container, so moving a step in the text moves the step rather than
 * deleting and recreating it), then by position among the unmatched, so that renaming a step in
 * the text is a one-value change. Matched steps are edited field by field; only new steps get
 * new ids and only vanished ones are deleted.
 */
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing'
import * as Y from 'yjs'
import type { Diagnostic, Path } from '../diagnostics.js'
import { readYaml } from '../yaml/read.js'
import { readPipeline } from './read.js'
import {
  childSlots,
  isPlainObject,
  metaMap,
  ROOT_ID,
  ROOT_SLOT,
  rootMap,
  SCHEMA_VERSION,
  slotKey,
  sourceText,
  stepsMap,
  withoutPath,
  encode,
  layoutMap,
  writePlace,
  writeSlots,
  getIn,
} from './shape.js'
import { syncMap, syncTextByDiff } from './sync.js'

export interface ImportResult {
  /** False when the text could not be read; the document is then unchanged. */
  readonly ok: boolean
  /** What reading the YAML found (syntax errors, pipeline_ex divergences). Validation is separate. */
  readonly diagnostics: readonly Diagnostic[]
}

export interface ImportOptions {
  /** Passed to `doc.transact`, so undo managers and providers can tell this change apart. */
  readonly origin?: unknown
  /** Makes new step ids; defaults to random ones. Tests inject a seeded generator. */
  readonly newId?: () => string
}

export function importYaml(doc: Y.Doc, text: string, options: ImportOptions = {}): ImportResult {
  const source = readYaml(text)
  if (!source.ok) return { ok: false, diagnostics: source.diagnostics }
  doc.transact(() => {
    initMeta(doc)
    syncTextByDiff(sourceText(doc), text)
    applyValue(doc, source.value, options.newId ?? randomId)
  }, options.origin ?? null)
  return { ok: true, diagnostics: source.diagnostics }
}

/** Creates an empty, valid-shaped pipeline document. */
export function createPipeline(doc: Y.Doc, name: string, options: ImportOptions = {}): void {
  doc.transact(() => {
    initMeta(doc)
    applyValue(doc, { workflow: { name, steps: [] } }, options.newId ?? randomId)
  }, options.origin ?? null)
}

export function initMeta(doc: Y.Doc): void {
  const meta = metaMap(doc)
  if (meta.get('schema') !== SCHEMA_VERSION) meta.set('schema', SCHEMA_VERSION)
  if (!(meta.get('slots') instanceof Y.Map)) meta.set('slots', new Y.Map())
}

export function randomId(): string {
  let id = ''
  for (let i = 0; i < 12; i++) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)]
  return id
}
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

interface NewStep {
  readonly value: unknown
  readonly name: string | undefined
  readonly slots: ReadonlyMap<string, NewStep[]>
  parentIndex: number // index in the flat list, -1 for top level
  readonly slot: string
  matched?: string
}

/** Replaces the document's content with `value`, reusing every Yjs type that can be reused. */
export function applyValue(doc: Y.Doc, value: unknown, newId: () => string): void {
  const meta = metaMap(doc)
  const root = rootMap(doc)
  const flat: NewStep[] = []
  let rootSlots: Path[] = []

  if (isPlainObject(value)) {
    if (meta.get('rootKind') !== 'map') meta.set('rootKind', 'map')
    const wf = value.workflow
    rootSlots = isPlainObject(wf) && Array.isArray(wf.steps) ? [ROOT_SLOT] : []
    let rest = value
    for (const sp of rootSlots) rest = withoutPath(rest, sp)
    syncMap(root, rest)
    for (const sp of rootSlots) collect(getIn(value, sp) as unknown[], -1, slotKey(sp), flat)
  } else {
    if (meta.get('rootKind') !== 'value') meta.set('rootKind', 'value')
    syncMap(root, { $value: value })
  }
  syncSlots(meta.get('slots') as Y.Map<unknown>, rootSlots)
  reconcileSteps(doc, flat, newId)
}

function collect(
  items: readonly unknown[],
  parentIndex: number,
  slot: string,
  out: NewStep[],
): void {
  for (const item of items) {
    const slots = new Map<string, NewStep[]>()
    const step: NewStep = { value: item, name: nameKey(item), slots, parentIndex, slot }
    const index = out.length
    out.push(step)
    if (isPlainObject(item)) {
      for (const sp of childSlots(item)) {
        const list: NewStep[] = []
        slots.set(slotKey(sp), list)
        const start = out.length
        collect(getIn(item, sp) as unknown[], index, slotKey(sp), out)
        for (let i = start; i < out.length; i++)
          if (out[i]!.parentIndex === index) list.push(out[i]!)
      }
    }
  }
}

/** Step names are matched type-sensitively, as pipeline_ex compares them. */
function nameKey(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined
  const n = item.name
  return typeof n === 'string' || typeof n === 'number' ? `${typeof n}:${n}` : undefined
}

function reconcileSteps(doc: Y.Doc, flat: NewStep[], newId: () => string): void {
  const steps = stepsMap(doc)
  const view = readPipeline(doc)
  const existing = view.steps.map((e) => {
    const map = steps.get(e.id)!
    const fields = map.get('fields')
    return {
      id: e.id,
      parentId: e.parentId,
      slot: slotKey(e.slot),
      name: fields instanceof Y.Map ? nameKey({ name: fields.get('name') }) : undefined,
    }
  })
  const taken = new Set<string>()
  const parentIdOf = (s: NewStep) => (s.parentIndex < 0 ? ROOT_ID : flat[s.parentIndex]!.matched)

  // 1. By name, preferring a step already in the same container.
  const byName = new Map<string, typeof existing>()
  for (const e of existing) {
    if (e.name === undefined) continue
    const list = byName.get(e.name)
    if (list) list.push(e)
    else byName.set(e.name, [e])
  }
  for (const s of flat) {
    if (s.name === undefined) continue
    const candidates = byName.get(s.name)?.filter((e) => !taken.has(e.id))
    if (!candidates || candidates.length === 0) continue
    const pid = parentIdOf(s)
    const pick = candidates.find((e) => e.parentId === pid && e.slot === s.slot) ?? candidates[0]!
    s.matched = pick.id
    taken.add(pick.id)
  }
  // 2. By position, within each container, among steps that matched nothing.
  const groups = new Map<string, NewStep[]>()
  for (const s of flat) {
    const pid = parentIdOf(s)
    if (pid === undefined) continue
    const key = `${pid}\u0000${s.slot}`
    const g = groups.get(key)
    if (g) g.push(s)
    else groups.set(key, [s])
  }
  for (const [key, list] of groups) {
    const olds = existing.filter((e) => `${e.parentId}\u0000${e.slot}` === key)
    let cursor = 0
    for (const s of list) {
      if (s.matched !== undefined) {
        const at = olds.findIndex((e) => e.id === s.matched)
        if (at >= 0) cursor = Math.max(cursor, at + 1)
        continue
      }
      // Only steps that are no longer named anywhere are free to be reused by position.
      while (
        cursor < olds.length &&
        (taken.has(olds[cursor]!.id) || stillNamed(olds[cursor]!.name, flat))
      )
        cursor++
      const old = olds[cursor]
      if (old) {
        s.matched = old.id
        taken.add(old.id)
        cursor++
      }
    }
  }

  // 3. Write: delete vanished steps, create new ones, update matched ones, fix their order.
  for (const e of existing) {
    if (!taken.has(e.id)) {
      steps.delete(e.id)
      layoutMap(doc).delete(e.id)
    }
  }
  const orderOf = new Map(
    view.steps.map((e) => [e.id, String(steps.get(e.id)?.get('order') ?? '')]),
  )
  const lists = new Map<string, NewStep[]>()
  for (const s of flat) {
    if (s.matched === undefined) s.matched = newId()
    const pid = parentIdOf(s)!
    const key = `${pid}\u0000${s.slot}`
    const l = lists.get(key)
    if (l) l.push(s)
    else lists.set(key, [s])
  }
  const prior = new Map(existing.map((e) => [e.id, e]))
  for (const [key, list] of lists) {
    const [pid, slot] = key.split('\u0000') as [string, string]
    const keep = keptInOrder(
      list.map((s) => {
        const was = prior.get(s.matched!)
        return was && was.parentId === pid && was.slot === slot
          ? orderOf.get(s.matched!)
          : undefined
      }),
    )
    const orders = assignOrders(keep)
    list.forEach((s, i) => writeStep(steps, s, pid, slot, orders[i]!))
  }
}

function stillNamed(name: string | undefined, flat: readonly NewStep[]): boolean {
  return name !== undefined && flat.some((s) => s.name === name)
}

function writeStep(
  steps: Y.Map<Y.Map<unknown>>,
  s: NewStep,
  parent: string,
  slot: string,
  order: string,
): void {
  let rec = steps.get(s.matched!)
  if (!rec) {
    rec = new Y.Map<unknown>()
    steps.set(s.matched!, rec)
  }
  writePlace(rec, parent, slot, order)
  if (isPlainObject(s.value)) {
    let fieldsValue = s.value
    for (const k of s.slots.keys()) fieldsValue = withoutPath(fieldsValue, JSON.parse(k) as Path)
    if (rec.has('value')) rec.delete('value')
    let fields = rec.get('fields')
    if (!(fields instanceof Y.Map)) {
      fields = new Y.Map<unknown>()
      rec.set('fields', fields)
    }
    syncMap(fields as Y.Map<unknown>, fieldsValue)
  } else {
    if (rec.has('fields')) rec.delete('fields')
    if (!sameValue(rec.get('value'), s.value)) rec.set('value', encode(s.value))
  }
  writeSlots(rec, [...s.slots.keys()])
}

function sameValue(cur: unknown, v: unknown): boolean {
  return !(cur instanceof Y.AbstractType) && cur === v
}

function syncSlots(map: Y.Map<unknown>, slots: readonly Path[]): void {
  const want = new Set(slots.map(slotKey))
  for (const k of [...map.keys()]) if (!want.has(k)) map.delete(k)
  for (const k of want) if (map.get(k) !== true) map.set(k, true)
}

/**
 * Given the current order keys of the steps that stay in this container (undefined for steps
 * that arrive), keeps the longest run that is already in order and marks the rest for new keys.
 */
function keptInOrder(keys: readonly (string | undefined)[]): (string | undefined)[] {
  const idx: number[] = []
  keys.forEach((k, i) => k !== undefined && idx.push(i))
  // Longest strictly increasing subsequence of keys (O(n log n)).
  const tails: number[] = []
  const prev = new Map<number, number>()
  for (const i of idx) {
    const k = keys[i]!
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (keys[tails[mid]!]! < k) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) prev.set(i, tails[lo - 1]!)
    tails[lo] = i
  }
  const keep = new Set<number>()
  let cur = tails[tails.length - 1]
  while (cur !== undefined) {
    keep.add(cur)
    cur = prev.get(cur)
  }
  return keys.map((k, i) => (keep.has(i) ? k : undefined))
}

/** Fills the gaps between kept order keys with fresh fractional keys. */
function assignOrders(keys: readonly (string | undefined)[]): string[] {
  const out: string[] = []
  let i = 0
  while (i < keys.length) {
    const k = keys[i]
    if (k !== undefined) {
      out.push(k)
      i++
      continue
    }
    let j = i
    while (j < keys.length && keys[j] === undefined) j++
    const before = out.length > 0 ? out[out.length - 1]! : null
    const after = j < keys.length ? keys[j]! : null
    out.push(...between(before, after, j - i))
    i = j
  }
  return out
}

export function between(before: string | null, after: string | null, n: number): string[] {
  if (before !== null && after !== null && before >= after) after = null
  return n === 1 ? [generateKeyBetween(before, after)] : generateNKeysBetween(before, after, n)
}
