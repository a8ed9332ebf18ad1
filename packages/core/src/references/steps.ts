/**
 * Where the step maps of a pipeline are (format reference §5, §14.1, §15.1): the top-level
 * `workflow.steps`, loop bodies (`for_loop`/`while_loop` `steps`) and inline child pipelines
 * (`pipeline.steps`, or `pipeline.workflow.steps` when the inline map has a `workflow` key).
 */
import type { Path } from '../diagnostics.js'

export type StepMap = Record<string, unknown>

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

export type Container = 'top' | 'loop' | 'inline_pipeline'

export interface StepVisit {
  readonly step: StepMap
  readonly path: Path
  /** The kind of list the step sits in. */
  readonly container: Container
  /** Path of the `steps` list holding it. */
  readonly listPath: Path
  /** Its index in that list. */
  readonly index: number
  /** Enclosing loop / pipeline steps, outermost first. */
  readonly ancestors: readonly StepVisit[]
}

export const LOOP_TYPES: ReadonlySet<unknown> = new Set(['for_loop', 'while_loop'])

/** The inline child pipeline's steps list, with its path, when `step` is a `pipeline` step with an inline body. */
export function inlineSteps(
  step: StepMap,
  stepPath: Path,
): { list: unknown[]; path: Path } | undefined {
  if (step.type !== 'pipeline' || !isMap(step.pipeline)) return undefined
  const pl = step.pipeline
  if ('workflow' in pl) {
    const wf = pl.workflow
    return isMap(wf) && Array.isArray(wf.steps)
      ? { list: wf.steps, path: [...stepPath, 'pipeline', 'workflow', 'steps'] }
      : undefined
  }
  return Array.isArray(pl.steps)
    ? { list: pl.steps, path: [...stepPath, 'pipeline', 'steps'] }
    : undefined
}

/** The child steps list of a step (loop body or inline pipeline), if it has one. */
export function childSteps(
  step: StepMap,
  stepPath: Path,
): { list: unknown[]; path: Path; container: Container } | undefined {
  if (LOOP_TYPES.has(step.type) && Array.isArray(step.steps))
    return { list: step.steps, path: [...stepPath, 'steps'], container: 'loop' }
  const inline = inlineSteps(step, stepPath)
  return inline ? { ...inline, container: 'inline_pipeline' } : undefined
}

/** The top-level steps list, when the document has one. */
export function topSteps(root: unknown): unknown[] | undefined {
  if (!isMap(root)) return undefined
  const wf = root.workflow
  return isMap(wf) && Array.isArray(wf.steps) ? wf.steps : undefined
}

/** Visits every step map in document order (a step before its children). */
export function walkSteps(root: unknown, visit: (v: StepVisit) => void): void {
  const list = topSteps(root)
  if (list) walkList(list, ['workflow', 'steps'], 'top', [], visit, 0)
}

function walkList(
  list: readonly unknown[],
  listPath: Path,
  container: Container,
  ancestors: readonly StepVisit[],
  visit: (v: StepVisit) => void,
  depth: number,
) {
  if (depth > 64) return
  list.forEach((step, index) => {
    if (!isMap(step)) return
    const path = [...listPath, index]
    const v: StepVisit = { step, path, container, listPath, index, ancestors }
    visit(v)
    const children = childSteps(step, path)
    if (children)
      walkList(
        children.list,
        children.path,
        children.container,
        [...ancestors, v],
        visit,
        depth + 1,
      )
  })
}

/** Path of every step map, top-level and nested, in document order. */
export function stepPaths(root: unknown): Path[] {
  const out: Path[] = []
  walkSteps(root, (v) => out.push(v.path))
  return out
}
