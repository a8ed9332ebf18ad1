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
export type {
  Agent,
  BatchConfig,
  BatchTask,
  CheckpointStep,
  ClaudeAuth,
  ClaudeBatchStep,
  ClaudeContinuePromptPart,
  ClaudeExtractStep,
  ClaudeOptions,
  ClaudeRetryConfig,
  ClaudeRobustStep,
  ClaudeSessionStep,
  ClaudeSmartStep,
  ClaudeStep,
  CodebaseQueryStep,
  Condition,
  ConditionAnd,
  ConditionNot,
  ConditionOr,
  CostAlerts,
  DataOperation,
  DataTransformStep,
  Defaults,
  Environment,
  ExtractionConfig,
  FileOpsStep,
  FilePromptPart,
  FileValidation,
  ForLoopStep,
  GeminiFunction,
  GeminiFunctions,
  GeminiInstructorStep,
  GeminiStep,
  HookMatcher,
  InlinePipeline,
  InlineWorkflow,
  McpServer,
  NestedPipelineConfig,
  ParallelClaudeStep,
  ParallelTask,
  PipelineDocument,
  PipelineOutput,
  PipelineStep,
  Preset,
  PreviousResponsePromptPart,
  Prompt,
  PromptPart,
  RejectedStep,
  RobustRetryConfig,
  SessionConfig,
  SessionContextPromptPart,
  SetVariableStep,
  StaticPromptPart,
  Step,
  StepType,
  Streaming,
  SwitchStep,
  TestEchoStep,
  TokenBudget,
  WhileLoopStep,
  Workflow,
} from './format/schema.js'
export {
  AgentSchema,
  aggregateFunctions,
  AggregateOperationSchema,
  backoffStrategies,
  BatchConfigSchema,
  BatchTaskSchema,
  CheckpointStepSchema,
  ClaudeAuthSchema,
  ClaudeBatchStepSchema,
  ClaudeContinuePromptPartSchema,
  ClaudeExtractStepSchema,
  ClaudeOptionsSchema,
  ClaudeRetryConfigSchema,
  ClaudeRobustStepSchema,
  ClaudeSessionStepSchema,
  ClaudeSmartStepSchema,
  ClaudeStepSchema,
  CodebaseQueryStepSchema,
  ConditionSchema,
  CostAlertsSchema,
  DataOperationSchema,
  DataTransformStepSchema,
  DefaultsSchema,
  EnvironmentSchema,
  ExtractionConfigSchema,
  extractionFormats,
  fileConversions,
  fileOperations,
  FileOpsStepSchema,
  FilePromptPartSchema,
  FileValidationSchema,
  FilterOperationSchema,
  ForLoopStepSchema,
  GeminiFunctionSchema,
  GeminiFunctionsSchema,
  GeminiInstructorStepSchema,
  GeminiStepSchema,
  GroupByOperationSchema,
  HookMatcherSchema,
  InlinePipelineSchema,
  InlineWorkflowSchema,
  JoinOperationSchema,
  MapOperationSchema,
  McpServerSchema,
  NestedPipelineConfigSchema,
  ParallelClaudeStepSchema,
  ParallelTaskSchema,
  PipelineDocumentSchema,
  PipelineOutputSchema,
  PipelineStepSchema,
  postProcessors,
  presetNames,
  PresetSchema,
  PreviousResponsePromptPartSchema,
  PromptPartSchema,
  PromptSchema,
  RejectedStepSchema,
  RobustRetryConfigSchema,
  SessionConfigSchema,
  SessionContextPromptPartSchema,
  SetVariableStepSchema,
  SortOperationSchema,
  StaticPromptPartSchema,
  StepListSchema,
  StepSchema,
  streamHandlers,
  StreamingSchema,
  streamProcessors,
  SwitchStepSchema,
  TestEchoStepSchema,
  TokenBudgetSchema,
  variableScopes,
  WhileLoopStepSchema,
  WorkflowSchema,
} from './format/schema.js'
export type {
  FieldKind,
  FieldSpec,
  PromptPartSpec,
  StepAcceptance,
  StepTypeSpec,
} from './format/catalogue.js'
export {
  acceptedStepTypes,
  claudeOptionFields,
  getStepType,
  knownKeys,
  loopBodyTypes,
  promptPartCatalogue,
  promptRequiredTypes,
  stepCatalogue,
  workflowFields,
} from './format/catalogue.js'
// format (end)

// validation (begin)
export type { Reference, ReferenceKind, ReferenceScope } from './references/index.js'
export { findReferences, stepPaths } from './references/index.js'
export type { RuleInfo, ValidateOptions, ValidationResult } from './validation/index.js'
export { validateSource, validateYaml, validationRules } from './validation/index.js'
// validation (end)

// projection (begin)
export type { ImportOptions, ImportResult } from './projection/import.js'
export { createPipeline, importYaml } from './projection/import.js'
export type { EditResult } from './projection/edit.js'
export { applyYamlEdit } from './projection/edit.js'
export { exportYaml } from './projection/export.js'
export type { PipelineView, StepEntry } from './projection/read.js'
export { readPipeline } from './projection/read.js'
export { docKeys, isPipelineDoc, ROOT_ID, SCHEMA_VERSION } from './projection/shape.js'
export type {
  OpErrorCode,
  OpOptions,
  OpResult,
  Position,
  StepNote,
  StepPlace,
} from './projection/ops.js'
export {
  addStep,
  addStepNote,
  getStepNotes,
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
export type {
  CommentAuthor,
  CommentThread,
  NewComment,
  NewThread,
  NoteErrorCode,
  NoteOptions,
  NoteResult,
  ThreadComment,
} from './projection/notes.js'
export {
  addThread,
  deleteComment,
  editComment,
  getThread,
  listThreads,
  noteErrorCodes,
  openThreadCounts,
  replyToThread,
  setThreadResolved,
  threadsForStep,
} from './projection/notes.js'
// projection (end)

// diff (begin)
export type { DiffHunk, DiffLine, DiffLineKind, LineDiff, LineDiffOptions } from './diff/lines.js'
export { diffLines, formatUnifiedDiff, hunkHeader, splitLines } from './diff/lines.js'
// diff (end)

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

// Tags (Weft's own labels on a pipeline; the server keeps them, both apps check them)
export type { TagsResult } from './tags/index.js'
export { checkTags, MAX_TAG_LENGTH, MAX_TAGS, normalizeTag, tagProblem } from './tags/index.js'
