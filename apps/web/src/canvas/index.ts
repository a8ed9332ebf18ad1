/**
 * The canvas pane: the pipeline as a graph, edited through @weft/core's operations on the shared
 * Y.Doc, live with everyone else in the session.
 *
 * ## Exports
 * - `<Canvas session selection onSelect ref? libraryOpen? />` — the pane (PaneProps-compatible).
 *   Selection is controlled: it shows `selection` (step ids) and reports clicks, Enter on a
 *   focused node, box selection and new steps through `onSelect`. It also mirrors the selection
 *   into awareness (`selection`) when it differs from what is there.
 * - `CanvasApi` (through `ref`, or `canvasCommands`, which targets the most recently mounted
 *   canvas): `zoomToFit`, `zoomIn`, `zoomOut`, `autoLayout`, `addStep(type, place?)`,
 *   `deleteSelection`, `duplicateSelection`, `copy`, `cut`, `paste`, `renameSelected`,
 *   `toggleCollapse(id?)`, `toggleLibrary`, `focus`, `viewport()`.
 * - While mounted, the canvas registers into the editor's command registry (editor/commands.ts):
 *   `canvas.focus` (Alt+1), `view.zoomToFit` (Shift+1), `view.zoomIn` (=), `view.zoomOut` (-),
 *   `view.autoLayout` (Shift+L), `view.toggleLibrary` (Alt+B), `view.toggleCollapse` (Alt+C),
 *   `edit.copy`/`edit.cut`/`edit.paste` (Mod+C/X/V), and overrides the shell's `step.delete`,
 *   `step.duplicate`, `step.rename` (inline rename on the node) and `step.add.<type>` (placed on
 *   the canvas after the selection).
 * - `LAYOUT_ORIGIN`: the transaction origin of automatic placement of steps that have no position
 *   (never part of anyone's undo history).
 *
 * ## Keyboard (focus inside the canvas)
 * Tab moves between nodes; arrows on a focused node walk the steps in execution order; Enter or
 * Space selects it; Alt+arrows nudge the selection; arrows on the pane pan; + / - zoom; Shift+1
 * fits; Delete/Backspace deletes; Mod+C/X/V/D; F2 renames; Escape clears the selection. Handled
 * keys are `preventDefault`ed, so the shell's global dispatcher leaves them alone.
 *
 * ## Shared state
 * Positions live in the document's `layout` map (relative to the node's container), written at
 * drag end as one undo step; during a drag, positions stream through awareness (`canvasDrag`).
 * Cursors go to awareness `cursor` in flow coordinates. Collapse state is per user
 * (localStorage). Every edit is a core operation with `session.origin`; nothing is editable when
 * `session.readOnly`.
 *
 * Test ids: `canvas`, `step-node-<name>`, `task-node-<name>`, `extra-node-<name>`,
 * `step-library`, `library-item-<type>`, `step-picker`, `remote-cursor-<name>`, `rename-input`.
 */
export { Canvas, canvasCommands, LAYOUT_ORIGIN } from './canvas'
export type { CanvasApi, CanvasProps } from './canvas'
