/** Graph derivation for the canvas: nodes, containers and edges of a pipeline file (§22). */
export type {
  ContainerKind,
  DeriveGraphOptions,
  EdgeStatus,
  GraphEdge,
  GraphEdgeKind,
  GraphNode,
  GraphNodeKind,
  PipelineGraph,
} from './types.js'
export { deriveGraph } from './derive.js'
