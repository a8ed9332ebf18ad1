import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyYamlEdit } from './edit.js'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import { readPipeline } from './read.js'
import { renameStep, setStepField } from './ops.js'

const base = `# shared pipeline
workflow:
  name: review
  steps:
    - name: first
      type: claude
      prompt:
        - type: static
          content: Say one
    - name: second
      type: claude
      prompt:
        - type: static
          content: Say two
`

function live(): Y.Doc {
  const doc = new Y.Doc()
  importYaml(doc, base)
  return doc
}
const names = (doc: Y.Doc): string[] =>
  (readPipeline(doc).value as any).workflow.steps.map((s: { name: string }) => s.name)
const idOf = (doc: Y.Doc, name: string): string => {
  const view = readPipeline(doc)
  return view.idAt(['workflow', 'steps', names(doc).indexOf(name)])!
}

describe('applyYamlEdit', () => {
  it('applies only what changed from base to next, keeping a live rename', () => {
    const doc = live()
    renameStep(doc, idOf(doc, 'first'), 'renamed_live')
    const result = applyYamlEdit(doc, base, base.replace('Say two', 'Say two, please'))
    expect(result).toMatchObject({ ok: true, mode: 'merged' })
    const yaml = exportYaml(doc)
    expect(yaml).toContain('renamed_live')
    expect(yaml).toContain('Say two, please')
    expect(yaml).toContain('# shared pipeline')
    expect(yaml).not.toContain('name: first')
  })

  it('without a base makes the document equal to next (reverting the live rename)', () => {
    const doc = live()
    renameStep(doc, idOf(doc, 'first'), 'renamed_live')
    const next = base.replace('Say two', 'Say two, please')
    expect(applyYamlEdit(doc, undefined, next).mode).toBe('imported')
    expect(exportYaml(doc)).toBe(next)
  })

  it('merges typing in the same prompt from both sides', () => {
    const doc = live()
    const second = idOf(doc, 'second')
    setStepField(doc, second, ['prompt', 0, 'content'], 'Say two!')
    applyYamlEdit(doc, base, base.replace('Say two', 'Please say two'))
    expect(exportYaml(doc)).toContain('content: Please say two!')
  })

  it('adds a step written in next, once even when the same write is retried', () => {
    const doc = live()
    const next =
      base +
      '    - name: third\n      type: claude\n      prompt:\n        - type: static\n          content: Say three\n'
    applyYamlEdit(doc, base, next)
    applyYamlEdit(doc, base, next)
    expect(names(doc)).toEqual(['first', 'second', 'third'])
  })

  it('lets a live deletion win over an edit of the deleted step', () => {
    const doc = live()
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc))
    // The live editor deletes `second` entirely.
    importYaml(doc, base.slice(0, base.indexOf('    - name: second')))
    applyYamlEdit(doc, base, base.replace('Say two', 'Say two, please'))
    expect(exportYaml(doc)).not.toContain('second')
    expect(readPipeline(doc).steps).toHaveLength(1)
  })

  it('refuses a next that does not parse and leaves the document alone', () => {
    const doc = live()
    const before = Y.encodeStateVector(doc)
    const result = applyYamlEdit(doc, base, 'workflow: [')
    expect(result.ok).toBe(false)
    expect(result.diagnostics[0]?.severity).toBe('error')
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('converges with a peer that receives the edit as an update', () => {
    const doc = live()
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc))
    doc.on('update', (u: Uint8Array) => Y.applyUpdate(peer, u))
    applyYamlEdit(doc, base, base.replace('review', 'review v2'))
    expect(exportYaml(peer)).toBe(exportYaml(doc))
    expect(exportYaml(peer)).toContain('name: review v2')
  })
})
