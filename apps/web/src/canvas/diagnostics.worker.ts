/**
 * Exports and validates the open pipeline off the main thread (a 1,000-step pipeline takes a few
 * hundred ms to export and as much to validate). The worker keeps a replica of each open
 * document, fed with the document's own updates in order, so exporting never touches the main
 * thread (docs/decisions/0006-web-startup.md).
 */
import { exportYaml, validateYaml, type Diagnostic } from '@weft/core'
import * as Y from 'yjs'

export type DiagnosticsRequest =
  /** Applies a Yjs update (the first one is the whole state) to replica `doc`. */
  | { readonly kind: 'update'; readonly doc: number; readonly update: Uint8Array }
  /** Exports replica `doc` as it is after the updates sent before this message, and validates. */
  | { readonly kind: 'export'; readonly seq: number; readonly doc: number }
  /** Validates a text (the YAML pane's unapplied edits). */
  | { readonly kind: 'text'; readonly seq: number; readonly text: string }
  | { readonly kind: 'close'; readonly doc: number }

export interface DiagnosticsReply {
  readonly seq: number
  /** The export that was validated ('' for a `text` request). */
  readonly text: string
  /** Core's diagnostics as they are (plain data), for the inspector and the YAML linter too. */
  readonly diagnostics: readonly Diagnostic[]
}

const ctx = self as unknown as {
  onmessage: ((e: MessageEvent<DiagnosticsRequest>) => void) | null
  postMessage(message: DiagnosticsReply): void
}

const replicas = new Map<number, Y.Doc>()

function validate(text: string): readonly Diagnostic[] {
  try {
    return validateYaml(text).diagnostics
  } catch {
    // validation reports rather than throws; nothing to show if it ever does
    return []
  }
}

ctx.onmessage = (e) => {
  const m = e.data
  switch (m.kind) {
    case 'update': {
      let doc = replicas.get(m.doc)
      if (!doc) replicas.set(m.doc, (doc = new Y.Doc()))
      Y.applyUpdate(doc, m.update)
      return
    }
    case 'export': {
      const doc = replicas.get(m.doc)
      let text = ''
      try {
        text = doc ? exportYaml(doc) : ''
      } catch {
        // a document that cannot be exported shows no diagnostics
      }
      ctx.postMessage({ seq: m.seq, text, diagnostics: validate(text) })
      return
    }
    case 'text':
      ctx.postMessage({ seq: m.seq, text: '', diagnostics: validate(m.text) })
      return
    case 'close':
      replicas.get(m.doc)?.destroy()
      replicas.delete(m.doc)
  }
}
