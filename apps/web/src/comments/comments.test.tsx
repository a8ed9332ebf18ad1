import {
  addThread,
  exportYaml,
  getThread,
  listThreads,
  removeStep,
  replyToThread,
  setThreadResolved,
} from '@weft/core'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { useCallback, useRef, useState } from 'react'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { Canvas } from '../canvas/index'
import { idOf } from '../canvas/fixtures'
import { dispatchShortcut, EditorCommands, EditorCommandsContext } from '../editor/commands.js'
import type { EditorSession } from '../editor/session.js'
import { testSession } from '../editor/test-session.js'
import {
  CommentsButton,
  CommentsContext,
  CommentsPane,
  CommentsUi,
  useComments,
  VIEWER_REASON,
} from './index.js'

const YAML = `workflow:
  name: talk
  steps:
    - name: gather
      type: claude
      prompt:
        - type: static
          content: Find sources.
    - name: write
      type: gemini
      prompt:
        - type: previous_response
          step: gather
`

const ada = { id: 'u-ada', name: 'ada', email: 'ada@example.com' }
const bob = { id: 'u-bob', name: 'bob', email: 'bob@example.com' }

beforeAll(() => {
  // happy-dom lays nothing out; give the canvas a size so React Flow draws what is in view.
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
    configurable: true,
    get: () => 4000,
  })
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get: () => 4000,
  })
})
beforeEach(() => localStorage.clear())
afterEach(cleanup)

/** A session whose presence user is `user` (what publishLocalUser does with /api/me). */
function sessionAs(
  user: { id: string; name: string; email: string },
  options: { readOnly?: boolean; doc?: Y.Doc } = {},
) {
  const session = testSession(options.doc ?? YAML, { readOnly: options.readOnly ?? false })
  session.awareness.setLocalStateField('user', { ...user, color: '#123456' })
  return session
}

/** What the editor page does: selection state, useComments, the button, panel and canvas. */
function Harness(props: {
  session: EditorSession
  commands?: EditorCommands
  initial?: string[]
  canvas?: boolean
  uiRef?: { current: CommentsUi | null }
}) {
  const [commands] = useState(() => props.commands ?? new EditorCommands())
  const [selection, setSelection] = useState<string[]>(props.initial ?? [])
  const ref = useRef(selection)
  ref.current = selection
  const select = useCallback((ids: string[]) => {
    ref.current = ids
    setSelection(ids)
  }, [])
  const ui = useComments({
    session: props.session,
    commands,
    getSelection: () => ref.current,
    select,
  })
  if (props.uiRef) props.uiRef.current = ui
  commands.readOnly = props.session.readOnly
  return (
    <EditorCommandsContext.Provider value={commands}>
      <CommentsButton ui={ui} />
      <output data-testid="selection">{selection.join(',')}</output>
      {props.canvas ? (
        <div style={{ width: 1400, height: 900 }}>
          <CommentsContext.Provider value={ui}>
            <Canvas session={props.session} selection={selection} onSelect={select} />
          </CommentsContext.Provider>
        </div>
      ) : null}
      <CommentsPane ui={ui} session={props.session} selection={selection} onSelect={select} />
    </EditorCommandsContext.Provider>
  )
}

const panel = () => screen.getByTestId('comments-panel')
/** The thread cards (`thread-<id>`; `thread-resolve` and `thread-state` are inside them). */
const shownThreads = () => [...panel().querySelectorAll('article[data-testid^="thread-"]')]
const thread = (id: string) => screen.getByTestId(`thread-${id}`)
const openPanel = () => fireEvent.click(screen.getByTestId('comments-toggle'))
const pick = (group: string, value: string) =>
  fireEvent.click(
    within(screen.getByTestId(group)).getByText(value, { selector: 'button' }) as HTMLElement,
  )

function threadOn(doc: Y.Doc, stepId: string | null, text: string, at = 1, author = bob): string {
  const r = addThread(doc, { stepId, author, text, at })
  if (!r.ok) throw new Error(r.message)
  return r.value
}

describe('<CommentsPane>', () => {
  it('is hidden until toggled, and the toolbar button says whether it is shown', () => {
    render(<Harness session={sessionAs(ada)} />)
    expect(screen.queryByTestId('comments-panel')).toBeNull()
    expect(screen.getByTestId('comments-toggle').getAttribute('aria-pressed')).toBe('false')
    openPanel()
    expect(panel()).toBeTruthy()
    expect(screen.getByTestId('comments-toggle').getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(screen.getByRole('button', { name: 'Close comments' }))
    expect(screen.queryByTestId('comments-panel')).toBeNull()
  })

  it('lists threads with author, text and where they are; filters by status and place', () => {
    const session = sessionAs(ada)
    const doc = session.doc
    const gather = idOf(doc, 'gather')
    const write = idOf(doc, 'write')
    const a = threadOn(doc, gather, 'Use a cheaper model?', 1)
    const b = threadOn(doc, null, 'Ship on Friday', 2)
    const c = threadOn(doc, write, 'Done already', 3)
    setThreadResolved(doc, c, true, bob)
    render(<Harness session={session} initial={[gather]} />)
    openPanel()

    // Default: open threads, everywhere.
    expect(screen.queryByTestId(`thread-${c}`)).toBeNull()
    expect(within(thread(a)).getByText('Use a cheaper model?')).toBeTruthy()
    expect(within(thread(a)).getByText('bob')).toBeTruthy()
    expect(thread(a).textContent).toContain('On step gather')
    expect(thread(b).textContent).toContain('On the pipeline')
    expect(screen.getByTestId('comments-open-count').textContent).toBe('2 open')

    pick('comments-status', 'Resolved')
    expect(screen.queryByTestId(`thread-${a}`)).toBeNull()
    expect(thread(c).getAttribute('data-resolved')).toBe('true')
    expect(within(thread(c)).getByTestId('thread-state').textContent).toBe('Resolved by bob')

    pick('comments-status', 'All')
    pick('comments-scope', 'Pipeline')
    expect(shownThreads().map((e) => e.getAttribute('data-testid'))).toEqual([`thread-${b}`])

    pick('comments-scope', 'Selected step')
    expect(screen.getByTestId(`thread-${a}`)).toBeTruthy()
    expect(screen.queryByTestId(`thread-${b}`)).toBeNull()
    expect(screen.queryByTestId(`thread-${c}`)).toBeNull()
  })

  it('starts a thread on the selected step as the signed-in user, or on the pipeline', () => {
    const session = sessionAs(ada)
    const gather = idOf(session.doc, 'gather')
    render(<Harness session={session} initial={[gather]} />)
    openPanel()
    const input = screen.getByTestId('comment-input')
    fireEvent.change(input, { target: { value: '  Why claude here?  ' } })
    fireEvent.click(screen.getByTestId('comment-send'))
    const [t] = listThreads(session.doc)
    expect(t).toMatchObject({
      stepId: gather,
      resolved: false,
      comments: [{ author: ada, text: 'Why claude here?' }],
    })
    expect((input as HTMLTextAreaElement).value).toBe('')
    expect(thread(t!.id).textContent).toContain('ada')

    fireEvent.click(screen.getByTestId('comment-target-pipeline'))
    fireEvent.change(input, { target: { value: 'Overall: good' } })
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true })
    expect(listThreads(session.doc).map((x) => [x.stepId, x.comments[0]!.text])).toEqual([
      [gather, 'Why claude here?'],
      [null, 'Overall: good'],
    ])
    // Comments never reach the YAML.
    expect(exportYaml(session.doc)).not.toMatch(/claude here|Overall/)
  })

  it('renders comment text as text, never as markup', () => {
    const session = sessionAs(ada)
    const id = threadOn(session.doc, null, '<img src=x onerror="alert(1)"><b>bold</b>', 1, {
      id: 'x',
      name: '<i>evil</i>',
      email: 'e@x',
    })
    render(<Harness session={session} />)
    openPanel()
    expect(thread(id).querySelector('img, b, i')).toBeNull()
    expect(thread(id).textContent).toContain('<img src=x onerror="alert(1)"><b>bold</b>')
    expect(thread(id).textContent).toContain('<i>evil</i>')
  })

  it('replies, resolves and reopens, recording who resolved', () => {
    const session = sessionAs(ada)
    const gather = idOf(session.doc, 'gather')
    const id = threadOn(session.doc, gather, 'Question')
    render(<Harness session={session} />)
    openPanel()
    pick('comments-status', 'All')
    const reply = within(thread(id)).getByTestId('reply-input')
    fireEvent.change(reply, { target: { value: 'Answer' } })
    fireEvent.click(within(thread(id)).getByTestId('reply-send'))
    expect(getThread(session.doc, id)?.comments.map((c) => [c.author.name, c.text])).toEqual([
      ['bob', 'Question'],
      ['ada', 'Answer'],
    ])
    expect(within(thread(id)).getByText('Answer')).toBeTruthy()

    fireEvent.click(within(thread(id)).getByTestId('thread-resolve'))
    expect(getThread(session.doc, id)).toMatchObject({ resolved: true, resolvedBy: ada })
    expect(thread(id).getAttribute('data-resolved')).toBe('true')
    expect(within(thread(id)).getByTestId('thread-resolve').textContent).toBe('Reopen')

    fireEvent.click(within(thread(id)).getByTestId('thread-resolve'))
    expect(getThread(session.doc, id)?.resolved).toBe(false)
    expect(thread(id).getAttribute('data-resolved')).toBe('false')
  })

  it("shows other people's comments live, and keeps a deleted step's threads readable", async () => {
    const session = sessionAs(ada)
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(session.doc))
    const gather = idOf(other, 'gather')
    render(<Harness session={session} />)
    openPanel()
    const sync = () =>
      act(() => {
        Y.applyUpdate(session.doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(session.doc)))
      })
    const id = threadOn(other, gather, 'From bob, elsewhere')
    sync()
    await waitFor(() => expect(thread(id).textContent).toContain('From bob, elsewhere'))
    replyToThread(other, id, { author: bob, text: 'And more', at: 2 })
    sync()
    await waitFor(() => expect(thread(id).textContent).toContain('And more'))
    removeStep(other, gather)
    sync()
    await waitFor(() => expect(thread(id).textContent).toContain('On a deleted step'))
    expect(thread(id).getAttribute('data-step-deleted')).toBe('true')
    expect(thread(id).textContent).toContain('From bob, elsewhere')
  })

  it('lets you edit and delete your own comments only', () => {
    const session = sessionAs(ada)
    const id = threadOn(session.doc, null, 'by bob')
    replyToThread(session.doc, id, { author: ada, text: 'by ada', at: 2 })
    render(<Harness session={session} />)
    openPanel()
    const [bobs, adas] = within(thread(id)).getAllByRole('listitem')
    expect(within(bobs!).queryByText('Edit')).toBeNull()
    expect(within(bobs!).queryByTestId('comment-delete')).toBeNull()

    fireEvent.click(within(adas!).getByText('Edit'))
    fireEvent.change(within(adas!).getByTestId('comment-edit-input'), {
      target: { value: 'by ada, fixed' },
    })
    fireEvent.click(within(adas!).getByText('Save'))
    expect(getThread(session.doc, id)?.comments[1]).toMatchObject({ text: 'by ada, fixed' })
    expect(getThread(session.doc, id)?.comments[1]?.editedAt).toBeTypeOf('number')

    fireEvent.click(within(thread(id)).getByTestId('comment-delete'))
    fireEvent.click(within(thread(id)).getByTestId('comment-delete-confirm'))
    expect(getThread(session.doc, id)?.comments.map((c) => c.text)).toEqual(['by bob'])
  })

  it("is not part of the editor's undo history", () => {
    const session = sessionAs(ada)
    const gather = idOf(session.doc, 'gather')
    render(<Harness session={session} initial={[gather]} />)
    openPanel()
    fireEvent.change(screen.getByTestId('comment-input'), { target: { value: 'keep me' } })
    fireEvent.click(screen.getByTestId('comment-send'))
    expect(session.undoManager.undoStack).toHaveLength(0)
    session.undoManager.undo()
    expect(listThreads(session.doc)).toHaveLength(1)
  })

  it('for a viewer: shows threads, disables writing with the reason, writes nothing', () => {
    const doc = new Y.Doc()
    const owner = sessionAs(bob)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(owner.doc))
    const id = threadOn(doc, null, 'Read me')
    const viewer = sessionAs(ada, { readOnly: true, doc })
    const before = Y.encodeStateAsUpdate(doc)
    render(<Harness session={viewer} />)
    openPanel()
    expect(thread(id).textContent).toContain('Read me')
    const controls = [
      screen.getByTestId('comment-input'),
      screen.getByTestId('comment-send'),
      within(thread(id)).getByTestId('reply-input'),
      within(thread(id)).getByTestId('reply-send'),
      within(thread(id)).getByTestId('thread-resolve'),
    ] as (HTMLButtonElement | HTMLTextAreaElement)[]
    for (const c of controls) {
      expect(c.disabled).toBe(true)
      expect(c.getAttribute('title')).toBe(VIEWER_REASON)
    }
    expect(panel().textContent).toContain(VIEWER_REASON)
    for (const c of controls) fireEvent.click(c)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })
})

describe('comment commands', () => {
  it('toggle with Alt+M; comments.add opens the panel on the selected step, focused', async () => {
    const commands = new EditorCommands()
    const session = sessionAs(ada)
    const gather = idOf(session.doc, 'gather')
    render(<Harness session={session} commands={commands} />)
    expect(commands.get('comments.toggle')?.keys).toEqual(['Alt+M'])
    const alt = () =>
      act(() => {
        dispatchShortcut(
          commands,
          new KeyboardEvent('keydown', { key: 'm', altKey: true, cancelable: true }),
        )
      })
    alt()
    expect(panel()).toBeTruthy()
    alt()
    expect(screen.queryByTestId('comments-panel')).toBeNull()

    // Needs one selected step.
    expect(commands.isEnabled(commands.get('comments.add')!)).toBe(false)
    cleanup()
    render(<Harness session={session} commands={commands} initial={[gather]} />)
    expect(commands.isEnabled(commands.get('comments.add')!)).toBe(true)
    act(() => {
      commands.run('comments.add')
    })
    expect(panel()).toBeTruthy()
    expect(
      within(screen.getByTestId('comments-scope'))
        .getByText('Selected step')
        .getAttribute('aria-pressed'),
    ).toBe('true')
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('comment-input')))
    expect(screen.getByTestId('comment-target-step').getAttribute('aria-pressed')).toBe('true')
  })

  it('are refused to viewers (writing ones), but a viewer can still open the panel', () => {
    const commands = new EditorCommands()
    const session = sessionAs(ada, { readOnly: true })
    render(
      <Harness session={session} commands={commands} initial={[idOf(session.doc, 'gather')]} />,
    )
    expect(commands.run('comments.add')).toBe(false)
    expect(commands.run('comments.addToPipeline')).toBe(false)
    act(() => {
      expect(commands.run('comments.toggle')).toBe(true)
    })
    expect(panel()).toBeTruthy()
  })
})

describe('canvas badges', () => {
  it('show open threads on a step node, live, and open the panel on that step', async () => {
    const session = sessionAs(ada)
    const doc = session.doc
    const gather = idOf(doc, 'gather')
    render(<Harness session={session} canvas />)
    await waitFor(() => expect(screen.getByTestId('step-node-gather')).toBeTruthy())
    expect(screen.queryByTestId('step-comment-badge-gather')).toBeNull()

    let a = ''
    act(() => {
      a = threadOn(doc, gather, 'one')
      threadOn(doc, gather, 'two')
    })
    await waitFor(() =>
      expect(screen.getByTestId('step-comment-badge-gather').textContent).toContain('2'),
    )
    expect(screen.queryByTestId('step-comment-badge-write')).toBeNull()

    act(() => {
      setThreadResolved(doc, a, true, ada)
    })
    await waitFor(() =>
      expect(screen.getByTestId('step-comment-badge-gather').textContent).toContain('1'),
    )

    fireEvent.click(screen.getByTestId('step-comment-badge-gather'))
    expect(panel()).toBeTruthy()
    expect(screen.getByTestId('selection').textContent).toBe(gather)
    expect(shownThreads().map((e) => e.textContent)).toEqual([expect.stringContaining('two')])
  })

  it('notify only the badges whose count changed, and ignore pipeline edits', () => {
    const session = sessionAs(ada)
    const doc = session.doc
    const gather = idOf(doc, 'gather')
    const write = idOf(doc, 'write')
    const ui = new CommentsUi(false)
    ui.attach(doc)
    const onGather = vi.fn()
    const onWrite = vi.fn()
    ui.subscribeCount(gather, onGather)
    ui.subscribeCount(write, onWrite)
    threadOn(doc, gather, 'x')
    expect(ui.count(gather)).toBe(1)
    expect(onGather).toHaveBeenCalledTimes(1)
    expect(onWrite).not.toHaveBeenCalled()
    removeStep(doc, write)
    expect(onWrite).not.toHaveBeenCalled()
    expect(onGather).toHaveBeenCalledTimes(1)
  })
})
