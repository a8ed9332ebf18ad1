/**
 * What the database keeps beside a pipeline's Yjs state: its exported YAML, its name and
 * description for lists, and a plain-text search column. Computed from the document, so creation,
 * REST writes and compaction all agree on it.
 */
import { exportYaml, readPipeline } from '@weft/core'
import type { StepText } from '@weft/storage'
import * as Y from 'yjs'

export interface PipelineSummary {
  readonly yaml: string
  readonly name: string
  readonly description: string
  readonly search: string
  /** The distinct `type` of each top-level step, for the search filter. */
  readonly stepTypes: readonly string[]
  /** Each top-level step's name and prompt text: search names the step that matched from it. */
  readonly stepText: readonly StepText[]
}

/** Keys whose string values people search for: names, descriptions and prompt text. */
const SEARCHED = new Set([
  'name',
  'description',
  'content',
  'prompt',
  'system_prompt',
  'append_system_prompt',
  'new_prompt',
  'type',
])

export function summarizeDocument(doc: Y.Doc): PipelineSummary {
  const { value } = readPipeline(doc)
  const workflow = isRecord(value) && isRecord(value.workflow) ? value.workflow : {}
  const words: string[] = []
  collect(value, undefined, words)
  return {
    yaml: exportYaml(doc),
    name: typeof workflow.name === 'string' ? workflow.name : '',
    description: typeof workflow.description === 'string' ? workflow.description : '',
    search: words.join('\n'),
    stepTypes: stepTypes(workflow.steps),
    stepText: stepTexts(value),
  }
}

/** The summary of a stored state (a Yjs update), for compaction. */
export function summarizeState(state: Uint8Array): PipelineSummary {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    return summarizeDocument(doc)
  } finally {
    doc.destroy()
  }
}

function stepTypes(steps: unknown): string[] {
  const types = new Set<string>()
  if (Array.isArray(steps)) {
    for (const step of steps)
      if (isRecord(step) && typeof step.type === 'string') types.add(step.type)
  }
  return [...types]
}

/** Keys whose strings make up a step's searched text (its name aside). */
const STEP_TEXT = new Set([
  'content',
  'prompt',
  'system_prompt',
  'append_system_prompt',
  'new_prompt',
])

/** The named top-level steps of a parsed pipeline, each with its prompt text. */
export function stepTexts(pipeline: unknown): StepText[] {
  const workflow = isRecord(pipeline) && isRecord(pipeline.workflow) ? pipeline.workflow : null
  const steps = workflow && Array.isArray(workflow.steps) ? workflow.steps : []
  const out: StepText[] = []
  for (const step of steps) {
    if (!isRecord(step) || typeof step.name !== 'string') continue
    const texts: string[] = []
    collect(step, undefined, texts, STEP_TEXT)
    out.push({ name: step.name, text: texts.join('\n') })
  }
  return out
}

function collect(
  value: unknown,
  key: string | undefined,
  out: string[],
  keys: ReadonlySet<string> = SEARCHED,
): void {
  if (typeof value === 'string') {
    if (key !== undefined && keys.has(key)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out, keys)
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) collect(v, k, out, keys)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
