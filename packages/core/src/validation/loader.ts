/**
 * pipeline_ex's acceptance rule (`Pipeline.Config.load_workflow/1`, format reference §17.1,
 * §21 and the corrections of §0.1), reported as errors. pipeline_ex stops at its first error;
 * here every independent error is reported, each where it is, and checks that only make sense
 * once an earlier one passed (a step's prompt once its type is valid, …) are not run.
 */
import type { Path } from '../diagnostics.js'
import { walk } from '../yaml/read.js'
import { isAlias, isMap as isYamlMap, isScalar } from 'yaml'
import { acceptedStepTypes, promptRequiredTypes } from '../format/catalogue.js'
import {
  CRASH_NOTE,
  exStr,
  get,
  has,
  isMap,
  isNil,
  SameIndex,
  same,
  show,
  type Reporter,
} from './context.js'

export const loaderCodes = {
  missingWorkflow: 'LOADER_MISSING_WORKFLOW',
  rootNotMap: 'LOADER_CRASH_ROOT_NOT_MAP',
  workflowNotMap: 'LOADER_CRASH_WORKFLOW_NOT_MAP',
  missingWorkflowName: 'LOADER_MISSING_WORKFLOW_NAME',
  missingSteps: 'LOADER_MISSING_STEPS',
  emptySteps: 'LOADER_EMPTY_STEPS',
  functionsNotMap: 'LOADER_GEMINI_FUNCTIONS_NOT_MAP',
  functionNotMap: 'LOADER_FUNCTION_NOT_MAP',
  functionMissingDescription: 'LOADER_FUNCTION_MISSING_DESCRIPTION',
  functionMissingParameters: 'LOADER_FUNCTION_MISSING_PARAMETERS',
  functionParametersNotMap: 'LOADER_FUNCTION_PARAMETERS_NOT_MAP',
  stepNotMap: 'LOADER_CRASH_STEP_NOT_MAP',
  missingStepName: 'LOADER_MISSING_STEP_NAME',
  missingStepType: 'LOADER_MISSING_STEP_TYPE',
  invalidStepType: 'LOADER_INVALID_STEP_TYPE',
  testEcho: 'LOADER_TEST_ECHO_OUTSIDE_TEST_ENV',
  unprintable: 'LOADER_CRASH_UNPRINTABLE_VALUE',
  missingParallelTasks: 'LOADER_MISSING_PARALLEL_TASKS',
  claudeOptionsNotMap: 'LOADER_CRASH_CLAUDE_OPTIONS_NOT_MAP',
  asyncStreaming: 'LOADER_ASYNC_STREAMING_NOT_BOOLEAN',
  streamHandler: 'LOADER_INVALID_STREAM_HANDLER',
  streamBufferSize: 'LOADER_INVALID_STREAM_BUFFER_SIZE',
  batchPromptOrTasks: 'LOADER_BATCH_MISSING_PROMPT_OR_TASKS',
  missingPrompt: 'LOADER_MISSING_PROMPT',
  promptNotList: 'LOADER_PROMPT_NOT_LIST',
  partNotMap: 'LOADER_CRASH_PROMPT_PART_NOT_MAP',
  partMissingType: 'LOADER_PROMPT_PART_MISSING_TYPE',
  partInvalidType: 'LOADER_PROMPT_PART_INVALID_TYPE',
  partMissingField: 'LOADER_PROMPT_PART_MISSING_FIELD',
  functionsNotList: 'LOADER_FUNCTIONS_NOT_LIST',
  undefinedFunction: 'LOADER_UNDEFINED_FUNCTION',
  unknownReference: 'LOADER_UNKNOWN_REFERENCE',
  scanPromptNotList: 'LOADER_CRASH_PROMPT_NOT_LIST',
} as const

const PREFIX = 'Invalid workflow: '
const quote = (text: string) => ` pipeline_ex: "${PREFIX}${text}"`

const STREAM_HANDLERS = ['console', 'simple', 'debug', 'file', 'callback', 'buffer']
const PART_FIELDS: Record<string, [field: string, text: (n: string) => string]> = {
  static: ['content', (n) => `Step '${n}' has static prompt part without content`],
  file: ['path', (n) => `Step '${n}' has file prompt part without path`],
  previous_response: [
    'step',
    (n) => `Step '${n}' has previous_response prompt part missing 'step' field`,
  ],
  session_context: [
    'session_id',
    (n) => `Step '${n}' has session_context prompt part missing 'session_id' field`,
  ],
  claude_continue: [
    'session_id',
    (n) => `Step '${n}' has claude_continue prompt part missing 'session_id' field`,
  ],
}

const NEVER_IMPLEMENTED: Record<string, string> = {
  switch:
    'pipeline_ex documents a `switch` step but never implemented it; use step `condition`s instead.',
  checkpoint:
    'pipeline_ex documents a `checkpoint` step but never implemented it; checkpointing is the workflow flag `checkpoint_enabled: true`.',
  codebase_query:
    'pipeline_ex has a codebase_query module, but the loader and executor never accept it as a step type.',
}

export function loaderTypes(testEnv: boolean): readonly string[] {
  return testEnv ? ['test_echo', ...acceptedStepTypes] : acceptedStepTypes
}

/** Runs the loader checks; returns the top-level steps when the root checks passed. */
export function checkLoader(r: Reporter, root: unknown): void {
  const testEnv = r.options.testEnv === true
  const types = loaderTypes(testEnv)
  const typeList = types.join(', ')

  // 1. Root
  if (root === null || root === undefined) {
    r.add(
      loaderCodes.missingWorkflow,
      'error',
      `The file has no \`workflow:\` section (it is empty).${quote(`Configuration missing required 'workflow' section. Expected format: {"workflow": {...}}`)}`,
      [],
      { line: 1, column: 1 },
    )
    return
  }
  if (!isMap(root)) {
    r.add(
      loaderCodes.rootNotMap,
      'error',
      `The document is a ${Array.isArray(root) ? 'list' : 'scalar'}, but pipeline_ex needs a mapping with a \`workflow:\` key; ${CRASH_NOTE}.`,
      [],
      r.at([]),
    )
    return
  }
  const wf = get(root, 'workflow')
  if (isNil(wf)) {
    r.add(
      loaderCodes.missingWorkflow,
      'error',
      `${has(root, 'workflow') ? 'The `workflow:` section is empty' : 'The file has no `workflow:` section'}; pipeline_ex reads only \`workflow\` at the root.${quote(`Configuration missing required 'workflow' section. Expected format: {"workflow": {...}}`)}`,
      ['workflow'],
      has(root, 'workflow') ? r.keyAt(['workflow']) : r.at([]),
    )
    return
  }
  if (!isMap(wf)) {
    r.add(
      loaderCodes.workflowNotMap,
      'error',
      `\`workflow:\` must be a mapping with \`name\` and \`steps\`, but it is ${Array.isArray(wf) ? 'a list' : `the value ${show(wf)}`}; ${CRASH_NOTE}.`,
      ['workflow'],
      r.at(['workflow']),
    )
    return
  }
  if (isNil(get(wf, 'name'))) {
    r.add(
      loaderCodes.missingWorkflowName,
      'error',
      `The workflow has no \`name\`.${quote(`Workflow missing required 'name' field. Add: name: "your_workflow_name"`)}`,
      ['workflow', 'name'],
      has(wf, 'name') ? r.keyAt(['workflow', 'name']) : r.keyAt(['workflow']),
    )
  }
  const steps = get(wf, 'steps')
  if (!Array.isArray(steps)) {
    r.add(
      loaderCodes.missingSteps,
      'error',
      `${isNil(steps) ? 'The workflow has no `steps` list' : '`steps` must be a list of step maps'}.${quote(`Workflow missing required 'steps' array. Expected format: steps: [{"name": "step1", "type": "claude", ...}]`)}`,
      ['workflow', 'steps'],
      has(wf, 'steps') ? r.keyAt(['workflow', 'steps']) : r.keyAt(['workflow']),
    )
  } else if (steps.length === 0) {
    r.add(
      loaderCodes.emptySteps,
      'error',
      `The workflow's \`steps\` list is empty.${quote(`Workflow must contain at least one step. Add at least one step to the 'steps' array`)}`,
      ['workflow', 'steps'],
      r.keyAt(['workflow', 'steps']),
    )
  }

  // 2. gemini_functions
  const fns = get(wf, 'gemini_functions')
  const fnPath: Path = ['workflow', 'gemini_functions']
  let functionKeys: unknown[] | undefined = []
  if (!isNil(fns)) {
    if (!isMap(fns)) {
      functionKeys = undefined
      r.add(
        loaderCodes.functionsNotMap,
        'error',
        `\`gemini_functions\` must be a map of function name → definition.${quote('gemini_functions must be a map of function definitions')}`,
        fnPath,
        r.at(fnPath),
      )
    } else {
      functionKeys = typedKeys(r, fnPath, fns)
      for (const [k, d] of Object.entries(fns)) {
        const p = [...fnPath, k]
        if (!isMap(d)) {
          r.add(
            loaderCodes.functionNotMap,
            'error',
            `Function '${k}' must be a map with \`description\` and \`parameters\`.${quote(`Function '${k}' definition must be a map`)}`,
            p,
            r.at(p),
          )
          continue
        }
        if (isNil(get(d, 'description')))
          r.add(
            loaderCodes.functionMissingDescription,
            'error',
            `Function '${k}' has no \`description\`.${quote(`Function '${k}' missing 'description' field`)}`,
            [...p, 'description'],
            r.keyAt(p),
          )
        const params = get(d, 'parameters')
        if (isNil(params))
          r.add(
            loaderCodes.functionMissingParameters,
            'error',
            `Function '${k}' has no \`parameters\` map.${quote(`Function '${k}' missing 'parameters' field`)}`,
            [...p, 'parameters'],
            r.keyAt(p),
          )
        else if (!isMap(params))
          r.add(
            loaderCodes.functionParametersNotMap,
            'error',
            `Function '${k}' \`parameters\` must be a map (a JSON-Schema object).${quote(`Function '${k}' parameters must be a map`)}`,
            [...p, 'parameters'],
            r.at([...p, 'parameters']),
          )
      }
    }
  }

  if (!Array.isArray(steps)) return

  // 3. Each top-level step
  const failed = new Set<number>()
  steps.forEach((step, i) => {
    const sp: Path = ['workflow', 'steps', i]
    if (!checkStep(r, step, sp, types, typeList, functionKeys)) failed.add(i)
  })

  // 4. References (pipeline_ex only gets here when every step passed; they are independent errors)
  const names = steps.map((s) => (isMap(s) ? get(s, 'name') : null))
  const nameIndex = new SameIndex(names)
  steps.forEach((step, i) => {
    if (!isMap(step)) return
    scanReferences(r, step, ['workflow', 'steps', i], names, nameIndex, failed.has(i))
  })
}

/** Function names with their YAML key types (`1:` is the integer 1), from the parsed document. */
function typedKeys(r: Reporter, path: Path, fns: Record<string, unknown>): unknown[] {
  const doc = r.source.document
  let node: unknown = doc ? walk(doc, path).node : undefined
  if (doc && isAlias(node)) node = node.resolve(doc)
  if (!isYamlMap(node)) return Object.keys(fns)
  return node.items.map((p) => (isScalar(p.key) ? p.key.value : String(p.key)))
}

/** Checks one top-level step; false when it has an error. */
function checkStep(
  r: Reporter,
  step: unknown,
  sp: Path,
  types: readonly string[],
  typeList: string,
  functionKeys: unknown[] | undefined,
): boolean {
  if (step === null || step === undefined) {
    r.add(
      loaderCodes.missingStepName,
      'error',
      `This step is empty.${quote(`Step missing required 'name' field. Add: name: "step_name"`)}`,
      sp,
      r.at(sp),
      sp,
    )
    return false
  }
  if (!isMap(step)) {
    r.add(
      loaderCodes.stepNotMap,
      'error',
      `Each step must be a map with \`name\` and \`type\`, but this one is ${Array.isArray(step) ? 'a list' : `the value ${show(step)}`}; ${CRASH_NOTE}.`,
      sp,
      r.at(sp),
      sp,
    )
    return false
  }
  let ok = true
  const name = get(step, 'name')
  const printed = exStr(name)
  const n = printed ?? ''
  let crashNoted = false
  const err = (code: string, message: string, path: Path, pos = r.at(path)) => {
    ok = false
    r.add(code, 'error', message, path, pos, sp)
    if (printed === undefined && !crashNoted) {
      crashNoted = true
      r.add(
        loaderCodes.unprintable,
        'error',
        `This step's name is ${Array.isArray(name) ? 'a list pipeline_ex cannot print' : 'a map'}, so when pipeline_ex builds its error message for this step it fails; ${CRASH_NOTE}. Use a plain string name.`,
        [...sp, 'name'],
        r.at([...sp, 'name']),
        sp,
      )
    }
  }
  const missing = r.missingAt(sp, step)
  if (isNil(name)) {
    err(
      loaderCodes.missingStepName,
      `This step has no \`name\`.${quote(`Step missing required 'name' field. Add: name: "step_name"`)}`,
      [...sp, 'name'],
      has(step, 'name') ? r.keyAt([...sp, 'name']) : r.at(sp),
    )
  }

  // type
  const type = get(step, 'type')
  const tp: Path = [...sp, 'type']
  if (isNil(type)) {
    err(
      loaderCodes.missingStepType,
      `Step '${n}' has no \`type\`.${quote(`Step '${n}' missing required 'type' field. Supported types: ${typeList}`)}`,
      tp,
      has(step, 'type') ? r.keyAt(tp) : missing,
    )
    return false
  }
  if (typeof type !== 'string' || !types.includes(type)) {
    const t = exStr(type)
    if (t === undefined) {
      err(
        loaderCodes.unprintable,
        `Step '${n}' has a \`type\` that is ${isMap(type) ? 'a map' : 'a list pipeline_ex cannot print'}; pipeline_ex fails while building its "invalid type" message, so ${CRASH_NOTE}. Write one of: ${typeList}.`,
        tp,
      )
      return false
    }
    if (type === 'test_echo') {
      err(
        loaderCodes.testEcho,
        `\`test_echo\` is only accepted in pipeline_ex's test environment (MIX_ENV=test); a normal run rejects it.${quote(`Step '${n}' has invalid type 'test_echo'. Supported types: ${typeList}`)}`,
        tp,
      )
      return false
    }
    const hint =
      typeof type === 'string' && NEVER_IMPLEMENTED[type] !== undefined
        ? ` ${NEVER_IMPLEMENTED[type]}`
        : typeof type === 'string' && types.includes(type.toLowerCase())
          ? ` Types are case-sensitive: write '${type.toLowerCase()}'.`
          : typeof type !== 'string'
            ? ' The type must be a plain string.'
            : ''
    err(
      loaderCodes.invalidStepType,
      `Step '${n}' has type '${t}', which pipeline_ex does not accept.${hint}${quote(`Step '${n}' has invalid type '${t}'. Supported types: ${typeList}`)}`,
      tp,
    )
    return false
  }

  // type-specific
  if (type === 'parallel_claude' && isNil(get(step, 'parallel_tasks'))) {
    err(
      loaderCodes.missingParallelTasks,
      `parallel_claude step '${n}' has no \`parallel_tasks\` list.${quote(`Step '${n}' of type 'parallel_claude' missing required 'parallel_tasks' field`)}`,
      [...sp, 'parallel_tasks'],
      has(step, 'parallel_tasks') ? r.keyAt([...sp, 'parallel_tasks']) : missing,
    )
  }
  if (type === 'claude') checkAsyncStreaming(r, step, sp, n, err)
  if (type === 'claude_batch' && isNil(get(step, 'prompt')) && isNil(get(step, 'tasks'))) {
    err(
      loaderCodes.batchPromptOrTasks,
      `claude_batch step '${n}' needs a \`prompt\` or a \`tasks\` list.${quote(`Step '${n}' of type 'claude_batch' must have either 'prompt' or 'tasks' field`)}`,
      sp,
      missing,
    )
  }

  // prompt
  if (promptRequiredTypes.includes(type)) {
    const prompt = get(step, 'prompt')
    const pp: Path = [...sp, 'prompt']
    if (isNil(prompt)) {
      err(
        loaderCodes.missingPrompt,
        `${type} step '${n}' needs a \`prompt\` list.${quote(`Step '${n}' missing required 'prompt' field. Add: prompt: [{"type": "static", "content": "..."}]`)}`,
        pp,
        has(step, 'prompt') ? r.keyAt(pp) : missing,
      )
    } else if (!Array.isArray(prompt)) {
      err(
        loaderCodes.promptNotList,
        `The prompt of step '${n}' must be a list of parts, not ${typeof prompt === 'string' ? 'a string' : show(prompt)}; write \`prompt: [{type: static, content: "..."}]\`.${quote(`Step '${n}' prompt must be an array of prompt parts. Format: [{"type": "static", "content": "..."}]`)}`,
        pp,
      )
    } else {
      prompt.forEach((part, j) => checkPart(r, part, [...pp, j], n, err))
    }
  }

  // functions
  const functions = get(step, 'functions')
  if (!isNil(functions)) {
    const fp: Path = [...sp, 'functions']
    if (!Array.isArray(functions)) {
      err(
        loaderCodes.functionsNotList,
        `\`functions\` of step '${n}' must be a list of gemini_functions names.${quote(`Step '${n}' functions must be a list`)}`,
        fp,
      )
    } else if (functionKeys !== undefined) {
      functions.forEach((f, j) => {
        if (functionKeys.some((k) => same(k, f))) return
        const fs = exStr(f)
        const typeHint =
          functionKeys.some((k) => String(k) === String(f)) && typeof f !== 'object'
            ? ` (a function named ${show(String(f))} exists, but its YAML type differs: ${typeof f} vs key; quote both or neither)`
            : ''
        err(
          fs === undefined ? loaderCodes.unprintable : loaderCodes.undefinedFunction,
          fs === undefined
            ? `Function reference ${show(f)} of step '${n}' is not a name; pipeline_ex fails while printing it, so ${CRASH_NOTE}.`
            : `Step '${n}' uses function '${fs}', which is not defined under \`workflow.gemini_functions\`${typeHint}.${quote(`Step '${n}' references undefined function: ${fs}`)}`,
          [...fp, j],
        )
      })
    }
  }
  return ok
}

type Err = (
  code: string,
  message: string,
  path: Path,
  pos?: { line: number; column: number },
) => void

function checkAsyncStreaming(
  r: Reporter,
  step: Record<string, unknown>,
  sp: Path,
  n: string,
  err: Err,
) {
  const opts = get(step, 'claude_options')
  const op: Path = [...sp, 'claude_options']
  if (isNil(opts)) return
  if (!isMap(opts)) {
    err(
      loaderCodes.claudeOptionsNotMap,
      `\`claude_options\` of claude step '${n}' must be a map, but it is ${show(opts)}${typeof opts === 'string' ? ' (an alias of a flow-style map reads as its first key)' : ''}; ${CRASH_NOTE}.`,
      op,
    )
    return
  }
  const as = get(opts, 'async_streaming')
  if (isNil(as)) return
  if (typeof as !== 'boolean') {
    err(
      loaderCodes.asyncStreaming,
      `claude_options.async_streaming of step '${n}' must be true or false, not ${show(as)}.${quote(`Step '${n}' claude_options.async_streaming must be a boolean`)}`,
      [...op, 'async_streaming'],
    )
    return
  }
  if (!as) return
  const handler = get(opts, 'stream_handler')
  if (!isNil(handler) && !(typeof handler === 'string' && STREAM_HANDLERS.includes(handler))) {
    err(
      loaderCodes.streamHandler,
      `claude_options.stream_handler of step '${n}' is ${show(handler)}; it must be one of ${STREAM_HANDLERS.join(', ')}.${quote(`Step '${n}' claude_options.stream_handler must be one of: ${STREAM_HANDLERS.join(', ')}`)}`,
      [...op, 'stream_handler'],
    )
  }
  const size = get(opts, 'stream_buffer_size')
  if (!isNil(size) && !(typeof size === 'number' && Number.isInteger(size) && size > 0)) {
    err(
      loaderCodes.streamBufferSize,
      `claude_options.stream_buffer_size of step '${n}' must be a positive integer, not ${show(size)}.${quote(
        size === 0
          ? `Step '${n}' claude_options.stream_buffer_size must be positive, got: 0`
          : `Step '${n}' claude_options.stream_buffer_size must be a positive integer`,
      )}`,
      [...op, 'stream_buffer_size'],
    )
  }
}

function checkPart(r: Reporter, part: unknown, p: Path, n: string, err: Err) {
  if (part === null || part === undefined) {
    err(
      loaderCodes.partMissingType,
      `This prompt part of step '${n}' is empty.${quote(`Step '${n}' has prompt part without type`)}`,
      p,
    )
    return
  }
  if (!isMap(part)) {
    err(
      loaderCodes.partNotMap,
      `Prompt parts must be maps like \`{type: static, content: "..."}\`, but this part of step '${n}' is ${show(part)}; ${CRASH_NOTE}.`,
      p,
    )
    return
  }
  const type = get(part, 'type')
  if (isNil(type)) {
    err(
      loaderCodes.partMissingType,
      `This prompt part of step '${n}' has no \`type\` (static, file, previous_response, session_context or claude_continue).${quote(`Step '${n}' has prompt part without type`)}`,
      [...p, 'type'],
      has(part, 'type') ? r.keyAt([...p, 'type']) : r.at(p),
    )
    return
  }
  const spec = typeof type === 'string' && has(PART_FIELDS, type) ? PART_FIELDS[type] : undefined
  if (!spec) {
    const t = exStr(type)
    err(
      t === undefined ? loaderCodes.unprintable : loaderCodes.partInvalidType,
      t === undefined
        ? `This prompt part's \`type\` is not a name; pipeline_ex fails while printing it, so ${CRASH_NOTE}.`
        : `Prompt part type '${t}' does not exist; use static, file, previous_response, session_context or claude_continue.${quote(`Step '${n}' has prompt part with invalid type: ${t}`)}`,
      [...p, 'type'],
    )
    return
  }
  const [field, text] = spec
  if (isNil(get(part, field))) {
    const extra =
      type === 'claude_continue'
        ? ' (both validators require it even though the docs show only `new_prompt`)'
        : ''
    err(
      loaderCodes.partMissingField,
      `This ${type} prompt part needs \`${field}\`${extra}.${quote(text(n))}`,
      [...p, field],
      has(part, field) ? r.keyAt([...p, field]) : r.at([...p, 'type']),
    )
  }
}

/** §17.1 step 4 and the crash of §21's reference scan. */
function scanReferences(
  r: Reporter,
  step: Record<string, unknown>,
  sp: Path,
  names: readonly unknown[],
  nameIndex: SameIndex,
  stepFailed: boolean,
) {
  const prompt = get(step, 'prompt')
  const pp: Path = [...sp, 'prompt']
  if (isNil(prompt) || prompt === false) return
  const type = get(step, 'type')
  const checkedByLoader = typeof type === 'string' && promptRequiredTypes.includes(type)
  if (isMap(prompt)) {
    if (Object.keys(prompt).length === 0 || stepFailed || checkedByLoader) return
    r.add(
      loaderCodes.scanPromptNotList,
      'error',
      `\`prompt\` must be a list of parts; pipeline_ex scans every step's prompt for references and ${CRASH_NOTE}.`,
      pp,
      r.at(pp),
      sp,
    )
    return
  }
  if (!Array.isArray(prompt)) {
    if (stepFailed || checkedByLoader) return
    r.add(
      loaderCodes.scanPromptNotList,
      'error',
      `\`prompt\` of this ${typeof type === 'string' ? type : ''} step is ${typeof prompt === 'string' ? 'a string' : show(prompt)}, not a list of parts; pipeline_ex scans every step's prompt for previous_response references, so ${CRASH_NOTE}. Write \`prompt: [{type: static, content: "..."}]\`.`,
      pp,
      r.at(pp),
      sp,
    )
    return
  }
  const n = exStr(get(step, 'name'))
  const bad: { j: number; target: unknown }[] = []
  prompt.forEach((part, j) => {
    if (isNil(part)) return
    if (!isMap(part)) {
      if (stepFailed || checkedByLoader) return
      r.add(
        loaderCodes.partNotMap,
        'error',
        `Prompt parts must be maps like \`{type: static, content: "..."}\`, but this one is ${show(part)}; pipeline_ex scans every step's prompt for references and ${CRASH_NOTE}.`,
        [...pp, j],
        r.at([...pp, j]),
        sp,
      )
      return
    }
    if (get(part, 'type') !== 'previous_response') return
    const target = get(part, 'step')
    if (isNil(target) && checkedByLoader) return // already reported as a missing `step`
    if (nameIndex.indexOf(target) < 0) bad.push({ j, target })
  })
  const list = bad.map((b) => exStr(b.target))
  const printable = list.every((x) => x !== undefined) && n !== undefined
  for (const b of bad) {
    const tp: Path = [...pp, b.j, 'step']

    const message = !printable
      ? `This previous_response reference does not match any top-level step, and pipeline_ex fails while printing it; ${CRASH_NOTE}.`
      : `${refProblem(b.target, names)}${quote(`Step '${n}' references non-existent steps: ${list.join(', ')}`)}`
    r.add(
      printable ? loaderCodes.unknownReference : loaderCodes.unprintable,
      'error',
      message,
      tp,
      isNil(b.target) ? r.at([...pp, b.j]) : r.at(tp),
      sp,
    )
  }
}

function refProblem(target: unknown, names: readonly unknown[]): string {
  if (isNil(target)) return 'This previous_response part names no step (`step` is empty).'
  if (target === '') return 'This previous_response part has an empty `step`.'
  const t = String(target)
  const typed = names.find(
    (x) => (typeof x === 'string' || typeof x === 'number') && String(x) === t,
  )
  if (typed !== undefined)
    return `previous_response refers to ${show(target)} (a ${typeof target}), but the step is named ${show(typed)} (a ${typeof typed}); pipeline_ex compares them with their YAML types, so quote both or neither.`
  return `previous_response refers to step ${show(target)}, but no top-level step has that name (steps nested in loops or pipelines are not visible here).`
}
