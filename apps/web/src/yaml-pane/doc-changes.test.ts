import { addStepNote, importYaml, readPipeline, setStepField, setStepPosition } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { pipelineTypes, touchesPipeline } from './doc-changes'

describe('touchesPipeline', () => {
  it('is true for pipeline edits and false for canvas positions and notes', () => {
    const doc = new Y.Doc()
    const seen: boolean[] = []
    const types = pipelineTypes(doc)
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(touchesPipeline(tr, types)))
    importYaml(doc, 'workflow:\n  name: w\n  steps:\n    - name: a\n      type: claude\n')
    const id = readPipeline(doc).steps[0]!.id
    setStepPosition(doc, id, { x: 1, y: 2 })
    addStepNote(doc, id, { author: 'a', text: 'hi', at: 0 })
    setStepField(doc, id, ['type'], 'gemini')
    expect(seen).toEqual([true, false, false, true])
  })
})
