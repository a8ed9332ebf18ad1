/**
 * Step, task and loop-item nodes, and the control-flow edges between them (§22.1 C1-C6).
 * pipeline_ex has no DAG: within every step list, steps run strictly in order, so the only
 * control edges are "next in the list", container entry, loop-back and fan-out. The rules a
 * loop body breaks silently (§14.5) are flagged on the edge that enters the offending step.
 */
import { getStepType, loopBodyTypes } from '../format/catalogue.js'
import { isMap, scalarText, type Body, type StepInfo, type Structure } from './structure.js'
import { conditionText, loopLabel, oneLine, stepSummary, taskName, taskSummary } from './summary.js'
import type { GraphSink } from './sink.js'
import type { ContainerKind, EdgeStatus, GraphNode } from './types.js'

export const loopItemId = (loop: StepInfo): string => `loop:${loop.id}`

const LOOP_TYPES: ReadonlySet<string> = new Set(loopBodyTypes)

function containerOf(step: StepInfo): ContainerKind | undefined {
  switch (step.type) {
    case 'for_loop':
    case 'while_loop':
      return step.map !== undefined ? step.type : undefined
    case 'pipeline':
    case 'switch':
      return step.bodies.length > 0 ? step.type : undefined
    case 'parallel_claude':
    case 'claude_batch':
      return step.tasks.length > 0 ? step.type : undefined
    default:
      return undefined
  }
}

export function addStepNodes(structure: Structure, sink: GraphSink): void {
  for (const step of structure.steps) {
    const container = containerOf(step)
    const owner = step.body.owner
    const node: GraphNode = {
      id: step.id,
      kind: 'step',
      stepPath: step.path,
      name: step.name,
      // A step with nothing to show (no static prompt yet) still says what it is.
      summary:
        stepSummary(step.map, step.type) ||
        (step.type === undefined ? '' : (getStepType(step.type)?.label ?? '')),
      index: step.index,
      ...(owner !== undefined ? { parentId: owner.id } : {}),
      ...(container !== undefined ? { container } : {}),
      ...(step.type !== undefined ? { type: step.type } : {}),
    }
    sink.addNode(node)
    if (step.map !== undefined && (step.type === 'for_loop' || step.type === 'while_loop')) {
      sink.addNode({
        id: loopItemId(step),
        kind: 'loop_item',
        parentId: step.id,
        name: 'loop',
        summary:
          step.type === 'for_loop'
            ? `${scalarText(step.map['iterator']) || '?'}, index, total, first, last`
            : 'iteration, count',
        index: -1,
      })
    }
    const field = step.type === 'parallel_claude' ? 'id' : 'task_id'
    for (const task of step.tasks) {
      sink.addNode({
        id: task.id,
        kind: 'task',
        stepPath: task.path,
        parentId: step.id,
        name: taskName(task.value, field, task.index),
        summary: taskSummary(task.value),
        index: task.index,
      })
    }
  }
}

/** Why entering `step` is not what it looks like, when it sits in a loop body (§14.5). */
function entryProblem(step: StepInfo): { status: EdgeStatus; reason: string } | undefined {
  if (step.body.kind !== 'loop') return undefined
  const t = step.type
  if (t === 'break' || t === 'continue')
    return {
      status: 'error',
      reason: `A '${t}' step crashes the pipeline when the loop reaches it; pipeline_ex has no loop-control steps. Use break_condition on the for_loop instead.`,
    }
  if (t !== undefined && !LOOP_TYPES.has(t))
    return {
      status: 'error',
      reason: `pipeline_ex cannot run a ${t} step inside a loop: the iteration fails with "Unsupported step type in loop: ${t}".`,
    }
  const cond = step.map?.['condition']
  if (cond !== undefined && cond !== null)
    return {
      status: 'warning',
      reason: 'Conditions on steps inside a loop are ignored: this step runs on every iteration.',
    }
  return undefined
}

/** C3: a step's condition is drawn as a gate on the edge that enters it. */
function gateLabel(step: StepInfo): string | undefined {
  const cond = step.map?.['condition']
  if (cond === undefined || cond === null) return undefined
  const text = oneLine(conditionText(cond), 60)
  return text === '' ? undefined : `if ${text}`
}

function enter(
  sink: GraphSink,
  key: string,
  source: string,
  step: StepInfo,
  extra?: { label?: string; status: EdgeStatus; reason: string },
): void {
  const problem = entryProblem(step) ?? (extra !== undefined ? extra : undefined)
  sink.addEdge(key, {
    source,
    target: step.id,
    kind: 'control',
    label: extra?.label ?? gateLabel(step),
    ...(problem !== undefined && problem.status !== 'valid'
      ? { status: problem.status, reason: problem.reason }
      : {}),
  })
}

function sequence(sink: GraphSink, body: Body): void {
  for (let i = 0; i + 1 < body.steps.length; i++) {
    const a = body.steps[i]
    const b = body.steps[i + 1]
    if (a === undefined || b === undefined) continue
    enter(sink, `c:${a.id}->${b.id}`, a.id, b)
  }
}

export function addControlEdges(structure: Structure, sink: GraphSink): void {
  sequence(sink, structure.top)
  for (const step of structure.steps) {
    for (const body of step.bodies) sequence(sink, body)
    const map = step.map
    if (map === undefined) continue
    switch (step.type) {
      case 'for_loop':
      case 'while_loop':
        loopEdges(sink, step, map, step.type)
        break
      case 'pipeline':
        pipelineEdges(sink, step, map)
        break
      case 'switch':
        for (const body of step.bodies) {
          const first = body.steps[0]
          if (first === undefined) continue
          sink.addEdge(`c:${step.id}->${first.id}`, {
            source: step.id,
            target: first.id,
            kind: 'control',
            label: body.label === 'default' ? 'default' : `case ${body.label ?? ''}`,
            status: 'error',
            reason:
              'pipeline_ex has no switch step: the loader rejects the file. Use a condition on each step instead.',
          })
        }
        break
      case 'parallel_claude':
      case 'claude_batch':
        for (const task of step.tasks) {
          sink.addEdge(`f:${step.id}->${task.id}`, {
            source: step.id,
            target: task.id,
            kind: 'fan_out',
          })
        }
        break
      default:
        break
    }
  }
}

function loopEdges(
  sink: GraphSink,
  step: StepInfo,
  map: Readonly<Record<string, unknown>>,
  type: 'for_loop' | 'while_loop',
): void {
  const body = step.bodies[0]
  const first = body?.steps[0]
  const last = body?.steps[body.steps.length - 1]
  if (first === undefined || last === undefined) return
  enter(sink, `c:${step.id}->${first.id}`, step.id, first)
  let problem: string | undefined
  if (type === 'for_loop') {
    if (typeof map['iterator'] !== 'string')
      problem = "A for_loop needs an 'iterator' string; without one the step fails at run time."
    else if (typeof map['data_source'] !== 'string')
      problem =
        "A for_loop needs a 'data_source' string naming the list to loop over; without one the step fails at run time."
  } else if (typeof map['condition'] !== 'string') {
    problem =
      'A while_loop condition must be a string ("Condition must be a string"); the loop fails at run time.'
  }
  sink.addEdge(`b:${last.id}->${step.id}`, {
    source: last.id,
    target: step.id,
    kind: 'loop_back',
    label: oneLine(loopLabel(map, type)),
    ...(problem !== undefined ? { status: 'error' as const, reason: problem } : {}),
  })
}

function pipelineEdges(
  sink: GraphSink,
  step: StepInfo,
  map: Readonly<Record<string, unknown>>,
): void {
  // Precedence is pipeline_file, then pipeline, then pipeline_ref (§15.1): the others are ignored.
  const file = map['pipeline_file']
  const hasFile = file !== undefined && file !== null
  const inline = step.bodies[0]
  const hasInline = isMap(map['pipeline'])
  const first = inline?.steps[0]
  if (hasFile) {
    const path = scalarText(file)
    const id = `file:${path}`
    sink.addNode({
      id,
      kind: 'external_pipeline',
      name: path,
      summary: oneLine(`→ ${path === '' ? '?' : path}`),
      index: step.index,
      ...(step.body.owner !== undefined ? { parentId: step.body.owner.id } : {}),
    })
    sink.addEdge(`c:${step.id}->${id}`, {
      source: step.id,
      target: id,
      kind: 'control',
      label: 'pipeline_file',
      ...(path === ''
        ? {
            status: 'error' as const,
            reason: 'pipeline_file must be a path string; pipeline_ex cannot load this.',
          }
        : {}),
    })
  }
  if (first !== undefined) {
    enter(
      sink,
      `c:${step.id}->${first.id}`,
      step.id,
      first,
      hasFile
        ? {
            status: 'warning',
            reason:
              'This inline pipeline never runs: pipeline_file takes precedence over pipeline.',
          }
        : undefined,
    )
  }
  const ref = map['pipeline_ref']
  if (ref !== undefined && ref !== null) {
    const name = scalarText(ref)
    const id = `ref:${name}`
    sink.addNode({
      id,
      kind: 'external_pipeline',
      name,
      summary: oneLine(`pipeline_ref ${name === '' ? '?' : name}`),
      index: step.index,
      ...(step.body.owner !== undefined ? { parentId: step.body.owner.id } : {}),
    })
    const ignored = hasFile || hasInline
    sink.addEdge(`c:${step.id}->${id}`, {
      source: step.id,
      target: id,
      kind: 'control',
      label: 'pipeline_ref',
      status: ignored ? 'warning' : 'error',
      reason: ignored
        ? `pipeline_ref is ignored: ${hasFile ? 'pipeline_file' : 'the inline pipeline'} takes precedence.`
        : 'pipeline_ref always fails at run time: pipeline_ex has no pipeline registry ("Pipeline registry not yet implemented"). Use pipeline_file or an inline pipeline.',
    })
  }
}
