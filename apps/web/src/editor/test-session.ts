/**
 * A real EditorSession for component tests, made by the same factory as the app's (so undo
 * tracks exactly what it tracks in the editor), with no provider: a Y.Doc, awareness, and the
 * local user's presence.
 */
import { importYaml } from '@weft/core'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { createEditorSession } from './create-session.js'
import type { EditorSession, PresenceState } from './session.js'

export function testSession(
  from: Y.Doc | string,
  options: { readOnly?: boolean; name?: string } = {},
): EditorSession {
  const doc = typeof from === 'string' ? new Y.Doc() : from
  if (typeof from === 'string') importYaml(doc, from)
  const awareness = new Awareness(doc)
  const presence: PresenceState = {
    user: { name: options.name ?? 'Me', color: '#3b6ef5' },
    cursor: null,
    selection: [],
    yaml: null,
  }
  awareness.setLocalState(presence)
  return createEditorSession({
    pipelineId: 'p1',
    doc,
    awareness,
    readOnly: options.readOnly ?? false,
  })
}
