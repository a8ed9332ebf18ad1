/** Real Yjs pipeline documents for storage tests, built with @weft/core. */
import { exportYaml, importYaml, readPipeline } from '@weft/core'
import * as Y from 'yjs'

export const sampleYaml = (name: string, steps = 2) =>
  [
    'workflow:',
    `  name: ${name}`,
    '  description: a test pipeline',
    '  steps:',
    ...Array.from({ length: steps }, (_, i) => [
      `    - name: step_${i}`,
      '      type: claude',
      '      prompt:',
      '        - type: static',
      `          content: "do thing ${i}"`,
    ]).flat(),
    '',
  ].join('\n')

/** A doc that records every update it makes, as the relay would receive them. */
export class RecordingDoc {
  readonly doc = new Y.Doc()
  readonly updates: Uint8Array[] = []

  constructor(yaml?: string) {
    if (yaml !== undefined) {
      const result = importYaml(this.doc, yaml)
      if (!result.ok) throw new Error('sample yaml did not import')
    }
    this.doc.on('update', (update: Uint8Array) => this.updates.push(update))
  }

  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc)
  }

  /** Edits the YAML (through importYaml) and returns the updates this produced. */
  edit(yaml: string): Uint8Array[] {
    const before = this.updates.length
    const result = importYaml(this.doc, yaml)
    if (!result.ok) throw new Error('edit did not import')
    return this.updates.slice(before)
  }

  /** Types into the source text: many small updates, like a user typing. */
  type(text: string): Uint8Array[] {
    const before = this.updates.length
    const source = this.doc.getText('source')
    for (const ch of text) source.insert(source.length, ch)
    return this.updates.slice(before)
  }
}

/** A new doc holding exactly these updates, applied in order. */
export function docFrom(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc
}

/** Everything that matters about a doc's content, for equality checks. */
export function contentOf(doc: Y.Doc): {
  yaml: string
  value: unknown
  source: string
  sv: string
} {
  return {
    yaml: exportYaml(doc),
    value: readPipeline(doc).value,
    source: doc.getText('source').toString(),
    sv: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
  }
}

/**
 * What the server stores beside a document (yaml/name/description/search/step types), in its
 * simplest form: the search text is the whole YAML. The server's own summary lives in the app.
 */
export function renderDocument(doc: Y.Doc): {
  yaml: string
  name: string
  description: string
  search: string
  stepTypes: string[]
} {
  const yaml = exportYaml(doc)
  const workflow = (readPipeline(doc).value as { workflow?: Record<string, unknown> }).workflow
  const name = typeof workflow?.name === 'string' ? workflow.name : ''
  const description = typeof workflow?.description === 'string' ? workflow.description : ''
  const steps = Array.isArray(workflow?.steps) ? (workflow.steps as unknown[]) : []
  const types = steps.map((step) => (step as { type?: unknown } | null)?.type)
  const stepTypes = [...new Set(types.filter((t): t is string => typeof t === 'string'))]
  return { yaml, name, description, search: yaml, stepTypes }
}

/** renderDocument for a stored state, as compaction needs it. */
export function renderPipeline(state: Uint8Array): ReturnType<typeof renderDocument> {
  const doc = docFrom([state])
  try {
    return renderDocument(doc)
  } finally {
    doc.destroy()
  }
}

/** The bytes stored at one seq in the kill -9 append test, so the parent can check them. */
export const payloadFor = (seq: number): Uint8Array =>
  new Uint8Array(64).map((_, i) => (seq * 31 + i) % 251)
