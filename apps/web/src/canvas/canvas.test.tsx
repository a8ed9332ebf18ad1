import * as Y from 'yjs'
import {
  act,
  cleanup,
  createEvent,
  fireEvent,
  render,
  screen,
  waitFor,
} from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { useState } from 'react'
import { exportYaml, getStepPosition, readPipeline, removeStep, renameStep } from '@weft/core'
import type { EditorSession } from '../editor/session'
import { Canvas, type CanvasApi } from './index'
import { docFrom, idOf, RESEARCH_YAML } from './fixtures'
import { testSession } from '../editor/test-session'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'

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
afterEach(cleanup)

function Harness(props: {
  session: EditorSession
  initial?: string[]
  onSelect?: (ids: string[]) => void
  apiRef?: { current: CanvasApi | null }
}) {
  const [selection, setSelection] = useState<string[]>(props.initial ?? [])
  return (
    <div style={{ width: 1400, height: 900 }}>
      <Canvas
        session={props.session}
        selection={selection}
        onSelect={(ids) => {
          props.onSelect?.(ids)
          setSelection(ids)
        }}
        ref={(api) => {
          if (props.apiRef) props.apiRef.current = api
        }}
      />
    </div>
  )
}

const names = (doc: Y.Doc) => {
  const view = readPipeline(doc)
  return view.steps
    .filter((s) => s.parentId === '')
    .map((s) => {
      let v = view.value as Record<string | number, unknown>
      for (const k of s.path) v = v[k] as Record<string | number, unknown>
      return v.name as string
    })
}

describe('<Canvas>', () => {
  it('renders a corpus-like pipeline: steps, containers with children, tasks, error badges', async () => {
    const doc = docFrom(RESEARCH_YAML)
    render(<Harness session={testSession(doc)} />)
    expect(screen.getByTestId('canvas')).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId('step-node-collect')).toBeTruthy())
    for (const n of [
      'topics',
      'each_topic',
      'research',
      'critique',
      'fanout',
      'nested',
      'inner_step',
      'report',
    ])
      expect(screen.getByTestId(`step-node-${n}`)).toBeTruthy()
    expect(screen.getByTestId('task-node-summary_a')).toBeTruthy()
    // the loop is drawn as a container around its body
    const loop = screen.getByTestId('step-node-each_topic')
    expect(loop.className).toContain('weft-container')
    const researchWrapper = screen.getByTestId('step-node-research').closest('.react-flow__node')!
    expect(researchWrapper.getAttribute('data-id')).toBe(idOf(doc, 'research'))
    // summary and type on the card
    expect(screen.getByTestId('step-node-collect').textContent).toContain(
      'List the topics to research',
    )
    expect(screen.getByTestId('step-node-collect').textContent).toContain('claude')
    // the unresolvable reference is an error badge with its reason
    const badge = screen
      .getByTestId('step-node-report')
      .querySelector('[data-testid="node-errors"]')!
    expect(badge.getAttribute('title')).toMatch(/missing_step/)
    // the library lists every type and marks documented-only ones
    expect(screen.getByTestId('step-library')).toBeTruthy()
    expect(screen.getByTestId('library-mark-switch').textContent).toBe(
      'not accepted by pipeline_ex',
    )
    expect(screen.queryByTestId('library-mark-claude')).toBeNull()
  })

  it('keeps the selection when another peer edits the document', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    const research = idOf(doc, 'research')
    const onSelect = vi.fn()
    const apiRef: { current: CanvasApi | null } = { current: null }
    render(
      <Harness
        session={testSession(doc)}
        initial={[research]}
        onSelect={onSelect}
        apiRef={apiRef}
      />,
    )
    await waitFor(() =>
      expect(screen.getByTestId('step-node-research').getAttribute('data-selected')).toBe('true'),
    )
    const viewport = apiRef.current!.viewport()
    // the other peer renames a step and deletes another
    renameStep(other, idOf(other, 'collect'), 'gather')
    removeStep(other, idOf(other, 'topics'))
    act(() => {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
    })
    await waitFor(() => expect(screen.getByTestId('step-node-gather')).toBeTruthy())
    expect(screen.queryByTestId('step-node-topics')).toBeNull()
    expect(screen.getByTestId('step-node-research').getAttribute('data-selected')).toBe('true')
    expect(onSelect).not.toHaveBeenCalled()
    expect(apiRef.current!.viewport()).toEqual(viewport)
  })

  it('Delete removes the selected step through core', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const session = testSession(doc)
    const topics = idOf(doc, 'topics')
    render(<Harness session={session} initial={[topics]} />)
    const node = await screen.findByTestId('step-node-topics')
    fireEvent.keyDown(node, { key: 'Delete' })
    await waitFor(() => expect(screen.queryByTestId('step-node-topics')).toBeNull())
    expect(names(doc)).not.toContain('topics')
    expect(exportYaml(doc)).not.toContain('name: topics')
    // and it is the user's own undo step
    act(() => session.undoManager.undo())
    expect(names(doc)).toContain('topics')
  })

  it('read-only blocks delete, drag and the library', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const topics = idOf(doc, 'topics')
    const before = exportYaml(doc)
    const apiRef: { current: CanvasApi | null } = { current: null }
    render(
      <Harness session={testSession(doc, { readOnly: true })} initial={[topics]} apiRef={apiRef} />,
    )
    const node = await screen.findByTestId('step-node-topics')
    fireEvent.keyDown(node, { key: 'Delete' })
    fireEvent.keyDown(node, { key: 'd', ctrlKey: true })
    act(() => {
      apiRef.current!.deleteSelection()
      apiRef.current!.addStep('claude')
      apiRef.current!.autoLayout()
    })
    const canvas = screen.getByTestId('canvas')
    const drop = createEvent.drop(canvas, {
      dataTransfer: {
        types: ['application/x-weft-step-type'],
        getData: () => 'gemini',
      },
    })
    Object.defineProperty(drop, 'clientX', { value: 10 })
    Object.defineProperty(drop, 'clientY', { value: 10 })
    fireEvent(canvas, drop)
    expect(screen.getByTestId('step-node-topics')).toBeTruthy()
    expect(exportYaml(doc)).toBe(before)
    expect(screen.queryByTestId('step-library')).toBeNull()
    expect(node.closest('.react-flow__node')!.classList.contains('draggable')).toBe(false)
  })

  it('renames inline so every reference follows', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const collect = idOf(doc, 'collect')
    render(<Harness session={testSession(doc)} initial={[collect]} />)
    const node = await screen.findByTestId('step-node-collect')
    fireEvent.keyDown(node, { key: 'F2' })
    const input = (await screen.findByTestId('rename-input')) as HTMLInputElement
    fireEvent.change(input, { target: { value: 'gather' } })
    input.value = 'gather'
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() => expect(screen.getByTestId('step-node-gather')).toBeTruthy())
    const yaml = exportYaml(doc)
    expect(yaml).toContain('name: gather')
    expect(yaml).toContain('step: gather')
    expect(yaml).toContain('{{steps.gather.result}}')
  })

  it('adds a dropped step type into the container under the pointer', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const apiRef: { current: CanvasApi | null } = { current: null }
    render(<Harness session={testSession(doc)} apiRef={apiRef} />)
    await screen.findByTestId('step-node-research')
    const canvas = screen.getByTestId('canvas')
    // drop far below everything: a new top-level step at the end
    const dataTransfer = {
      types: ['application/x-weft-step-type'],
      getData: (t: string) => (t === 'application/x-weft-step-type' ? 'gemini' : ''),
      dropEffect: 'none',
    }
    const drop = (x: number, y: number) => {
      // happy-dom's DragEvent ignores clientX/Y in its init
      const ev = createEvent.drop(canvas, { dataTransfer })
      Object.defineProperty(ev, 'clientX', { value: x })
      Object.defineProperty(ev, 'clientY', { value: y })
      fireEvent(canvas, ev)
    }
    drop(200, 100000)
    await waitFor(() => expect(names(doc).at(-1)).toBe('gemini'))
    // onto the loop body, just under its first step (screen = flow coordinates at this zoom)
    const loop = idOf(doc, 'each_topic')
    const research = idOf(doc, 'research')
    const view = readPipeline(doc)
    const loopPos = getStepPosition(doc, loop)!
    const researchPos = getStepPosition(doc, research)!
    const { x, y, zoom } = apiRef.current!.viewport()
    const fx = loopPos.x + researchPos.x + 100
    const fy = loopPos.y + researchPos.y + 76 + 10
    drop(fx * zoom + x, fy * zoom + y)
    await waitFor(() => {
      const inLoop = readPipeline(doc).steps.filter((s) => s.parentId === loop)
      expect(inLoop).toHaveLength(3)
    })
    const after = readPipeline(doc)
    const second = after.steps.filter((s) => s.parentId === loop)[1]!
    expect(second.id).not.toBe(view.steps.find((s) => s.parentId === loop)?.id)
    expect(exportYaml(doc)).toMatch(
      /- name: research\n[\s\S]*- name: gemini_2\n[\s\S]*- name: critique/,
    )
  })

  it("shows other users' cursors and selections, and publishes its own", async () => {
    const doc = docFrom(RESEARCH_YAML)
    const session = testSession(doc)
    const collect = idOf(doc, 'collect')
    const research = idOf(doc, 'research')
    const apiRef: { current: CanvasApi | null } = { current: null }
    render(<Harness session={session} initial={[collect]} apiRef={apiRef} />)
    await screen.findByTestId('step-node-research')
    // ours: the selection is mirrored into awareness
    expect((session.awareness.getLocalState() as { selection: string[] }).selection).toEqual([
      collect,
    ])
    // theirs: arrives as an awareness update from another client
    const otherDoc = new Y.Doc()
    const other = new Awareness(otherDoc)
    other.setLocalState({
      user: { name: 'ada', color: '#d1495b' },
      cursor: { x: 120, y: 40 },
      selection: [research],
      yaml: null,
    })
    act(() => {
      applyAwarenessUpdate(
        session.awareness,
        encodeAwarenessUpdate(other, [other.clientID]),
        'remote',
      )
    })
    await waitFor(() => expect(screen.getByTestId('remote-cursor-ada')).toBeTruthy())
    expect(screen.getByTestId('remote-cursor-ada').style.transform).toBe('translate(120px, 40px)')
    const node = screen.getByTestId('step-node-research')
    expect(node.className).toContain('is-remote')
    expect(node.textContent).toContain('ada')
    expect(screen.getByTestId('step-node-collect').className).not.toContain('is-remote')
    // a node they are dragging follows their pointer before the drop is committed
    other.setLocalStateField('canvasDrag', { [collect]: { x: 777, y: 555 } })
    act(() => {
      applyAwarenessUpdate(
        session.awareness,
        encodeAwarenessUpdate(other, [other.clientID]),
        'remote',
      )
    })
    await waitFor(() =>
      expect(
        (screen.getByTestId('step-node-collect').closest('.react-flow__node') as HTMLElement).style
          .transform,
      ).toMatch(/translate\(777px, ?555px\)/),
    )
    // our pointer goes out in flow coordinates
    const canvas = screen.getByTestId('canvas')
    const ev = createEvent.pointerMove(canvas)
    Object.defineProperty(ev, 'clientX', { value: 300 })
    Object.defineProperty(ev, 'clientY', { value: 200 })
    fireEvent(canvas, ev)
    const { x, y, zoom } = apiRef.current!.viewport()
    const cursor = (session.awareness.getLocalState() as { cursor: { x: number; y: number } })
      .cursor
    expect(cursor).toEqual({ x: Math.round((300 - x) / zoom), y: Math.round((200 - y) / zoom) })
    fireEvent.pointerLeave(canvas)
    expect((session.awareness.getLocalState() as { cursor: unknown }).cursor).toBeNull()
  })

  it('collapses and expands a container', async () => {
    const doc = docFrom(RESEARCH_YAML)
    render(<Harness session={testSession(doc)} />)
    await screen.findByTestId('step-node-research')
    fireEvent.click(screen.getByRole('button', { name: 'Collapse each_topic' }))
    await waitFor(() => expect(screen.queryByTestId('step-node-research')).toBeNull())
    expect(screen.getByTestId('step-node-each_topic').className).toContain('weft-card')
    fireEvent.click(screen.getByRole('button', { name: 'Expand each_topic' }))
    await waitFor(() => expect(screen.getByTestId('step-node-research')).toBeTruthy())
  })

  it('walks the steps with the arrow keys and selects with Enter', async () => {
    const doc = docFrom(RESEARCH_YAML)
    const onSelect = vi.fn()
    render(<Harness session={testSession(doc)} onSelect={onSelect} />)
    const collect = (await screen.findByTestId('step-node-collect')).closest<HTMLElement>(
      '.react-flow__node',
    )!
    collect.focus()
    fireEvent.keyDown(collect, { key: 'ArrowDown' })
    const topics = screen.getByTestId('step-node-topics').closest('.react-flow__node')!
    expect(document.activeElement).toBe(topics)
    fireEvent.keyDown(topics, { key: 'Enter' })
    await waitFor(() => expect(onSelect).toHaveBeenLastCalledWith([idOf(doc, 'topics')]))
  })

  it('inserts a step between two steps from the "+" on their edge', async () => {
    const doc = docFrom(RESEARCH_YAML)
    render(<Harness session={testSession(doc)} />)
    await screen.findByTestId('step-node-topics')
    const edgeId = `c:${idOf(doc, 'collect')}->${idOf(doc, 'topics')}`
    fireEvent.click(screen.getByTestId(`rf__edge-${edgeId}`))
    fireEvent.click(await screen.findByRole('button', { name: 'Insert a step here' }))
    const picker = await screen.findByTestId('step-picker')
    fireEvent.click(picker.querySelector('[data-testid="library-item-gemini"]')!)
    await waitFor(() => expect(names(doc).slice(0, 3)).toEqual(['collect', 'gemini', 'topics']))
    expect(screen.queryByTestId('step-picker')).toBeNull()
  })
})
