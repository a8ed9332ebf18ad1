import { addStep, createPipeline, exportYaml } from '@weft/core'
import * as Y from 'yjs'

/**
 * The YAML of a new pipeline. pipeline_ex refuses a workflow with no steps (LOADER_EMPTY_STEPS),
 * so a new pipeline starts with one Claude step, written by core so the name is quoted right.
 */
export function newPipelineYaml(name: string): string {
  const doc = new Y.Doc()
  createPipeline(doc, name.trim() || 'untitled')
  addStep(doc, {
    name: 'first_step',
    type: 'claude',
    prompt: [{ type: 'static', content: 'Describe what this step should do.' }],
  })
  const text = exportYaml(doc)
  doc.destroy()
  return text
}
