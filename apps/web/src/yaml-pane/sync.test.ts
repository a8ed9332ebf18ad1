import { exportYaml, importYaml, readPipeline, setStepField } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Debouncer, YamlSync, type SyncStatus, type Timer } from './sync'
import { applyChanges, type TextChange } from './text-diff'

const yaml = `workflow:
  name: demo
  steps:
    - name: ask # the question
      type: claude
      prompt:
        - type: static
          content: hello
`

function fakeTimer() {
  let next = 1
  const tasks = new Map<number, { at: number; fn: () => void }>()
  let now = 0
  const timer: Timer = {
    set: (fn, ms) => {
      const id = next++
      tasks.set(id, { at: now + ms, fn })
      return id
    },
    clear: (h) => void tasks.delete(h as number),
  }
  const advance = (ms: number) => {
    now += ms
    for (const [id, t] of [...tasks]) {
      if (t.at <= now) {
        tasks.delete(id)
        t.fn()
      }
    }
  }
  return { timer, advance, pending: () => tasks.size }
}

function setup() {
  const doc = new Y.Doc()
  importYaml(doc, yaml)
  const { timer, advance } = fakeTimer()
  const statuses: SyncStatus[] = []
  const remoteChanges: TextChange[][] = []
  const host = {
    text: '',
    getText: () => host.text,
    applyRemote(changes: readonly TextChange[]) {
      remoteChanges.push([...changes])
      host.text = applyChanges(host.text, changes)
    },
    onStatus: (s: SyncStatus) => statuses.push(s),
  }
  const origin = { user: 'me' }
  const sync = new YamlSync(doc, host, { origin, delay: 200, timer })
  host.text = sync.text
  const type = (from: string, to: string) => {
    host.text = host.text.replace(from, to)
    sync.localEdit()
  }
  return { doc, host, sync, advance, statuses, remoteChanges, type, origin }
}

const stepId = (doc: Y.Doc) => readPipeline(doc).steps[0]!.id

describe('Debouncer', () => {
  it('runs once, delay ms after the last schedule, and can flush or cancel', () => {
    const { timer, advance } = fakeTimer()
    let calls = 0
    const d = new Debouncer(200, () => calls++, timer)
    d.schedule()
    advance(150)
    d.schedule()
    advance(150)
    expect(calls).toBe(0)
    expect(d.pending).toBe(true)
    advance(50)
    expect(calls).toBe(1)
    expect(d.pending).toBe(false)
    d.schedule()
    d.flush()
    expect(calls).toBe(2)
    d.schedule()
    d.cancel()
    advance(1000)
    expect(calls).toBe(2)
  })
})

describe('YamlSync', () => {
  it('applies typed text to the document after the debounce, with the session origin', () => {
    const { doc, sync, advance, type, origin } = setup()
    const origins: unknown[] = []
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin))
    type('name: demo', 'name: renamed')
    advance(199)
    expect(exportYaml(doc)).toContain('name: demo')
    expect(sync.current.state).toBe('pending')
    advance(1)
    expect(exportYaml(doc)).toContain('name: renamed')
    expect(exportYaml(doc)).toContain('# the question')
    expect(origins).toContain(origin)
    expect(sync.current).toEqual({ state: 'synced', error: null, outOfSync: false })
  })

  it('keeps text that does not parse, reports where, and leaves the document alone', () => {
    const { doc, host, sync, advance, type } = setup()
    const before = Y.encodeStateVector(doc)
    type('name: demo', 'name: [demo')
    advance(200)
    expect(host.text).toContain('name: [demo')
    expect(sync.current.state).toBe('error')
    expect(sync.current.error?.line).toBeGreaterThan(0)
    expect(sync.current.error?.message).toMatch(/YAML syntax error/)
    expect(Y.encodeStateVector(doc)).toEqual(before)
    type('name: [demo', 'name: fixed')
    advance(200)
    expect(sync.current.state).toBe('synced')
    expect(exportYaml(doc)).toContain('name: fixed')
  })

  it('takes a document change as a minimal diff while the text is in sync', () => {
    const { doc, host, remoteChanges } = setup()
    setStepField(doc, stepId(doc), ['type'], 'gemini')
    expect(host.text).toBe(exportYaml(doc))
    expect(host.text).toContain('# the question')
    expect(remoteChanges).toHaveLength(1)
    const change = remoteChanges[0]![0]!
    expect(change.to - change.from).toBeLessThanOrEqual('claude'.length)
  })

  it('does not clobber unparsed local edits; merges them once the text parses', () => {
    const { doc, host, sync, advance, type, statuses } = setup()
    type('content: hello', 'content: [hello')
    advance(200)
    expect(sync.current.state).toBe('error')
    setStepField(doc, stepId(doc), ['type'], 'gemini')
    expect(host.text).toContain('type: claude')
    expect(host.text).toContain('content: [hello')
    expect(sync.current.outOfSync).toBe(true)
    expect(statuses.at(-1)?.outOfSync).toBe(true)
    type('content: [hello', 'content: hello world')
    advance(200)
    expect(sync.current).toEqual({ state: 'synced', error: null, outOfSync: false })
    const out = exportYaml(doc)
    expect(out).toContain('type: gemini')
    expect(out).toContain('content: hello world')
    expect(host.text).toBe(out)
  })

  it('can discard local edits and show the export again', () => {
    const { doc, host, sync, advance, type } = setup()
    type('name: demo', 'name: [x')
    advance(200)
    sync.discard()
    expect(host.text).toBe(exportYaml(doc))
    expect(sync.current.state).toBe('synced')
  })

  it('stops listening when destroyed', () => {
    const { doc, host, sync } = setup()
    sync.destroy()
    const before = host.text
    setStepField(doc, stepId(doc), ['type'], 'gemini')
    expect(host.text).toBe(before)
  })

  it('never writes when read-only', () => {
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    const { timer, advance } = fakeTimer()
    const host = { text: '', getText: () => host.text, applyRemote: () => {} }
    const sync = new YamlSync(doc, host, { origin: null, timer, readOnly: true })
    host.text = sync.text.replace('demo', 'changed')
    sync.localEdit()
    advance(1000)
    sync.flush()
    expect(exportYaml(doc)).toContain('name: demo')
  })
})
