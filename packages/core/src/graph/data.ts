/**
 * Data-dependency edges (§22.2 D1-D10), producer → consumer, from the references module's
 * findings. Each edge says whether pipeline_ex will really deliver the value: references are
 * resolved the way the runtime resolves them (live results for prompt parts, conditions and
 * sources; the frozen, pre-interpolated view for `{{…}}` templates, §12.1 and §14.4), so an edge
 * that merely looks right on the canvas is drawn as a warning or an error with the reason.
 */
import { pathToString, type Path } from '../diagnostics.js'
import { stepReferences, type Reference, type ReferenceScope } from '../references/index.js'
import { loopItemId } from './control.js'
import {
  chainDuplicates,
  diagnoseMiss,
  enclosingLoops,
  frameAncestor,
  liveBeforeNamed,
  rootAncestor,
  type Miss,
} from './resolve.js'
import type { GraphSink } from './sink.js'
import { isMap, scalarText, type Body, type StepInfo, type Structure } from './structure.js'
import { oneLine } from './summary.js'
import type { EdgeStatus } from './types.js'

interface Resolved {
  /** Producer node id; the consumer itself when nothing can be pointed at. */
  readonly source: string
  readonly status: EdgeStatus
  readonly reason?: string
}

const valid = (source: string): Resolved => ({ source, status: 'valid' })

const worse = (a: EdgeStatus, b: EdgeStatus): EdgeStatus =>
  a === 'error' || b === 'error'
    ? 'error'
    : a === 'warning' || b === 'warning'
      ? 'warning'
      : 'valid'

/** Adds a problem to a resolution, keeping the worst status and every reason. */
function flag(r: Resolved, status: EdgeStatus, reason: string): Resolved {
  return {
    source: r.source,
    status: worse(r.status, status),
    reason: r.reason === undefined ? reason : `${r.reason} ${reason}`,
  }
}

function scopeOf(body: Body): ReferenceScope {
  for (let b: Body | undefined = body, guard = 0; b !== undefined && guard < 256; guard++) {
    if (b.kind === 'top') return 'top'
    if (b.kind === 'loop') return 'loop'
    if (b.kind === 'inline_pipeline') return 'inline_pipeline'
    b = b.owner?.body
  }
  return 'top'
}

const under = (path: Path, prefix: Path): boolean =>
  path.length >= prefix.length && prefix.every((seg, i) => path[i] === seg)

/**
 * Every reference, per step of our own structure walk: the references module's document walk
 * does not enter `switch` cases (a docs-only type), so its per-step scan is applied here to every
 * step the canvas draws, and a switch step's own scan is kept out of its cases.
 */
export function collectReferences(structure: Structure): { ref: Reference; step: StepInfo }[] {
  const out: { ref: Reference; step: StepInfo }[] = []
  for (const step of structure.steps) {
    if (step.map === undefined) continue
    const refs = stepReferences(step.map as Record<string, unknown>, step.path, scopeOf(step.body))
    for (const ref of refs) {
      if (step.type === 'switch' && step.bodies.some((b) => under(ref.path, b.path))) continue
      out.push({ ref, step })
    }
  }
  return out
}

/** What happens at run time when a reference of this kind finds nothing. */
function consequence(ref: Reference): string {
  switch (ref.kind) {
    case 'previous_response':
      return 'this step fails with a KeyError when it runs'
    case 'template_step':
      return `the text {{steps.${ref.target}…}} is left as it is`
    case 'condition_step':
      return 'the condition sees no value'
    case 'data_source':
      return `the loop fails with "Step result not found: ${ref.target}"`
    default:
      return `the step fails with "Input source '${ref.target}' not found"`
  }
}

const titled = (s: StepInfo): string =>
  s.name === '' ? `the ${s.type ?? 'unnamed'} step` : `'${s.name}'`

function missed(miss: Miss, ref: Reference, consumer: StepInfo, selfId: string): Resolved {
  const name = ref.target
  const cons = consequence(ref)
  // The loader checks top-level prompt parts against top-level names before anything runs (§17.1).
  const loaderChecked =
    ref.kind === 'previous_response' &&
    consumer.body.kind === 'top' &&
    under(ref.path, [...consumer.path, 'prompt'])
  switch (miss.why) {
    case 'self':
      return {
        source: selfId,
        status: 'error',
        reason: `This step reads its own result, which does not exist until it finishes: ${cons}.`,
      }
    case 'ancestor':
      return {
        source: miss.step.id,
        status: 'error',
        reason: `'${name}' is the ${miss.step.type ?? 'step'} this step runs inside; its result exists only once it has finished: ${cons}.`,
      }
    case 'later':
      return {
        source: miss.step.id,
        status: 'error',
        reason: `'${name}' runs after this step, so its result does not exist yet: ${cons}.`,
      }
    case 'in_loop':
      return {
        source: miss.step.id,
        status: 'error',
        reason: loaderChecked
          ? `'${name}' runs inside the loop ${titled(miss.loop)}: pipeline_ex's loader rejects the file, because a top-level previous_response may only name a top-level step. Read '${miss.loop.name}' (its iterations) instead.`
          : `'${name}' runs inside the loop ${titled(miss.loop)}, and results made inside a loop never leave it: ${cons}. Read '${miss.loop.name}' (its iterations) instead.`,
      }
    case 'parent_frame':
      return {
        source: miss.step.id,
        status: 'error',
        reason: `'${name}' belongs to the parent pipeline; an inline pipeline cannot see its parent's results: ${cons}. Pass the value in through the pipeline step's inputs.`,
      }
    case 'child_frame':
      return {
        source: miss.step.id,
        status: 'error',
        reason: `'${name}' runs inside the pipeline step ${titled(miss.pipeline)}, and a child pipeline's results stay in the child: ${cons}. Read '${miss.pipeline.name}' (its outputs) instead.`,
      }
    case 'unknown': {
      const hint =
        name === 'previous_response' && ref.kind !== 'previous_response'
          ? " Here 'previous_response' means a step literally named previous_response, not the step before."
          : name === 'loop'
            ? ' The loop pseudo-step exists only inside a for_loop or while_loop body.'
            : ''
      return {
        source: selfId,
        status: 'error',
        reason: loaderChecked
          ? `No top-level step is named '${name}': pipeline_ex's loader rejects the file ("references non-existent steps").${hint}`
          : `No step is named '${name}': ${cons}.${hint}`,
      }
    }
  }
}

/** A found producer, with the duplicate-name warning when results with that name overwrite each other. */
function found(step: StepInfo, consumer: StepInfo, name: string): Resolved {
  const n = chainDuplicates(consumer, name)
  return n > 1
    ? {
        source: step.id,
        status: 'warning',
        reason: `${n} steps are named '${name}', and each overwrites the last one's result: this reads the one that ran most recently before it.`,
      }
    : valid(step.id)
}

interface VarTable {
  /** Top-level set_variable steps, per variable name, in order. */
  readonly setters: ReadonlyMap<string, readonly StepInfo[]>
  /** set_variable steps anywhere else (loop bodies, child pipelines), whose variables never reach the top level. */
  readonly nested: ReadonlyMap<string, readonly StepInfo[]>
}

function variableTable(structure: Structure): VarTable {
  const setters = new Map<string, StepInfo[]>()
  const nested = new Map<string, StepInfo[]>()
  for (const step of structure.steps) {
    const vars = step.map?.['variables']
    if (step.type !== 'set_variable' || !isMap(vars)) continue
    const table = step.body === structure.top ? setters : nested
    for (const name of Object.keys(vars)) {
      const list = table.get(name) ?? []
      list.push(step)
      table.set(name, list)
    }
  }
  return { setters, nested }
}

export const variableId = (name: string): string => `var:${name}`
export const functionId = (name: string): string => `fn:${name}`
const globalId = (name: string): string => `global:${name}`

class DataEdges {
  private readonly vars: VarTable

  constructor(
    private readonly structure: Structure,
    private readonly sink: GraphSink,
  ) {
    this.vars = variableTable(structure)
  }

  run(): void {
    this.variableNodes()
    this.functionNodes()
    for (const { ref, step } of collectReferences(this.structure)) this.reference(ref, step)
  }

  /** One node per variable a top-level set_variable defines, fed by every step that sets it. */
  private variableNodes(): void {
    let index = 0
    for (const [name, steps] of this.vars.setters) {
      this.ensureVariable(name, index++)
      for (const s of steps) {
        this.sink.addEdge(`d:${s.id}->${variableId(name)}`, {
          source: s.id,
          target: variableId(name),
          kind: 'data',
          label: 'sets',
          referencePath: [...s.path, 'variables', name],
        })
      }
    }
  }

  private ensureVariable(name: string, index = this.sink.nodes.length): string {
    const id = variableId(name)
    const steps = this.vars.setters.get(name) ?? []
    this.sink.addNode({
      id,
      kind: 'variable',
      name,
      summary: oneLine(
        steps.length === 0
          ? 'never set by a top-level set_variable'
          : `set by ${steps.map((s) => s.name || '?').join(', ')}`,
      ),
      index,
    })
    return id
  }

  private functionNodes(): void {
    const fns = this.structure.workflow?.['gemini_functions']
    if (!isMap(fns)) return
    Object.entries(fns).forEach(([name, def], index) => {
      this.sink.addNode({
        id: functionId(name),
        kind: 'function',
        name,
        summary: oneLine(isMap(def) ? scalarText(def['description']) : ''),
        index,
      })
    })
  }

  private reference(ref: Reference, step: StepInfo): void {
    const consumerId = this.consumerId(ref, step)
    let r: Resolved
    switch (ref.kind) {
      case 'function':
        r = this.sink.hasNode(functionId(ref.target))
          ? valid(functionId(ref.target))
          : {
              source: consumerId,
              status: 'error',
              reason: `No function '${ref.target}' is defined in workflow.gemini_functions: pipeline_ex's loader rejects the file ("references undefined function").`,
            }
        break
      case 'variable':
        r = this.variable(ref, step)
        break
      case 'global_var':
        r = this.globalVar(ref)
        break
      case 'pipeline_output':
        r = this.pipelineOutput(ref, step)
        break
      default:
        r = this.step(ref, step, consumerId)
    }
    this.add(ref, r, consumerId, step)
  }

  private add(ref: Reference, r: Resolved, target: string, step: StepInfo): void {
    // The field is named relative to its step, so ids follow a custom idOf when steps move.
    const field = pathToString(ref.path.slice(step.path.length))
    const span = ref.span !== undefined ? `#${ref.span[0]}` : ''
    this.sink.addEdge(`d:${r.source}->${target}@${field}${span}`, {
      source: r.source,
      target,
      kind: 'data',
      label: this.label(ref),
      status: r.status,
      reason: r.reason,
      referencePath: ref.path,
    })
  }

  private label(ref: Reference): string | undefined {
    switch (ref.kind) {
      case 'variable':
      case 'global_var':
        return ref.extract === undefined ? undefined : ref.extract
      case 'function':
        return 'functions'
      case 'pipeline_output': {
        const alias = this.outputAlias(ref)
        const path = ref.extract === undefined ? ref.target : `${ref.target}.${ref.extract}`
        return alias === undefined ? `output ${path}` : `output ${path} as ${alias}`
      }
      default:
        return ref.extract
    }
  }

  private outputAlias(ref: Reference): string | undefined {
    if (ref.path.at(-1) !== 'path') return undefined
    let v: unknown =
      this.structure.workflow === undefined ? undefined : { workflow: this.structure.workflow }
    for (const seg of ref.path.slice(0, -1)) {
      v = Array.isArray(v) ? v[seg as number] : isMap(v) ? v[String(seg)] : undefined
    }
    const as = isMap(v) ? scalarText(v['as']) : ''
    return as === '' ? undefined : as
  }

  /** A reference inside `parallel_tasks[i]` or `tasks[i]` belongs to that task's node. */
  private consumerId(ref: Reference, step: StepInfo): string {
    const key = ref.path[step.path.length]
    const index = ref.path[step.path.length + 1]
    if ((key === 'parallel_tasks' || key === 'tasks') && typeof index === 'number') {
      const task = step.tasks.find((t) => t.index === index)
      if (task !== undefined) return task.id
    }
    return step.id
  }

  private step(ref: Reference, consumer: StepInfo, consumerId: string): Resolved {
    const name = ref.target
    let r = this.locate(ref, consumer, consumerId)
    const field = ref.path[consumer.path.length]
    if (ref.kind === 'previous_response') {
      if (ref.scope === 'batch_task')
        r = flag(
          r,
          'error',
          'claude_batch builds its task prompts without any earlier results: this previous_response always raises a KeyError and the task is recorded as failed (the step itself still succeeds).',
        )
      const producer = this.structure.steps.find((s) => s.id === r.source)
      if (
        producer?.type === 'parallel_claude' &&
        ref.extract === undefined &&
        producer !== consumer
      )
        r = flag(
          r,
          'error',
          `A parallel_claude result holds values that cannot be written out as text: a previous_response on '${name}' without extract crashes. Use extract: combined_results.`,
        )
    }
    if (
      ref.kind === 'condition_step' &&
      field === 'condition' &&
      consumer.body.kind === 'loop' &&
      consumer.type !== 'while_loop'
    )
      r = flag(
        r,
        'warning',
        'Conditions on steps inside a loop are ignored, so this one is never checked.',
      )
    if (ref.broken === 'steps_prefix')
      r = flag(
        r,
        'warning',
        `Without {{ }}, steps.${name}… in a condition looks for a step named 'steps' and never sees '${name}'. Write ${name}.${ref.extract ?? 'field'} or {{steps.${name}.${ref.extract ?? 'field'}}}.`,
      )
    return r
  }

  /** Which step (or pseudo-node, or variable) a step-name reference reads from. */
  private locate(ref: Reference, consumer: StepInfo, consumerId: string): Resolved {
    const name = ref.target
    const field = ref.path[consumer.path.length]
    const innermostLoop = enclosingLoops(consumer)[0]

    // The loop pseudo-step: `step: loop` parts, break/continue conditions, nested data sources.
    if (name === 'loop') {
      if (ref.kind === 'previous_response' && innermostLoop !== undefined)
        return valid(loopItemId(innermostLoop))
      if (
        ref.kind === 'condition_step' &&
        consumer.type === 'for_loop' &&
        (field === 'break_condition' || field === 'continue_condition')
      )
        return valid(loopItemId(consumer))
    }
    if (ref.kind === 'data_source' && innermostLoop?.type === 'for_loop') {
      // `<parent iterator>:path` reads the enclosing loop's item before any step result (§14.2).
      if (scalarText(innermostLoop.map?.['iterator']) === name)
        return valid(loopItemId(innermostLoop))
    }
    if (
      (ref.kind === 'data_source' || ref.kind === 'input_source') &&
      ref.span === undefined &&
      frameAncestor(consumer) === rootAncestor(consumer) &&
      this.setterBefore(name, consumer) !== undefined
    ) {
      // A bare name is a variable when one is set (§14.2, §7.13), and only otherwise a step. Child
      // pipelines start with no variables, hence the frame check.
      return valid(this.ensureVariable(name))
    }

    // Loop tests see the body's results from the previous iteration (§14.3).
    if (ref.kind === 'condition_step') {
      const body = consumer.bodies[0]
      const isWhileTest = consumer.type === 'while_loop' && field === 'condition'
      const isForTest =
        consumer.type === 'for_loop' &&
        (field === 'break_condition' || field === 'continue_condition')
      if ((isWhileTest || isForTest) && body !== undefined) {
        const inBody = [...body.steps].reverse().find((s) => s.name === name)
        const before = liveBeforeNamed(consumer, name)
        if (inBody !== undefined) {
          if (isWhileTest && before === undefined)
            return {
              source: inBody.id,
              status: 'warning',
              reason: `'${name}' runs inside the loop, so the first test, before any iteration, sees no value for it (comparisons with a missing value are false).`,
            }
          return valid(inBody.id)
        }
      }
    }

    if (ref.kind === 'template_step') return this.template(ref, consumer, consumerId)

    const hit = liveBeforeNamed(consumer, name)
    if (hit !== undefined) return found(hit, consumer, name)
    const dot = name.indexOf('.')
    if (
      dot > 0 &&
      (ref.kind === 'data_source' || ref.kind === 'input_source' || ref.kind === 'join_source')
    ) {
      // `scan.files` is one name to pipeline_ex, never a path (§14.2); point at the step meant.
      const head = name.slice(0, dot)
      const meant = liveBeforeNamed(consumer, head)
      if (meant !== undefined) {
        const fix =
          ref.kind === 'data_source'
            ? `${head}:${name.slice(dot + 1)}`
            : `previous_response:${head}:${name.slice(dot + 1)}`
        return {
          source: meant.id,
          status: 'error',
          reason: `'${name}' is read as one step or variable name, not as a path: ${consequence(ref)}. Write ${fix}.`,
        }
      }
    }
    return missed(diagnoseMiss(this.structure, consumer, name), ref, consumer, consumerId)
  }

  /**
   * `{{steps.X}}` is filled in once per top-level step, before it runs (§12.1): a template deep in
   * a loop body sees the results of the time the loop started, and a template in an inline child
   * is first filled in from the parent; only what the parent cannot resolve reaches the child.
   */
  private template(ref: Reference, consumer: StepInfo, consumerId: string): Resolved {
    const name = ref.target
    const pre = preInterpolated(consumer, name)
    if (pre !== undefined) {
      const r = found(pre.step, consumer, name)
      return pre.fromParent
        ? flag(
            r,
            'warning',
            `'${name}' belongs to the parent pipeline: the template is filled in from the parent's results before the child starts, because the child cannot see them itself.`,
          )
        : r
    }
    const live = liveBeforeNamed(consumer, name)
    if (live !== undefined)
      return {
        source: live.id,
        status: 'warning',
        reason: `Templates inside a loop body are filled in once, before the loop starts, when '${name}' has not run: the text {{steps.${name}…}} is left as it is. Use a previous_response prompt part to read it.`,
      }
    return missed(diagnoseMiss(this.structure, consumer, name), ref, consumer, consumerId)
  }

  private setterBefore(name: string, consumer: StepInfo): StepInfo | undefined {
    const root = rootAncestor(consumer)
    const setters = this.vars.setters.get(name) ?? []
    let last: StepInfo | undefined
    for (const s of setters) if (s.index < root.index) last = s
    return last
  }

  /** `{{name}}`, `{{state.name}}`: top-level set_variable steps that ran before (§12.6, D6). */
  private variable(ref: Reference, consumer: StepInfo): Resolved {
    const name = ref.target
    const id = this.ensureVariable(name)
    let r: Resolved
    if (this.setterBefore(name, consumer) !== undefined) {
      r = valid(id)
      if (frameAncestor(consumer) !== rootAncestor(consumer))
        r = flag(
          r,
          'warning',
          `The parent pipeline fills in '${name}' before the child starts; the child pipeline has its own, empty variables.`,
        )
      else if (enclosingLoops(consumer).length > 0)
        r = flag(
          r,
          'warning',
          `Templates inside a loop body are filled in once, before the loop starts: '${name}' keeps its pre-loop value on every iteration.`,
        )
    } else if ((this.vars.setters.get(name) ?? []).length > 0) {
      r = {
        source: id,
        status: 'error',
        reason: `'${name}' is set only by this step or later ones, so it is still empty here.`,
      }
    } else if ((this.vars.nested.get(name) ?? []).length > 0) {
      r = {
        source: id,
        status: 'error',
        reason:
          enclosingLoops(consumer).length > 0
            ? `'${name}' is set only inside a loop body or a child pipeline, and templates in a loop body are filled in once, before the loop starts: here it is empty.`
            : `'${name}' is set only inside a loop body or a child pipeline, and such variables never leave it: here it is empty.`,
      }
    } else {
      r = {
        source: id,
        status: 'error',
        reason: `No top-level set_variable step sets '${name}', so it renders as empty text.${this.variableHint(name)}`,
      }
    }
    if (ref.broken === 'state_prefix')
      r = flag(
        r,
        'warning',
        `Conditions cannot see variables: without {{ }}, state.${name} looks for a step named 'state'. Write {{state.${name}}}.`,
      )
    return r
  }

  /** The usual intent behind a template that names no variable (§12.2's "not supported" list). */
  private variableHint(name: string): string {
    if (name === 'workflow') return ' Templates cannot read {{workflow.*}}.'
    if (name === 'previous_response')
      return ' {{previous_response}} is not a template: use a previous_response prompt part.'
    if (this.structure.steps.some((s) => s.name === name))
      return ` To read the step '${name}', write {{steps.${name}…}}.`
    return ''
  }

  private globalVar(ref: Reference): Resolved {
    const name = ref.target
    const id = globalId(name)
    const globals = this.structure.workflow?.['global_vars']
    const defined = isMap(globals) && name in globals
    this.sink.addNode({
      id,
      kind: 'variable',
      name: `global_vars.${name}`,
      summary: defined
        ? oneLine(`= ${scalarText(globals[name]) || '…'}`)
        : 'not in workflow.global_vars',
      index: this.sink.nodes.length,
    })
    return defined
      ? valid(id)
      : {
          source: id,
          status: 'warning',
          reason: `workflow.global_vars has no '${name}': the template is left as it is, unless a parent pipeline passes its global_vars down with inherit_context.`,
        }
  }

  /** D8: `outputs` name child steps of the pipeline step (§15.3). */
  private pipelineOutput(ref: Reference, step: StepInfo): Resolved {
    const map = step.map
    const file = map?.['pipeline_file']
    if (file !== undefined && file !== null) {
      const id = `file:${scalarText(file)}`
      return this.sink.hasNode(id) ? valid(id) : valid(step.id)
    }
    const child = step.bodies[0]
    if (child === undefined)
      return {
        source: step.id,
        status: 'error',
        reason: 'This pipeline step has no child pipeline to take outputs from.',
      }
    const matches = child.steps.filter((s) => s.name === ref.target)
    const last = matches.at(-1)
    if (last === undefined)
      return {
        source: step.id,
        status: 'error',
        reason: `The child pipeline has no top-level step named '${ref.target}': the step fails with "${ref.path.at(-1) === 'path' ? `Path '${ref.target}${ref.extract === undefined ? '' : `.${ref.extract}`}' not found` : `Output '${ref.target}' not found`} in results".`,
      }
    return matches.length > 1
      ? {
          source: last.id,
          status: 'warning',
          reason: `${matches.length} child steps are named '${ref.target}'; the last one's result wins.`,
        }
      : valid(last.id)
  }
}

/** The step a template in `consumer` is filled in from, and whether that happens in a parent frame. */
function preInterpolated(
  consumer: StepInfo,
  name: string,
  depth = 0,
): { step: StepInfo; fromParent: boolean } | undefined {
  const anc = frameAncestor(consumer)
  const owner = anc.body.owner
  // The parent's pre-interpolation runs first; only what it cannot resolve reaches the child.
  if (anc.body.kind === 'inline_pipeline' && owner !== undefined && depth < 64) {
    const outer = preInterpolated(owner, name, depth + 1)
    if (outer !== undefined) return { step: outer.step, fromParent: true }
  }
  const hit = liveBeforeNamed(anc, name)
  return hit === undefined ? undefined : { step: hit, fromParent: false }
}

export function addDataEdges(structure: Structure, sink: GraphSink): void {
  new DataEdges(structure, sink).run()
}
