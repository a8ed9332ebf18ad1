/**
 * Every diagnostic code `validate` can emit, with its usual severity, a one-line summary and the
 * section of the format reference it comes from. Codes are stable API.
 */
import type { Severity } from '../diagnostics.js'
import { yamlCodes } from '../yaml/read.js'
import { lintCodes } from './lint.js'
import { loaderCodes } from './loader.js'

export interface RuleInfo {
  readonly code: string
  readonly severity: Severity
  readonly summary: string
  /** Section of the format reference, e.g. '§17.1'. */
  readonly reference: string
}

const L = loaderCodes
const W = lintCodes
const Y = yamlCodes

const rule = (code: string, severity: Severity, reference: string, summary: string): RuleInfo => ({
  code,
  severity,
  summary,
  reference,
})

export const validationRules: readonly RuleInfo[] = [
  // YAML layer (reported by readYaml, included in every result)
  rule(Y.syntax, 'error', '§2.5', 'The text is not YAML pipeline_ex can parse'),
  rule(Y.nullKey, 'error', '§2.2', 'A null mapping key makes pipeline_ex reject the file'),
  rule(Y.tabIndent, 'error', '§0.1', 'Tab indentation: pipeline_ex may misread or reject the file'),
  rule(Y.duplicateKey, 'warning', '§2.2', 'Repeated key: pipeline_ex keeps the first'),
  rule(Y.mergeKey, 'warning', '§2.2', '`<<` merge keys are not merged'),
  rule(Y.flowAlias, 'warning', '§2.3', 'Alias of a flow collection reads as its first scalar'),
  rule(Y.multiDocument, 'warning', '§2.4', 'Only the last YAML document is used'),
  rule(Y.nonStringKey, 'warning', '§2.2', 'Non-string keys are invisible to pipeline_ex'),
  rule(Y.warning, 'warning', '§2', 'Other YAML parser warning'),
  // Loader (pipeline_ex's verdict)
  rule(L.missingWorkflow, 'error', '§17.1', 'No `workflow` section (or the file is empty)'),
  rule(L.rootNotMap, 'error', '§3', 'The document is a list or scalar: pipeline_ex crashes'),
  rule(L.workflowNotMap, 'error', '§3', '`workflow` is a string or list: pipeline_ex crashes'),
  rule(L.missingWorkflowName, 'error', '§17.1', 'The workflow has no `name`'),
  rule(L.missingSteps, 'error', '§17.1', '`steps` is missing or not a list'),
  rule(L.emptySteps, 'error', '§17.1', '`steps` is empty'),
  rule(L.functionsNotMap, 'error', '§10.2', '`gemini_functions` is not a map'),
  rule(L.functionNotMap, 'error', '§10.2', 'A gemini_functions definition is not a map'),
  rule(L.functionMissingDescription, 'error', '§10.2', 'A function has no `description`'),
  rule(L.functionMissingParameters, 'error', '§10.2', 'A function has no `parameters`'),
  rule(L.functionParametersNotMap, 'error', '§10.2', "A function's `parameters` is not a map"),
  rule(L.stepNotMap, 'error', '§17.1', 'A step is not a map: pipeline_ex crashes'),
  rule(L.missingStepName, 'error', '§17.1', 'A step has no `name`'),
  rule(L.missingStepType, 'error', '§17.1', 'A step has no `type`'),
  rule(L.invalidStepType, 'error', '§6.1', 'A step type the loader does not accept'),
  rule(L.testEcho, 'error', '§6.1', "`test_echo` outside pipeline_ex's test environment"),
  rule(L.unprintable, 'error', '§21', 'A map/list value in an error message: pipeline_ex crashes'),
  rule(L.missingParallelTasks, 'error', '§7.8', 'parallel_claude without `parallel_tasks`'),
  rule(
    L.claudeOptionsNotMap,
    'error',
    '§8.2',
    '`claude_options` of a claude step is not a map: pipeline_ex crashes',
  ),
  rule(L.asyncStreaming, 'error', '§8.2', '`claude_options.async_streaming` is not a boolean'),
  rule(L.streamHandler, 'error', '§8.2', 'Invalid `stream_handler` with async_streaming'),
  rule(L.streamBufferSize, 'error', '§8.2', 'Invalid `stream_buffer_size` with async_streaming'),
  rule(L.batchPromptOrTasks, 'error', '§7.6', 'claude_batch without `prompt` or `tasks`'),
  rule(L.missingPrompt, 'error', '§7', 'An LLM step without `prompt`'),
  rule(L.promptNotList, 'error', '§11', '`prompt` is not a list of parts'),
  rule(L.partNotMap, 'error', '§11.1', 'A prompt part is not a map: pipeline_ex crashes'),
  rule(L.partMissingType, 'error', '§11.1', 'A prompt part without `type`'),
  rule(L.partInvalidType, 'error', '§11.1', 'A prompt part type that does not exist'),
  rule(L.partMissingField, 'error', '§11.1', 'A prompt part without its required field'),
  rule(L.functionsNotList, 'error', '§10.2', "A step's `functions` is not a list"),
  rule(L.undefinedFunction, 'error', '§10.2', 'A step uses a function not in `gemini_functions`'),
  rule(L.unknownReference, 'error', '§17.1', 'previous_response to a name no top-level step has'),
  rule(
    L.scanPromptNotList,
    'error',
    '§21',
    'Non-list `prompt` on a step type whose prompt is optional: pipeline_ex crashes',
  ),
  // Lint (accepted by the loader, wrong at run time)
  rule(
    W.forwardReference,
    'warning',
    '§22.2',
    'previous_response to a step that has not run yet (KeyError)',
  ),
  rule(
    W.unknownStep,
    'warning',
    '§22.2',
    'previous_response in a nested scope to a step not visible there',
  ),
  rule(
    W.inlineParentReference,
    'warning',
    '§15.1',
    "An inline pipeline's step refers to a parent step",
  ),
  rule(W.templateUnknownStep, 'warning', '§12.2', '`{{steps.X}}` names no step: stays literal'),
  rule(W.templateNotYetRun, 'warning', '§14.4', '`{{steps.X}}` before X has run: stays literal'),
  rule(
    W.templateWholeResult,
    'warning',
    '§12.3',
    '`{{steps.X}}` / `.result` renders a map: the pipeline crashes',
  ),
  rule(
    W.conditionUnknownStep,
    'warning',
    '§13.2',
    'A condition reads a step with no result there: false',
  ),
  rule(
    W.unknownSource,
    'warning',
    '§14.2',
    'data_source / input_source / right_source names nothing that ran before',
  ),
  rule(
    W.unknownVariable,
    'warning',
    '§12.6',
    '`{{var}}` no earlier top-level set_variable defines: renders empty',
  ),
  rule(
    W.unknownGlobalVar,
    'warning',
    '§12.2',
    '`{{global_vars.x}}` not in workflow.global_vars: stays literal',
  ),
  rule(W.unknownPipelineOutput, 'warning', '§15.3', 'Pipeline `outputs` names no child step'),
  rule(
    W.unsupportedTemplate,
    'warning',
    '§12.2',
    'A template pipeline_ex does not support (workflow.*, timestamp, unknown function…)',
  ),
  rule(
    W.batchPreviousResponse,
    'warning',
    '§7.6',
    'previous_response inside claude_batch tasks always fails',
  ),
  rule(
    W.parallelWithoutExtract,
    'warning',
    '§7.8',
    'previous_response on a parallel_claude result without `extract` crashes',
  ),
  rule(W.parallelOutputToFile, 'warning', '§7.8', '`output_to_file` on parallel_claude crashes'),
  rule(W.duplicateName, 'warning', '§22', 'Two steps in one list share a name'),
  rule(
    W.loopTemplate,
    'warning',
    '§14.4',
    '`{{loop.*}}` is blanked; use previous_response with step: loop',
  ),
  rule(
    W.stateInLoop,
    'warning',
    '§14.4',
    'Variable templates in loop bodies are frozen before the loop',
  ),
  rule(
    W.conditionStepsPrefix,
    'warning',
    '§13.2',
    '`steps.x.y` in a condition looks for a step named steps',
  ),
  rule(
    W.conditionStatePrefix,
    'warning',
    '§13.2',
    '`state.x` in a condition does not read variables',
  ),
  rule(W.templateComparison, 'warning', '§13.4', 'A comparison inside `{{…}}` never resolves'),
  rule(W.inlineLogic, 'warning', '§13.4', 'Inline and/or/not in a condition string'),
  rule(W.operatorSpacing, 'warning', '§13.2', 'A condition operator without surrounding spaces'),
  rule(
    W.conditionHyphen,
    'warning',
    '§13.2',
    'A hyphenated step name in a condition forces arithmetic',
  ),
  rule(
    W.conditionUnknownFunction,
    'warning',
    '§13.3',
    'An unknown condition function crashes the pipeline',
  ),
  rule(
    W.conditionNotString,
    'warning',
    '§13.1',
    'A boolean/number condition, or a map with other keys, crashes',
  ),
  rule(
    W.whileCondition,
    'warning',
    '§14.4',
    'A while_loop condition that is frozen or not a string',
  ),
  rule(
    W.stringPrompt,
    'warning',
    '§11',
    'A string prompt where the loader does not check it (nested steps, parallel tasks)',
  ),
  rule(
    W.nestedInvalidType,
    'warning',
    '§6.2',
    'An invalid step type in a loop body or inline pipeline',
  ),
  rule(
    W.loopUnsupportedChild,
    'warning',
    '§14.5',
    'data_transform/file_ops/pipeline/test_echo inside a loop',
  ),
  rule(W.loopBreakContinue, 'warning', '§14.5', '`break`/`continue` steps crash'),
  rule(W.loopChildCondition, 'warning', '§14.5', '`condition` on a loop child is ignored'),
  rule(W.loopChildOutputToFile, 'warning', '§14.5', '`output_to_file` on a loop child is ignored'),
  rule(
    W.loopVariableDiscarded,
    'info',
    '§14.5',
    'set_variable inside a loop body is discarded after each iteration',
  ),
  rule(W.ignoredWorkflowKey, 'warning', '§4.2', 'A workflow key pipeline_ex never reads'),
  rule(W.ignoredDefault, 'warning', '§4.3', 'A `defaults` key with no effect'),
  rule(W.ignoredStepField, 'info', '§5', 'A step or task field pipeline_ex ignores'),
  rule(W.ignoredPartField, 'info', '§11.2', 'A prompt-part field pipeline_ex ignores'),
  rule(
    W.claudeOptionIgnored,
    'warning',
    '§7.2',
    'A claude_options key the plain claude provider ignores',
  ),
  rule(W.batchTaskId, 'warning', '§7.6', 'claude_batch task `id` instead of `task_id`'),
  rule(W.batchTimeoutUnit, 'warning', '§7.6', '`timeout_per_task` is in milliseconds'),
  rule(
    W.setVariableSingular,
    'warning',
    '§7.10',
    'set_variable with `variable`/`value` instead of `variables`',
  ),
  rule(W.setVariableScope, 'warning', '§7.10', 'set_variable scope other than global/session/loop'),
  rule(
    W.dataSourceForm,
    'warning',
    '§14.2',
    'for_loop data_source as a template, dotted path or literal list',
  ),
  rule(W.inputSourceForm, 'warning', '§7.13', 'data_transform source as a template or dotted path'),
  rule(W.fileOpsGlob, 'warning', '§7.14', 'file_ops pattern written as a glob, or `recursive`'),
  rule(W.pipelineRef, 'warning', '§15.1', '`pipeline_ref` always fails'),
  rule(
    W.missingRuntimeField,
    'warning',
    '§17.2',
    'A field the step needs at run time (unchecked at load)',
  ),
  rule(W.filePartDirectory, 'warning', '§11.1', 'A file prompt part naming a directory'),
  rule(
    W.emptyPart,
    'info',
    '§11.1',
    'session_context / claude_continue parts render as empty text',
  ),
  rule(W.extractIndexing, 'warning', '§11.1', '`extract` with [0] indexing or wildcards'),
  rule(W.checkpointString, 'warning', '§4.1', '`checkpoint_enabled` given as a string'),
  rule(W.unknownKey, 'warning', '§1', 'An unknown key close to a known one (did you mean…?)'),
  rule('INTERNAL_VALIDATION_FAILURE', 'warning', '—', 'Weft could not finish checking the file'),
]
