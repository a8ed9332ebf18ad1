/**
 * Where a dropped or dragged step lands: which container (the innermost expanded loop, inline
 * pipeline or switch under the point), which list of it (a switch case: the nearest column) and
 * which index (the number of siblings whose centre is above the point — top to bottom is
 * execution order on this canvas).
 */
import type { StepEntry } from '@weft/core'
import type { Size, XY } from './layout'
import { ancestors, holdsSteps, ROOT, type CanvasModel, type Path } from './model'

export interface DropQuery {
  /** Flow coordinates. */
  readonly point: XY
  readonly model: CanvasModel
  readonly absOf: (id: string) => XY
  readonly sizeOf: (id: string) => Size
  readonly collapsed: ReadonlySet<string>
  /** The step being moved, which can be neither its own target nor counted as a sibling. */
  readonly moving?: string
}

export interface DropTarget {
  readonly parentId: string
  /** undefined: the container's default list. */
  readonly slot: Path | undefined
  readonly index: number
}

const key = (p: Path | undefined) => JSON.stringify(p ?? null)

/** The innermost expanded step container under `point`, or '' for the top level. */
export function containerAt(q: DropQuery): string {
  const { model, point, collapsed, moving } = q
  let best = ROOT
  let bestDepth = -1
  for (const n of model.nodes) {
    if (!holdsSteps(n) || collapsed.has(n.id) || n.id === moving) continue
    const up = ancestors(model, n.id)
    if (moving !== undefined && up.includes(moving)) continue
    if (up.some((a) => collapsed.has(a))) continue
    const a = q.absOf(n.id)
    const s = q.sizeOf(n.id)
    if (point.x < a.x || point.y < a.y || point.x > a.x + s.width || point.y > a.y + s.height)
      continue
    if (up.length > bestDepth) {
      best = n.id
      bestDepth = up.length
    }
  }
  return best
}

export function resolveDrop(q: DropQuery): DropTarget {
  const { model, point, moving } = q
  const parentId = containerAt(q)
  const siblings = model.view.steps.filter((s) => s.parentId === parentId && s.id !== moving)
  const centre = (s: StepEntry): XY => {
    const a = q.absOf(s.id)
    const z = q.sizeOf(s.id)
    return { x: a.x + z.width / 2, y: a.y + z.height / 2 }
  }
  let slot: Path | undefined = parentId === ROOT ? ['workflow', 'steps'] : undefined
  const slots = new Map<string, StepEntry[]>()
  for (const s of siblings) {
    const k = key(s.slot)
    const list = slots.get(k)
    if (list) list.push(s)
    else slots.set(k, [s])
  }
  if (slots.size === 1) slot = siblings[0]!.slot
  else if (slots.size > 1) {
    // switch cases are columns: take the one whose steps are nearest horizontally
    let bestD = Infinity
    for (const list of slots.values()) {
      const x = list.reduce((sum, s) => sum + centre(s).x, 0) / list.length
      const d = Math.abs(x - point.x)
      if (d < bestD) {
        bestD = d
        slot = list[0]!.slot
      }
    }
  }
  const inSlot = slots.get(key(slot)) ?? []
  const index = inSlot.filter((s) => centre(s).y < point.y).length
  return { parentId, slot, index }
}
