/**
 * Collects nodes and edges while the graph is derived. Ids must be unique for React Flow, and
 * stable across re-derivations so the canvas keeps selection and layout; a clash (two references
 * in one field) gets a `~n` suffix in document order, which is deterministic.
 */
import type { Path } from '../diagnostics.js'
import type { EdgeStatus, GraphEdge, GraphEdgeKind, GraphNode } from './types.js'

export interface EdgeInput {
  readonly source: string
  readonly target: string
  readonly kind: GraphEdgeKind
  readonly label?: string | undefined
  readonly status?: EdgeStatus
  readonly reason?: string | undefined
  readonly referencePath?: Path | undefined
}

export class GraphSink {
  readonly nodes: GraphNode[] = []
  readonly edges: GraphEdge[] = []
  private readonly nodeIds = new Set<string>()
  private readonly edgeIds = new Set<string>()

  hasNode(id: string): boolean {
    return this.nodeIds.has(id)
  }

  /** Adds the node unless one with its id exists; returns false when it was already there. */
  addNode(node: GraphNode): boolean {
    if (this.nodeIds.has(node.id)) return false
    this.nodeIds.add(node.id)
    this.nodes.push(node)
    return true
  }

  addEdge(key: string, e: EdgeInput): GraphEdge {
    let id = key
    for (let n = 2; this.edgeIds.has(id); n++) id = `${key}~${n}`
    this.edgeIds.add(id)
    const status = e.status ?? 'valid'
    const edge: GraphEdge = {
      id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      status,
      ...(e.label !== undefined && e.label !== '' ? { label: e.label } : {}),
      ...(status !== 'valid' && e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.referencePath !== undefined ? { referencePath: e.referencePath } : {}),
    }
    this.edges.push(edge)
    return edge
  }
}
