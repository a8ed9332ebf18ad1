import { docKeys } from '@weft/core'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { EditorSession } from './session.js'

/** How long a burst of local edits (a drag, typing) merges into one undo step. */
export const CAPTURE_TIMEOUT_MS = 500

/** The document's shared types (docs/decisions/0001-yjs-doc-shape.md), all under one history. */
export function sharedTypes(doc: Y.Doc): Y.AbstractType<unknown>[] {
  return [
    doc.getMap(docKeys.meta),
    doc.getMap(docKeys.root),
    doc.getMap(docKeys.steps),
    doc.getText(docKeys.source),
    doc.getMap(docKeys.layout),
    doc.getMap(docKeys.notes),
  ] as Y.AbstractType<unknown>[]
}

/**
 * The session the panes share. Its undo manager tracks only transactions whose origin is the
 * session's `origin`, so undo and redo never touch other people's edits (they arrive with the
 * provider as origin) nor what IndexedDB loads.
 */
export function createEditorSession(init: {
  pipelineId: string
  doc: Y.Doc
  awareness: Awareness
  readOnly: boolean
  origin?: object
}): EditorSession {
  const origin = init.origin ?? { editor: init.pipelineId }
  const undoManager = new Y.UndoManager(sharedTypes(init.doc), {
    trackedOrigins: new Set([origin]),
    captureTimeout: CAPTURE_TIMEOUT_MS,
  })
  return {
    pipelineId: init.pipelineId,
    doc: init.doc,
    awareness: init.awareness,
    readOnly: init.readOnly,
    origin,
    undoManager,
  }
}
