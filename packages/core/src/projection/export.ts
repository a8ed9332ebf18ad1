/**
 * exportYaml: the document as pipeline_ex YAML. The text last imported is kept in the doc as a
 * formatting hint and patched where the data differs, so comments, quoting and layout survive
 * canvas edits; without it (or when patching cannot express a change) the value is rendered
 * canonically. Either way the output is a pure function of the document state, so two peers
 * with the same state export the same bytes.
 */
import type * as Y from 'yjs'
import type { Path } from '../diagnostics.js'
import { patchYaml, renderYaml } from '../yaml/patch.js'
import { readYaml, type YamlSource } from '../yaml/read.js'
import { readPipeline } from './read.js'
import { sourceText } from './shape.js'

// Re-reading the source on every export would dominate the cost of a small edit.
const parsedSources = new WeakMap<Y.Doc, YamlSource>()

export function exportYaml(doc: Y.Doc): string {
  const { value } = readPipeline(doc)
  const text = sourceText(doc).toString()
  if (text !== '') {
    let base = parsedSources.get(doc)
    if (!base || base.text !== text) {
      base = readYaml(text)
      parsedSources.set(doc, base)
    }
    const patched = patchYaml(base, value, { itemKey })
    if (patched !== undefined) return patched
  }
  return renderYaml(value)
}

/** Sequence items that carry a name (steps) or an id (tasks) keep their text when they move. */
function itemKey(_path: Path, item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined
  const o = item as Record<string, unknown>
  for (const k of ['name', 'id', 'task_id']) {
    const v = o[k]
    if (typeof v === 'string' || typeof v === 'number') return `${k}:${typeof v}:${v}`
  }
  return undefined
}
