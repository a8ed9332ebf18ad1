import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'

/**
 * What every pane of the editor (canvas, inspector, YAML pane) is given. The panes never talk to
 * each other directly: they read and write the one shared Y.Doc, and share selection through the
 * session, so a change made in any pane shows up in all of them (and in other people's).
 */
export interface EditorSession {
  readonly pipelineId: string
  readonly doc: Y.Doc
  /** Presence: cursors, selections, names. Never written into the document. */
  readonly awareness: Awareness
  /** Viewers see everything live and can change nothing. */
  readonly readOnly: boolean
  /**
   * Every local edit is a transaction with this origin, so the undo manager tracks the user's own
   * changes only (never other people's, which arrive with the provider as origin).
   */
  readonly origin: object
  readonly undoManager: Y.UndoManager
}

/** Selection is local UI state shared by the panes; it is also mirrored into awareness. */
export interface Selection {
  readonly stepIds: readonly string[]
}

/** The awareness state each client publishes. */
export interface PresenceState {
  user: { name: string; color: string; id?: string; email?: string }
  /** Canvas cursor in flow coordinates, or null when the pointer is off the canvas. */
  cursor: { x: number; y: number } | null
  /** Selected step ids. */
  selection: string[]
  /** Caret/selection range in the YAML pane, as character offsets into the current export. */
  yaml: { anchor: number; head: number } | null
}
