/**
 * The canvas's reading of a pipeline document: `readPipeline` + `deriveGraph` with node ids that
 * are the document's step ids (so selection, positions and presence survive every edit), plus
 * the indexes the canvas needs (children per container, step values, self-edge problems).
 *
 * Pure: a function of the Y.Doc state. Rebuilt only when the pipeline itself changes, never when
 * only the layout map does.
 */
import type * as Y from 'yjs'
import {
  deriveGraph,
  readPipeline,
  type EdgeStatus,
  type GraphEdge,
  type GraphNode,
  type PipelineView,
  type StepEntry,
} from '@weft/core'

export type Path = readonly (string | number)[]

export interface NodeProblem {
  readonly status: Exclude<EdgeStatus, 'valid'>
  readonly reason: string
  readonly label?: string
}

export interface CanvasModel {
  readonly view: PipelineView
  /** Graph nodes, parents before their children. */
  readonly nodes: readonly GraphNode[]
  readonly nodeById: ReadonlyMap<string, GraphNode>
  /** Child nodes of each container ('' for the top level), in drawing order. */
  readonly children: ReadonlyMap<string, readonly GraphNode[]>
  /** Edges between two different nodes. */
  readonly edges: readonly GraphEdge[]
  /** Unresolvable references (core draws them as an edge from a node to itself) per node. */
  readonly problems: ReadonlyMap<string, readonly NodeProblem[]>
  /** True for ids of real steps (records in the document, which ops can move, rename, delete). */
  isStep(id: string): boolean
  /** The plain YAML value of a step (or task) node. */
  valueOf(id: string): unknown
  /** Every step name in the pipeline. */
  readonly names: ReadonlySet<string>
}

export const ROOT = ''

export function getIn(value: unknown, path: Path): unknown {
  let cur = value
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[k]
  }
  return cur
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function deriveModel(doc: Y.Doc): CanvasModel {
  return modelFromView(readPipeline(doc))
}

export function modelFromView(view: PipelineView): CanvasModel {
  const graph = deriveGraph(view.value, {
    idOf: (path) => view.idAt(path) ?? `path:${path.join('.')}`,
  })
  const nodeById = new Map<string, GraphNode>()
  for (const n of graph.nodes) nodeById.set(n.id, n)

  // Parents first (React Flow needs it), keeping core's order otherwise.
  const nodes: GraphNode[] = []
  const placed = new Set<string>()
  const place = (n: GraphNode, depth = 0): void => {
    if (placed.has(n.id) || depth > 64) return
    const parent = n.parentId === undefined ? undefined : nodeById.get(n.parentId)
    if (parent) place(parent, depth + 1)
    placed.add(n.id)
    nodes.push(n)
  }
  for (const n of graph.nodes) place(n)

  const children = new Map<string, GraphNode[]>()
  for (const n of nodes) {
    const parent = n.parentId !== undefined && nodeById.has(n.parentId) ? n.parentId : ROOT
    let list = children.get(parent)
    if (!list) children.set(parent, (list = []))
    list.push(n)
  }

  const edges: GraphEdge[] = []
  const problems = new Map<string, NodeProblem[]>()
  for (const e of graph.edges) {
    if (e.source !== e.target) {
      edges.push(e)
      continue
    }
    if (e.status === 'valid') continue
    let list = problems.get(e.source)
    if (!list) problems.set(e.source, (list = []))
    list.push({
      status: e.status,
      reason: e.reason ?? 'This reference cannot be resolved.',
      ...(e.label !== undefined ? { label: e.label } : {}),
    })
  }

  const names = new Set<string>()
  for (const s of view.steps) {
    const v = getIn(view.value, s.path)
    if (isRecord(v) && typeof v.name === 'string') names.add(v.name)
  }

  return {
    view,
    nodes,
    nodeById,
    children,
    edges,
    problems,
    names,
    isStep: (id) => view.stepById(id) !== undefined,
    valueOf: (id) => {
      const n = nodeById.get(id)
      return n?.stepPath === undefined ? undefined : getIn(view.value, n.stepPath)
    },
  }
}

/** Ids of `ids` that are steps and have no selected ancestor, in document order. */
export function topMostSteps(model: CanvasModel, ids: Iterable<string>): StepEntry[] {
  const set = new Set(ids)
  const out: StepEntry[] = []
  for (const s of model.view.steps) {
    if (!set.has(s.id)) continue
    let p = s.parentId
    let covered = false
    while (p !== ROOT) {
      if (set.has(p)) {
        covered = true
        break
      }
      p = model.view.stepById(p)?.parentId ?? ROOT
    }
    if (!covered) out.push(s)
  }
  return out
}

/** Step containers that hold steps (loops, inline pipelines, switch) as opposed to tasks. */
export function holdsSteps(node: GraphNode | undefined): boolean {
  const c = node?.container
  return c === 'for_loop' || c === 'while_loop' || c === 'pipeline' || c === 'switch'
}

/** Ancestors of a node, nearest first. */
export function ancestors(model: CanvasModel, id: string): string[] {
  const out: string[] = []
  let cur = model.nodeById.get(id)?.parentId
  while (cur !== undefined && cur !== ROOT && out.length < 64) {
    out.push(cur)
    cur = model.nodeById.get(cur)?.parentId
  }
  return out
}
