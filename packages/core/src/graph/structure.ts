/**
 * The shape of a pipeline as pipeline_ex executes it: which step lists exist, which step runs
 * inside which, and which steps share an execution frame. Built once per `deriveGraph` call so
 * that node, control-edge and name-resolution code all agree on one reading of the document,
 * however malformed it is.
 */
import type { Path } from '../diagnostics.js'

export type Dict = Readonly<Record<string, unknown>>

export const isMap = (v: unknown): v is Dict =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A step list that runs in order: the workflow, a loop body, an inline child, a switch case. */
export interface Body {
  readonly kind: 'top' | 'loop' | 'inline_pipeline' | 'switch_case'
  /** Path of the list itself. */
  readonly path: Path
  /** The step that holds this list; undefined for the workflow's own steps. */
  readonly owner: StepInfo | undefined
  readonly steps: StepInfo[]
  /**
   * The body whose results this one shares: the workflow, or the inline child pipeline it is in.
   * Results never cross a frame boundary (§15).
   */
  readonly frame: Body
  /** Case key, for switch cases. */
  readonly label?: string
}

export interface TaskInfo {
  readonly id: string
  readonly path: Path
  readonly index: number
  readonly value: unknown
}

export interface StepInfo {
  readonly path: Path
  readonly id: string
  /** The step map; undefined when the list element is not a map. */
  readonly map: Dict | undefined
  readonly name: string
  readonly type: string | undefined
  readonly body: Body
  readonly index: number
  readonly bodies: Body[]
  readonly tasks: TaskInfo[]
}

export interface Structure {
  readonly workflow: Dict | undefined
  readonly top: Body
  /** Every step, in document order. */
  readonly steps: readonly StepInfo[]
  stepAt(path: Path): StepInfo | undefined
}

export const pathKey = (path: Path): string => JSON.stringify(path)

export const defaultIdOf = (path: Path): string => path.join('.')

/** A YAML scalar as the text pipeline_ex would compare or show; '' for anything else. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return ''
}

export function buildStructure(root: unknown, idOf: (path: Path) => string): Structure {
  const workflow = isMap(root) && isMap(root['workflow']) ? root['workflow'] : undefined
  const steps: StepInfo[] = []
  const byKey = new Map<string, StepInfo>()

  const makeBody = (
    kind: Body['kind'],
    path: Path,
    owner: StepInfo | undefined,
    frame: Body | undefined,
    label?: string,
  ): Body => {
    const body: { -readonly [K in keyof Body]: Body[K] } = {
      kind,
      path,
      owner,
      steps: [],
      frame: undefined as unknown as Body,
    }
    body.frame = frame ?? body
    if (label !== undefined) body.label = label
    return body
  }

  // Nesting deeper than any real pipeline means a cyclic value (aliases, hand-built objects).
  let depth = 0
  const walk = (list: unknown, body: Body): void => {
    if (!Array.isArray(list) || depth > 64) return
    depth++
    list.forEach((value: unknown, index) => {
      const path = [...body.path, index]
      const map = isMap(value) ? value : undefined
      const type = map !== undefined && typeof map['type'] === 'string' ? map['type'] : undefined
      const step: StepInfo = {
        path,
        id: idOf(path),
        map,
        name: map === undefined ? '' : scalarText(map['name']),
        type,
        body,
        index,
        bodies: [],
        tasks: [],
      }
      body.steps.push(step)
      steps.push(step)
      byKey.set(pathKey(path), step)
      if (map !== undefined) expand(step, map, type)
    })
    depth--
  }

  const expand = (step: StepInfo, map: Dict, type: string | undefined): void => {
    const child = (kind: Body['kind'], listPath: Path, list: unknown, label?: string): void => {
      if (!Array.isArray(list)) return
      const frame = kind === 'inline_pipeline' ? undefined : step.body.frame
      const body = makeBody(kind, listPath, step, frame, label)
      step.bodies.push(body)
      walk(list, body)
    }
    switch (type) {
      case 'for_loop':
      case 'while_loop':
        child('loop', [...step.path, 'steps'], map['steps'])
        break
      case 'pipeline': {
        const inline = map['pipeline']
        if (!isMap(inline)) break
        // pipeline_ex wraps an inline map as `{workflow: map}` unless it already has `workflow`.
        if ('workflow' in inline) {
          const wf = inline['workflow']
          if (isMap(wf)) {
            child('inline_pipeline', [...step.path, 'pipeline', 'workflow', 'steps'], wf['steps'])
          }
        } else {
          child('inline_pipeline', [...step.path, 'pipeline', 'steps'], inline['steps'])
        }
        break
      }
      case 'parallel_claude':
        addTasks(step, 'parallel_tasks', map['parallel_tasks'])
        break
      case 'claude_batch':
        addTasks(step, 'tasks', map['tasks'])
        break
      case 'switch':
        for (const c of switchCases(step.path, map)) child('switch_case', c.path, c.list, c.label)
        break
      default:
        break
    }
  }

  const addTasks = (step: StepInfo, key: string, list: unknown): void => {
    if (!Array.isArray(list)) return
    list.forEach((value: unknown, index) => {
      step.tasks.push({
        id: `task:${step.id}:${index}`,
        path: [...step.path, key, index],
        index,
        value,
      })
    })
  }

  const top = makeBody('top', ['workflow', 'steps'], undefined, undefined)
  if (workflow !== undefined) walk(workflow['steps'], top)

  return { workflow, top, steps, stepAt: (path) => byKey.get(pathKey(path)) }
}

interface SwitchCase {
  readonly label: string
  readonly path: Path
  readonly list: unknown
}

/**
 * `switch` exists only in pipeline_ex's docs (§23.1), written both as `cases: {value: [steps]}` and
 * as `cases: [{value, steps}]`, so both are read; `default` may be a list or `{steps}`.
 */
function switchCases(stepPath: Path, map: Dict): SwitchCase[] {
  const out: SwitchCase[] = []
  const add = (label: string, path: Path, v: unknown): void => {
    if (Array.isArray(v)) out.push({ label, path, list: v })
    else if (isMap(v) && Array.isArray(v['steps']))
      out.push({ label, path: [...path, 'steps'], list: v['steps'] })
  }
  const cases = map['cases']
  if (isMap(cases)) {
    for (const [k, v] of Object.entries(cases)) add(k, [...stepPath, 'cases', k], v)
  } else if (Array.isArray(cases)) {
    cases.forEach((c: unknown, i) => {
      const label = isMap(c) ? scalarText(c['value'] ?? c['case'] ?? c['when']) : ''
      add(label === '' ? String(i) : label, [...stepPath, 'cases', i], c)
    })
  }
  add('default', [...stepPath, 'default'], map['default'])
  return out
}
