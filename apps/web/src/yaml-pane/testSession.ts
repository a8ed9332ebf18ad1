/** A real EditorSession for component tests: one Y.Doc, awareness and an undo manager. */
import { docKeys, importYaml } from '@weft/core'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { EditorSession } from '../editor/session'

export function testSession(
  yamlText: string,
  options: { readOnly?: boolean; doc?: Y.Doc } = {},
): EditorSession & { awareness: Awareness } {
  const doc = options.doc ?? new Y.Doc()
  if (!options.doc) importYaml(doc, yamlText)
  const origin = { local: doc.clientID }
  const undoManager = new Y.UndoManager(
    [docKeys.meta, docKeys.root, docKeys.steps, docKeys.source].map((k) =>
      k === docKeys.source ? doc.getText(k) : doc.getMap(k),
    ),
    { trackedOrigins: new Set([origin]) },
  )
  const awareness = new Awareness(doc)
  awareness.setLocalState({
    user: { name: 'Me', color: '#3b6ef5' },
    cursor: null,
    selection: [],
    yaml: null,
  })
  return {
    pipelineId: 'p1',
    doc,
    awareness,
    readOnly: options.readOnly ?? false,
    origin,
    undoManager,
  }
}
