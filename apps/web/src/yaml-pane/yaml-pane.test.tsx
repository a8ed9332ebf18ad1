import { currentCompletions, startCompletion } from '@codemirror/autocomplete'
import { EditorSelection, EditorState } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { exportYaml, importYaml, readPipeline, setStepField } from '@weft/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { remotePeersField, selectedLinesField } from './decorations'
import { testSession } from '../editor/test-session'
import { YamlPane } from './yaml-pane'

const yaml = `workflow:
  name: demo
  steps:
    # asks the question
    - name: ask
      type: claude
      prompt:
        - type: static
          content: hello

    - name: answer
      type: gemini
      prompt:
        - type: previous_response
          step: ask
`

afterEach(cleanup)

function mount(options: { readOnly?: boolean; selection?: string[] } = {}) {
  const session = testSession(yaml, options)
  const onSelect = vi.fn()
  const utils = render(
    <YamlPane
      session={session}
      selection={options.selection ?? []}
      onSelect={onSelect}
      debounceMs={5}
    />,
  )
  const view = EditorView.findFromDOM(utils.container.querySelector('.cm-editor') as HTMLElement)!
  const idOf = (name: string) => {
    const v = readPipeline(session.doc)
    const top = (v.value as { workflow: { steps: { name: string }[] } }).workflow.steps
    return v.steps.find((s) => top[s.path[2] as number]?.name === name)!.id
  }
  const type = (from: string, to: string) => {
    const text = view.state.doc.toString()
    const at = text.indexOf(from)
    if (at < 0) throw new Error(`no ${from}`)
    act(() => {
      view.dispatch({
        changes: { from: at, to: at + from.length, insert: to },
        userEvent: 'input.type',
      })
    })
  }
  return { session, onSelect, view, idOf, type, ...utils }
}

/** A second peer, synced both ways with the session's doc, as a provider would. */
function peer(doc: Y.Doc) {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  other.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'net') Y.applyUpdate(doc, u, 'net')
  })
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'net') Y.applyUpdate(other, u, 'net')
  })
  return other
}

describe('YamlPane', () => {
  it('shows the export of the document', () => {
    const { view, session } = mount()
    expect(view.state.doc.toString()).toBe(exportYaml(session.doc))
    expect(screen.getByTestId('yaml-pane')).toBeTruthy()
  })

  it('applies typed text to the document once it parses', async () => {
    const { session, type } = mount()
    type('type: gemini', 'type: claude_smart')
    await waitFor(() => expect(exportYaml(session.doc)).toContain('type: claude_smart'))
    expect(exportYaml(session.doc)).toContain('# asks the question')
    expect(session.undoManager.undoStack.length).toBeGreaterThan(0)
  })

  it('keeps text that does not parse, shows the error and leaves the document alone', async () => {
    const { session, type, view } = mount()
    const before = exportYaml(session.doc)
    type('name: demo', 'name: [demo')
    const error = await screen.findByTestId('yaml-error')
    expect(error.textContent).toMatch(/Line \d+, column \d+: YAML syntax error/)
    expect(view.state.doc.toString()).toContain('name: [demo')
    expect(exportYaml(session.doc)).toBe(before)
    type('name: [demo', 'name: fixed')
    await waitFor(() => expect(screen.queryByTestId('yaml-error')).toBeNull())
    expect(exportYaml(session.doc)).toContain('name: fixed')
  })

  it('takes a remote change without moving the caret', async () => {
    const { session, view, idOf } = mount()
    const other = peer(session.doc)
    const caret = view.state.doc.toString().indexOf('step: ask') + 'step: '.length
    act(() => view.dispatch({ selection: EditorSelection.cursor(caret), userEvent: 'select' }))
    act(() => {
      setStepField(other, idOf('ask'), ['prompt', 0, 'content'], 'hello there, world', {
        origin: 'someone',
      })
    })
    const text = view.state.doc.toString()
    expect(text).toBe(exportYaml(session.doc))
    expect(text).toContain('content: hello there, world')
    const head = view.state.selection.main.head
    expect(text.slice(head, head + 3)).toBe('ask')
    expect(head).toBe(caret + ' there, world'.length)
    // Another user's change is not in our undo history.
    expect(session.undoManager.undoStack).toHaveLength(0)
  })

  it('keeps a comment typed in the YAML across an inspector edit', async () => {
    const { session, type, view, idOf } = mount()
    type('      type: gemini', '      type: gemini # answers it')
    await waitFor(() => expect(exportYaml(session.doc)).toContain('# answers it'))
    act(() => {
      setStepField(session.doc, idOf('answer'), ['type'], 'claude', { origin: session.origin })
    })
    const text = view.state.doc.toString()
    expect(text).toContain('type: claude # answers it')
    expect(text).toContain('# asks the question')
    expect(text).toBe(exportYaml(session.doc))
  })

  it('does not clobber unparsed edits when the document changes, and merges them later', async () => {
    const { session, type, view, idOf } = mount()
    type('name: demo', 'name: [demo')
    await screen.findByTestId('yaml-error')
    act(() => {
      setStepField(session.doc, idOf('answer'), ['type'], 'claude', { origin: 'canvas' })
    })
    expect(view.state.doc.toString()).toContain('name: [demo')
    expect(view.state.doc.toString()).toContain('type: gemini')
    expect(screen.getByTestId('yaml-out-of-sync')).toBeTruthy()
    type('name: [demo', 'name: merged')
    await waitFor(() => expect(screen.queryByTestId('yaml-out-of-sync')).toBeNull())
    const out = exportYaml(session.doc)
    expect(out).toContain('name: merged')
    expect(out).toContain('- name: answer\n      type: claude')
    expect(view.state.doc.toString()).toBe(out)
  })

  it('highlights the lines of the selected step', () => {
    const session = testSession(yaml)
    const id = readPipeline(session.doc).steps[1]!.id
    const { container, rerender } = render(
      <YamlPane session={session} selection={[]} onSelect={() => {}} />,
    )
    const view = EditorView.findFromDOM(container.querySelector('.cm-editor') as HTMLElement)!
    rerender(<YamlPane session={session} selection={[id]} onSelect={() => {}} />)
    const lines: number[] = []
    view.state.field(selectedLinesField).between(0, view.state.doc.length, (from) => {
      lines.push(view.state.doc.lineAt(from).number)
    })
    expect(lines).toEqual([11, 12, 13, 14, 15])
  })

  it('selects the step the caret moves into', async () => {
    const { view, onSelect, idOf } = mount()
    const at = view.state.doc.toString().indexOf('content: hello')
    act(() => view.dispatch({ selection: EditorSelection.cursor(at), userEvent: 'select' }))
    await waitFor(() => expect(onSelect).toHaveBeenCalledWith([idOf('ask')]))
    const at2 = view.state.doc.toString().indexOf('step: ask')
    act(() => view.dispatch({ selection: EditorSelection.cursor(at2), userEvent: 'select' }))
    await waitFor(() => expect(onSelect).toHaveBeenLastCalledWith([idOf('answer')]))
  })

  it("publishes its caret and shows other people's carets with their names", async () => {
    const { session, view, idOf, container } = mount()
    act(() => view.dispatch({ selection: EditorSelection.range(3, 8), userEvent: 'select' }))
    expect(session.awareness.getLocalState()?.yaml).toEqual({ anchor: 3, head: 8 })

    const remote = new Awareness(new Y.Doc())
    remote.setLocalState({
      user: { name: 'Ada', color: '#e91e63' },
      cursor: null,
      selection: [idOf('answer')],
      yaml: { anchor: 10, head: 20 },
    })
    act(() => {
      applyAwarenessUpdate(
        session.awareness,
        encodeAwarenessUpdate(remote, [remote.clientID]),
        'net',
      )
    })
    await waitFor(() => expect(view.state.field(remotePeersField).peers).toHaveLength(1))
    const p = view.state.field(remotePeersField).peers[0]!
    expect(p).toMatchObject({ name: 'Ada', color: '#e91e63', yaml: { anchor: 10, head: 20 } })
    expect(p.steps).toHaveLength(1)
    await waitFor(() =>
      expect(container.querySelector('.weft-yaml-peer-name')?.textContent).toBe('Ada'),
    )
  })

  it('is read-only for viewers', async () => {
    const { session, view } = mount({ readOnly: true })
    expect(view.state.facet(EditorState.readOnly)).toBe(true)
    expect(screen.getByText('Read-only')).toBeTruthy()
    const before = exportYaml(session.doc)
    act(() => view.dispatch({ changes: { from: 0, insert: '# x\n' }, userEvent: 'input.type' }))
    await new Promise((r) => setTimeout(r, 30))
    expect(exportYaml(session.doc)).toBe(before)
  })

  it('undoes through the session undo manager with Mod-z', async () => {
    const { session, type, view } = mount()
    type('name: demo', 'name: changed')
    await waitFor(() => expect(exportYaml(session.doc)).toContain('name: changed'))
    act(() => {
      view.contentDOM.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, cancelable: true }),
      )
    })
    await waitFor(() => expect(exportYaml(session.doc)).toContain('name: demo'))
    expect(view.state.doc.toString()).toBe(exportYaml(session.doc))
  })

  it('completes step keys from the catalogue', async () => {
    const { view } = mount()
    const at = view.state.doc.toString().indexOf('      prompt:\n        - type: previous_response')
    act(() => {
      view.dispatch({
        changes: { from: at, insert: '      mo\n' },
        selection: EditorSelection.cursor(at + '      mo'.length),
        userEvent: 'input.type',
      })
      startCompletion(view)
    })
    await waitFor(() =>
      expect(currentCompletions(view.state).map((c) => c.label)).toContain('model'),
    )
    expect(currentCompletions(view.state).map((c) => c.label)).not.toContain('name')
  })

  it('follows an import of a whole new text by someone else', () => {
    const { session, view } = mount()
    act(() => {
      importYaml(session.doc, yaml.replace('demo', 'other'), { origin: 'net' })
    })
    expect(view.state.doc.toString()).toContain('name: other')
  })
})
