/**
 * Copy and paste of steps. The clipboard holds plain step values (what the YAML says, children
 * included). It is also put on the system clipboard as YAML (JSON is YAML), so steps can be
 * pasted into another tab or from a text editor.
 *
 * Pasting renames every step whose name is taken (`x` → `x_copy`, `x_copy2`, …, as core's
 * duplicateStep does) and rewrites references between pasted steps to follow: copying `a` and
 * `b` (which reads `a`) gives `a_copy` and `b_copy` reading `a_copy`, not the original `a`.
 */
import { findReferences, readYaml } from '@weft/core'
import { isRecord, type Path } from './model'

const STEP_KINDS = new Set([
  'previous_response',
  'template_step',
  'condition_step',
  'data_source',
  'input_source',
  'join_source',
])

let memory: readonly Record<string, unknown>[] = []

export function setClipboard(values: readonly Record<string, unknown>[]): void {
  memory = values.map((v) => structuredClone(v))
}
export function getClipboard(): readonly Record<string, unknown>[] {
  return memory
}

/** The step lists inside a step value (loop body, inline pipeline, switch cases). */
function childLists(step: Record<string, unknown>): unknown[][] {
  const out: unknown[][] = []
  if (Array.isArray(step.steps)) out.push(step.steps)
  const pl = step.pipeline
  if (isRecord(pl)) {
    if (isRecord(pl.workflow) && Array.isArray(pl.workflow.steps)) out.push(pl.workflow.steps)
    else if (Array.isArray(pl.steps)) out.push(pl.steps)
  }
  if (isRecord(step.cases))
    for (const v of Object.values(step.cases)) if (Array.isArray(v)) out.push(v)
  if (Array.isArray(step.default)) out.push(step.default)
  return out
}

function eachStep(list: readonly unknown[], fn: (s: Record<string, unknown>) => void): void {
  for (const s of list) {
    if (!isRecord(s)) continue
    fn(s)
    for (const l of childLists(s)) eachStep(l, fn)
  }
}

/** Every step name in `values`, nested ones included. */
export function namesIn(values: readonly unknown[]): string[] {
  const out: string[] = []
  eachStep(values, (s) => {
    if (typeof s.name === 'string') out.push(s.name)
  })
  return out
}

function copyName(base: string, taken: ReadonlySet<string>): string {
  let name = `${base}_copy`
  for (let n = 2; taken.has(name); n++) name = `${base}_copy${n}`
  return name
}

/**
 * The values to insert for a paste into a pipeline whose step names are `taken`: fresh copies,
 * renamed where needed, with references among them following the renames.
 */
export function prepareForPaste(
  values: readonly Record<string, unknown>[],
  taken: ReadonlySet<string>,
): Record<string, unknown>[] {
  const out = values.map((v) => structuredClone(v))
  const used = new Set(taken)
  const renames = new Map<string, string>()
  eachStep(out, (s) => {
    if (typeof s.name !== 'string') return
    const old = s.name
    if (used.has(old)) {
      const name = copyName(old, used)
      if (!renames.has(old)) renames.set(old, name)
      s.name = name
    }
    used.add(s.name as string)
  })
  if (renames.size === 0) return out
  // References among the pasted steps follow their renames. Read the pasted steps as one
  // pipeline so core finds every reference the way it does for renameStep.
  const root = { workflow: { name: 'paste', steps: out } }
  const refs = findReferences(root).filter((r) => STEP_KINDS.has(r.kind) && renames.has(r.target))
  const byField = new Map<string, typeof refs>()
  for (const r of refs) {
    const k = JSON.stringify(r.path)
    const list = byField.get(k)
    if (list) list.push(r)
    else byField.set(k, [r])
  }
  for (const list of byField.values()) {
    const path = list[0]!.path
    const name = renames.get(list[0]!.target)!
    const spans = list
      .filter((r) => r.span)
      .map((r) => ({ span: r.span!, to: renames.get(r.target)! }))
      .sort((a, b) => b.span[0] - a.span[0])
    const cur = getAt(root, path)
    if (spans.length === 0) setAt(root, path, name)
    else if (typeof cur === 'string') {
      let next = cur
      for (const { span, to } of spans) next = next.slice(0, span[0]) + to + next.slice(span[1])
      setAt(root, path, next)
    }
  }
  return out
}

function getAt(root: unknown, path: Path): unknown {
  let cur = root
  for (const k of path) cur = isRecord(cur) || Array.isArray(cur) ? (cur as never)[k] : undefined
  return cur
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1))
  const last = path[path.length - 1]
  if (last !== undefined && (isRecord(parent) || Array.isArray(parent)))
    (parent as Record<string | number, unknown>)[last] = value
}

/**
 * Steps from clipboard text: a list of step maps, one step map, or a whole pipeline (its
 * workflow.steps). Read the way pipeline_ex reads YAML. undefined when it is none of these.
 */
export function stepsFromText(text: string): Record<string, unknown>[] | undefined {
  const source = readYaml(text)
  if (!source.ok) return undefined
  const v = source.value
  const isStep = (s: unknown): s is Record<string, unknown> =>
    isRecord(s) && typeof s.type === 'string'
  if (Array.isArray(v)) return v.length > 0 && v.every(isStep) ? v : undefined
  if (isStep(v)) return [v]
  if (isRecord(v) && isRecord(v.workflow) && Array.isArray(v.workflow.steps)) {
    const steps = v.workflow.steps.filter(isStep)
    return steps.length > 0 ? steps : undefined
  }
  return undefined
}

/** Clipboard text for steps: JSON, which every YAML reader (pipeline_ex's too) reads. */
export function stepsToText(values: readonly Record<string, unknown>[]): string {
  return JSON.stringify(values, null, 2) + '\n'
}
