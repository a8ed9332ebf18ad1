import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import {
  addStep,
  duplicateStep,
  getStepText,
  moveStep,
  opErrorCodes,
  removeStep,
  renameStep,
  setStepField,
  setStepPosition,
  getStepPosition,
  addStepNote,
  getStepNotes,
} from './ops.js'
import { readPipeline } from './read.js'

const text = `workflow:
  name: ops
  steps:
    - name: plan   # planning
      type: gemini
      prompt:
        - type: static
          content: Plan it
    - name: loop
      type: for_loop
      iterator: item
      data_source: plan:items
      steps:
        - name: child
          type: claude
          prompt:
            - type: previous_response
              step: plan
              extract: text
    - name: report
      type: claude
      condition: "plan.score > 5"
      prompt:
        - type: static
          content: "Use {{steps.plan.text}} and {{steps.plan.more}}"
        - type: previous_response
          step: plan
`

function setup() {
  const doc = new Y.Doc()
  importYaml(doc, text)
  const ids = Object.fromEntries(
    readPipeline(doc).steps.map((s) => [s.path.join('.'), s.id]),
  ) as Record<string, string>
  const id = (path: string) => ids[path]!
  return { doc, id }
}

const value = (doc: Y.Doc) => readPipeline(doc).value as any
const oneTransaction = (doc: Y.Doc, fn: () => void) => {
  let n = 0
  const h = () => n++
  doc.on('afterTransaction', h)
  fn()
  doc.off('afterTransaction', h)
  return n
}

describe('structural operations', () => {
  it('[O1] adds a step at a position, in one transaction', () => {
    const { doc } = setup()
    const n = oneTransaction(doc, () => {
      const r = addStep(doc, { name: 'new', type: 'claude', prompt: [] }, { index: 1 })
      expect(r.ok).toBe(true)
    })
    expect(n).toBe(1)
    expect(value(doc).workflow.steps.map((s: any) => s.name)).toEqual([
      'plan',
      'new',
      'loop',
      'report',
    ])
    expect(exportYaml(doc)).toContain('- name: plan   # planning')
  })

  it('adds steps without reading a Yjs type before it is in the document', () => {
    const { doc } = setup()
    // Yjs warns (and would misread) when a type is read before it is integrated.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      addStep(doc, { name: 'first_new', type: 'claude', prompt: [] })
      addStep(doc, {
        name: 'second_new',
        type: 'for_loop',
        iterator: 'x',
        data_source: 'y',
        steps: [],
      })
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })

  it('keeps comments when several steps are appended one after the other', () => {
    const { doc } = setup()
    addStep(doc, { name: 'a1', type: 'claude', prompt: [] })
    addStep(doc, { name: 'a2', type: 'claude', prompt: [] })
    const yaml = exportYaml(doc)
    expect(yaml).toContain('- name: plan   # planning')
    expect(yaml.indexOf('name: a1')).toBeLessThan(yaml.indexOf('name: a2'))
  })

  it('[O2] adds a step into a container', () => {
    const { doc, id } = setup()
    addStep(
      doc,
      { name: 'inner2', type: 'gemini', prompt: [] },
      { parentId: id('workflow.steps.1') },
    )
    expect(value(doc).workflow.steps[1].steps.map((s: any) => s.name)).toEqual(['child', 'inner2'])
  })

  it('[O3] removes a step and its children', () => {
    const { doc, id } = setup()
    removeStep(doc, id('workflow.steps.1'))
    expect(value(doc).workflow.steps.map((s: any) => s.name)).toEqual(['plan', 'report'])
    expect(readPipeline(doc).steps).toHaveLength(2)
  })

  it('[O4] moves within a list and across containers, keeping fields', () => {
    const { doc, id } = setup()
    moveStep(doc, id('workflow.steps.2'), { index: 0 })
    expect(value(doc).workflow.steps.map((s: any) => s.name)).toEqual(['report', 'plan', 'loop'])
    moveStep(doc, id('workflow.steps.1.steps.0'), { index: 1 })
    expect(value(doc).workflow.steps.map((s: any) => s.name)).toEqual([
      'report',
      'child',
      'plan',
      'loop',
    ])
    expect(value(doc).workflow.steps[3].steps).toEqual([])
    moveStep(doc, id('workflow.steps.2'), { parentId: id('workflow.steps.1') })
    expect(value(doc).workflow.steps[2].steps.map((s: any) => s.name)).toEqual(['report'])
    expect(value(doc).workflow.steps[2].steps[0].condition).toBe('plan.score > 5')
  })

  it('[O5] refuses to move a container into itself or its children', () => {
    const { doc, id } = setup()
    const r = moveStep(doc, id('workflow.steps.1'), { parentId: id('workflow.steps.1') })
    expect(r).toMatchObject({ ok: false, code: opErrorCodes.intoItself })
  })

  it('[O6] renames a step and every reference to it, character-exactly', () => {
    const { doc, id } = setup()
    const before = exportYaml(doc)
    const n = oneTransaction(doc, () =>
      expect(renameStep(doc, id('workflow.steps.0'), 'planning').ok).toBe(true),
    )
    expect(n).toBe(1)
    const out = exportYaml(doc)
    expect(out).toContain('- name: planning   # planning')
    expect(out).toContain('data_source: planning:items')
    expect(out).toContain('condition: "planning.score > 5"')
    expect(out).toContain('Use {{steps.planning.text}} and {{steps.planning.more}}')
    expect(out.match(/step: planning/g)).toHaveLength(2)
    expect(out).not.toMatch(/\bplan\b(?!ning)/)
    expect(out.split('\n').length).toBe(before.split('\n').length)
  })

  it('[O7] duplicates a step with its children under a free name', () => {
    const { doc, id } = setup()
    const r = duplicateStep(doc, id('workflow.steps.1'))
    expect(r.ok).toBe(true)
    const steps = value(doc).workflow.steps
    expect(steps.map((s: any) => s.name)).toEqual(['plan', 'loop', 'loop_copy', 'report'])
    expect(steps[2].steps.map((s: any) => s.name)).toEqual(['child'])
    expect(readPipeline(doc).steps).toHaveLength(6)
  })

  it('[O8] sets fields, exposes text fields as Y.Text, and keeps positions out of the YAML', () => {
    const { doc, id } = setup()
    setStepField(doc, id('workflow.steps.0'), ['model'], 'gemini-2.5-pro')
    setStepField(doc, id('workflow.steps.0'), ['prompt', 0, 'content'], 'Plan it well')
    expect(getStepText(doc, id('workflow.steps.0'), ['prompt', 0, 'content'])?.toString()).toBe(
      'Plan it well',
    )
    setStepPosition(doc, id('workflow.steps.0'), { x: 10, y: 20 })
    expect(getStepPosition(doc, id('workflow.steps.0'))).toEqual({ x: 10, y: 20 })
    const out = exportYaml(doc)
    expect(out).toContain('model: gemini-2.5-pro')
    expect(out).toContain('content: Plan it well')
    expect(out).not.toMatch(/\bx: 10/)
  })

  it('[O9] reports unknown ids with a stable code', () => {
    const { doc } = setup()
    expect(removeStep(doc, 'nope')).toMatchObject({ ok: false, code: opErrorCodes.stepNotFound })
    expect(renameStep(doc, 'nope', 'x')).toMatchObject({
      ok: false,
      code: opErrorCodes.stepNotFound,
    })
  })

  it('[O10] after editing one step, the lines outside that step do not change', () => {
    const { doc, id } = setup()
    const before = exportYaml(doc).split('\n')
    setStepField(doc, id('workflow.steps.2'), ['claude_options'], { max_turns: 2 })
    const after = exportYaml(doc).split('\n')
    const start = before.findIndex((l) => l.includes('- name: report'))
    expect(after.slice(0, start)).toEqual(before.slice(0, start))
  })
  it('[O11] keeps step notes beside the format, never in the YAML', () => {
    const { doc, id } = setup()
    const before = exportYaml(doc)
    expect(
      addStepNote(doc, id('workflow.steps.0'), {
        author: 'ada',
        text: 'Use a cheaper model?',
        at: 1,
      }).ok,
    ).toBe(true)
    expect(getStepNotes(doc, id('workflow.steps.0'))).toEqual([
      { author: 'ada', text: 'Use a cheaper model?', at: 1 },
    ])
    expect(exportYaml(doc)).toBe(before)
  })
})
