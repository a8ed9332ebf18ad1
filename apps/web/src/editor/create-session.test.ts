import { addStep, importYaml, readPipeline, removeStep, setStepPosition } from '@weft/core'
import { Awareness } from 'y-protocols/awareness'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createEditorSession } from './create-session.js'

const yaml = `workflow:
  name: demo
  steps:
    - name: a
      type: claude
      prompt:
        - type: static
          content: Hi
`

/** Two peers connected directly, as the server would relay them. */
function pair() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'),
  )
  b.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'),
  )
  importYaml(a, yaml, { origin: 'load' })
  const sa = createEditorSession({
    pipelineId: 'p',
    doc: a,
    awareness: new Awareness(a),
    readOnly: false,
  })
  const sb = createEditorSession({
    pipelineId: 'p',
    doc: b,
    awareness: new Awareness(b),
    readOnly: false,
  })
  return { sa, sb }
}

const names = (doc: Y.Doc) =>
  readPipeline(doc).steps.map((s) => {
    let v: any = readPipeline(doc).value
    for (const k of s.path) v = v[k]
    return v.name
  })

describe('editor session undo', () => {
  it('undoes only this user’s change, never another user’s', () => {
    const { sa, sb } = pair()
    addStep(sa.doc, { name: 'mine', type: 'gemini', prompt: [] }, {}, { origin: sa.origin })
    addStep(sb.doc, { name: 'theirs', type: 'gemini', prompt: [] }, {}, { origin: sb.origin })
    expect(names(sa.doc).sort()).toEqual(['a', 'mine', 'theirs'])
    sa.undoManager.undo()
    expect(names(sa.doc).sort()).toEqual(['a', 'theirs'])
    expect(names(sb.doc).sort()).toEqual(['a', 'theirs'])
    expect(sa.undoManager.canUndo()).toBe(false)
    sa.undoManager.redo()
    expect(names(sb.doc).sort()).toEqual(['a', 'mine', 'theirs'])
  })

  it('does not undo what was loaded (IndexedDB, server) rather than edited', () => {
    const { sa } = pair()
    expect(sa.undoManager.canUndo()).toBe(false)
  })

  it('merges a burst of edits (a drag) into one step, and separates later ones', async () => {
    const { sa } = pair()
    const id = readPipeline(sa.doc).steps[0]!.id
    for (let x = 0; x < 20; x++) setStepPosition(sa.doc, id, { x, y: 0 }, { origin: sa.origin })
    expect(sa.undoManager.undoStack).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 600))
    removeStep(sa.doc, id, { origin: sa.origin })
    expect(sa.undoManager.undoStack).toHaveLength(2)
  })
})
