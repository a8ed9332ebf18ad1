import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readYaml } from '../yaml/read.js'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import { setStepField } from './ops.js'
import { readPipeline } from './read.js'
import { sourceText, stepsMap } from './shape.js'

const text = `# Review pipeline
workflow:
  name: review
  description: Reviews a change
  steps:
    # Plan first
    - name: plan
      type: gemini
      prompt:
        - type: static
          content: "Make a plan"
    - name: loop
      type: for_loop
      iterator: file
      data_source: plan:files
      steps:
        - name: inspect
          type: claude
          prompt:
            - type: previous_response
              step: loop
              extract: file.name
    - name: report
      type: claude   # writes the report
      claude_options: {max_turns: 3}
      prompt:
        - type: previous_response
          step: plan
`

function seeded(seed = 1) {
  let n = 0
  return () => `s${seed}-${(n++).toString().padStart(4, '0')}`
}

function fresh(t = text) {
  const doc = new Y.Doc()
  const r = importYaml(doc, t, { newId: seeded() })
  expect(r.ok).toBe(true)
  return doc
}

function updateSize(doc: Y.Doc, fn: () => void): number {
  const before = Y.encodeStateVector(doc)
  fn()
  return Y.encodeStateAsUpdate(doc, before).byteLength
}

describe('importYaml / exportYaml', () => {
  it('[P1] exports an untouched import byte-identically', () => {
    expect(exportYaml(fresh())).toBe(text)
  })

  it('[P2] projects each step to its own Y.Map, nested steps under their container', () => {
    const doc = fresh()
    const view = readPipeline(doc)
    expect(view.steps.map((s) => s.path.join('.'))).toEqual([
      'workflow.steps.0',
      'workflow.steps.1',
      'workflow.steps.1.steps.0',
      'workflow.steps.2',
    ])
    const inner = view.steps[2]!
    expect(inner.parentId).toBe(view.steps[1]!.id)
    expect(stepsMap(doc).get(inner.id)).toBeInstanceOf(Y.Map)
    expect(view.value).toEqual(readYaml(text).value)
  })

  it('[P3] keeps prompt texts and descriptions as Y.Text', () => {
    const doc = fresh()
    const id = readPipeline(doc).steps[0]!.id
    const part = (stepsMap(doc).get(id)!.get('fields') as Y.Map<unknown>).get('prompt') as Y.Array<
      Y.Map<unknown>
    >
    expect(part.get(0).get('content')).toBeInstanceOf(Y.Text)
  })

  it('[P4] an import that changes one value produces a small update touching only that value', () => {
    const doc = fresh()
    const size = updateSize(doc, () =>
      importYaml(doc, text.replace('max_turns: 3', 'max_turns: 5')),
    )
    expect(size).toBeLessThan(200)
    expect(exportYaml(doc)).toBe(text.replace('max_turns: 3', 'max_turns: 5'))
  })

  it('[P4b] after a canvas edit, importing the export with a far-away change is still a small update', () => {
    const doc = fresh()
    const steps = readPipeline(doc).steps
    const far = `${text}${Array.from({ length: 200 }, (_, i) => `# filler line ${i}`).join('\n')}\n`
    importYaml(doc, far)
    setStepField(doc, steps[3]!.id, ['model'], 'opus')
    const size = updateSize(doc, () =>
      importYaml(doc, exportYaml(doc).replace('name: review', 'name: reviewed')),
    )
    expect(size).toBeLessThan(200)
  })

  it('[P5] renaming a step in the text keeps its identity', () => {
    const doc = fresh()
    const before = readPipeline(doc).steps.map((s) => s.id)
    importYaml(doc, text.replace('name: report', 'name: summary'))
    expect(readPipeline(doc).steps.map((s) => s.id)).toEqual(before)
  })

  it('[P6] moving a step in the text moves it rather than recreating it', () => {
    const doc = fresh()
    const ids = readPipeline(doc).steps.map((s) => s.id)
    const moved = `workflow:
  name: review
  steps:
    - name: report
      type: claude
    - name: plan
      type: gemini
`
    importYaml(doc, moved)
    const after = readPipeline(doc).steps.map((s) => s.id)
    expect(after).toEqual([ids[3], ids[0]])
  })

  it('[P7] unparseable text changes nothing and returns its diagnostics', () => {
    const doc = fresh()
    const state = Y.encodeStateAsUpdate(doc)
    const r = importYaml(doc, 'workflow: [unclosed\n')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX', severity: 'error' })
    expect(Y.encodeStateAsUpdate(doc)).toEqual(state)
  })

  it('[P8] keeps unknown keys at every level', () => {
    const t =
      'workflow:\n  name: x\n  mystery: {a: 1}\n  steps:\n    - name: a\n      type: claude\n      frobnicate: true\n      prompt:\n        - type: static\n          content: hi\n          prefix: "> "\nextra_root: 1\n'
    const doc = fresh(t)
    sourceText(doc).delete(0, sourceText(doc).length) // force canonical rendering
    expect(readYaml(exportYaml(doc)).value).toEqual(readYaml(t).value)
  })

  it('[P9] two peers with the same state export the same bytes', () => {
    const a = fresh()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(exportYaml(b)).toBe(exportYaml(a))
    sourceText(a).delete(0, sourceText(a).length)
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(exportYaml(b)).toBe(exportYaml(a))
  })

  it('[P10] non-pipeline roots survive (lists, scalars, missing workflow)', () => {
    for (const t of ['- a\n- b\n', 'just text\n', 'steps:\n  - name: a\n']) {
      const doc = fresh(t)
      expect(exportYaml(doc)).toBe(t)
      expect(readPipeline(doc).value).toEqual(readYaml(t).value)
    }
  })

  it('[P11] a document with no source text renders canonically and reads back the same', () => {
    const doc = fresh()
    sourceText(doc).delete(0, sourceText(doc).length)
    const out = exportYaml(doc)
    expect(out.startsWith('workflow:\n  name: review\n')).toBe(true)
    expect(readYaml(out).value).toEqual(readYaml(text).value)
  })
})
