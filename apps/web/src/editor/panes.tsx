/**
 * The three panes, built in their own folders (canvas/, inspector/, yaml-pane/) against the
 * EditorSession contract. The page imports them only from here.
 */
import type { EditorSession } from './session.js'

export interface PaneProps {
  readonly session: EditorSession
  readonly selection: readonly string[]
  readonly onSelect: (ids: string[]) => void
}

export { Canvas } from '../canvas/index.js'
export { Inspector } from '../inspector/index.js'
export { nextFrame, YamlPane } from '../yaml-pane/index.js'
