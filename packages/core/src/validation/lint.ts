/**
 * The lint layer: what pipeline_ex's loader accepts but then fails on, crashes on or silently
 * ignores at run time (format reference §4.2, §4.3, §7, §11.2, §12–15, §17.2, §22.4, §23).
 * Warnings for run-time failures and misbehaviour, infos for keys that have no effect.
 */
import type { Path, Severity } from '../diagnostics.js'
import {
  acceptedStepTypes,
  getStepType,
  knownKeys,
  loopBodyTypes,
  promptPartCatalogue,
  promptRequiredTypes,
  workflowFields,
  type FieldSpec,
} from '../format/catalogue.js'
import { maskCondition, templateExpressions } from '../references/expressions.js'
import { findReferences, type Reference } from '../references/find.js'
import { childSteps, LOOP_TYPES, topSteps, walkSteps, type StepVisit } from '../references/steps.js'
import { exStr, get, has, isMap, isNil, SameIndex, show, type Reporter } from './context.js'

export const lintCodes = {
  forwardReference: 'LINT_FORWARD_REFERENCE',
  unknownStep: 'LINT_UNKNOWN_STEP_REFERENCE',
  inlineParentReference: 'LINT_INLINE_PARENT_REFERENCE',
  templateUnknownStep: 'LINT_TEMPLATE_UNKNOWN_STEP',
  templateNotYetRun: 'LINT_TEMPLATE_STEP_NOT_YET_RUN',
  templateWholeResult: 'LINT_TEMPLATE_WHOLE_RESULT',
  conditionUnknownStep: 'LINT_CONDITION_UNKNOWN_STEP',
  unknownSource: 'LINT_UNKNOWN_SOURCE',
  unknownVariable: 'LINT_UNKNOWN_VARIABLE',
  unknownGlobalVar: 'LINT_UNKNOWN_GLOBAL_VAR',
  unknownPipelineOutput: 'LINT_UNKNOWN_PIPELINE_OUTPUT',
  unsupportedTemplate: 'LINT_UNSUPPORTED_TEMPLATE',
  batchPreviousResponse: 'LINT_BATCH_PREVIOUS_RESPONSE',
  parallelWithoutExtract: 'LINT_PARALLEL_RESULT_WITHOUT_EXTRACT',
  parallelOutputToFile: 'LINT_PARALLEL_OUTPUT_TO_FILE',
  duplicateName: 'LINT_DUPLICATE_STEP_NAME',
  loopTemplate: 'LINT_LOOP_TEMPLATE',
  stateInLoop: 'LINT_STATE_TEMPLATE_IN_LOOP',
  conditionStepsPrefix: 'LINT_CONDITION_STEPS_PREFIX',
  conditionStatePrefix: 'LINT_CONDITION_STATE_PREFIX',
  templateComparison: 'LINT_TEMPLATE_COMPARISON',
  inlineLogic: 'LINT_CONDITION_INLINE_LOGIC',
  operatorSpacing: 'LINT_CONDITION_OPERATOR_SPACING',
  conditionHyphen: 'LINT_CONDITION_HYPHENATED_NAME',
  conditionUnknownFunction: 'LINT_CONDITION_UNKNOWN_FUNCTION',
  conditionNotString: 'LINT_CONDITION_NOT_STRING',
  whileCondition: 'LINT_WHILE_CONDITION_FROZEN',
  stringPrompt: 'LINT_STRING_PROMPT',
  nestedInvalidType: 'LINT_NESTED_INVALID_TYPE',
  loopUnsupportedChild: 'LINT_LOOP_UNSUPPORTED_CHILD',
  loopBreakContinue: 'LINT_LOOP_BREAK_CONTINUE',
  loopChildCondition: 'LINT_LOOP_CHILD_CONDITION',
  loopChildOutputToFile: 'LINT_LOOP_CHILD_OUTPUT_TO_FILE',
  loopVariableDiscarded: 'LINT_LOOP_VARIABLE_DISCARDED',
  ignoredWorkflowKey: 'LINT_IGNORED_WORKFLOW_KEY',
  ignoredDefault: 'LINT_IGNORED_DEFAULT',
  ignoredStepField: 'LINT_IGNORED_STEP_FIELD',
  ignoredPartField: 'LINT_IGNORED_PART_FIELD',
  claudeOptionIgnored: 'LINT_CLAUDE_OPTION_IGNORED',
  batchTaskId: 'LINT_BATCH_TASK_ID',
  batchTimeoutUnit: 'LINT_BATCH_TIMEOUT_UNIT',
  setVariableSingular: 'LINT_SET_VARIABLE_SINGULAR',
  setVariableScope: 'LINT_SET_VARIABLE_SCOPE',
  dataSourceForm: 'LINT_DATA_SOURCE_FORM',
  inputSourceForm: 'LINT_INPUT_SOURCE_FORM',
  fileOpsGlob: 'LINT_FILE_OPS_GLOB',
  pipelineRef: 'LINT_PIPELINE_REF',
  missingRuntimeField: 'LINT_MISSING_RUNTIME_FIELD',
  filePartDirectory: 'LINT_FILE_PART_DIRECTORY',
  emptyPart: 'LINT_PART_RENDERS_EMPTY',
  extractIndexing: 'LINT_EXTRACT_INDEXING',
  checkpointString: 'LINT_CHECKPOINT_ENABLED_STRING',
  unknownKey: 'LINT_UNKNOWN_KEY',
} as const

// --- knowledge that is lint-specific (not the catalogue's field tables) ---------------------------

/** §7.2: the only claude_options the plain `claude` provider (and parallel_claude tasks) reads. */
const PLAIN_CLAUDE_OPTIONS = new Set([
  'model',
  'fallback_model',
  'max_turns',
  'allowed_tools',
  'disallowed_tools',
  'system_prompt',
  'append_system_prompt',
  'verbose',
  'cwd',
  'output_format',
])

/** §13.3 condition functions. */
const CONDITION_FUNCTIONS = new Set([
  'contains',
  'matches',
  'length',
  'startsWith',
  'endsWith',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'any',
  'all',
  'count',
  'sum',
  'average',
  'min',
  'max',
  'isEmpty',
  'now',
  'days',
  'hours',
  'minutes',
  'seconds',
  'abs',
  'round',
  'floor',
  'ceil',
  'sqrt',
  'pow',
  'between',
])

/** §12.2 template functions. */
const TEMPLATE_FUNCTIONS = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'max',
  'min',
  'round',
  'floor',
  'ceil',
])

/** §12.2 "Not supported": template names that look built in but render empty. */
const FAKE_BUILTINS = new Set([
  'workflow',
  'timestamp',
  'date',
  'execution_id',
  'step',
  'variables',
  'config',
  'codebase',
  'env',
  'previous_response',
])

const SET_VARIABLE_SCOPES = ['global', 'session', 'loop']

// --- helpers ---------------------------------------------------------------------------------

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]!
}

/** The closest known key within edit distance 2, if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = 3
  for (const k of known) {
    if (k === key) return undefined
    const d = editDistance(key.toLowerCase(), k.toLowerCase())
    if (d < bestD && d <= Math.max(1, Math.min(2, k.length - 2))) {
      best = k
      bestD = d
    }
  }
  return best
}

function getAt(root: unknown, path: Path): unknown {
  let v = root
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg]
    else if (isMap(v) && typeof seg === 'string' && has(v, seg)) v = v[seg]
    else return undefined
  }
  return v
}

const pathKey = (p: Path) => JSON.stringify(p)
const name = (v: unknown) => exStr(v) ?? show(v)

interface Level {
  readonly list: readonly unknown[]
  readonly index: number
  readonly container: StepVisit['container']
}

/** Whether a name (as `name()` prints it) is among a set of step names. */
type Names = (target: string) => boolean

/** First and last index of each name in a step list, so visibility checks are O(1). */
interface ListNames {
  readonly first: Map<string, number>
  readonly last: Map<string, number>
}

// --- the rules ---------------------------------------------------------------------------------

class Lint {
  readonly visits: StepVisit[] = []
  readonly byPath = new Map<string, StepVisit>()
  readonly allNames: unknown[] = []
  readonly allNameSet = new Set<string>()
  /** The last visit (document order) with each name. */
  readonly lastByName = new Map<string, StepVisit>()
  readonly top: readonly unknown[]
  readonly refs: Reference[]
  /** `refs` grouped by `pathKey(ref.path)`, in order. */
  readonly refsByPath = new Map<string, Reference[]>()
  /** For each variable set by a top-level set_variable step, the index of the first such step. */
  readonly firstTopVariable = new Map<string, number>()
  private readonly listNamesCache = new WeakMap<readonly unknown[], ListNames>()

  constructor(
    readonly r: Reporter,
    readonly root: unknown,
  ) {
    walkSteps(root, (v) => {
      this.visits.push(v)
      this.byPath.set(pathKey(v.path), v)
      const n = get(v.step, 'name')
      this.allNames.push(n)
      this.allNameSet.add(name(n))
      this.lastByName.set(name(n), v)
    })
    this.top = topSteps(root) ?? []
    this.refs = findReferences(root)
    for (const ref of this.refs) {
      const k = pathKey(ref.path)
      const group = this.refsByPath.get(k)
      if (group) group.push(ref)
      else this.refsByPath.set(k, [ref])
    }
    this.top.forEach((s, i) => {
      if (get(s, 'type') !== 'set_variable') return
      const vars = get(s, 'variables')
      if (isMap(vars))
        for (const k of Object.keys(vars))
          if (!this.firstTopVariable.has(k)) this.firstTopVariable.set(k, i)
    })
  }

  listNames(list: readonly unknown[]): ListNames {
    let out = this.listNamesCache.get(list)
    if (!out) {
      const first = new Map<string, number>()
      const last = new Map<string, number>()
      list.forEach((s, i) => {
        const n = name(get(s, 'name'))
        if (!first.has(n)) first.set(n, i)
        last.set(n, i)
      })
      out = { first, last }
      this.listNamesCache.set(list, out)
    }
    return out
  }

  warn(code: string, message: string, path: Path, stepPath?: Path, severity: Severity = 'warning') {
    this.r.add(code, severity, message, path, this.r.at(path), stepPath)
  }

  /** A finding about a reference: points at the name itself inside its string. */
  warnRef(ref: Reference, code: string, message: string, severity: Severity = 'warning') {
    this.r.add(code, severity, message, ref.path, this.r.atSpan(ref.path, ref.span), ref.stepPath)
  }

  warnKey(
    code: string,
    message: string,
    path: Path,
    stepPath?: Path,
    severity: Severity = 'warning',
  ) {
    this.r.add(code, severity, message, path, this.r.keyAt(path), stepPath)
  }

  /** The step lists the step at `v` sits in, innermost first, up to the top or an inline-pipeline boundary when `stopAtInline`. */
  levels(v: StepVisit, stopAtInline: boolean): Level[] {
    const out: Level[] = []
    let cur: StepVisit | undefined = v
    while (cur) {
      const list = getAt(this.root, cur.listPath)
      out.push({
        list: Array.isArray(list) ? list : [],
        index: cur.index,
        container: cur.container,
      })
      if (cur.container === 'top' || (stopAtInline && cur.container === 'inline_pipeline')) break
      cur = cur.ancestors[cur.ancestors.length - 1]
    }
    return out
  }

  /** Names whose results exist when the step at `v` runs (§14.3, §15.1, §22 name resolution). */
  runtimeVisible(v: StepVisit): { before: Names; later: Names; inLoop: boolean } {
    const all = this.levels(v, true)
    const levels = all.map((l) => ({ ...this.listNames(l.list), index: l.index }))
    return {
      before: (t) => levels.some((l) => (l.first.get(t) ?? Infinity) < l.index),
      later: (t) => levels.some((l) => (l.last.get(t) ?? -1) >= l.index),
      inLoop: all.some((l) => l.container === 'loop'),
    }
  }

  /** Names a `{{steps.X}}` can resolve: results present when the top-level step is pre-interpolated (§12.1, §14.4). */
  templateVisible(v: StepVisit): Names {
    const levels = this.levels(v, false)
      .filter((l) => l.container !== 'loop')
      .map((l) => ({ ...this.listNames(l.list), index: l.index }))
    return (t) => levels.some((l) => (l.first.get(t) ?? Infinity) < l.index)
  }

  /** Whether a top-level set_variable step that runs before the top-level step holding `v` sets `variable`. */
  variableBefore(v: StepVisit, variable: string): boolean {
    const topIndex = (v.ancestors[0] ?? v).index
    return (this.firstTopVariable.get(variable) ?? Infinity) < topIndex
  }

  allVariables(): Set<string> {
    const out = new Set<string>()
    for (const v of this.visits) {
      if (get(v.step, 'type') !== 'set_variable') continue
      const vars = get(v.step, 'variables')
      if (isMap(vars)) for (const k of Object.keys(vars)) out.add(k)
    }
    return out
  }

  /** Iterators of the for_loops enclosing `v` (how nested loops reach the parent item, §14.2). */
  iterators(v: StepVisit): string[] {
    return v.ancestors
      .filter((a) => get(a.step, 'type') === 'for_loop')
      .map((a) => String(get(a.step, 'iterator')))
  }

  producer(target: string, candidates: Names): StepVisit | undefined {
    // the last step (in document order) with that name
    return candidates(target) ? this.lastByName.get(target) : undefined
  }

  run() {
    this.references()
    this.steps()
    this.workflow()
    this.strings()
  }

  // ---- references -------------------------------------------------------------------------

  references() {
    const allVars = this.allVariables()
    const globals = get(get(this.root, 'workflow'), 'global_vars')
    for (const ref of this.refs) {
      const v = this.byPath.get(pathKey(ref.stepPath))
      if (!v) continue
      const where = ref.path
      const sp = ref.stepPath
      const rt = this.runtimeVisible(v)
      const isName = (names: Names) => names(ref.target)
      const allNames: Names = (t) => this.allNameSet.has(t)
      const nested = v.container !== 'top'
      switch (ref.kind) {
        case 'previous_response': {
          if (ref.scope === 'batch_task') {
            this.warnRef(
              ref,
              lintCodes.batchPreviousResponse,
              `claude_batch builds its task prompts without access to earlier results, so this previous_response to '${ref.target}' always fails (the task is recorded with status "error" while the step itself succeeds). Put the text in a static part, or use a claude step.`,
            )
            break
          }
          const visible: Names = (t) => rt.before(t) || (rt.inLoop && t === 'loop')
          if (isName(visible)) {
            const prod = this.producer(ref.target, visible)
            if (prod && get(prod.step, 'type') === 'parallel_claude' && ref.extract === undefined)
              this.warnRef(
                ref,
                lintCodes.parallelWithoutExtract,
                `'${ref.target}' is a parallel_claude step; its result holds Elixir tuples that cannot be turned into JSON, so a previous_response without \`extract\` crashes. Add \`extract: combined_results\`.`,
              )
            break
          }
          if (isName(rt.later)) {
            this.warnRef(
              ref,
              lintCodes.forwardReference,
              `'${ref.target}' has not run yet when this step runs (it comes later${ref.target === name(get(v.step, 'name')) ? ', or is this very step' : ''}), so pipeline_ex fails the step with a KeyError. Reference a step that runs earlier.`,
            )
            break
          }
          if (!nested && ref.scope === 'top') break // the loader reports unknown top-level references
          if (
            v.container === 'inline_pipeline' ||
            v.ancestors.some((a) => a.container === 'inline_pipeline')
          ) {
            if (isName(allNames)) {
              this.warnRef(
                ref,
                lintCodes.inlineParentReference,
                `'${ref.target}' is outside this inline pipeline; a child pipeline cannot see its parent's results, so this step fails at run time. Pass the value in through the pipeline step's \`inputs\` and read \`{{inputs.name}}\`.`,
              )
              break
            }
          }
          this.warnRef(
            ref,
            lintCodes.unknownStep,
            `No step named '${ref.target}' is visible here${isName(allNames) ? ' (that step is nested elsewhere, and its result is not visible from here)' : ''}; pipeline_ex does not check nested steps when loading, so this fails only at run time.`,
          )
          break
        }
        case 'template_step': {
          const visible = this.templateVisible(v)
          if (isName(visible)) {
            const prod = this.producer(ref.target, visible)
            const prodType = prod ? get(prod.step, 'type') : undefined
            if (
              (ref.extract === undefined || ref.extract === 'result') &&
              v.container === 'top' &&
              typeof prodType === 'string' &&
              prodType !== 'test_echo'
            ) {
              this.warnRef(
                ref,
                lintCodes.templateWholeResult,
                `\`{{steps.${ref.target}${ref.extract ? '.result' : ''}}}\` stands for the whole result of '${ref.target}', which is a map; pipeline_ex cannot turn a map into text and the whole pipeline crashes. Name a field, e.g. \`{{steps.${ref.target}.text}}\`.`,
              )
            }
            break
          }
          if (isName(allNames) || ref.target === name(get(v.step, 'name'))) {
            const inLoop = v.container === 'loop' || v.ancestors.some((a) => a.container === 'loop')
            this.warnRef(
              ref,
              lintCodes.templateNotYetRun,
              inLoop
                ? `Templates in a loop body are filled in once, before the loop starts, when '${ref.target}' has no result yet, so \`{{steps.${ref.target}…}}\` stays as literal text. Use a previous_response part with step: ${ref.target}.`
                : `'${ref.target}' has not run yet when this step's templates are filled in, so \`{{steps.${ref.target}…}}\` stays as literal text. Reference a step that runs earlier.`,
            )
          } else if (
            !(
              v.container === 'inline_pipeline' ||
              v.ancestors.some((a) => a.container === 'inline_pipeline')
            )
          ) {
            this.warnRef(
              ref,
              lintCodes.templateUnknownStep,
              `There is no step named '${ref.target}', so \`{{steps.${ref.target}…}}\` stays as literal text in the prompt.`,
            )
          }
          break
        }
        case 'condition_step': {
          if (ref.broken) break
          if (v.container === 'loop' && where[sp.length] === 'condition') break // ignored anyway
          const field = where[sp.length]
          const loopCondition = field === 'break_condition' || field === 'continue_condition'
          const type = get(v.step, 'type')
          let body: ListNames | undefined
          let withLoop = false
          if (loopCondition || (type === 'while_loop' && field === 'condition')) {
            const list = get(v.step, 'steps')
            if (Array.isArray(list)) body = this.listNames(list)
            if (loopCondition) withLoop = true
          }
          const visible: Names = (t) =>
            rt.before(t) || (body?.first.has(t) ?? false) || (withLoop && t === 'loop')
          if (isName(visible)) break
          const hint =
            ref.target === 'loop'
              ? ' `loop.*` exists only in a for_loop break_condition or continue_condition.'
              : isName(rt.later)
                ? ` '${ref.target}' runs later, so its result does not exist yet.`
                : ''
          this.warnRef(
            ref,
            lintCodes.conditionUnknownStep,
            `This condition reads '${ref.target}', but no step of that name has a result here, so the value is nil and the condition is false.${hint}`,
          )
          break
        }
        case 'data_source':
        case 'input_source':
        case 'join_source': {
          if (ref.kind === 'data_source' && ref.span === undefined && ref.target.includes('.'))
            break // form rule
          const iters = this.iterators(v)
          const visible: Names = (t) =>
            rt.before(t) || (rt.inLoop && t === 'loop') || iters.some((x) => name(x) === t)
          if (isName(visible) || (ref.span === undefined && this.variableBefore(v, ref.target)))
            break
          if (ref.kind !== 'data_source' && ref.span === undefined && ref.target.includes('.'))
            break // form rule
          this.warnRef(
            ref,
            lintCodes.unknownSource,
            `'${ref.target}' is not ${ref.span === undefined ? 'a variable or ' : ''}a step that has run before this one, so the step fails at run time (${ref.kind === 'data_source' ? '"Step result not found"' : `"Input source '…' not found"`}).${ref.target === 'previous_response' ? ' `previous_response` here means a step literally named previous_response, not the step before: write `step_name:field.path`.' : ''}${ref.target.includes('.') && visible(ref.target.split('.')[0]!) ? ` The dot is part of the name: separate the field path with a colon, \`previous_response:${ref.target.replace('.', ':')}\`.` : ''}`,
          )
          break
        }
        case 'variable': {
          if (ref.broken) break
          if (FAKE_BUILTINS.has(ref.target)) {
            this.warnRef(
              ref,
              lintCodes.unsupportedTemplate,
              `pipeline_ex has no \`{{${ref.target}${ref.extract ? `.${ref.extract}` : ''}}}\` template: it renders as an empty string. Set the value with a set_variable step, or pass it through a pipeline step's \`inputs\`.`,
            )
            break
          }
          if (this.variableBefore(v, ref.target)) break
          this.warnRef(
            ref,
            lintCodes.unknownVariable,
            allVars.has(ref.target)
              ? `Variable '${ref.target}' is set, but not by a top-level set_variable step that runs before this step, so the template renders as an empty string (variables set inside loop bodies never leave their iteration).`
              : `No set_variable step defines '${ref.target}', so \`{{…}}\` renders as an empty string here.`,
          )
          break
        }
        case 'global_var': {
          if (v.container !== 'top') break
          if (isMap(globals) && has(globals, ref.target)) break
          this.warnRef(
            ref,
            lintCodes.unknownGlobalVar,
            `\`workflow.global_vars\` has no '${ref.target}', so \`{{global_vars.${ref.target}}}\` stays as literal text${isMap(globals) ? '' : ' (unless this file runs as a sub-pipeline whose parent passes global_vars with inherit_context: true)'}.`,
            isMap(globals) ? 'warning' : 'info',
          )
          break
        }
        case 'pipeline_output': {
          const children = childSteps(v.step, v.path)
          if (
            !children ||
            children.container !== 'inline_pipeline' ||
            !isNil(get(v.step, 'pipeline_file'))
          )
            break
          if (this.listNames(children.list).first.has(ref.target)) break
          this.warnRef(
            ref,
            lintCodes.unknownPipelineOutput,
            `The inline pipeline has no step named '${ref.target}', so the step fails with "Output '${ref.target}' not found in results".`,
          )
          break
        }
        case 'function':
          break
      }
      if (ref.broken === 'steps_prefix')
        this.warnRef(
          ref,
          lintCodes.conditionStepsPrefix,
          `In conditions, \`steps.${ref.target}…\` looks for a step literally named 'steps', so it is always false. Write \`${ref.target}${ref.extract ? `.${ref.extract}` : ''}\` or \`{{steps.${ref.target}${ref.extract ? `.${ref.extract}` : ''}}}\`.`,
        )
      if (ref.broken === 'state_prefix')
        this.warnRef(
          ref,
          lintCodes.conditionStatePrefix,
          `Conditions cannot read variables: \`state.${ref.target}\` looks for a step named 'state' and is nil. Write \`{{state.${ref.target}}}\` so the value is filled in before the condition is evaluated.`,
        )
      if (ref.kind === 'condition_step' && ref.target.includes('-') && !ref.broken)
        this.warnRef(
          ref,
          lintCodes.conditionHyphen,
          `'${ref.target}' contains '-', which makes pipeline_ex read the condition as arithmetic (${ref.target.split('-').join(' minus ')}), so it never matches. Use \`{{steps.${ref.target}${ref.extract ? `.${ref.extract}` : ''}}}\` or rename the step without hyphens.`,
        )
      if (
        ref.kind === 'previous_response' &&
        ref.extract !== undefined &&
        /[[\]*]/.test(ref.extract)
      )
        this.warn(
          lintCodes.extractIndexing,
          `\`extract\` is a plain dot path: '${ref.extract}' is looked up literally (no [0] indexing, no wildcards), so the field is not found and the step fails.`,
          [...where.slice(0, -1), 'extract'],
          sp,
        )
    }
  }

  // ---- per-step rules ---------------------------------------------------------------------

  steps() {
    const testEnv = this.r.options.testEnv === true
    const accepted = testEnv ? ['test_echo', ...acceptedStepTypes] : acceptedStepTypes
    const seenLists = new Set<string>()
    for (const v of this.visits) {
      const s = v.step
      const sp = v.path
      const type = get(s, 'type')
      const t = typeof type === 'string' ? type : undefined
      const nested = v.container !== 'top'
      const inLoopBody = v.container === 'loop'

      // duplicate names, once per list
      const lk = pathKey(v.listPath)
      if (!seenLists.has(lk)) {
        seenLists.add(lk)
        this.duplicates(v.listPath)
      }

      if (inLoopBody) {
        if (t === 'break' || t === 'continue')
          this.warn(
            lintCodes.loopBreakContinue,
            `pipeline_ex recognises \`${t}\` steps inside loops but crashes when it reaches one. Use the for_loop's \`break_condition\` instead.`,
            [...sp, 'type'],
            sp,
          )
        else if (t !== undefined && accepted.includes(t) && !loopBodyTypes.includes(t))
          this.warn(
            lintCodes.loopUnsupportedChild,
            `A loop body cannot run ${t} steps: each iteration fails with "Unsupported step type in loop: ${t}". Move the step out of the loop.`,
            [...sp, 'type'],
            sp,
          )
        else if (!(t !== undefined && loopBodyTypes.includes(t)))
          this.nestedInvalidType(v, type, 'loop')
        if (has(s, 'condition'))
          this.warnKey(
            lintCodes.loopChildCondition,
            'Steps inside a loop body never have their `condition` evaluated: this step always runs. Use the loop’s break_condition, or move the condition onto the loop.',
            [...sp, 'condition'],
            sp,
          )
        if (has(s, 'output_to_file'))
          this.warnKey(
            lintCodes.loopChildOutputToFile,
            '`output_to_file` is ignored on steps inside a loop body; nothing is written. Put output_to_file on the loop step instead.',
            [...sp, 'output_to_file'],
            sp,
          )
        if (t === 'set_variable')
          this.warn(
            lintCodes.loopVariableDiscarded,
            'Variables set inside a loop body are discarded at the end of each iteration: later iterations and later steps never see them.',
            sp,
            sp,
            'info',
          )
      } else if (v.container === 'inline_pipeline' && !(t !== undefined && accepted.includes(t))) {
        this.nestedInvalidType(v, type, 'inline')
      }

      // string prompt where the loader does not check it
      const prompt = get(s, 'prompt')
      if (
        nested &&
        t !== undefined &&
        promptRequiredTypes.includes(t) &&
        !isNil(prompt) &&
        !Array.isArray(prompt)
      )
        this.warn(
          lintCodes.stringPrompt,
          `The prompt must be a list of parts. pipeline_ex does not check nested steps when loading, so this ${t} step fails only when it runs. Write \`prompt: [{type: static, content: "..."}]\`.`,
          [...sp, 'prompt'],
          sp,
        )
      if (Array.isArray(prompt))
        prompt.forEach((part, i) => this.part(part, [...sp, 'prompt', i], sp))

      this.conditionShape(s, sp, inLoopBody)
      this.typeSpecific(v, t)
      this.stepFields(v, t)
    }
  }

  nestedInvalidType(v: StepVisit, type: unknown, where: 'loop' | 'inline') {
    const sp = v.path
    const t = exStr(type) ?? show(type)
    const doc =
      typeof type === 'string' && ['switch', 'checkpoint', 'codebase_query'].includes(type)
    this.warn(
      lintCodes.nestedInvalidType,
      isNil(type)
        ? `This nested step has no \`type\`; pipeline_ex does not check nested steps when loading, so it fails at run time.`
        : `'${t}' is not a step type pipeline_ex can run${doc ? ' (it is documented but was never implemented)' : ''}. It is not checked when loading because the step is nested, so it fails only at run time${where === 'loop' ? ` ("Unsupported step type in loop: ${t}")` : ' (the child pipeline is rejected when the step runs)'}.`,
      isNil(type) ? sp : [...sp, 'type'],
      sp,
    )
  }

  duplicates(listPath: Path) {
    const list = getAt(this.root, listPath)
    if (!Array.isArray(list)) return
    const seen = new SameIndex()
    list.forEach((s, i) => {
      const n = get(s, 'name')
      if (isNil(n)) return
      const earlier = seen.indexOf(n)
      seen.add(n)
      if (earlier >= 0)
        this.warn(
          lintCodes.duplicateName,
          `Another step (#${earlier + 1}) is already named '${name(n)}'. pipeline_ex does not require unique names: this step's result overwrites the earlier one, and references go to whichever ran last. Give each step its own name.`,
          [...listPath, i, 'name'],
          [...listPath, i],
        )
    })
  }

  part(part: unknown, pp: Path, sp: Path) {
    if (!isMap(part)) return
    const type = get(part, 'type')
    if (typeof type !== 'string') return
    const spec = promptPartCatalogue.find((p) => p.type === type)
    if (!spec) return
    const fields = new Map(spec.fields.map((f) => [f.key, f]))
    for (const key of Object.keys(part)) {
      if (key === 'type') continue
      const f = fields.get(key)
      if (f?.effect === 'ignored' && !(spec.rendersEmpty && f.required === undefined)) {
        this.warnKey(
          lintCodes.ignoredPartField,
          `\`${key}\` on a ${type} prompt part has no effect in pipeline_ex: ${f.doc}`,
          [...pp, key],
          sp,
          key === 'condition' ? 'warning' : 'info',
        )
      } else if (!f)
        this.unknownKey(
          key,
          spec.fields.map((x) => x.key).concat('type'),
          [...pp, key],
          sp,
          `${type} prompt part`,
        )
    }
    if (spec.rendersEmpty)
      this.warn(
        lintCodes.emptyPart,
        `A ${type} part renders as empty text at run time: pipeline_ex does not implement it. Use a previous_response or static part to carry the context.`,
        [...pp, 'type'],
        sp,
        'info',
      )
    const path = get(part, 'path')
    if (type === 'file' && typeof path === 'string' && path.endsWith('/'))
      this.warn(
        lintCodes.filePartDirectory,
        `A file part reads one file; '${path}' is a directory, so the step fails at run time. Name a file (paths are relative to where pipeline_ex runs).`,
        [...pp, 'path'],
        sp,
      )
  }

  conditionShape(s: Record<string, unknown>, sp: Path, inLoopBody: boolean) {
    if (inLoopBody || !has(s, 'condition')) return
    const check = (c: unknown, p: Path, depth: number): void => {
      if (depth > 32 || c === null || typeof c === 'string') return
      if (typeof c === 'boolean' || typeof c === 'number') {
        this.warn(
          lintCodes.conditionNotString,
          `A YAML ${typeof c} as a condition makes pipeline_ex crash when the step runs. Quote it as a string expression (note that even "true" is read as a step name and is false), or remove the condition.`,
          p,
          sp,
        )
      } else if (Array.isArray(c)) c.forEach((x, i) => check(x, [...p, i], depth + 1))
      else if (isMap(c)) {
        const keys = Object.keys(c)
        const bad = keys.filter((k) => k !== 'and' && k !== 'or' && k !== 'not')
        if (bad.length > 0 || keys.length !== 1)
          this.warn(
            lintCodes.conditionNotString,
            `A condition map must have exactly one key, \`and\`, \`or\` or \`not\`; ${bad.length > 0 ? `\`${bad.join('`, `')}\` makes` : 'this map makes'} pipeline_ex crash when the step runs.`,
            p,
            sp,
          )
        for (const k of keys)
          if (k === 'and' || k === 'or' || k === 'not') check(c[k], [...p, k], depth + 1)
      }
    }
    check(s.condition, [...sp, 'condition'], 0)
  }

  typeSpecific(v: StepVisit, t: string | undefined) {
    const s = v.step
    const sp = v.path
    const missing = (field: string, text: string) =>
      this.r.add(
        lintCodes.missingRuntimeField,
        'warning',
        `This ${t} step has no \`${field}\`; the loader does not check it, but the step fails when it runs ("${text}").`,
        [...sp, field],
        this.r.missingAt(sp, s),
        sp,
      )
    switch (t) {
      case 'for_loop': {
        if (isNil(get(s, 'iterator'))) missing('iterator', "For loop requires 'iterator' field")
        if (isNil(get(s, 'data_source')))
          missing('data_source', "For loop requires 'data_source' field")
        if (isNil(get(s, 'steps'))) missing('steps', "Loop requires 'steps' field")
        const ds = get(s, 'data_source')
        const dp = [...sp, 'data_source']
        if (typeof ds === 'string' && ds.includes('{{'))
          this.warn(
            lintCodes.dataSourceForm,
            'A template in `data_source` is filled in as text before the loop runs: a list of maps crashes the pipeline and a list of strings collapses into one string. Write `step_name:field.path` instead.',
            dp,
            sp,
          )
        else if (typeof ds === 'string' && !ds.includes(':') && ds.includes('.'))
          this.warn(
            lintCodes.dataSourceForm,
            `\`data_source: ${ds}\` is read as one step or variable named '${ds}' and fails. Write \`${ds.startsWith('steps.') ? ds.slice(6).replace('.', ':') : ds.replace('.', ':')}\` (step name, a colon, then the field path).`,
            dp,
            sp,
          )
        else if (!isNil(ds) && typeof ds !== 'string')
          this.warn(
            lintCodes.dataSourceForm,
            '`data_source` must be a string such as `step_name:field.path` or a variable name; a literal list (or any non-string) crashes the loop. Put the list in a set_variable step and name that variable.',
            dp,
            sp,
          )
        break
      }
      case 'while_loop': {
        const c = get(s, 'condition')
        if (isNil(c)) missing('condition', "While loop requires 'condition' field")
        if (isNil(get(s, 'steps'))) missing('steps', "Loop requires 'steps' field")
        if (!isNil(c) && typeof c !== 'string')
          this.warn(
            lintCodes.whileCondition,
            'A while_loop condition must be a string when the loop tests it ("Condition must be a string"); and/or/not maps and lists only work as skip conditions.',
            [...sp, 'condition'],
            sp,
          )
        else if (typeof c === 'string' && c.includes('{{'))
          this.warn(
            lintCodes.whileCondition,
            'Templates in a while_loop condition are filled in once, before the loop starts, so the condition never changes: the loop runs until max_iterations (or never). Test a step result instead, e.g. `check.score < 8`, which is re-read every iteration.',
            [...sp, 'condition'],
            sp,
          )
        break
      }
      case 'data_transform': {
        const src = get(s, 'input_source')
        if (isNil(src)) missing('input_source', 'input_source is required for data_transform step')
        this.sourceForm(src, [...sp, 'input_source'], sp)
        const ops = get(s, 'operations')
        if (Array.isArray(ops))
          ops.forEach((op, i) => {
            if (isMap(op) && has(op, 'right_source'))
              this.sourceForm(op.right_source, [...sp, 'operations', i, 'right_source'], sp)
          })
        break
      }
      case 'file_ops': {
        if (isNil(get(s, 'operation'))) missing('operation', 'Unsupported operation: ')
        const pattern = get(s, 'pattern')
        if (
          typeof pattern === 'string' &&
          (/^\*|\*\*|\/\*|^\*\./.test(pattern) || /^[^\\]*\*\.[a-z0-9]+$/i.test(pattern))
        )
          this.warn(
            lintCodes.fileOpsGlob,
            `file_ops \`pattern\` is a regular expression matched against file names (and listing never recurses), not a glob: '${pattern}' ${/^\*/.test(pattern) ? 'is not even a valid regex' : 'does not match what it seems to'}. Write e.g. \`"\\\\.py$"\`.`,
            [...sp, 'pattern'],
            sp,
          )
        if (has(s, 'recursive'))
          this.warnKey(
            lintCodes.fileOpsGlob,
            'file_ops `list` never recurses into sub-directories; `recursive` is ignored.',
            [...sp, 'recursive'],
            sp,
          )
        break
      }
      case 'pipeline': {
        const src = ['pipeline_file', 'pipeline', 'pipeline_ref'].filter((k) => !isNil(get(s, k)))
        if (src.length === 0)
          missing(
            'pipeline_file',
            "No pipeline source specified. Use 'pipeline_file' or 'pipeline' key.",
          )
        else if (src[0] === 'pipeline_ref')
          this.warn(
            lintCodes.pipelineRef,
            '`pipeline_ref` always fails at run time ("Pipeline registry not yet implemented"). Use `pipeline_file` or an inline `pipeline`.',
            [...sp, 'pipeline_ref'],
            sp,
          )
        break
      }
      case 'parallel_claude': {
        if (has(s, 'output_to_file'))
          this.warnKey(
            lintCodes.parallelOutputToFile,
            'A parallel_claude result holds Elixir tuples that cannot be turned into JSON, so `output_to_file` crashes the pipeline. Write the file from a later step that extracts `combined_results`.',
            [...sp, 'output_to_file'],
            sp,
          )
        const tasks = get(s, 'parallel_tasks')
        if (Array.isArray(tasks))
          tasks.forEach((task, i) => {
            const tp = [...sp, 'parallel_tasks', i]
            const pr = get(task, 'prompt')
            if (!isNil(pr) && !Array.isArray(pr))
              this.warn(
                lintCodes.stringPrompt,
                'A parallel task prompt must be a list of parts; pipeline_ex does not check it when loading, so the task fails when it runs. Write `prompt: [{type: static, content: "..."}]`.',
                [...tp, 'prompt'],
                sp,
              )
            if (Array.isArray(pr))
              pr.forEach((part, j) => this.part(part, [...tp, 'prompt', j], sp))
            if (isMap(task) && has(task, 'output_to_file'))
              this.warnKey(
                lintCodes.ignoredStepField,
                '`output_to_file` on a parallel task is ignored: tasks never write files.',
                [...tp, 'output_to_file'],
                sp,
                'info',
              )
            this.claudeOptions(get(task, 'claude_options'), [...tp, 'claude_options'], sp, true)
          })
        break
      }
      case 'claude_batch': {
        const tasks = get(s, 'tasks')
        if (Array.isArray(tasks))
          tasks.forEach((task, i) => {
            if (!isMap(task)) return
            const tp = [...sp, 'tasks', i]
            if (has(task, 'id') && !has(task, 'task_id'))
              this.warnKey(
                lintCodes.batchTaskId,
                'claude_batch tasks are named by `task_id`; `id` is ignored, so this task is reported as "task_N". Rename `id` to `task_id`.',
                [...tp, 'id'],
                sp,
              )
            for (const k of ['output_to_file', 'claude_options'])
              if (has(task, k))
                this.warnKey(
                  lintCodes.ignoredStepField,
                  `\`${k}\` on a claude_batch task is ignored; only the step-level ${k === 'claude_options' ? '`claude_options` applies to every task' : 'output_to_file is written'}.`,
                  [...tp, k],
                  sp,
                  'info',
                )
            const pr = get(task, 'prompt')
            if (Array.isArray(pr))
              pr.forEach((part, j) => this.part(part, [...tp, 'prompt', j], sp))
          })
        const timeout = get(get(s, 'batch_config'), 'timeout_per_task')
        if (typeof timeout === 'number' && timeout < 1000)
          this.warn(
            lintCodes.batchTimeoutUnit,
            `\`timeout_per_task\` is in milliseconds: ${timeout} gives each task ${timeout} ms, so tasks time out almost at once. For ${timeout} seconds write ${timeout * 1000}.`,
            [...sp, 'batch_config', 'timeout_per_task'],
            sp,
          )
        break
      }
      case 'set_variable': {
        if (!has(s, 'variables') && (has(s, 'variable') || has(s, 'value')))
          this.warnKey(
            lintCodes.setVariableSingular,
            'set_variable reads only `variables` (a map of name → value); `variable`/`value` are ignored, so this step sets nothing. Write `variables: {name: value}`.',
            [...sp, has(s, 'variable') ? 'variable' : 'value'],
            sp,
          )
        const scope = get(s, 'scope')
        if (!isNil(scope) && !(typeof scope === 'string' && SET_VARIABLE_SCOPES.includes(scope)))
          this.warn(
            lintCodes.setVariableScope,
            `Scope ${show(scope)} does not exist${scope === 'local' ? ' (the docs mention it)' : ''}: pipeline_ex silently uses \`global\`. Use global, session or loop.`,
            [...sp, 'scope'],
            sp,
          )
        break
      }
    }
    if (t === 'claude')
      this.claudeOptions(get(s, 'claude_options'), [...sp, 'claude_options'], sp, true)
    else if (t !== undefined && t.startsWith('claude_'))
      this.claudeOptions(get(s, 'claude_options'), [...sp, 'claude_options'], sp, false)
  }

  sourceForm(src: unknown, p: Path, sp: Path) {
    if (typeof src !== 'string') return
    if (src.includes('{{') || (!src.includes(':') && src.includes('.')))
      this.warn(
        lintCodes.inputSourceForm,
        `data_transform sources are \`previous_response:step[:field.path]\`, \`context:results.step\` or a bare step/variable name; '${src}' is ${src.includes('{{') ? 'filled in as text first (and crashes on maps)' : 'read as a step named that'} and is not found. Write e.g. \`previous_response:${src
          .replace(/^\{\{\s*|\s*\}\}$/g, '')
          .replace(/^steps\./, '')
          .replace('.', ':')}\`.`,
        p,
        sp,
      )
  }

  claudeOptions(opts: unknown, op: Path, sp: Path, plain: boolean) {
    if (!isMap(opts)) return
    const known = knownKeys('claude_options')
    for (const key of Object.keys(opts)) {
      if (!known.includes(key)) {
        this.unknownKey(key, known, [...op, key], sp, 'claude_options')
        continue
      }
      if (plain && !PLAIN_CLAUDE_OPTIONS.has(key))
        this.warnKey(
          lintCodes.claudeOptionIgnored,
          `The plain claude provider (used by claude steps and parallel_claude tasks) ignores \`claude_options.${key}\`${key.startsWith('stream') || key === 'async_streaming' ? ' (async streaming was removed from pipeline_ex)' : ''}. It only reads ${[...PLAIN_CLAUDE_OPTIONS].join(', ')}; use a claude_smart/claude_robust step for the rest.`,
          [...op, key],
          sp,
        )
    }
  }

  stepFields(v: StepVisit, t: string | undefined) {
    if (t === undefined) return
    const spec = getStepType(t)
    if (!spec) return
    const fields = new Map<string, FieldSpec>(spec.fields.map((f) => [f.key, f]))
    const sp = v.path
    for (const key of Object.keys(v.step)) {
      const f = fields.get(key)
      if (!f) {
        this.unknownKey(key, [...fields.keys()], [...sp, key], sp, `${t} step`)
        continue
      }
      if (
        f.effect === 'ignored' &&
        key !== 'description' &&
        key !== 'role' &&
        !(t === 'set_variable' && (key === 'variable' || key === 'value'))
      )
        this.warnKey(
          lintCodes.ignoredStepField,
          `\`${key}\` on a ${t} step has no effect in pipeline_ex: ${f.doc}`,
          [...sp, key],
          sp,
          'info',
        )
    }
  }

  unknownKey(key: string, known: readonly string[], p: Path, sp: Path | undefined, where: string) {
    const best = closestKey(key, known)
    if (best === undefined) return
    this.warnKey(
      lintCodes.unknownKey,
      `pipeline_ex does not know \`${key}\` on a ${where} and silently ignores it. Did you mean \`${best}\`?`,
      p,
      sp,
    )
  }

  // ---- workflow level ---------------------------------------------------------------------

  workflow() {
    const wf = get(this.root, 'workflow')
    if (!isMap(wf)) return
    const known = knownKeys('workflow')
    const fields = new Map(workflowFields.map((f) => [f.key, f]))
    for (const key of Object.keys(wf)) {
      const p = ['workflow', key]
      const f = fields.get(key)
      if (key === 'input' && !f) {
        this.warnKey(
          lintCodes.ignoredWorkflowKey,
          '`workflow.input` is read only by `mix pipeline.generate` (genesis files); a normal run ignores it.',
          p,
          undefined,
          'info',
        )
      } else if (!f) {
        const best = closestKey(key, known)
        this.warnKey(
          best ? lintCodes.unknownKey : lintCodes.ignoredWorkflowKey,
          best
            ? `pipeline_ex does not know \`workflow.${key}\` and silently ignores it. Did you mean \`${best}\`?`
            : `pipeline_ex never reads \`workflow.${/^[\w-]+$/.test(key) ? key : JSON.stringify(key)}\`; it has no effect.${key === 'output_dir' ? ' Use `defaults.output_dir`.' : ''}`,
          p,
        )
      } else if (f.effect === 'ignored' && key !== 'version')
        this.warnKey(
          lintCodes.ignoredWorkflowKey,
          `\`workflow.${key}\` has no effect: ${f.doc}`,
          p,
          undefined,
          'info',
        )
    }
    const defaults = get(wf, 'defaults')
    const dspec = fields.get('defaults')?.fields ?? []
    const dfields = new Map(dspec.map((f) => [f.key, f]))
    if (isMap(defaults))
      for (const key of Object.keys(defaults)) {
        const f = dfields.get(key)
        const p = ['workflow', 'defaults', key]
        if (f && f.effect !== 'ignored') continue
        const best = f ? undefined : closestKey(key, [...dfields.keys()])
        this.warnKey(
          best ? lintCodes.unknownKey : lintCodes.ignoredDefault,
          best
            ? `pipeline_ex does not know \`defaults.${key}\`. Did you mean \`${best}\`?`
            : `\`defaults.${key}\` has no effect: pipeline_ex never applies workflow defaults to steps (only defaults.output_dir and defaults.claude_preset are read). Set it on each step instead.`,
          p,
        )
      }
    const ce = get(wf, 'checkpoint_enabled')
    if (typeof ce === 'string')
      this.warn(
        lintCodes.checkpointString,
        `\`checkpoint_enabled\` is the string ${show(ce)}, which pipeline_ex treats as true (any value other than false/null enables checkpointing, and with it resuming that SKIPS completed steps). Write true or false without quotes.`,
        ['workflow', 'checkpoint_enabled'],
      )
  }

  // ---- template and condition text ----------------------------------------------------------

  strings() {
    for (const v of this.visits) {
      const inLoopBody = v.container === 'loop' || v.ancestors.some((a) => a.container === 'loop')
      const loopIters = [...v.ancestors, v]
        .filter((a) => LOOP_TYPES.has(get(a.step, 'type')) && a !== v)
        .map((a) => get(a.step, 'iterator'))
      ownStrings(v.step, v.path, (s, p) => {
        for (const tpl of templateExpressions(s)) {
          const e = tpl.expr
          if (e === 'loop' || e.startsWith('loop.')) {
            const it =
              typeof loopIters[loopIters.length - 1] === 'string'
                ? String(loopIters[loopIters.length - 1])
                : '<iterator>'
            const field = e.split('.').slice(1).join('.')
            this.warn(
              lintCodes.loopTemplate,
              inLoopBody
                ? `\`{{${e}}}\` is blanked: pipeline_ex fills in a loop's templates once, before the loop starts, when there is no current item. Use a prompt part \`{type: previous_response, step: loop, extract: ${field && !['index', 'first', 'last', 'total'].includes(field.split('.')[0]!) ? field : `${it}${field && field.startsWith(it) ? field.slice(it.length) : ''}`}}\` instead.`
                : `\`{{${e}}}\` renders as an empty string: \`loop\` only exists inside a loop body, and even there only through a previous_response part with \`step: loop\`.`,
              p,
              v.path,
            )
          } else if (/^\w+\s*\(/.test(e)) {
            const fn = /^(\w+)/.exec(e)![1]!
            if (!TEMPLATE_FUNCTIONS.has(fn))
              this.warn(
                lintCodes.unsupportedTemplate,
                `\`${fn}()\` is not a template function (only ${[...TEMPLATE_FUNCTIONS].join(', ')}); \`{{${e}}}\` is emitted as the literal text "${e}".`,
                p,
                v.path,
              )
          } else if (/[<>]|==|!=|\s(and|or)\s|\?/.test(e)) {
            this.warn(
              lintCodes.templateComparison,
              `\`{{${e}}}\`: templates cannot compare or combine values, so this never resolves (as a condition it is false). Put only the value inside the braces: e.g. \`{{${e.split(/\s*(?:[<>]=?|==|!=)\s*/)[0]}}} ${(/([<>]=?|==|!=)/.exec(e) ?? ['>'])[0]} …\`.`,
              p,
              v.path,
            )
          }
        }
        if (inLoopBody)
          for (const ref of this.refsByPath.get(pathKey(p)) ?? [])
            if (
              ref.kind === 'variable' &&
              !ref.broken &&
              !FAKE_BUILTINS.has(ref.target) &&
              ref.span
            )
              this.warn(
                lintCodes.stateInLoop,
                `The variable '${ref.target}' in a template inside a loop body is filled in once, before the loop starts: every iteration sees the value '${ref.target}' had then, and set_variable changes inside the loop are discarded. Keep per-iteration values in step results (previous_response with step: loop).`,
                p,
                v.path,
              )
      })
      for (const key of ['condition', 'break_condition', 'continue_condition'])
        this.conditionText(get(v.step, key), [...v.path, key], v.path, 0)
    }
  }

  conditionText(c: unknown, p: Path, sp: Path, depth: number) {
    if (depth > 32) return
    if (Array.isArray(c))
      return c.forEach((x, i) => this.conditionText(x, [...p, i], sp, depth + 1))
    if (isMap(c)) {
      for (const k of ['and', 'or', 'not'])
        if (has(c, k)) this.conditionText(c[k], [...p, k], sp, depth + 1)
      return
    }
    if (typeof c !== 'string') return
    const m = maskCondition(c)
    const words = [...m.matchAll(/(^|\s)(and|or|not)(?=\s)/g)].filter((w) => {
      if (w[2] !== 'and') return true
      return !/\bbetween\s+\S+\s*$/.test(m.slice(0, w.index + w[1]!.length))
    })
    if (words.length > 0)
      this.warn(
        lintCodes.inlineLogic,
        `Condition strings have no inline \`${words[0]![2]}\`: "${c}" is evaluated wrongly (usually false). Use the map form, e.g. \`condition: {${words.some((w) => w[2] === 'or') ? 'or' : words[0]![2] === 'not' ? 'not' : 'and'}: [...]}\`.`,
        p,
        sp,
      )
    for (const op of m.matchAll(/==|!=|>=|<=|>|</g)) {
      const before = m[op.index - 1]
      const after = m[op.index + op[0].length]
      if (op[0].length === 1 && (after === '=' || before === '=' || before === '!')) continue
      if (before !== ' ' || (after !== ' ' && after !== undefined)) {
        this.warn(
          lintCodes.operatorSpacing,
          `pipeline_ex only recognises \`${op[0]}\` with a space on each side; in "${c}" it is not recognised and the condition is false. Write \`a ${op[0]} b\`.`,
          p,
          sp,
        )
        break
      }
    }
    for (const f of m.matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
      if (CONDITION_FUNCTIONS.has(f[1]!)) continue
      this.warn(
        lintCodes.conditionUnknownFunction,
        `\`${f[1]}()\` is not a condition function; pipeline_ex raises "Unknown function: ${f[1]}" and the pipeline crashes.${/_/.test(f[1]!) ? ' Condition functions are camelCase (startsWith, endsWith, isEmpty…).' : ''}`,
        p,
        sp,
      )
    }
  }
}

/** Every string the step itself holds (not its child steps), with its path. */
function ownStrings(step: Record<string, unknown>, sp: Path, cb: (s: string, p: Path) => void) {
  const skip = new Set<string>()
  const children = childSteps(step, sp)
  if (children) skip.add(pathKey(children.path))
  const walkV = (v: unknown, p: Path, depth: number): void => {
    if (depth > 64 || skip.has(pathKey(p))) return
    if (typeof v === 'string') cb(v, p)
    else if (Array.isArray(v)) v.forEach((x, i) => walkV(x, [...p, i], depth + 1))
    else if (isMap(v)) for (const [k, x] of Object.entries(v)) walkV(x, [...p, k], depth + 1)
  }
  walkV(step, sp, 0)
}

export function checkLint(r: Reporter, root: unknown): void {
  if (!isMap(root) || !isMap(get(root, 'workflow'))) return
  new Lint(r, root).run()
}
