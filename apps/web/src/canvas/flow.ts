/**
 * From the canvas model to React Flow's nodes and edges, keeping object identity for everything
 * that did not change (React Flow 12 re-processes every node whose object changed, so a drag in a
 * 1,000-step pipeline must hand it 999 identical objects and one new one).
 */
import { MarkerType, Position, type Edge, type Node, type NodeHandle } from '@xyflow/react'
import {
  getStepType,
  type ContainerKind,
  type EdgeStatus,
  type GraphEdgeKind,
  type GraphNodeKind,
  type StepAcceptance,
  type StepPlace,
} from '@weft/core'
import { CONTAINER_HEADER, STEP_SIZE, type Size, type XY } from './layout'
import { ROOT, type CanvasModel, type NodeProblem } from './model'

export interface StepDiagnostics {
  readonly errors: number
  readonly warnings: number
  readonly infos: number
  readonly messages: readonly string[]
}

export interface RemoteMark {
  readonly name: string
  readonly color: string
}

export interface WeftNodeData extends Record<string, unknown> {
  readonly kind: GraphNodeKind
  readonly name: string
  readonly type: string | undefined
  readonly typeLabel: string
  readonly summary: string
  readonly container: ContainerKind | undefined
  readonly collapsed: boolean
  readonly childCount: number
  readonly acceptance: StepAcceptance | undefined
  readonly isStep: boolean
  readonly problems: readonly NodeProblem[]
  readonly diagnostics: StepDiagnostics | undefined
  readonly remote: readonly RemoteMark[]
  readonly editing: boolean
  readonly readOnly: boolean
  readonly dropTarget: boolean
}

export type WeftNode = Node<WeftNodeData, 'step' | 'container' | 'extra'>

export interface WeftEdgeData extends Record<string, unknown> {
  readonly kind: GraphEdgeKind
  readonly status: EdgeStatus
  readonly reason: string | undefined
  readonly label: string | undefined
  /** Where a step inserted on this edge goes (control edges into a step). */
  readonly insert: StepPlace | undefined
}

export type WeftEdge = Edge<WeftEdgeData, 'weft'>

export interface FlowInputs {
  readonly model: CanvasModel
  /** Every node's position (stored or placed). */
  readonly positions: ReadonlyMap<string, XY>
  /** Positions that win over `positions`: a drag in progress, here or remote. */
  readonly live?: ReadonlyMap<string, XY>
  readonly sizes: ReadonlyMap<string, Size>
  readonly collapsed: ReadonlySet<string>
  readonly selection: ReadonlySet<string>
  readonly remote?: ReadonlyMap<string, readonly RemoteMark[]>
  readonly diagnostics?: ReadonlyMap<string, StepDiagnostics>
  readonly readOnly: boolean
  readonly editingId?: string | undefined
  readonly dropTargetId?: string | undefined
}

const NO_MARKS: readonly RemoteMark[] = []
const NO_PROBLEMS: readonly NodeProblem[] = []
const ORIGIN: XY = { x: 0, y: 0 }

/** The outermost collapsed container around `id`, or `id` itself when it is visible. */
export function visibleOwner(
  model: CanvasModel,
  id: string,
  collapsed: ReadonlySet<string>,
): string {
  let shown = id
  let cur = model.nodeById.get(id)?.parentId
  for (let i = 0; cur !== undefined && cur !== ROOT && i < 64; i++) {
    if (collapsed.has(cur)) shown = cur
    cur = model.nodeById.get(cur)?.parentId
  }
  return shown
}

function handlesFor(kind: 'step' | 'container' | 'extra', s: Size): NodeHandle[] {
  const h = (
    id: string,
    type: 'source' | 'target',
    position: Position,
    x: number,
    y: number,
  ): NodeHandle => ({ id, type, position, x, y, width: 1, height: 1 })
  const list: NodeHandle[] = [
    h('in', 'target', Position.Top, s.width / 2, 0),
    h('out', 'source', Position.Bottom, s.width / 2, s.height),
    h('din', 'target', Position.Left, 0, s.height / 2),
    h('dout', 'source', Position.Right, s.width, s.height / 2),
  ]
  if (kind === 'container') {
    list.push(h('body', 'source', Position.Bottom, s.width / 2, CONTAINER_HEADER - 16))
    list.push(h('back', 'target', Position.Right, s.width, CONTAINER_HEADER / 2))
  }
  return list
}

function sameData(a: WeftNodeData, b: WeftNodeData): boolean {
  for (const k in a) if (a[k] !== b[k]) return false
  return true
}

/** Builds nodes; keeps the previous object for every node whose inputs did not change. */
export class FlowNodeBuilder {
  private nodes = new Map<string, WeftNode>()
  private last: FlowInputs | undefined
  private list: WeftNode[] = []

  build(input: FlowInputs): WeftNode[] {
    const prev = this.last
    this.last = input
    // A drag frame: only positions changed. Touch the moved nodes, keep every other object.
    if (
      prev &&
      prev.model === input.model &&
      prev.sizes === input.sizes &&
      prev.collapsed === input.collapsed &&
      prev.selection === input.selection &&
      prev.remote === input.remote &&
      prev.diagnostics === input.diagnostics &&
      prev.readOnly === input.readOnly &&
      prev.editingId === input.editingId &&
      prev.dropTargetId === input.dropTargetId
    ) {
      return this.moveOnly(prev, input)
    }
    this.list = this.full(input)
    return this.list
  }

  private moveOnly(prev: FlowInputs, input: FlowInputs): WeftNode[] {
    const changed = new Set<string>()
    const diff = (
      a: ReadonlyMap<string, XY> | undefined,
      b: ReadonlyMap<string, XY> | undefined,
    ) => {
      if (a === b) return
      for (const [id, p] of a ?? []) if (b?.get(id) !== p) changed.add(id)
      for (const [id, p] of b ?? []) if (a?.get(id) !== p) changed.add(id)
    }
    diff(prev.live, input.live)
    diff(prev.positions, input.positions)
    if (changed.size === 0) return this.list
    let out: WeftNode[] | undefined
    this.list.forEach((node, i) => {
      if (!changed.has(node.id)) return
      const p = input.live?.get(node.id) ?? input.positions.get(node.id) ?? ORIGIN
      if (p.x === node.position.x && p.y === node.position.y) return
      const next: WeftNode = { ...node, position: p }
      this.nodes.set(node.id, next)
      out ??= [...this.list]
      out[i] = next
    })
    if (out) this.list = out
    return this.list
  }

  private full(input: FlowInputs): WeftNode[] {
    const { model, collapsed } = input
    const next = new Map<string, WeftNode>()
    const out: WeftNode[] = []
    const hiddenMemo = new Map<string, boolean>()
    const hidden = (id: string): boolean => {
      const hit = hiddenMemo.get(id)
      if (hit !== undefined) return hit
      const p = model.nodeById.get(id)?.parentId
      const v =
        p !== undefined && p !== ROOT && model.nodeById.has(p)
          ? collapsed.has(p) || hidden(p)
          : false
      hiddenMemo.set(id, v)
      return v
    }
    for (const n of model.nodes) {
      const kids = model.children.get(n.id)?.length ?? 0
      const isCollapsed = n.container !== undefined && collapsed.has(n.id)
      const kind: 'step' | 'container' | 'extra' =
        n.kind !== 'step' && n.kind !== 'task'
          ? 'extra'
          : n.container !== undefined && !isCollapsed && kids > 0
            ? 'container'
            : 'step'
      const size =
        kind === 'container'
          ? (input.sizes.get(n.id) ?? STEP_SIZE)
          : (input.sizes.get(n.id) ?? STEP_SIZE)
      const isStep = model.isStep(n.id)
      const spec = n.type !== undefined ? getStepType(n.type) : undefined
      const prev = this.nodes.get(n.id)
      const candidate: WeftNodeData = {
        kind: n.kind,
        name: n.name,
        type: n.type,
        typeLabel: spec?.label ?? n.type ?? n.kind,
        summary: n.summary,
        container: n.container,
        collapsed: isCollapsed,
        childCount: kids,
        acceptance: spec?.acceptance,
        isStep,
        problems: model.problems.get(n.id) ?? NO_PROBLEMS,
        diagnostics: input.diagnostics?.get(n.id),
        remote: input.remote?.get(n.id) ?? NO_MARKS,
        editing: input.editingId === n.id,
        readOnly: input.readOnly,
        dropTarget: input.dropTargetId === n.id,
      }
      const data = prev && sameData(prev.data, candidate) ? prev.data : candidate
      const position = input.live?.get(n.id) ?? input.positions.get(n.id) ?? ORIGIN
      const parentId =
        n.parentId !== undefined && n.parentId !== ROOT && model.nodeById.has(n.parentId)
          ? n.parentId
          : undefined
      const isHidden = hidden(n.id)
      const selected = input.selection.has(n.id)
      const draggable = !input.readOnly && (isStep || n.kind !== 'task')
      const selectable = isStep
      let node: WeftNode
      if (
        prev &&
        prev.data === data &&
        prev.type === kind &&
        prev.position.x === position.x &&
        prev.position.y === position.y &&
        prev.width === size.width &&
        prev.height === size.height &&
        prev.parentId === parentId &&
        (prev.hidden ?? false) === isHidden &&
        (prev.selected ?? false) === selected &&
        prev.draggable === draggable &&
        prev.selectable === selectable
      ) {
        node = prev
      } else {
        node = {
          id: n.id,
          type: kind,
          position:
            prev && prev.position.x === position.x && prev.position.y === position.y
              ? prev.position
              : position,
          data,
          width: size.width,
          height: size.height,
          // The size the node is drawn at, given as already measured: React Flow then has nothing
          // to learn when it first observes the node (its handles are given too), so showing a
          // node costs no second render (docs/decisions/0016-web-open-path.md).
          measured:
            prev?.measured?.width === size.width && prev.measured.height === size.height
              ? prev.measured
              : { width: size.width, height: size.height },
          handles:
            prev && prev.width === size.width && prev.height === size.height && prev.type === kind
              ? prev.handles!
              : handlesFor(kind, size),
          selected,
          hidden: isHidden,
          draggable,
          selectable,
          connectable: false,
          deletable: false,
          ariaLabel: `${data.typeLabel} ${n.name}`.trim(),
          className: `weft-node weft-node--${kind}`,
          ...(kind === 'container' ? { zIndex: -1 } : {}),
          ...(parentId !== undefined ? { parentId } : {}),
        }
      }
      next.set(n.id, node)
      out.push(node)
    }
    this.nodes = next
    return out
  }
}

/** Edges with collapsed containers standing in for what they hide. Identity kept per edge. */
export class FlowEdgeBuilder {
  private edges = new Map<string, WeftEdge>()

  build(model: CanvasModel, collapsed: ReadonlySet<string>, readOnly: boolean): WeftEdge[] {
    const next = new Map<string, WeftEdge>()
    const out: WeftEdge[] = []
    for (const e of model.edges) {
      const source = visibleOwner(model, e.source, collapsed)
      const target = visibleOwner(model, e.target, collapsed)
      if (source === target) continue
      const lifted = source !== e.source || target !== e.target
      const targetParent = model.nodeById.get(target)?.parentId
      let sourceHandle = 'out'
      let targetHandle = 'in'
      if (e.kind === 'data' || e.kind === 'config') {
        sourceHandle = 'dout'
        targetHandle = 'din'
      } else if (e.kind === 'loop_back' && !lifted) {
        targetHandle = 'back'
      } else if (!lifted && targetParent === source) {
        sourceHandle = 'body'
      }
      const entry = e.kind === 'control' && !readOnly ? model.view.stepById(e.target) : undefined
      const insert: StepPlace | undefined =
        entry && !lifted
          ? { parentId: entry.parentId, slot: entry.slot, index: entry.index }
          : undefined
      const data: WeftEdgeData = {
        kind: e.kind,
        status: e.status,
        reason: e.reason,
        label: e.label,
        insert,
      }
      const prev = this.edges.get(e.id)
      let edge: WeftEdge
      if (
        prev &&
        prev.source === source &&
        prev.target === target &&
        prev.sourceHandle === sourceHandle &&
        prev.targetHandle === targetHandle &&
        prev.data !== undefined &&
        sameEdgeData(prev.data, data)
      ) {
        edge = prev
      } else {
        edge = {
          id: e.id,
          type: 'weft',
          source,
          target,
          sourceHandle,
          targetHandle,
          data,
          className: `weft-edge weft-edge--${e.kind} weft-edge--${e.status}`,
          markerEnd: {
            type: MarkerType.ArrowClosed,
            width: 16,
            height: 16,
            color:
              e.status === 'error'
                ? 'var(--weft-error, #d92d20)'
                : e.status === 'warning'
                  ? 'var(--weft-warning, #dc8a00)'
                  : e.kind === 'data' || e.kind === 'config'
                    ? 'var(--weft-data, #7a5af8)'
                    : 'var(--weft-edge, #8a8f98)',
          },
          selectable: e.kind === 'control',
          deletable: false,
          focusable: e.kind === 'control',
          ariaLabel: `${e.kind} edge from ${model.nodeById.get(source)?.name ?? source} to ${model.nodeById.get(target)?.name ?? target}${e.reason ? `: ${e.reason}` : ''}`,
        }
      }
      next.set(e.id, edge)
      out.push(edge)
    }
    this.edges = next
    return out
  }
}

function sameEdgeData(a: WeftEdgeData, b: WeftEdgeData): boolean {
  return (
    a.kind === b.kind &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.label === b.label &&
    a.insert?.parentId === b.insert?.parentId &&
    a.insert?.index === b.insert?.index &&
    JSON.stringify(a.insert?.slot) === JSON.stringify(b.insert?.slot)
  )
}
