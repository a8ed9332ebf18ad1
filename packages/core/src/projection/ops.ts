/**
 * The structural operations the editor performs on a pipeline document. Each is one Yjs
 * transaction, so it is one undo step and reaches other peers atomically. Moving a step only
 * rewrites its `parent`, `slot` and `order`, never its fields, so a move merges with a
 * concurrent edit of the same step.
 */
import * as Y from 'yjs'
import type { Path } from '../diagnostics.js'
import { findReferences } from '../references/index.js'
import { applyValue, between, initMeta, randomId } from './import.js'
import { compareRecs, readPipeline } from './read.js'
import {
  childSlots,
  encode,
  isPlainObject,
  layoutMap,
  ROOT_ID,
  ROOT_SLOT,
  slotKey,
  stepsMap,
  withoutPath,
  decode,
  recordParent,
  recordSlot,
  writePlace,
  writeSlots,
  docKeys,
  getIn,
} from './shape.js'
import { syncText } from './sync.js'

export interface StepPlace {
  /** The container step's id; '' (the default) for the top-level list. */
  readonly parentId?: string
  /** Which list of the container; defaults to the container's first slot (['workflow','steps'] at top level). */
  readonly slot?: Path
  /** Position in that list; defaults to the end. */
  readonly index?: number
}

export interface OpOptions {
  readonly origin?: unknown
  readonly newId?: () => string
}

export type OpResult<T = void> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: OpErrorCode; readonly message: string }

export const opErrorCodes = {
  stepNotFound: 'OP_STEP_NOT_FOUND',
  notAContainer: 'OP_NOT_A_CONTAINER',
  intoItself: 'OP_MOVE_INTO_ITSELF',
  notAStep: 'OP_NOT_A_STEP',
} as const
export type OpErrorCode = (typeof opErrorCodes)[keyof typeof opErrorCodes]

const fail = (code: OpErrorCode, message: string): OpResult<never> => ({ ok: false, code, message })

/** Adds `step` (a plain step map, children included) at `place`; returns its id. */
export function addStep(
  doc: Y.Doc,
  step: Record<string, unknown>,
  place: StepPlace = {},
  options: OpOptions = {},
): OpResult<string> {
  const newId = options.newId ?? randomId
  let result: OpResult<string> = fail(opErrorCodes.stepNotFound, 'not run')
  doc.transact(() => {
    const target = resolvePlace(doc, place)
    if (!target.ok) {
      result = target
      return
    }
    initMeta(doc)
    result = {
      ok: true,
      value: insertTree(
        doc,
        step,
        target.value.parentId,
        target.value.slot,
        target.value.order,
        newId,
      ),
    }
  }, options.origin ?? null)
  return result
}

/** Removes a step and everything inside it. */
export function removeStep(doc: Y.Doc, id: string, options: OpOptions = {}): OpResult {
  const steps = stepsMap(doc)
  if (!steps.has(id)) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  doc.transact(() => {
    for (const d of [id, ...descendants(doc, id)]) {
      steps.delete(d)
      layoutMap(doc).delete(d)
    }
  }, options.origin ?? null)
  return { ok: true, value: undefined }
}

/** Moves a step within its list or into another container (never into itself). */
export function moveStep(
  doc: Y.Doc,
  id: string,
  place: StepPlace,
  options: OpOptions = {},
): OpResult {
  const rec = stepsMap(doc).get(id)
  if (!rec) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  const parentId = place.parentId ?? ROOT_ID
  if (parentId === id || descendants(doc, id).includes(parentId)) {
    return fail(
      opErrorCodes.intoItself,
      'A step cannot be moved into itself or into one of its own children.',
    )
  }
  let result: OpResult = { ok: true, value: undefined }
  doc.transact(() => {
    const target = resolvePlace(doc, place, id)
    if (!target.ok) {
      result = target
      return
    }
    const key = slotKey(target.value.slot)
    writePlace(rec, target.value.parentId, key, target.value.order)
    const parent = stepsMap(doc).get(target.value.parentId)
    if (parent) writeSlots(parent, [...new Set([...declared(parent), key])])
  }, options.origin ?? null)
  return result
}

/**
 * Renames a step and rewrites every reference to the old name: previous_response parts,
 * `{{steps.x}}` templates, conditions, loop data sources, data_transform sources and pipeline
 * outputs. Only the characters of the name change inside each string.
 */
export function renameStep(
  doc: Y.Doc,
  id: string,
  name: string,
  options: OpOptions = {},
): OpResult {
  const rec = stepsMap(doc).get(id)
  const fields = rec?.get('fields')
  if (!rec) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  if (!(fields instanceof Y.Map))
    return fail(opErrorCodes.notAStep, `Step '${id}' is not a mapping and has no name.`)
  const oldName = fields.get('name')
  const view = readPipeline(doc)
  const stepKinds = new Set([
    'previous_response',
    'template_step',
    'condition_step',
    'data_source',
    'input_source',
    'join_source',
  ])
  const refs =
    typeof oldName === 'string'
      ? findReferences(view.value).filter((r) => r.target === oldName && stepKinds.has(r.kind))
      : []
  // Group by field so several names in one string are rewritten from the end backwards.
  const byField = new Map<string, typeof refs>()
  for (const r of refs) {
    const k = JSON.stringify(r.path)
    const list = byField.get(k)
    if (list) list.push(r)
    else byField.set(k, [r])
  }
  doc.transact(() => {
    fields.set('name', name)
    for (const list of byField.values()) {
      const r = list[0]!
      const ownerId = view.idAt(r.stepPath)
      const owner = ownerId === undefined ? undefined : stepsMap(doc).get(ownerId)?.get('fields')
      if (!(owner instanceof Y.Map)) continue
      const rel = r.path.slice(r.stepPath.length)
      const holder = resolveHolder(owner, rel)
      if (!holder) continue
      const spans = list
        .filter((x) => x.span)
        .map((x) => x.span!)
        .sort((a, b) => b[0] - a[0])
      const cur = holder.get()
      if (spans.length === 0) {
        holder.set(name)
      } else if (cur instanceof Y.Text) {
        for (const [s, e] of spans) {
          cur.delete(s, e - s)
          cur.insert(s, name)
        }
      } else if (typeof cur === 'string') {
        let next = cur
        for (const [s, e] of spans) next = next.slice(0, s) + name + next.slice(e)
        holder.set(next)
      }
    }
  }, options.origin ?? null)
  return { ok: true, value: undefined }
}

/** Copies a step (and its children) right after itself, with a name that is not taken. */
export function duplicateStep(doc: Y.Doc, id: string, options: OpOptions = {}): OpResult<string> {
  const view = readPipeline(doc)
  const entry = view.stepById(id)
  if (!entry) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  const value = getIn(view.value, entry.path)
  if (!isPlainObject(value)) return fail(opErrorCodes.notAStep, `Step '${id}' is not a mapping.`)
  const names = new Set(
    view.steps.map((s) => (getIn(view.value, s.path) as Record<string, unknown> | undefined)?.name),
  )
  const base = typeof value.name === 'string' ? value.name : 'step'
  let name = `${base}_copy`
  for (let n = 2; names.has(name); n++) name = `${base}_copy${n}`
  return addStep(
    doc,
    { ...value, name },
    { parentId: entry.parentId, slot: entry.slot, index: entry.index + 1 },
    options,
  )
}

/** Sets (or, with `undefined`, removes) one field of a step, as the inspector does. */
export function setStepField(
  doc: Y.Doc,
  id: string,
  path: Path,
  value: unknown,
  options: OpOptions = {},
): OpResult {
  const fields = stepsMap(doc).get(id)?.get('fields')
  if (!(fields instanceof Y.Map)) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  if (path.length === 0) return fail(opErrorCodes.notAStep, 'A field path is needed.')
  doc.transact(() => {
    let cur: Y.Map<unknown> | Y.Array<unknown> = fields
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!
      const next: unknown = cur instanceof Y.Map ? cur.get(String(k)) : cur.get(Number(k))
      if (next instanceof Y.Map || next instanceof Y.Array) cur = next
      else if (cur instanceof Y.Map) {
        const m = new Y.Map<unknown>()
        cur.set(String(k), m)
        cur = m
      } else return
    }
    const last = path[path.length - 1]!
    if (cur instanceof Y.Map) {
      const existing = cur.get(String(last))
      if (value === undefined) cur.delete(String(last))
      else if (existing instanceof Y.Text && typeof value === 'string') syncText(existing, value)
      else cur.set(String(last), encode(value, last))
    } else if (typeof last === 'number' && last >= 0 && last <= cur.length) {
      if (last < cur.length) cur.delete(last, 1)
      if (value !== undefined) cur.insert(last, [encode(value)])
    }
  }, options.origin ?? null)
  return { ok: true, value: undefined }
}

/** Replaces the whole pipeline with `value` as the smallest change (used by restore and PUT). */
export function setPipelineValue(doc: Y.Doc, value: unknown, options: OpOptions = {}): void {
  doc.transact(() => {
    initMeta(doc)
    applyValue(doc, value, options.newId ?? randomId)
  }, options.origin ?? null)
}

export interface Position {
  readonly x: number
  readonly y: number
}

/** Canvas position of a step, shared with everyone and never written to the YAML. */
export function setStepPosition(
  doc: Y.Doc,
  id: string,
  position: Position,
  options: OpOptions = {},
): void {
  doc.transact(
    () => layoutMap(doc).set(id, { x: position.x, y: position.y }),
    options.origin ?? null,
  )
}

export function getStepPosition(doc: Y.Doc, id: string): Position | undefined {
  const p = layoutMap(doc).get(id)
  return isPlainObject(p) && typeof p.x === 'number' && typeof p.y === 'number'
    ? { x: p.x, y: p.y }
    : undefined
}

/** The Y.Text behind a text field (a prompt part's content, a description), for editor bindings. */
export function getStepText(doc: Y.Doc, id: string, path: Path): Y.Text | undefined {
  const fields = stepsMap(doc).get(id)?.get('fields')
  if (!(fields instanceof Y.Map)) return undefined
  const holder = resolveHolder(fields, path)
  const v = holder?.get()
  return v instanceof Y.Text ? v : undefined
}

// ---------------------------------------------------------------------------------------------

interface ResolvedPlace {
  readonly parentId: string
  readonly slot: Path
  readonly order: string
}

function resolvePlace(doc: Y.Doc, place: StepPlace, moving?: string): OpResult<ResolvedPlace> {
  const parentId = place.parentId ?? ROOT_ID
  const steps = stepsMap(doc)
  let slot = place.slot
  if (parentId !== ROOT_ID) {
    const parent = steps.get(parentId)
    if (!parent) return fail(opErrorCodes.stepNotFound, `No container step with id '${parentId}'.`)
    if (!slot) {
      const fields = parent.get('fields')
      const known = declared(parent).sort()
      const byType =
        fields instanceof Y.Map
          ? childSlots({
              ...(decode(fields) as Record<string, unknown>),
              steps: [],
              pipeline: { steps: [] },
            })
          : []
      const first = known[0] ?? (byType[0] ? slotKey(byType[0]) : undefined)
      if (!first) return fail(opErrorCodes.notAContainer, `Step '${parentId}' does not hold steps.`)
      slot = JSON.parse(first) as Path
    }
  }
  slot ??= ROOT_SLOT
  const key = slotKey(slot)
  const siblings: { id: string; order: string }[] = []
  steps.forEach((rec, id) => {
    if (id !== moving && recordParent(rec) === parentId && recordSlot(rec) === key) {
      siblings.push({ id, order: String(rec.get('order') ?? '') })
    }
  })
  siblings.sort(compareRecs)
  const index = Math.max(0, Math.min(place.index ?? siblings.length, siblings.length))
  const before = index > 0 ? siblings[index - 1]!.order : null
  const after = index < siblings.length ? siblings[index]!.order : null
  if (before !== null && after !== null && before === after) {
    // Two peers once put steps at the same spot: give the later neighbours fresh keys first.
    const rest = siblings.slice(index)
    const fresh = between(before, null, rest.length + 1)
    rest.forEach((s, i) => steps.get(s.id)!.set('order', fresh[i + 1]!))
    return { ok: true, value: { parentId, slot, order: fresh[0]! } }
  }
  return { ok: true, value: { parentId, slot, order: between(before, after, 1)[0]! } }
}

function insertTree(
  doc: Y.Doc,
  step: Record<string, unknown>,
  parentId: string,
  slot: Path,
  order: string,
  newId: () => string,
): string {
  const id = newId()
  const slots = childSlots(step)
  let fields = step
  for (const sp of slots) fields = withoutPath(fields, sp)
  // Integrated first: writePlace reads the record, and Yjs cannot read a type not in a doc yet.
  const rec = stepsMap(doc).set(id, new Y.Map<unknown>())
  writePlace(rec, parentId, slotKey(slot), order)
  rec.set('fields', encode(fields))
  writeSlots(rec, slots.map(slotKey))
  for (const sp of slots) {
    const children = getIn(step, sp)
    if (!Array.isArray(children)) continue
    const orders = children.length > 0 ? between(null, null, children.length) : []
    children.forEach((child, i) => {
      if (isPlainObject(child)) insertTree(doc, child, id, sp, orders[i]!, newId)
    })
  }
  return id
}

function declared(rec: Y.Map<unknown>): string[] {
  const slots = rec.get('slots')
  return slots instanceof Y.Map ? [...slots.keys()] : []
}

function descendants(doc: Y.Doc, id: string): string[] {
  const view = readPipeline(doc)
  const out: string[] = []
  const walk = (pid: string) => {
    for (const s of view.steps) {
      if (s.parentId === pid) {
        out.push(s.id)
        walk(s.id)
      }
    }
  }
  walk(id)
  return out
}

interface Holder {
  get(): unknown
  set(v: unknown): void
}

function resolveHolder(root: Y.Map<unknown>, path: Path): Holder | undefined {
  if (path.length === 0) return undefined
  let cur: unknown = root
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!
    cur =
      cur instanceof Y.Map
        ? cur.get(String(k))
        : cur instanceof Y.Array
          ? cur.get(Number(k))
          : undefined
  }
  const last = path[path.length - 1]!
  if (cur instanceof Y.Map) {
    const map = cur
    return { get: () => map.get(String(last)), set: (v) => map.set(String(last), encode(v, last)) }
  }
  if (cur instanceof Y.Array && typeof last === 'number' && last < cur.length) {
    const arr = cur
    return {
      get: () => arr.get(last),
      set: (v) => {
        arr.delete(last, 1)
        arr.insert(last, [encode(v)])
      },
    }
  }
  return undefined
}

export interface StepNote {
  readonly author: string
  readonly text: string
  /** Milliseconds since the epoch, supplied by the caller (core reads no clock). */
  readonly at: number
}

/** Adds a discussion note to a step: collaboration data, kept beside the format, never exported. */
export function addStepNote(
  doc: Y.Doc,
  id: string,
  note: StepNote,
  options: OpOptions = {},
): OpResult {
  if (!stepsMap(doc).has(id)) return fail(opErrorCodes.stepNotFound, `No step with id '${id}'.`)
  doc.transact(() => {
    const notes = doc.getMap<Y.Array<unknown>>(docKeys.notes)
    let list = notes.get(id)
    if (!(list instanceof Y.Array)) {
      list = new Y.Array<unknown>()
      notes.set(id, list)
    }
    list.push([{ author: note.author, text: note.text, at: note.at }])
  }, options.origin ?? null)
  return { ok: true, value: undefined }
}

export function getStepNotes(doc: Y.Doc, id: string): StepNote[] {
  const list = doc.getMap<unknown>(docKeys.notes).get(id)
  if (!(list instanceof Y.Array)) return []
  return list
    .toArray()
    .filter((n): n is StepNote => isPlainObject(n) && typeof n.text === 'string')
    .map((n) => ({ author: String(n.author), text: n.text, at: Number(n.at) }))
}
