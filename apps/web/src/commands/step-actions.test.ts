import { exportYaml, importYaml, readPipeline, validateYaml } from '@weft/core'
import { Awareness } from 'y-protocols/awareness'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createEditorSession } from '../editor/create-session.js'
import { newPipelineYaml } from '../pipelines/new-pipeline.js'
import {
  addStepOfType,
  deleteSteps,
  duplicateSteps,
  renameStepTo,
  stepName,
  stepNames,
} from './step-actions.js'

const yaml = `workflow:
  name: demo
  steps:
    - name: ask # the question
      type: claude
      prompt:
        - type: static
          content: Hi
    - name: answer
      type: gemini
      prompt:
        - type: previous_response
          step: ask
`

function session(readOnly = false) {
  const doc = new Y.Doc()
  importYaml(doc, yaml)
  return createEditorSession({ pipelineId: 'p', doc, awareness: new Awareness(doc), readOnly })
}

describe('step actions', () => {
  it('adds a loadable step after the selection, with a unique name', () => {
    const s = session()
    const [ask] = readPipeline(s.doc).steps
    const id = addStepOfType(s, 'claude', [ask!.id])!
    expect(stepName(s, id)).toBe('claude_1')
    expect(readPipeline(s.doc).steps.map((e) => stepName(s, e.id))).toEqual([
      'ask',
      'claude_1',
      'answer',
    ])
    const out = exportYaml(s.doc)
    expect(out).toContain('# the question')
    expect(validateYaml(out).valid).toBe(true)
    expect(stepName(s, addStepOfType(s, 'claude', [])!)).toBe('claude_2')
  })

  it('renames with references and refuses taken names', () => {
    const s = session()
    const [ask] = readPipeline(s.doc).steps
    expect(renameStepTo(s, ask!.id, 'answer')).toMatchObject({ ok: false })
    expect(renameStepTo(s, ask!.id, 'question')).toEqual({ ok: true })
    expect(exportYaml(s.doc)).toContain('step: question')
  })

  it('undoes a multi-step delete in one step, and only this session’s edits', () => {
    const s = session()
    const ids = readPipeline(s.doc).steps.map((e) => e.id)
    deleteSteps(s, ids)
    expect(stepNames(s).size).toBe(0)
    s.undoManager.undo()
    expect([...stepNames(s)].sort()).toEqual(['answer', 'ask'])
  })

  it('does nothing for viewers', () => {
    const s = session(true)
    const ids = readPipeline(s.doc).steps.map((e) => e.id)
    expect(addStepOfType(s, 'claude', [])).toBeUndefined()
    deleteSteps(s, ids)
    expect(duplicateSteps(s, ids)).toEqual([])
    expect(renameStepTo(s, ids[0]!, 'x')).toMatchObject({ ok: false })
    expect(exportYaml(s.doc)).toBe(yaml)
  })

  it('writes a new pipeline that pipeline_ex loads', () => {
    const text = newPipelineYaml('My "pipeline": one')
    const result = validateYaml(text)
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const doc = new Y.Doc()
    importYaml(doc, text)
    expect((readPipeline(doc).value as any).workflow.name).toBe('My "pipeline": one')
  })
})
