/**
 * Templates: the gallery (the templates shipped with Weft, plus every pipeline its owner marked
 * as a template), a template's YAML, marking a pipeline, and the YAML a new pipeline starts from
 * (`POST /api/pipelines` with `{ template, name? }`, in pipelines.ts, calls `templateYaml`).
 *
 * On a team server every signed-in user sees every team template; per-team scoping comes with
 * teams.
 */
import { exportYaml, importYaml, readPipeline, setPipelineValue } from '@weft/core'
import { Hono } from 'hono'
import * as v from 'valibot'
import * as Y from 'yjs'
import { summarizeDocument } from '../pipelines/index.js'
import { StoreError } from '@weft/storage'
import {
  SHIPPED_PREFIX,
  summarizeTemplate,
  TEAM_PREFIX,
  type ShippedTemplate,
} from '../templates/index.js'
import { body, PIPELINE_ID, requireCaller, roleOn, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

const Mark = v.object({ template: v.boolean() })

export interface TemplateInfo {
  readonly id: string
  readonly source: 'weft' | 'team'
  readonly name: string
  readonly description: string
  readonly stepCount: number
  readonly stepTypes: readonly string[]
  /** Team templates: the email of the pipeline's owner, and the pipeline itself. */
  readonly owner?: string
  readonly pipelineId?: string
}

const Template = v.object({
  id: v.string(),
  source: v.picklist(['weft', 'team']),
  name: v.string(),
  description: v.string(),
  stepCount: v.number(),
  stepTypes: v.array(v.string()),
  owner: v.optional(v.string()),
  pipelineId: v.optional(v.string()),
})

export const templateOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/templates',
    tag: 'Templates',
    summary: 'The gallery: templates shipped with Weft, then team templates',
    access: 'signed-in',
    responses: { 200: { description: 'The templates', schema: v.array(Template) } },
  },
  {
    method: 'get',
    path: '/api/templates/{id}/yaml',
    tag: 'Templates',
    summary: "A template's YAML",
    access: 'signed-in',
    params: { id: 'A template id from the gallery' },
    responses: {
      200: { description: 'The YAML', type: 'application/yaml', schema: { type: 'string' } },
    },
    errors: { 404: [errorCodes.TEMPLATE_NOT_FOUND] },
  },
  {
    method: 'put',
    path: '/api/pipelines/{id}/template',
    tag: 'Templates',
    summary: 'Mark your pipeline as a team template, or unmark it (owners)',
    access: 'signed-in',
    params: { id: 'The pipeline id' },
    body: [{ type: 'application/json', schema: Mark }],
    responses: {
      200: {
        description: 'Marked or unmarked',
        schema: v.object({ id: v.string(), template: v.boolean(), templateId: v.string() }),
      },
    },
    errors: { 403: [errorCodes.FORBIDDEN], 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
]

export function templateRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth } = options
  const app = new Hono<Env>()
  const signedIn = requireCaller(auth)

  app.get('/api/templates', signedIn, async (c) => {
    const shipped: TemplateInfo[] = options.shippedTemplates.map((t) => ({
      id: t.id,
      source: 'weft',
      name: t.name,
      description: t.description,
      stepCount: t.stepCount,
      stepTypes: t.stepTypes,
    }))
    const team: TemplateInfo[] = (await store.templates.listTemplates()).map((t) => {
      const { stepCount, stepTypes } = summarizeTemplate(t.yaml)
      return {
        id: TEAM_PREFIX + t.pipelineId,
        source: 'team',
        name: t.name,
        description: t.description,
        stepCount,
        stepTypes,
        owner: t.ownerEmail,
        pipelineId: t.pipelineId,
      }
    })
    return c.json([...shipped, ...team])
  })

  app.get('/api/templates/:id/yaml', signedIn, async (c) => {
    const yaml = await templateYaml(options, c.req.param('id'))
    return c.text(yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' })
  })

  /** Owners mark their pipeline as a team template, or unmark it. */
  app.put('/api/pipelines/:id/template', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'owner')
    const { template } = await body(c, Mark)
    try {
      await store.templates.setTemplate(id, template)
    } catch (error) {
      if (error instanceof StoreError && error.code === 'NOT_FOUND') {
        throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
      }
      throw error
    }
    return c.json({ id, template, templateId: TEAM_PREFIX + id })
  })

  return app
}

/**
 * The YAML of template `id`, byte for byte, or with `workflow.name` replaced by `name` (only that
 * value changes: comments and layout are kept). A team template is read from its live document.
 * 404 TEMPLATE_NOT_FOUND for an unknown id, or a pipeline that is not (or no longer) a template.
 */
export async function templateYaml(
  options: Pick<ApiOptions, 'shippedTemplates' | 'store' | 'documents'>,
  id: string,
  name?: string,
): Promise<string> {
  const yaml = await findTemplateYaml(options, id)
  if (yaml === null) {
    throw new ApiError(404, errorCodes.TEMPLATE_NOT_FOUND, `No template has the id ${id}`)
  }
  return name === undefined ? yaml : withName(yaml, name)
}

async function findTemplateYaml(
  options: Pick<ApiOptions, 'shippedTemplates' | 'store' | 'documents'>,
  id: string,
): Promise<string | null> {
  if (id.startsWith(SHIPPED_PREFIX)) {
    return options.shippedTemplates.find((t: ShippedTemplate) => t.id === id)?.yaml ?? null
  }
  if (!id.startsWith(TEAM_PREFIX)) return null
  const pipelineId = id.slice(TEAM_PREFIX.length)
  if (!PIPELINE_ID.test(pipelineId) || !(await options.store.templates.isTemplate(pipelineId))) {
    return null
  }
  return options.documents.read(pipelineId, (doc) => summarizeDocument(doc).yaml)
}

/** The same text with `workflow.name` set to `name`, patched in place by core's exporter. */
function withName(yaml: string, name: string): string {
  const doc = new Y.Doc()
  try {
    importYaml(doc, yaml)
    const { value } = readPipeline(doc)
    const root = isRecord(value) ? value : {}
    const workflow = isRecord(root.workflow) ? root.workflow : {}
    if (workflow.name === name) return yaml
    setPipelineValue(doc, { ...root, workflow: { ...workflow, name } })
    return exportYaml(doc)
  } finally {
    doc.destroy()
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
