/**
 * Step schemas (reference §§5-7, 14, 15): one loose object per step type, joined into the
 * `type`-discriminated `StepSchema`. Steps nest (loop bodies, inline child pipelines, switch
 * cases), so the one recursive edge, a list of steps, is a lazily resolved schema.
 *
 * These describe the well-typed shape Weft writes and the inspector edits, not pipeline_ex's
 * acceptance rule: a key is required here only when pipeline_ex's loader requires it (name,
 * type, the prompt of prompt-requiring types, `parallel_tasks`). Keys that only the runtime
 * requires (a loop's `iterator`, `data_source`, `steps`; `input_source`; a file operation) stay
 * optional so that a step being built in the editor still has a type; the catalogue marks them
 * `required: 'runtime'` and the validation module reports them.
 */
import * as v from 'valibot'
import { ClaudeOptionsSchema, PresetSchema } from './claude-options.js'
import { ConditionSchema } from './condition.js'
import { TokenBudgetSchema } from './gemini.js'
import { PromptPartSchema, PromptSchema } from './prompt.js'
import { workflowSettingsEntries } from './workflow.js'

/** The output type of `v.looseObject(entries)`, without building a schema just for its type. */
type LooseOutput<E extends v.ObjectEntries> = v.InferOutput<v.LooseObjectSchema<E, undefined>>

const PositiveIntegerSchema = v.pipe(v.number(), v.integer(), v.minValue(1))
const NonNegativeIntegerSchema = v.pipe(v.number(), v.integer(), v.minValue(0))
const JsonMapSchema = v.record(v.string(), v.unknown())

/**
 * Steps nest, and TypeScript cannot infer a type from an initializer that mentions itself. So
 * the one recursive edge, a list of steps, is annotated, and the types that contain it
 * (`ForLoopStep`, `WhileLoopStep`, `PipelineStep`, `InlineWorkflow`, `SwitchStep`) are
 * interfaces over their non-recursive parts; `schemaMatchesType` below keeps both in step.
 * The input type is `unknown[]` because nothing needs a circular input type.
 */
export const StepListSchema: v.GenericSchema<unknown[], Step[]> = v.lazy(() => v.array(StepSchema))

export const StreamingSchema = v.looseObject({ enabled: v.optional(v.boolean()) })

/** §5: the keys every step may carry. */
const commonEntries = {
  name: v.string(),
  condition: v.optional(ConditionSchema),
  output_to_file: v.optional(v.string()),
  streaming: v.optional(StreamingSchema),
  description: v.optional(v.string()),
  role: v.optional(v.string()),
  output_schema: v.optional(JsonMapSchema),
}

// --- LLM steps -------------------------------------------------------------------------------

export const GeminiStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('gemini'),
  prompt: PromptSchema,
  model: v.optional(v.string()),
  token_budget: v.optional(TokenBudgetSchema),
  functions: v.optional(v.array(v.string())),
  tools: v.optional(v.array(v.unknown())),
  timeout_ms: v.optional(PositiveIntegerSchema),
})

export const ClaudeStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude'),
  prompt: PromptSchema,
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const ClaudeSmartStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude_smart'),
  prompt: PromptSchema,
  preset: v.optional(PresetSchema),
  environment_aware: v.optional(v.boolean()),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const SessionConfigSchema = v.looseObject({
  session_name: v.optional(v.string()),
  persist: v.optional(v.boolean()),
  continue_on_restart: v.optional(v.boolean()),
  checkpoint_frequency: v.optional(PositiveIntegerSchema),
  description: v.optional(v.string()),
})

export const ClaudeSessionStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude_session'),
  prompt: PromptSchema,
  session_config: v.optional(SessionConfigSchema),
  preset: v.optional(PresetSchema),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const extractionFormats = ['text', 'json', 'structured', 'summary', 'markdown'] as const
export const postProcessors = [
  'extract_code_blocks',
  'extract_recommendations',
  'extract_links',
  'extract_key_points',
  'format_markdown',
  'generate_summary',
] as const

export const ExtractionConfigSchema = v.looseObject({
  use_content_extractor: v.optional(v.boolean()),
  format: v.optional(v.picklist(extractionFormats)),
  // Unknown post-processors are logged and skipped at run time, so a plain string list.
  post_processing: v.optional(v.array(v.string())),
  max_summary_length: v.optional(PositiveIntegerSchema),
  include_metadata: v.optional(v.boolean()),
})

export const ClaudeExtractStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude_extract'),
  prompt: PromptSchema,
  preset: v.optional(PresetSchema),
  extraction_config: v.optional(ExtractionConfigSchema),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const BatchConfigSchema = v.looseObject({
  max_parallel: v.optional(PositiveIntegerSchema),
  timeout_per_task: v.optional(PositiveIntegerSchema),
  consolidate_results: v.optional(v.boolean()),
})

/** A batch task's `prompt` may be a plain string, unlike every other prompt (§7.6). */
export const BatchTaskSchema = v.looseObject({
  task_id: v.optional(v.string()),
  prompt: v.optional(v.union([v.string(), v.array(PromptPartSchema)])),
  file: v.optional(v.string()),
})

export const ClaudeBatchStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude_batch'),
  prompt: v.optional(PromptSchema),
  tasks: v.optional(v.array(BatchTaskSchema)),
  batch_config: v.optional(BatchConfigSchema),
  preset: v.optional(PresetSchema),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const backoffStrategies = ['linear', 'exponential', 'fixed'] as const

export const RobustRetryConfigSchema = v.looseObject({
  max_retries: v.optional(NonNegativeIntegerSchema),
  base_delay_ms: v.optional(NonNegativeIntegerSchema),
  backoff_strategy: v.optional(v.picklist(backoffStrategies)),
  retry_conditions: v.optional(v.array(v.string())),
  // Unknown actions degrade gracefully at run time, so any string is well-typed.
  fallback_action: v.optional(v.string()),
})

export const ClaudeRobustStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('claude_robust'),
  prompt: PromptSchema,
  preset: v.optional(PresetSchema),
  retry_config: v.optional(RobustRetryConfigSchema),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const ParallelTaskSchema = v.looseObject({
  id: v.string(),
  prompt: v.optional(PromptSchema),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const ParallelClaudeStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('parallel_claude'),
  parallel_tasks: v.array(ParallelTaskSchema),
  prompt: v.optional(PromptSchema),
})

export const GeminiInstructorStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('gemini_instructor'),
  prompt: PromptSchema,
  model: v.optional(v.string()),
  timeout_ms: v.optional(PositiveIntegerSchema),
  functions: v.optional(v.array(v.string())),
})

// --- State and control flow ------------------------------------------------------------------

export const variableScopes = ['global', 'session', 'loop'] as const

export const SetVariableStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('set_variable'),
  variables: v.optional(JsonMapSchema),
  scope: v.optional(v.picklist(variableScopes)),
})

const forLoopEntries = {
  ...commonEntries,
  type: v.literal('for_loop'),
  iterator: v.optional(v.string()),
  data_source: v.optional(v.string()),
  parallel: v.optional(v.boolean()),
  max_parallel: v.optional(PositiveIntegerSchema),
  break_on_error: v.optional(v.boolean()),
  break_condition: v.optional(ConditionSchema),
  continue_condition: v.optional(ConditionSchema),
  batch_size: v.optional(PositiveIntegerSchema),
}
export interface ForLoopStep extends LooseOutput<typeof forLoopEntries> {
  steps?: Step[] | undefined
}
export const ForLoopStepSchema = v.looseObject({
  ...forLoopEntries,
  steps: v.optional(StepListSchema),
})

const whileLoopEntries = {
  ...commonEntries,
  type: v.literal('while_loop'),
  max_iterations: v.optional(PositiveIntegerSchema),
}
export interface WhileLoopStep extends LooseOutput<typeof whileLoopEntries> {
  steps?: Step[] | undefined
}
export const WhileLoopStepSchema = v.looseObject({
  ...whileLoopEntries,
  steps: v.optional(StepListSchema),
})

// --- Data and files --------------------------------------------------------------------------

export const aggregateFunctions = [
  'sum',
  'average',
  'count',
  'max',
  'min',
  'first',
  'last',
  'unique',
] as const

export const FilterOperationSchema = v.looseObject({
  operation: v.literal('filter'),
  field: v.optional(v.string()),
  condition: v.string(),
})
export const MapOperationSchema = v.looseObject({
  operation: v.literal('map'),
  field: v.optional(v.string()),
  mapping: v.optional(JsonMapSchema),
  expression: v.optional(v.picklist(['uppercase', 'lowercase'])),
})
export const AggregateOperationSchema = v.looseObject({
  operation: v.literal('aggregate'),
  field: v.optional(v.string()),
  function: v.optional(v.picklist(aggregateFunctions)),
})
export const JoinOperationSchema = v.looseObject({
  operation: v.literal('join'),
  left_field: v.optional(v.string()),
  right_source: v.string(),
  join_key: v.string(),
})
export const GroupByOperationSchema = v.looseObject({
  operation: v.literal('group_by'),
  field: v.string(),
})
export const SortOperationSchema = v.looseObject({
  operation: v.literal('sort'),
  field: v.string(),
  order: v.optional(v.picklist(['asc', 'desc'])),
})

/** An operation is identified by its `operation` key; any other value fails the step (§7.13). */
export const DataOperationSchema = v.variant('operation', [
  FilterOperationSchema,
  MapOperationSchema,
  AggregateOperationSchema,
  JoinOperationSchema,
  GroupByOperationSchema,
  SortOperationSchema,
])

export const DataTransformStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('data_transform'),
  input_source: v.optional(v.string()),
  operations: v.optional(v.array(DataOperationSchema)),
  output_field: v.optional(v.string()),
  output_format: v.optional(v.picklist(['json', 'string', 'count'])),
  lazy: v.optional(v.looseObject({ enabled: v.optional(v.boolean()) })),
})

export const fileOperations = [
  'copy',
  'move',
  'delete',
  'validate',
  'list',
  'convert',
  'stream_copy',
  'stream_process',
] as const
/** Only these conversions work; `json_to_yaml`, `xml_to_json` and `json_to_xml` error at run time. */
export const fileConversions = ['csv_to_json', 'json_to_csv', 'yaml_to_json'] as const
export const streamProcessors = ['identity', 'uppercase', 'lowercase', 'trim', 'replace'] as const

export const FileValidationSchema = v.looseObject({
  path: v.string(),
  must_exist: v.optional(v.boolean()),
  must_be_file: v.optional(v.boolean()),
  must_be_dir: v.optional(v.boolean()),
  min_size: v.optional(NonNegativeIntegerSchema),
  max_size: v.optional(NonNegativeIntegerSchema),
  must_be_readable: v.optional(v.boolean()),
  must_be_writable: v.optional(v.boolean()),
})

/**
 * One flat object rather than a variant over `operation`: the operation is only required at
 * run time, and its keys overlap (`pattern` serves both `list` and `stream_process`).
 */
export const FileOpsStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('file_ops'),
  operation: v.optional(v.picklist(fileOperations)),
  source: v.optional(v.string()),
  destination: v.optional(v.string()),
  path: v.optional(v.string()),
  pattern: v.optional(v.string()),
  files: v.optional(v.array(FileValidationSchema)),
  format: v.optional(v.picklist(fileConversions)),
  processor: v.optional(v.picklist(streamProcessors)),
  replacement: v.optional(v.string()),
})

// --- Nested pipelines ------------------------------------------------------------------------

/** An inline child needs only a `steps` list (§15.1); its `name` is optional. */
const inlineWorkflowEntries = {
  name: v.optional(v.string()),
  ...workflowSettingsEntries,
}
export interface InlineWorkflow extends LooseOutput<typeof inlineWorkflowEntries> {
  steps: Step[]
}
export const InlineWorkflowSchema = v.looseObject({
  ...inlineWorkflowEntries,
  steps: StepListSchema,
})

/** Used as-is when it has a `workflow` key, otherwise taken to be the workflow itself. */
export type InlinePipeline = { workflow: InlineWorkflow; [key: string]: unknown } | InlineWorkflow
export const InlinePipelineSchema = v.union([
  v.looseObject({ workflow: InlineWorkflowSchema }),
  InlineWorkflowSchema,
])

export const PipelineOutputSchema = v.union([
  v.string(),
  v.looseObject({ path: v.string(), as: v.optional(v.string()) }),
])

export const NestedPipelineConfigSchema = v.looseObject({
  inherit_context: v.optional(v.boolean()),
  max_depth: v.optional(PositiveIntegerSchema),
  max_total_steps: v.optional(PositiveIntegerSchema),
  memory_limit_mb: v.optional(v.pipe(v.number(), v.minValue(0))),
  timeout_seconds: v.optional(v.pipe(v.number(), v.minValue(0))),
  workspace_enabled: v.optional(v.boolean()),
  cleanup_on_error: v.optional(v.boolean()),
})

const pipelineStepEntries = {
  ...commonEntries,
  type: v.literal('pipeline'),
  pipeline_file: v.optional(v.string()),
  pipeline_ref: v.optional(v.string()),
  inputs: v.optional(JsonMapSchema),
  outputs: v.optional(v.array(PipelineOutputSchema)),
  config: v.optional(NestedPipelineConfigSchema),
}
export interface PipelineStep extends LooseOutput<typeof pipelineStepEntries> {
  pipeline?: InlinePipeline | undefined
}
export const PipelineStepSchema = v.looseObject({
  ...pipelineStepEntries,
  pipeline: v.optional(InlinePipelineSchema),
})

// --- Test-only and rejected types ------------------------------------------------------------

export const TestEchoStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('test_echo'),
  value: v.optional(v.unknown()),
  fail: v.optional(v.boolean()),
  error_message: v.optional(v.string()),
})

const switchEntries = {
  ...commonEntries,
  type: v.literal('switch'),
  expression: v.optional(v.string()),
}
export interface SwitchStep extends LooseOutput<typeof switchEntries> {
  cases?: Record<string, Step[]> | undefined
  default?: Step[] | undefined
}
export const SwitchStepSchema = v.looseObject({
  ...switchEntries,
  cases: v.optional(v.record(v.string(), StepListSchema)),
  default: v.optional(StepListSchema),
})

export const CheckpointStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('checkpoint'),
  state: v.optional(JsonMapSchema),
  checkpoint_name: v.optional(v.string()),
  include_workspace: v.optional(v.boolean()),
  compress: v.optional(v.boolean()),
  action: v.optional(v.string()),
})

export const CodebaseQueryStepSchema = v.looseObject({
  ...commonEntries,
  type: v.literal('codebase_query'),
  queries: v.optional(v.record(v.string(), v.unknown())),
  codebase_context: v.optional(v.boolean()),
  workspace_dir: v.optional(v.string()),
})

/**
 * The 15 types pipeline_ex's loader accepts plus `test_echo` (accepted in its test env), in the
 * loader's order. The documented-but-rejected types are in `RejectedStepSchema` instead, so a
 * `Step` is always something pipeline_ex can at least dispatch.
 */
export const StepSchema = v.variant('type', [
  TestEchoStepSchema,
  SetVariableStepSchema,
  ClaudeStepSchema,
  GeminiStepSchema,
  ParallelClaudeStepSchema,
  GeminiInstructorStepSchema,
  ClaudeSmartStepSchema,
  ClaudeSessionStepSchema,
  ClaudeExtractStepSchema,
  ClaudeBatchStepSchema,
  ClaudeRobustStepSchema,
  ForLoopStepSchema,
  WhileLoopStepSchema,
  DataTransformStepSchema,
  FileOpsStepSchema,
  PipelineStepSchema,
])

/** Step types the pipeline_ex docs describe but its loader rejects (§6.2). */
export const RejectedStepSchema = v.variant('type', [
  SwitchStepSchema,
  CheckpointStepSchema,
  CodebaseQueryStepSchema,
])

export type Streaming = v.InferOutput<typeof StreamingSchema>
export type GeminiStep = v.InferOutput<typeof GeminiStepSchema>
export type ClaudeStep = v.InferOutput<typeof ClaudeStepSchema>
export type ClaudeSmartStep = v.InferOutput<typeof ClaudeSmartStepSchema>
export type SessionConfig = v.InferOutput<typeof SessionConfigSchema>
export type ClaudeSessionStep = v.InferOutput<typeof ClaudeSessionStepSchema>
export type ExtractionConfig = v.InferOutput<typeof ExtractionConfigSchema>
export type ClaudeExtractStep = v.InferOutput<typeof ClaudeExtractStepSchema>
export type BatchConfig = v.InferOutput<typeof BatchConfigSchema>
export type BatchTask = v.InferOutput<typeof BatchTaskSchema>
export type ClaudeBatchStep = v.InferOutput<typeof ClaudeBatchStepSchema>
export type RobustRetryConfig = v.InferOutput<typeof RobustRetryConfigSchema>
export type ClaudeRobustStep = v.InferOutput<typeof ClaudeRobustStepSchema>
export type ParallelTask = v.InferOutput<typeof ParallelTaskSchema>
export type ParallelClaudeStep = v.InferOutput<typeof ParallelClaudeStepSchema>
export type GeminiInstructorStep = v.InferOutput<typeof GeminiInstructorStepSchema>
export type SetVariableStep = v.InferOutput<typeof SetVariableStepSchema>
export type DataOperation = v.InferOutput<typeof DataOperationSchema>
export type DataTransformStep = v.InferOutput<typeof DataTransformStepSchema>
export type FileValidation = v.InferOutput<typeof FileValidationSchema>
export type FileOpsStep = v.InferOutput<typeof FileOpsStepSchema>
export type PipelineOutput = v.InferOutput<typeof PipelineOutputSchema>
export type NestedPipelineConfig = v.InferOutput<typeof NestedPipelineConfigSchema>
export type TestEchoStep = v.InferOutput<typeof TestEchoStepSchema>
export type CheckpointStep = v.InferOutput<typeof CheckpointStepSchema>
export type CodebaseQueryStep = v.InferOutput<typeof CodebaseQueryStepSchema>
/** Spelled out rather than inferred from `StepSchema`, which would make the type circular. */
export type Step =
  | TestEchoStep
  | SetVariableStep
  | ClaudeStep
  | GeminiStep
  | ParallelClaudeStep
  | GeminiInstructorStep
  | ClaudeSmartStep
  | ClaudeSessionStep
  | ClaudeExtractStep
  | ClaudeBatchStep
  | ClaudeRobustStep
  | ForLoopStep
  | WhileLoopStep
  | DataTransformStep
  | FileOpsStep
  | PipelineStep
export type RejectedStep = SwitchStep | CheckpointStep | CodebaseQueryStep
export type StepType = Step['type']

/**
 * Compile-time proof that each schema's output is exactly its hand-written type, so the two
 * cannot drift apart (a mismatch in either direction fails `tsc`).
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Assert<T extends true> = T
type _SchemaMatchesType = [
  Assert<Same<v.InferOutput<typeof ForLoopStepSchema>, ForLoopStep>>,
  Assert<Same<v.InferOutput<typeof WhileLoopStepSchema>, WhileLoopStep>>,
  Assert<Same<v.InferOutput<typeof InlinePipelineSchema>, InlinePipeline>>,
  Assert<Same<v.InferOutput<typeof PipelineStepSchema>, PipelineStep>>,
  Assert<Same<v.InferOutput<typeof SwitchStepSchema>, SwitchStep>>,
  Assert<Same<v.InferOutput<typeof StepSchema>, Step>>,
  Assert<Same<v.InferOutput<typeof RejectedStepSchema>, RejectedStep>>,
]
