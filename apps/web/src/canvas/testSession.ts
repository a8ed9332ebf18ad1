/** A session for component tests (no provider): a doc, awareness and the user's undo manager. */
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import type { EditorSession } from '../editor/session'

export function testSession(doc: Y.Doc, options: { readOnly?: boolean; name?: string } = {}) {
  const origin = { user: options.name ?? 'me' }
  const awareness = new Awareness(doc)
  awareness.setLocalState({
    user: { name: options.name ?? 'me', color: '#123456' },
    cursor: null,
    selection: [],
    yaml: null,
  })
  const undoManager = new Y.UndoManager(
    ['weft', 'root', 'steps', 'layout'].map((k) => doc.getMap(k)),
    { trackedOrigins: new Set([origin]) },
  )
  const session: EditorSession = {
    pipelineId: 'p1',
    doc,
    awareness,
    readOnly: options.readOnly ?? false,
    origin,
    undoManager,
  }
  return session
}
