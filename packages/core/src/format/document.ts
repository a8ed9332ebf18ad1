/**
 * The root of a pipeline file (reference §§3-4): `{ workflow: { name, steps, … } }`. Other root
 * keys are ignored by pipeline_ex and allowed here.
 */
import * as v from 'valibot'
import { StepSchema } from './steps.js'
import { workflowSettingsEntries } from './workflow.js'

export const WorkflowSchema = v.looseObject({
  name: v.string(),
  steps: v.pipe(v.array(StepSchema), v.minLength(1)),
  ...workflowSettingsEntries,
})

export const PipelineDocumentSchema = v.looseObject({ workflow: WorkflowSchema })

export type Workflow = v.InferOutput<typeof WorkflowSchema>
export type PipelineDocument = v.InferOutput<typeof PipelineDocumentSchema>
