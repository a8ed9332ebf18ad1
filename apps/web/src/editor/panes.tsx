/**
 * The three panes, built in their own folders (canvas/, inspector/, yaml-pane/) against the
 * EditorSession contract. The page imports them only from here.
 *
 * The canvas is in the app's first chunk: it is what an opened pipeline shows first. The
 * inspector and the YAML pane (CodeMirror, lezer) are separate chunks, loaded once the canvas is
 * on screen (`loadSidePanes`), so that neither their download nor their compilation delays it
 * (docs/decisions/0006-web-startup.md).
 */
import { lazy } from 'react'
import type { EditorSession } from './session.js'

export interface PaneProps {
  readonly session: EditorSession
  readonly selection: readonly string[]
  readonly onSelect: (ids: string[]) => void
}

const inspectorChunk = () => import('../inspector/inspector.js')
const yamlPaneChunk = () => import('../yaml-pane/yaml-pane.js')

let loading: Promise<unknown> | undefined
/** Starts loading both side panes' chunks (once); resolves when both are ready. */
export function loadSidePanes(): Promise<unknown> {
  loading ??= Promise.all([inspectorChunk(), yamlPaneChunk()])
  return loading
}

export { Canvas } from '../canvas/index.js'
export const Inspector = lazy(() => inspectorChunk().then((m) => ({ default: m.Inspector })))
export const YamlPane = lazy(() => yamlPaneChunk().then((m) => ({ default: m.YamlPane })))
export { nextFrame } from '../yaml-pane/next-frame.js'
