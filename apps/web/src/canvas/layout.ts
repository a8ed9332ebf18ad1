/**
 * Node sizes, container sizes and auto-layout.
 *
 * Positions are stored per node id in the document's shared `layout` map (core's
 * setStepPosition), relative to the node's container, exactly as React Flow takes them; top-level
 * nodes are in flow coordinates. A container's size is never stored: it is the bounding box of its
 * children plus padding, so it grows when a child moves or is added.
 *
 * `placeMissing` gives a position to every node that has none, deterministically (every peer
 * computes the same ones): a level where nothing is placed yet (an imported pipeline, a pasted
 * loop) is laid out with dagre, top to bottom; a single new node in a placed level goes below its
 * previous sibling. `autoLayout` is `placeMissing` from nothing.
 */
import { Graph, layout as dagreLayout } from '@dagrejs/dagre'
import type { GraphNode } from '@weft/core'
import { ROOT, type CanvasModel } from './model'

export interface Size {
  readonly width: number
  readonly height: number
}
export interface XY {
  readonly x: number
  readonly y: number
}
export type Positions = ReadonlyMap<string, XY>

export const STEP_SIZE: Size = { width: 240, height: 76 }
export const EXTRA_SIZE: Size = { width: 184, height: 48 }
/** Room at the top of an expanded container for its own card. */
export const CONTAINER_HEADER = 88
export const CONTAINER_PAD = 24
const NODE_SEP = 40
const RANK_SEP = 48
const GAP = 36

export function isContainerNode(n: GraphNode | undefined): boolean {
  return n?.container !== undefined
}

export function baseSize(n: GraphNode): Size {
  return n.kind === 'step' || n.kind === 'task' ? STEP_SIZE : EXTRA_SIZE
}

/** True when `id` is an expanded container with children to draw inside it. */
function expanded(model: CanvasModel, id: string, collapsed: ReadonlySet<string>): boolean {
  return (
    isContainerNode(model.nodeById.get(id)) &&
    !collapsed.has(id) &&
    (model.children.get(id)?.length ?? 0) > 0
  )
}

/** Size of a level's content (children bounding box), as a container draws it. */
function contentSize(
  kids: readonly GraphNode[],
  pos: (id: string) => XY | undefined,
  sizeOf: (id: string) => Size,
): Size {
  let w = 0
  let h = 0
  for (const k of kids) {
    const p = pos(k.id)
    if (!p) continue
    const s = sizeOf(k.id)
    w = Math.max(w, p.x + s.width)
    h = Math.max(h, p.y + s.height)
  }
  return {
    width: Math.max(STEP_SIZE.width + 2 * CONTAINER_PAD, w + CONTAINER_PAD),
    height: Math.max(CONTAINER_HEADER + CONTAINER_PAD, h + CONTAINER_PAD),
  }
}

/** A size function over `model` given positions; memoised, children before parents. */
export function sizer(
  model: CanvasModel,
  pos: (id: string) => XY | undefined,
  collapsed: ReadonlySet<string>,
): (id: string) => Size {
  const memo = new Map<string, Size>()
  const sizeOf = (id: string, depth = 0): Size => {
    const hit = memo.get(id)
    if (hit) return hit
    const n = model.nodeById.get(id)
    let s: Size = n ? baseSize(n) : STEP_SIZE
    if (n && depth < 64 && expanded(model, id, collapsed)) {
      s = contentSize(model.children.get(id) ?? [], pos, (k) => sizeOf(k, depth + 1))
    }
    memo.set(id, s)
    return s
  }
  return (id) => sizeOf(id)
}

/** Sizes of every node given complete positions (containers from their children). */
export function measure(
  model: CanvasModel,
  positions: Positions,
  collapsed: ReadonlySet<string>,
): Map<string, Size> {
  const sizeOf = sizer(model, (id) => positions.get(id), collapsed)
  const out = new Map<string, Size>()
  for (const n of model.nodes) out.set(n.id, sizeOf(n.id))
  return out
}

/**
 * Positions for every node of `model` that `stored` lacks (and only those). Deterministic.
 */
export function placeMissing(
  model: CanvasModel,
  stored: Positions,
  collapsed: ReadonlySet<string> = new Set(),
): Map<string, XY> {
  const result = new Map<string, XY>()
  if (model.nodes.every((n) => stored.has(n.id))) return result
  const pos = (id: string): XY | undefined => stored.get(id) ?? result.get(id)
  // Sizes depend on children's positions, which this fills in bottom-up; memoising them across
  // levels is safe because a level is only sized after all of its children are placed.
  const sizeOf = sizer(model, pos, collapsed)
  let edgesByLevel: Map<string, LevelEdge[]> | undefined

  const visit = (parent: string, depth: number): void => {
    const kids = model.children.get(parent) ?? []
    if (depth > 64) return
    for (const k of kids) if (model.children.has(k.id)) visit(k.id, depth + 1)
    const missing = kids.filter((k) => !stored.has(k.id))
    if (missing.length === 0) return
    const origin: XY = parent === ROOT ? { x: 0, y: 0 } : { x: CONTAINER_PAD, y: CONTAINER_HEADER }
    if (missing.length === kids.length) {
      edgesByLevel ??= bucketEdges(model)
      const laid = layoutLevel(kids, edgesByLevel.get(parent) ?? [], sizeOf, model)
      for (const [id, p] of laid) result.set(id, { x: p.x + origin.x, y: p.y + origin.y })
      return
    }
    kids.forEach((k, i) => {
      if (pos(k.id)) return
      let anchor: GraphNode | undefined
      for (let j = i - 1; j >= 0 && !anchor; j--) if (pos(kids[j]!.id)) anchor = kids[j]
      if (anchor) {
        const a = pos(anchor.id)!
        result.set(k.id, { x: a.x, y: a.y + sizeOf(anchor.id).height + GAP })
        return
      }
      let next: GraphNode | undefined
      for (let j = i + 1; j < kids.length && !next; j++) if (pos(kids[j]!.id)) next = kids[j]
      const b = next ? pos(next.id)! : origin
      result.set(k.id, { x: b.x, y: next ? b.y - sizeOf(k.id).height - GAP : b.y })
    })
  }
  visit(ROOT, 0)
  return result
}

/** Every node laid out from scratch (the "auto-layout" command). */
export function autoLayout(
  model: CanvasModel,
  collapsed: ReadonlySet<string> = new Set(),
): Map<string, XY> {
  return placeMissing(model, new Map(), collapsed)
}

type LevelEdge = readonly [string, string]

/**
 * Edges that matter for layout, lifted to the level where they connect two siblings: control
 * edges (the execution order), and data/config edges that touch a variable/function/config node
 * (so those sit next to their consumers). Loop-back edges are left out (they would make cycles).
 */
function bucketEdges(model: CanvasModel): Map<string, LevelEdge[]> {
  const parentOf = (id: string): string => {
    const p = model.nodeById.get(id)?.parentId
    return p !== undefined && model.nodeById.has(p) ? p : ROOT
  }
  const chain = (id: string): string[] => {
    const out = [id]
    let cur = id
    while (cur !== ROOT && out.length < 66) {
      cur = parentOf(cur)
      out.push(cur)
    }
    return out
  }
  const out = new Map<string, LevelEdge[]>()
  for (const e of model.edges) {
    if (e.kind === 'loop_back') continue
    if (e.kind === 'data' || e.kind === 'config') {
      const s = model.nodeById.get(e.source)
      const t = model.nodeById.get(e.target)
      const extra = (n: GraphNode | undefined) =>
        n !== undefined && n.kind !== 'step' && n.kind !== 'task'
      if (!extra(s) && !extra(t)) continue
    }
    const a = chain(e.source)
    const b = chain(e.target)
    const inA = new Set(a)
    let bi = 0
    while (bi < b.length && !inA.has(b[bi]!)) bi++
    if (bi >= b.length) continue
    const lca = b[bi]!
    const ai = a.indexOf(lca)
    if (ai < 1 || bi < 1) continue // one end is the container itself (entry / fan-out)
    const from = a[ai - 1]!
    const to = b[bi - 1]!
    if (from === to) continue
    let list = out.get(lca)
    if (!list) out.set(lca, (list = []))
    list.push([from, to])
  }
  return out
}

/** The kids in path order when the level's edges form one simple path through all of them. */
function chainOrder(kids: readonly GraphNode[], edges: readonly LevelEdge[]): string[] | undefined {
  const ids = new Set(kids.map((k) => k.id))
  const next = new Map<string, string>()
  const hasIn = new Set<string>()
  for (const [a, b] of edges) {
    if (!ids.has(a) || !ids.has(b)) continue
    if (next.has(a) && next.get(a) !== b) return undefined
    if (hasIn.has(b) && next.get(a) !== b) return undefined
    next.set(a, b)
    hasIn.add(b)
  }
  const starts = kids.filter((k) => !hasIn.has(k.id))
  if (starts.length !== 1) return undefined
  const order: string[] = []
  const seen = new Set<string>()
  for (let cur: string | undefined = starts[0]!.id; cur !== undefined; cur = next.get(cur)) {
    if (seen.has(cur)) return undefined
    seen.add(cur)
    order.push(cur)
  }
  return order.length === kids.length ? order : undefined
}

function layoutLevel(
  kids: readonly GraphNode[],
  edges: readonly LevelEdge[],
  sizeOf: (id: string) => Size,
  model: CanvasModel,
): Map<string, XY> {
  // Most step lists are plain sequences: stack them (what dagre would give, in O(n)).
  const withItem = [...edges]
  const item0 = kids.find((k) => k.kind === 'loop_item')
  const first0 = kids.find((k) => k.kind === 'step' && model.isStep(k.id))
  if (item0 && first0) withItem.push([item0.id, first0.id])
  const chain = chainOrder(kids, withItem)
  if (chain) {
    const width = Math.max(...chain.map((id) => sizeOf(id).width))
    const out = new Map<string, XY>()
    let y = 0
    for (const id of chain) {
      const s = sizeOf(id)
      out.set(id, { x: Math.round((width - s.width) / 2), y })
      y += s.height + RANK_SEP
    }
    return out
  }
  const g = new Graph()
  g.setGraph({
    rankdir: 'TB',
    nodesep: NODE_SEP,
    ranksep: RANK_SEP,
    marginx: 0,
    marginy: 0,
    // network-simplex is the nicest but superlinear; long flat pipelines use the fast ranker.
    ranker: kids.length > 200 ? 'longest-path' : 'network-simplex',
  })
  g.setDefaultEdgeLabel(() => ({}))
  const ids = new Set<string>()
  for (const k of kids) {
    const s = sizeOf(k.id)
    g.setNode(k.id, { width: s.width, height: s.height })
    ids.add(k.id)
  }
  for (const [a, b] of edges) if (ids.has(a) && ids.has(b)) g.setEdge(a, b)
  // The loop pseudo-node sits above the body's first step.
  const item = kids.find((k) => k.kind === 'loop_item')
  const first = kids.find((k) => k.kind === 'step' && model.isStep(k.id))
  if (item && first && !g.hasEdge(item.id, first.id)) g.setEdge(item.id, first.id)
  dagreLayout(g)
  let minX = Infinity
  let minY = Infinity
  const raw = new Map<string, XY>()
  for (const k of kids) {
    const n = g.node(k.id) as { x: number; y: number } | undefined
    const s = sizeOf(k.id)
    const p = { x: (n?.x ?? 0) - s.width / 2, y: (n?.y ?? 0) - s.height / 2 }
    raw.set(k.id, p)
    minX = Math.min(minX, p.x)
    minY = Math.min(minY, p.y)
  }
  const out = new Map<string, XY>()
  for (const [id, p] of raw) out.set(id, { x: Math.round(p.x - minX), y: Math.round(p.y - minY) })
  return out
}
