/**
 * The public face of the format schemas: valibot schemas and TypeScript types for the whole
 * pipeline_ex YAML v2 format, gathered from the modules named after what they hold. They give
 * the well-typed shape (what Weft writes and the inspector edits) and allow unknown keys
 * everywhere, as pipeline_ex does; pipeline_ex's acceptance rule lives in the validation module.
 */
export type { Condition, ConditionAnd, ConditionNot, ConditionOr } from './condition.js'
export { ConditionSchema } from './condition.js'

export type {
  ClaudeContinuePromptPart,
  FilePromptPart,
  PreviousResponsePromptPart,
  Prompt,
  PromptPart,
  SessionContextPromptPart,
  StaticPromptPart,
} from './prompt.js'
export {
  ClaudeContinuePromptPartSchema,
  FilePromptPartSchema,
  PreviousResponsePromptPartSchema,
  PromptPartSchema,
  PromptSchema,
  SessionContextPromptPartSchema,
  StaticPromptPartSchema,
} from './prompt.js'

export type {
  Agent,
  ClaudeOptions,
  ClaudeRetryConfig,
  HookMatcher,
  McpServer,
  Preset,
} from './claude-options.js'
export {
  AgentSchema,
  ClaudeOptionsSchema,
  ClaudeRetryConfigSchema,
  HookMatcherSchema,
  McpServerSchema,
  PresetSchema,
  presetNames,
  streamHandlers,
} from './claude-options.js'

export type { GeminiFunction, GeminiFunctions, TokenBudget } from './gemini.js'
export { GeminiFunctionSchema, GeminiFunctionsSchema, TokenBudgetSchema } from './gemini.js'

export type { ClaudeAuth, CostAlerts, Defaults, Environment } from './workflow.js'
export {
  ClaudeAuthSchema,
  CostAlertsSchema,
  DefaultsSchema,
  EnvironmentSchema,
} from './workflow.js'

export type {
  BatchConfig,
  BatchTask,
  CheckpointStep,
  ClaudeBatchStep,
  ClaudeExtractStep,
  ClaudeRobustStep,
  ClaudeSessionStep,
  ClaudeSmartStep,
  ClaudeStep,
  CodebaseQueryStep,
  DataOperation,
  DataTransformStep,
  ExtractionConfig,
  FileOpsStep,
  FileValidation,
  ForLoopStep,
  GeminiInstructorStep,
  GeminiStep,
  InlinePipeline,
  InlineWorkflow,
  NestedPipelineConfig,
  ParallelClaudeStep,
  ParallelTask,
  PipelineOutput,
  PipelineStep,
  RejectedStep,
  RobustRetryConfig,
  SessionConfig,
  SetVariableStep,
  Step,
  StepType,
  Streaming,
  SwitchStep,
  TestEchoStep,
  WhileLoopStep,
} from './steps.js'
export {
  AggregateOperationSchema,
  BatchConfigSchema,
  BatchTaskSchema,
  CheckpointStepSchema,
  ClaudeBatchStepSchema,
  ClaudeExtractStepSchema,
  ClaudeRobustStepSchema,
  ClaudeSessionStepSchema,
  ClaudeSmartStepSchema,
  ClaudeStepSchema,
  CodebaseQueryStepSchema,
  DataOperationSchema,
  DataTransformStepSchema,
  ExtractionConfigSchema,
  FileOpsStepSchema,
  FileValidationSchema,
  FilterOperationSchema,
  ForLoopStepSchema,
  GeminiInstructorStepSchema,
  GeminiStepSchema,
  GroupByOperationSchema,
  InlinePipelineSchema,
  InlineWorkflowSchema,
  JoinOperationSchema,
  MapOperationSchema,
  NestedPipelineConfigSchema,
  ParallelClaudeStepSchema,
  ParallelTaskSchema,
  PipelineOutputSchema,
  PipelineStepSchema,
  RejectedStepSchema,
  RobustRetryConfigSchema,
  SessionConfigSchema,
  SetVariableStepSchema,
  SortOperationSchema,
  StepListSchema,
  StepSchema,
  StreamingSchema,
  SwitchStepSchema,
  TestEchoStepSchema,
  WhileLoopStepSchema,
  aggregateFunctions,
  backoffStrategies,
  extractionFormats,
  fileConversions,
  fileOperations,
  postProcessors,
  streamProcessors,
  variableScopes,
} from './steps.js'

export type { PipelineDocument, Workflow } from './document.js'
export { PipelineDocumentSchema, WorkflowSchema } from './document.js'
