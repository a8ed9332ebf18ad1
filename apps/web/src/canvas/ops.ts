/**
 * The canvas's edits, each one Yjs transaction with the session's origin (one undo step, tracked
 * by the user's undo manager only), built from core's operations. Positions of new steps are
 * written in the same transaction, so undo takes the step and its position away together.
 */
import type * as Y from 'yjs'
import {
  addStep,
  docKeys,
  duplicateStep,
  moveStep,
  removeStep,
  renameStep,
  setStepPosition,
  type OpResult,
  type StepPlace,
} from '@weft/core'
import { prepareForPaste } from './clipboard'
import { resolveDrop } from './drop'
import {
  autoLayout,
  CONTAINER_HEADER,
  CONTAINER_PAD,
  measure,
  placeMissing,
  STEP_SIZE,
  type Size,
  type XY,
} from './layout'
import { ancestors, deriveModel, isRecord, ROOT, topMostSteps, type CanvasModel } from './model'

export interface EditContext {
  readonly doc: Y.Doc
  readonly origin: object
  readonly undoManager?: Y.UndoManager
}

/** The canvas as drawn: model, a position for every node, sizes, the local collapse state. */
export interface Scene {
  readonly model: CanvasModel
  readonly positions: ReadonlyMap<string, XY>
  readonly sizes: ReadonlyMap<string, Size>
  readonly collapsed: ReadonlySet<string>
}

const GAP = 36

export function readPositions(doc: Y.Doc): Map<string, XY> {
  const out = new Map<string, XY>()
  doc.getMap<unknown>(docKeys.layout).forEach((v, k) => {
    if (isRecord(v) && typeof v.x === 'number' && typeof v.y === 'number')
      out.set(k, { x: v.x, y: v.y })
  })
  return out
}

export function sceneOf(doc: Y.Doc, collapsed: ReadonlySet<string> = new Set()): Scene {
  const model = deriveModel(doc)
  const positions = readPositions(doc)
  for (const [id, p] of placeMissing(model, positions)) positions.set(id, p)
  return { model, positions, sizes: measure(model, positions, collapsed), collapsed }
}

/** Absolute (flow) position of a node's top-left corner; `live` positions win. */
export function absOf(scene: Scene, id: string, live?: ReadonlyMap<string, XY>): XY {
  let x = 0
  let y = 0
  let cur: string | undefined = id
  for (let i = 0; cur !== undefined && cur !== ROOT && i < 66; i++) {
    const p = live?.get(cur) ?? scene.positions.get(cur)
    if (p) {
      x += p.x
      y += p.y
    }
    const parent: string | undefined = scene.model.nodeById.get(cur)?.parentId
    cur = parent !== undefined && scene.model.nodeById.has(parent) ? parent : undefined
  }
  return { x, y }
}

const sizeIn = (scene: Scene) => (id: string) => scene.sizes.get(id) ?? STEP_SIZE

/** Writes a position for every node that has none yet. Returns how many it wrote. */
export function writeMissing(doc: Y.Doc, origin: unknown): number {
  const model = deriveModel(doc)
  const placed = placeMissing(model, readPositions(doc))
  if (placed.size === 0) return 0
  doc.transact(() => {
    for (const [id, p] of placed) setStepPosition(doc, id, p)
  }, origin)
  return placed.size
}

/** A child's position inside `parentId` for a node whose top-left is at `abs`. */
function relativeTo(scene: Scene, parentId: string, abs: XY): XY {
  if (parentId === ROOT) return { x: Math.round(abs.x), y: Math.round(abs.y) }
  const p = absOf(scene, parentId)
  return {
    x: Math.round(Math.max(8, abs.x - p.x)),
    y: Math.round(Math.max(CONTAINER_HEADER - 16, abs.y - p.y)),
  }
}

/** Pushes nodes at or below `fromY` in `parentId` down by `dy`, and the same outwards. */
function makeRoom(ctx: EditContext, scene: Scene, parentId: string, fromY: number, dy: number) {
  let level = parentId
  let from = fromY
  for (let i = 0; i < 66; i++) {
    for (const kid of scene.model.children.get(level) ?? []) {
      const p = scene.positions.get(kid.id)
      if (p && p.y >= from) setStepPosition(ctx.doc, kid.id, { x: p.x, y: p.y + dy })
    }
    if (level === ROOT) return
    const own = scene.positions.get(level)
    const up = scene.model.nodeById.get(level)?.parentId
    from = (own?.y ?? 0) + 1
    level = up !== undefined && scene.model.nodeById.has(up) ? up : ROOT
  }
}

/**
 * After a step lands at `rel` in `parentId`'s list (a drop that changed its place), pushes the
 * nodes below it down if it would overlap the next one, so the list still reads top to bottom.
 */
function ensureRoom(
  ctx: EditContext,
  scene: Scene,
  parentId: string,
  rel: XY,
  size: Size,
  self: string,
): void {
  let nextY = Infinity
  for (const kid of scene.model.children.get(parentId) ?? []) {
    if (kid.id === self) continue
    const p = scene.positions.get(kid.id)
    const s = scene.sizes.get(kid.id) ?? STEP_SIZE
    // only nodes below, overlapping horizontally
    if (!p || p.y <= rel.y || p.x >= rel.x + size.width || p.x + s.width <= rel.x) continue
    nextY = Math.min(nextY, p.y)
  }
  const need = rel.y + size.height + GAP - nextY
  if (Number.isFinite(nextY) && need > 0) makeRoom(ctx, scene, parentId, nextY, need)
}

function estimatedHeight(value: unknown): number {
  if (!isRecord(value)) return STEP_SIZE.height
  const t = value.type
  return t === 'for_loop' || t === 'while_loop' || t === 'pipeline' || t === 'switch'
    ? CONTAINER_HEADER + CONTAINER_PAD
    : STEP_SIZE.height
}

function placeOf(scene: Scene, place: StepPlace) {
  const parentId = place.parentId ?? ROOT
  const siblings = scene.model.view.steps.filter(
    (s) =>
      s.parentId === parentId &&
      (place.slot === undefined || JSON.stringify(s.slot) === JSON.stringify(place.slot)),
  )
  const index = Math.max(0, Math.min(place.index ?? siblings.length, siblings.length))
  return { parentId, siblings, index }
}

/**
 * Positions for `count` new steps about to go at `place`: where the step now at that index is
 * (which, with everything below it, moves down to make room), or below the previous sibling.
 * Writes the make-room moves; call inside the transaction.
 */
function claimSpace(ctx: EditContext, scene: Scene, place: StepPlace, heights: number[]): XY {
  const { parentId, siblings, index } = placeOf(scene, place)
  const next = siblings[index]
  const prev = siblings[index - 1]
  const total = heights.reduce((a, h) => a + h + GAP, 0)
  if (next) {
    const p = scene.positions.get(next.id) ?? { x: 0, y: 0 }
    makeRoom(ctx, scene, parentId, p.y, total)
    return p
  }
  if (prev) {
    const p = scene.positions.get(prev.id) ?? { x: 0, y: 0 }
    const h = scene.sizes.get(prev.id)?.height ?? STEP_SIZE.height
    const at = { x: p.x, y: p.y + h + GAP }
    if (parentId !== ROOT) makeRoom(ctx, scene, parentId, at.y, 0)
    return at
  }
  return parentId === ROOT ? { x: 0, y: 0 } : { x: CONTAINER_PAD, y: CONTAINER_HEADER }
}

/**
 * Inserts step values at `place` (consecutively). With `at` (absolute flow position of the
 * first one's top-left, e.g. a drop), they go there; otherwise into the list's flow, pushing the
 * later steps down. Returns the new ids.
 */
export function insertSteps(
  ctx: EditContext,
  scene: Scene,
  values: readonly Record<string, unknown>[],
  place: StepPlace,
  at?: XY,
): string[] {
  const ids: string[] = []
  if (values.length === 0) return ids
  ctx.undoManager?.stopCapturing()
  const { parentId, index } = placeOf(scene, place)
  const heights = values.map(estimatedHeight)
  ctx.doc.transact(() => {
    let pos = at ? relativeTo(scene, parentId, at) : claimSpace(ctx, scene, place, heights)
    if (at) {
      const total = heights.reduce((a, h) => a + h + GAP, -GAP)
      ensureRoom(ctx, scene, parentId, pos, { width: STEP_SIZE.width, height: total }, '')
    }
    values.forEach((value, i) => {
      const r = addStep(
        ctx.doc,
        value,
        { parentId, ...(place.slot ? { slot: place.slot } : {}), index: index + i },
        { origin: ctx.origin },
      )
      if (!r.ok) return
      ids.push(r.value)
      setStepPosition(ctx.doc, r.value, pos)
      pos = { x: pos.x, y: pos.y + heights[i]! + GAP }
    })
    // children of pasted containers, tasks, the loop pseudo-node
    writeMissing(ctx.doc, ctx.origin)
  }, ctx.origin)
  return ids
}

/** Pastes clipboard values (renamed so names stay unique) at `place`. */
export function pasteSteps(
  ctx: EditContext,
  scene: Scene,
  values: readonly Record<string, unknown>[],
  place: StepPlace,
  at?: XY,
): string[] {
  return insertSteps(ctx, scene, prepareForPaste(values, scene.model.names), place, at)
}

export function deleteSteps(ctx: EditContext, model: CanvasModel, ids: Iterable<string>): number {
  const top = topMostSteps(model, ids)
  if (top.length === 0) return 0
  ctx.undoManager?.stopCapturing()
  ctx.doc.transact(() => {
    for (const s of top) removeStep(ctx.doc, s.id, { origin: ctx.origin })
  }, ctx.origin)
  return top.length
}

/** core's duplicateStep for each selected step (right after it), placed below it. */
export function duplicateSteps(ctx: EditContext, scene: Scene, ids: Iterable<string>): string[] {
  const top = topMostSteps(scene.model, ids)
  const out: string[] = []
  if (top.length === 0) return out
  ctx.undoManager?.stopCapturing()
  ctx.doc.transact(() => {
    for (const s of [...top].reverse()) {
      const place = { parentId: s.parentId, slot: s.slot, index: s.index + 1 }
      const at = claimSpace(ctx, scene, place, [scene.sizes.get(s.id)?.height ?? STEP_SIZE.height])
      const r = duplicateStep(ctx.doc, s.id, { origin: ctx.origin })
      if (!r.ok) continue
      out.unshift(r.value)
      setStepPosition(ctx.doc, r.value, at)
    }
    writeMissing(ctx.doc, ctx.origin)
  }, ctx.origin)
  return out
}

export function renameTo(ctx: EditContext, id: string, name: string): OpResult {
  ctx.undoManager?.stopCapturing()
  return renameStep(ctx.doc, id, name, { origin: ctx.origin })
}

/**
 * Ends a drag: `moves` holds the dragged nodes' positions relative to their current parents.
 * A step dropped into another container, or past a sibling (top to bottom is execution order),
 * is moved there with core's moveStep; every position is written. One transaction.
 */
export function commitMoves(ctx: EditContext, scene: Scene, moves: ReadonlyMap<string, XY>): void {
  if (moves.size === 0) return
  const { model } = scene
  ctx.undoManager?.stopCapturing()
  ctx.doc.transact(() => {
    for (const [id, rel] of moves) {
      const abs = absOf(scene, id, moves)
      const dragged = ancestors(model, id).some((a) => moves.has(a))
      const entry = model.view.stepById(id)
      if (entry && !dragged) {
        const size = scene.sizes.get(id) ?? STEP_SIZE
        const target = resolveDrop({
          point: { x: abs.x + size.width / 2, y: abs.y + size.height / 2 },
          model,
          absOf: (n) => absOf(scene, n),
          sizeOf: sizeIn(scene),
          collapsed: scene.collapsed,
          moving: id,
        })
        const sameList =
          target.parentId === entry.parentId &&
          (target.slot === undefined || JSON.stringify(target.slot) === JSON.stringify(entry.slot))
        if (!sameList || target.index !== entry.index) {
          const r = moveStep(
            ctx.doc,
            id,
            {
              parentId: target.parentId,
              ...(target.slot ? { slot: target.slot } : {}),
              index: target.index,
            },
            { origin: ctx.origin },
          )
          if (r.ok) {
            const at =
              target.parentId !== entry.parentId ? relativeTo(scene, target.parentId, abs) : rel
            ensureRoom(ctx, scene, target.parentId, at, size, id)
            setStepPosition(ctx.doc, id, { x: Math.round(at.x), y: Math.round(at.y) })
            continue
          }
        }
      }
      const inContainer = model.nodeById.get(id)?.parentId
      setStepPosition(
        ctx.doc,
        id,
        inContainer !== undefined && model.nodeById.has(inContainer)
          ? { x: Math.round(Math.max(0, rel.x)), y: Math.round(Math.max(0, rel.y)) }
          : { x: Math.round(rel.x), y: Math.round(rel.y) },
      )
    }
  }, ctx.origin)
}

/** Lays the whole pipeline out again (one undo step). */
export function applyAutoLayout(
  ctx: EditContext,
  model: CanvasModel,
  collapsed: ReadonlySet<string>,
): void {
  const positions = autoLayout(model, collapsed)
  ctx.undoManager?.stopCapturing()
  ctx.doc.transact(() => {
    for (const [id, p] of positions) setStepPosition(ctx.doc, id, p)
  }, ctx.origin)
}

export { resolveDrop }
