import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import {
  addThread,
  deleteComment,
  editComment,
  getThread,
  listThreads,
  noteErrorCodes,
  openThreadCounts,
  replyToThread,
  setThreadResolved,
  threadsForStep,
} from './notes.js'
import { addStepNote, getStepNotes, removeStep } from './ops.js'
import { readPipeline } from './read.js'

const text = `workflow:
  name: notes
  steps:
    - name: plan # planning
      type: gemini
      prompt:
        - type: static
          content: Plan it
    - name: write
      type: claude
      prompt:
        - type: previous_response
          step: plan
`

const ada = { id: 'u1', name: 'ada', email: 'ada@example.com' }
const bob = { id: 'u2', name: 'bob', email: 'bob@example.com' }

function ids(prefix: string): () => string {
  let n = 0
  return () => `${prefix}${++n}`
}

function setup() {
  const doc = new Y.Doc()
  importYaml(doc, text)
  const view = readPipeline(doc)
  const step = (i: number) => view.idAt(['workflow', 'steps', i])!
  return { doc, plan: step(0), write: step(1) }
}

/** Two peers that start from the same state. */
function twoPeers() {
  const { doc: a, plan, write } = setup()
  const b = new Y.Doc()
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  return { a, b, plan, write }
}

function sync(a: Y.Doc, b: Y.Doc) {
  const ua = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
  const ub = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
  Y.applyUpdate(b, ua)
  Y.applyUpdate(a, ub)
}

describe('comment threads', () => {
  it('adds a thread on a step and on the pipeline, listed oldest first', () => {
    const { doc, plan } = setup()
    const onStep = addThread(doc, {
      stepId: plan,
      author: ada,
      text: 'Cheaper model?',
      at: 20,
      newId: ids('s'),
    })
    const onPipeline = addThread(doc, {
      stepId: null,
      author: bob,
      text: 'Ship it Friday',
      at: 10,
      newId: ids('p'),
    })
    expect(onStep).toEqual({ ok: true, value: 's1' })
    expect(onPipeline).toEqual({ ok: true, value: 'p1' })
    expect(listThreads(doc)).toEqual([
      {
        id: 'p1',
        stepId: null,
        stepDeleted: false,
        at: 10,
        resolved: false,
        comments: [{ id: 'p2', author: bob, text: 'Ship it Friday', at: 10 }],
      },
      {
        id: 's1',
        stepId: plan,
        stepDeleted: false,
        at: 20,
        resolved: false,
        comments: [{ id: 's2', author: ada, text: 'Cheaper model?', at: 20 }],
      },
    ])
    expect(threadsForStep(doc, plan).map((t) => t.id)).toEqual(['s1'])
    expect(threadsForStep(doc, null).map((t) => t.id)).toEqual(['p1'])
  })

  it('uses the origin, one transaction per operation', () => {
    const { doc, plan } = setup()
    const origin = { me: 1 }
    const seen: unknown[] = []
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(tr.origin))
    const t = addThread(doc, { stepId: plan, author: ada, text: 'a', at: 1 }, { origin })
    if (!t.ok) throw new Error(t.message)
    const r = replyToThread(doc, t.value, { author: bob, text: 'b', at: 2 }, { origin })
    if (!r.ok) throw new Error(r.message)
    setThreadResolved(doc, t.value, true, bob, { origin })
    editComment(doc, t.value, r.value, 'b2', { origin })
    deleteComment(doc, t.value, r.value, { origin })
    expect(seen).toEqual([origin, origin, origin, origin, origin])
  })

  it('replies, resolves (recording who) and reopens', () => {
    const { doc, write } = setup()
    const t = addThread(doc, { stepId: write, author: ada, text: 'Why gemini?', at: 1 })
    if (!t.ok) throw new Error(t.message)
    const r = replyToThread(doc, t.value, { author: bob, text: 'Price', at: 2, newId: () => 'r1' })
    expect(r).toEqual({ ok: true, value: 'r1' })
    expect(getThread(doc, t.value)?.comments.map((c) => [c.author.name, c.text])).toEqual([
      ['ada', 'Why gemini?'],
      ['bob', 'Price'],
    ])
    expect(setThreadResolved(doc, t.value, true, bob).ok).toBe(true)
    expect(getThread(doc, t.value)).toMatchObject({ resolved: true, resolvedBy: bob })
    expect(openThreadCounts(doc).get(write)).toBeUndefined()
    expect(setThreadResolved(doc, t.value, false, ada).ok).toBe(true)
    const reopened = getThread(doc, t.value)!
    expect(reopened.resolved).toBe(false)
    expect(reopened.resolvedBy).toBeUndefined()
    expect(openThreadCounts(doc).get(write)).toBe(1)
  })

  it('edits and deletes comments; an emptied thread is no longer listed', () => {
    const { doc, plan } = setup()
    const t = addThread(doc, {
      stepId: plan,
      author: ada,
      text: 'tpyo',
      at: 1,
      newId: ids('x'),
    })
    if (!t.ok) throw new Error(t.message)
    expect(editComment(doc, t.value, 'x2', 'typo', { at: 5 }).ok).toBe(true)
    expect(getThread(doc, t.value)?.comments).toEqual([
      { id: 'x2', author: ada, text: 'typo', at: 1, editedAt: 5 },
    ])
    expect(deleteComment(doc, t.value, 'x2').ok).toBe(true)
    expect(listThreads(doc)).toEqual([])
    expect(openThreadCounts(doc).size).toBe(0)
  })

  it('refuses unknown steps, threads and comments, and empty text, changing nothing', () => {
    const { doc, plan } = setup()
    const before = Y.encodeStateAsUpdate(doc)
    expect(addThread(doc, { stepId: 'nope', author: ada, text: 'x', at: 1 })).toMatchObject({
      ok: false,
      code: noteErrorCodes.stepNotFound,
    })
    expect(addThread(doc, { stepId: plan, author: ada, text: '  \n', at: 1 })).toMatchObject({
      ok: false,
      code: noteErrorCodes.emptyComment,
    })
    expect(replyToThread(doc, 'nope', { author: ada, text: 'x', at: 1 })).toMatchObject({
      ok: false,
      code: noteErrorCodes.threadNotFound,
    })
    expect(setThreadResolved(doc, 'nope', true, ada)).toMatchObject({
      code: noteErrorCodes.threadNotFound,
    })
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
    const t = addThread(doc, { stepId: plan, author: ada, text: 'x', at: 1 })
    if (!t.ok) throw new Error(t.message)
    expect(editComment(doc, t.value, 'nope', 'y')).toMatchObject({
      code: noteErrorCodes.commentNotFound,
    })
    expect(deleteComment(doc, t.value, 'nope')).toMatchObject({
      code: noteErrorCodes.commentNotFound,
    })
  })

  it('keeps a thread readable when its step is deleted, marked as on a deleted step', () => {
    const { doc, plan } = setup()
    const t = addThread(doc, { stepId: plan, author: ada, text: 'Keep this?', at: 1 })
    if (!t.ok) throw new Error(t.message)
    expect(removeStep(doc, plan).ok).toBe(true)
    expect(getThread(doc, t.value)).toMatchObject({
      stepId: plan,
      stepDeleted: true,
      comments: [{ text: 'Keep this?' }],
    })
    // Still usable: people can finish the discussion.
    expect(replyToThread(doc, t.value, { author: bob, text: 'No', at: 2 }).ok).toBe(true)
    expect(setThreadResolved(doc, t.value, true, bob).ok).toBe(true)
  })

  it('counts open threads per step for the canvas badges', () => {
    const { doc, plan, write } = setup()
    addThread(doc, { stepId: plan, author: ada, text: 'a', at: 1 })
    addThread(doc, { stepId: plan, author: ada, text: 'b', at: 2 })
    const w = addThread(doc, { stepId: write, author: ada, text: 'c', at: 3 })
    addThread(doc, { stepId: null, author: ada, text: 'd', at: 4 })
    if (!w.ok) throw new Error(w.message)
    setThreadResolved(doc, w.value, true, ada)
    expect([...openThreadCounts(doc)]).toEqual([[plan, 2]])
  })

  it('never reaches the exported YAML, and stores authors as plain fields only', () => {
    const { doc, plan } = setup()
    const before = exportYaml(doc)
    const evil = { name: 'mallory', email: 'm@x', id: 'u9', extra: '<script>' } as never
    const t = addThread(doc, { stepId: plan, author: evil, text: 'SECRET-NOTE', at: 1 })
    if (!t.ok) throw new Error(t.message)
    replyToThread(doc, t.value, { author: ada, text: 'SECRET-REPLY', at: 2 })
    addThread(doc, { stepId: null, author: ada, text: 'SECRET-PIPELINE', at: 3 })
    expect(exportYaml(doc)).toBe(before)
    expect(exportYaml(doc)).not.toMatch(/SECRET/)
    expect(getThread(doc, t.value)?.comments[0]?.author).toEqual({
      id: 'u9',
      name: 'mallory',
      email: 'm@x',
    })
  })

  it('lives beside the older per-step notes, which keep working', () => {
    const { doc, plan } = setup()
    expect(addStepNote(doc, plan, { author: 'ada', text: 'old', at: 1 }).ok).toBe(true)
    addThread(doc, { stepId: plan, author: ada, text: 'new', at: 2 })
    expect(getStepNotes(doc, plan)).toEqual([{ author: 'ada', text: 'old', at: 1 }])
    expect(listThreads(doc).map((t) => t.comments[0]?.text)).toEqual(['new'])
  })
})

describe('comment threads merge', () => {
  it('two peers replying at once both keep both replies, once, in the same order', () => {
    const { a, b, plan } = twoPeers()
    const t = addThread(a, { stepId: plan, author: ada, text: 'Start', at: 1 })
    if (!t.ok) throw new Error(t.message)
    sync(a, b)
    replyToThread(a, t.value, { author: ada, text: 'from A', at: 5 })
    replyToThread(b, t.value, { author: bob, text: 'from B', at: 5 })
    replyToThread(b, t.value, { author: bob, text: 'from B again', at: 6 })
    sync(a, b)
    const ta = getThread(a, t.value)!
    const tb = getThread(b, t.value)!
    expect(ta).toEqual(tb)
    const texts = ta.comments.map((c) => c.text)
    expect(texts[0]).toBe('Start')
    expect([...texts].sort()).toEqual(['Start', 'from A', 'from B', 'from B again'])
    expect(texts.indexOf('from B')).toBeLessThan(texts.indexOf('from B again'))
    // Syncing again changes nothing (no duplicates).
    sync(a, b)
    expect(getThread(a, t.value)!.comments).toHaveLength(4)
  })

  it('resolve on one peer and reply on another converge: resolved, with the reply', () => {
    const { a, b, write } = twoPeers()
    const t = addThread(a, { stepId: write, author: ada, text: 'Q', at: 1 })
    if (!t.ok) throw new Error(t.message)
    sync(a, b)
    setThreadResolved(a, t.value, true, ada)
    replyToThread(b, t.value, { author: bob, text: 'late answer', at: 3 })
    sync(a, b)
    expect(listThreads(a)).toEqual(listThreads(b))
    expect(getThread(a, t.value)).toMatchObject({
      resolved: true,
      resolvedBy: ada,
      comments: [{ text: 'Q' }, { text: 'late answer' }],
    })
  })

  it('resolve versus reopen converges on one answer on both peers', () => {
    const { a, b, write } = twoPeers()
    const t = addThread(a, { stepId: write, author: ada, text: 'Q', at: 1 })
    if (!t.ok) throw new Error(t.message)
    setThreadResolved(a, t.value, true, ada)
    sync(a, b)
    setThreadResolved(a, t.value, false, ada)
    setThreadResolved(b, t.value, true, bob)
    sync(a, b)
    expect(getThread(a, t.value)).toEqual(getThread(b, t.value))
  })

  it('threads started on both peers offline both survive, listed alike', () => {
    const { a, b, plan } = twoPeers()
    addThread(a, { stepId: plan, author: ada, text: 'A thread', at: 7 })
    addThread(b, { stepId: null, author: bob, text: 'B thread', at: 7 })
    sync(a, b)
    expect(listThreads(a)).toEqual(listThreads(b))
    expect(listThreads(a)).toHaveLength(2)
  })

  it('a reply made while the last comment is deleted elsewhere brings the thread back', () => {
    const { a, b, plan } = twoPeers()
    const t = addThread(a, { stepId: plan, author: ada, text: 'only', at: 1, newId: ids('t') })
    if (!t.ok) throw new Error(t.message)
    sync(a, b)
    deleteComment(a, t.value, 't2')
    replyToThread(b, t.value, { author: bob, text: 'kept', at: 2 })
    sync(a, b)
    expect(getThread(a, t.value)?.comments.map((c) => c.text)).toEqual(['kept'])
    expect(getThread(b, t.value)).toEqual(getThread(a, t.value))
  })

  it('an edit and a concurrent reply both land', () => {
    const { a, b, plan } = twoPeers()
    const t = addThread(a, { stepId: plan, author: ada, text: 'draft', at: 1, newId: ids('e') })
    if (!t.ok) throw new Error(t.message)
    sync(a, b)
    editComment(a, t.value, 'e2', 'final')
    replyToThread(b, t.value, { author: bob, text: 'ok', at: 2 })
    sync(a, b)
    expect(getThread(b, t.value)?.comments.map((c) => c.text)).toEqual(['final', 'ok'])
    expect(getThread(a, t.value)).toEqual(getThread(b, t.value))
  })
})
