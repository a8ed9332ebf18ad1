/**
 * @weft/core: the pipeline_ex YAML v2 format, read, validated and written exactly as pipeline_ex
 * does, and projected to and from a Yjs document. Pure: no I/O, DOM, Node APIs or timers.
 *
 * Every export is listed by name; `index.test.ts` snapshots the list so that the public surface
 * only changes on purpose.
 */

// diagnostics
export type { Diagnostic, Path, Severity, SourcePosition } from './diagnostics.js'
export { compareDiagnostics, pathToString } from './diagnostics.js'

// yaml
export type { YamlSource } from './yaml/read.js'
export { readYaml, yamlCodes } from './yaml/read.js'
export { formatYaml } from './yaml/format.js'

// format (begin)
// format (end)

// validation (begin)
// validation (end)

// projection (begin)
export type { ImportOptions, ImportResult } from './projection/import.js'
export { createPipeline, importYaml } from './projection/import.js'
export { exportYaml } from './projection/export.js'
export type { PipelineView, StepEntry } from './projection/read.js'
export { readPipeline } from './projection/read.js'
export { docKeys, isPipelineDoc, ROOT_ID, SCHEMA_VERSION } from './projection/shape.js'
export type { OpErrorCode, OpOptions, OpResult, Position, StepPlace } from './projection/ops.js'
export {
  addStep,
  duplicateStep,
  getStepPosition,
  getStepText,
  moveStep,
  opErrorCodes,
  removeStep,
  renameStep,
  setPipelineValue,
  setStepField,
  setStepPosition,
} from './projection/ops.js'
// projection (end)

// graph (begin)
export type {
  ContainerKind,
  DeriveGraphOptions,
  EdgeStatus,
  GraphEdge,
  GraphEdgeKind,
  GraphNode,
  GraphNodeKind,
  PipelineGraph,
} from './graph/index.js'
export { deriveGraph } from './graph/index.js'
// graph (end)
