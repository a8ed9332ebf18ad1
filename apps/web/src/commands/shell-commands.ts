/**
 * The commands the shell itself provides: undo/redo, step editing through core operations, view
 * toggles, help. Panes add theirs (zoom to fit, auto-layout…) through the same registry.
 */
import { exportYaml, stepCatalogue } from '@weft/core'
import type { EditorCommand } from '../editor/commands.js'
import type { EditorSession } from '../editor/session.js'
import { addStepOfType, deleteSteps, duplicateSteps } from './step-actions.js'

export interface ShellActions {
  readonly session: EditorSession
  readonly getSelection: () => readonly string[]
  readonly select: (ids: string[]) => void
  readonly openPalette: () => void
  readonly openShortcuts: () => void
  readonly openRename: (id: string) => void
  readonly toggleYaml: () => void
  readonly toggleTheme: () => void
  readonly exportFileName: () => string
}

export function shellCommands(a: ShellActions): EditorCommand[] {
  const { session } = a
  const hasSelection = () => a.getSelection().length > 0
  return [
    {
      id: 'palette.open',
      title: 'Show all commands',
      group: 'Help',
      keys: ['Mod+K'],
      global: true,
      run: a.openPalette,
    },
    {
      id: 'help.shortcuts',
      title: 'Keyboard shortcuts',
      group: 'Help',
      keys: ['?'],
      run: a.openShortcuts,
    },
    {
      id: 'edit.undo',
      title: 'Undo',
      group: 'Edit',
      keys: ['Mod+Z'],
      keywords: 'revert back',
      edits: true,
      global: true,
      enabled: () => session.undoManager.canUndo(),
      run: () => session.undoManager.undo(),
    },
    {
      id: 'edit.redo',
      title: 'Redo',
      group: 'Edit',
      keys: ['Mod+Shift+Z', 'Mod+Y'],
      edits: true,
      global: true,
      enabled: () => session.undoManager.canRedo(),
      run: () => session.undoManager.redo(),
    },
    {
      id: 'step.delete',
      title: 'Delete selected steps',
      group: 'Steps',
      keys: ['Delete', 'Backspace'],
      keywords: 'remove',
      edits: true,
      enabled: hasSelection,
      run: () => {
        deleteSteps(session, a.getSelection())
        a.select([])
      },
    },
    {
      id: 'step.duplicate',
      title: 'Duplicate selected steps',
      group: 'Steps',
      keys: ['Mod+D'],
      keywords: 'copy clone',
      edits: true,
      enabled: hasSelection,
      run: () => {
        const created = duplicateSteps(session, a.getSelection())
        if (created.length) a.select(created)
      },
    },
    {
      id: 'step.rename',
      title: 'Rename selected step',
      group: 'Steps',
      keys: ['F2'],
      keywords: 'name references',
      edits: true,
      enabled: () => a.getSelection().length === 1,
      run: () => {
        const id = a.getSelection()[0]
        if (id) a.openRename(id)
      },
    },
    {
      id: 'view.toggleYaml',
      title: 'Show or hide the YAML pane',
      group: 'View',
      keys: ['Mod+Shift+Y'],
      keywords: 'code text source split',
      run: a.toggleYaml,
    },
    {
      id: 'view.toggleTheme',
      title: 'Switch light / dark theme',
      group: 'View',
      keys: ['Mod+Shift+L'],
      keywords: 'dark mode colour color',
      run: a.toggleTheme,
    },
    {
      id: 'pipeline.exportYaml',
      title: 'Download as YAML',
      group: 'Pipeline',
      keys: ['Mod+Shift+E'],
      keywords: 'export save file',
      run: () => downloadText(a.exportFileName(), exportYaml(session.doc)),
    },
    ...stepCatalogue.map(
      (spec): EditorCommand => ({
        id: `step.add.${spec.type}`,
        title: `Add ${spec.label} (${spec.type})${acceptanceNote[spec.acceptance]}`,
        group: 'Add step',
        keywords: `new insert ${spec.type} ${spec.category} ${spec.description}`,
        edits: true,
        run: () => {
          const id = addStepOfType(session, spec.type, a.getSelection())
          if (id) a.select([id])
        },
      }),
    ),
  ]
}

const acceptanceNote = {
  accepted: '',
  'test-only': ' — accepted in pipeline_ex test runs only',
  rejected: ' — not accepted by pipeline_ex',
} as const

export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
