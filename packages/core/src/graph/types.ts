/**
 * The graph the canvas draws for one pipeline file (format reference §22). Plain data, so the web
 * app can diff it between edits and hand it to React Flow without knowing the YAML.
 */
import type { Path } from '../diagnostics.js'

/** Step types drawn as a group around their children. `switch` is docs-only but still drawn. */
export type ContainerKind =
  | 'for_loop'
  | 'while_loop'
  | 'pipeline'
  | 'parallel_claude'
  | 'claude_batch'
  | 'switch'

export type GraphNodeKind =
  | 'step'
  | 'task'
  | 'loop_item'
  | 'function'
  | 'variable'
  | 'external_pipeline'

export interface GraphNode {
  /** `idOf(stepPath)` for steps; `task:<stepId>:<i>`, `loop:<containerId>`, `fn:<name>`, `var:<name>`, `global:<key>`, `config:<key>`, `file:<path>`, `ref:<name>` for the rest. */
  readonly id: string
  readonly kind: GraphNodeKind
  /** The step map (steps) or task map (tasks) this node stands for. */
  readonly stepPath?: Path
  /** The container node this node sits in. */
  readonly parentId?: string
  /** Set when this node is itself drawn as a container. */
  readonly container?: ContainerKind
  /** The step's `type`, when it is a string. */
  readonly type?: string
  /** The step name as a string; '' when missing or not a scalar. */
  readonly name: string
  /** One line for the node card. */
  readonly summary: string
  /** Position among its siblings (list index for steps and tasks; -1 for a loop's `loop` pseudo-node, which comes first). */
  readonly index: number
}

export type GraphEdgeKind = 'control' | 'loop_back' | 'fan_out' | 'data' | 'config'

export type EdgeStatus = 'valid' | 'warning' | 'error'

export interface GraphEdge {
  /** Deterministic: the same document always gives the same ids. */
  readonly id: string
  readonly source: string
  /** An unresolvable reference is an edge from the consumer to itself, so the node can carry the error. */
  readonly target: string
  readonly kind: GraphEdgeKind
  readonly label?: string
  readonly status: EdgeStatus
  /** Why the edge is a warning or an error, in the pipeline author's words. */
  readonly reason?: string
  /** The field that holds the reference (data edges). */
  readonly referencePath?: Path
}

export interface PipelineGraph {
  readonly nodes: readonly GraphNode[]
  readonly edges: readonly GraphEdge[]
}

export interface DeriveGraphOptions {
  /** Node id of the step map at `stepPath`. Default: the path joined with '.', e.g. `workflow.steps.0.steps.1`. */
  readonly idOf?: (stepPath: Path) => string
}
