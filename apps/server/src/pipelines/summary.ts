/**
 * What the database keeps beside a pipeline's Yjs state: its exported YAML, its name and
 * description for lists, and a plain-text search column. Computed from the document, so creation,
 * REST writes and compaction all agree on it.
 */
import { exportYaml, readPipeline } from '@weft/core'
import * as Y from 'yjs'

export interface PipelineSummary {
  readonly yaml: string
  readonly name: string
  readonly description: string
  readonly search: string
  /** The distinct `type` of each top-level step, for the search filter. */
  readonly stepTypes: readonly string[]
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

function collect(value: unknown, key: string | undefined, out: string[]): void {
  if (typeof value === 'string') {
    if (key !== undefined && SEARCHED.has(key)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out)
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) collect(v, k, out)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
