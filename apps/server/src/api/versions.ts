/**
 * Version history (issue 5, point 4): list a pipeline's versions with who and when, name the
 * current state, rename, read a version's YAML, diff two versions or a version and now, and
 * restore a version as a new change that merges with live editors (decision 0009). Viewers may
 * read; naming and restoring need the editor role.
 */
import { applyYamlEdit, diffLines, exportYaml, formatUnifiedDiff } from '@weft/core'
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import { summarizeDocument, summarizeState } from '../pipelines/index.js'
import type { AuthoredOrigin } from '../relay/index.js'
import type { Version, VersionInfo } from '@weft/storage'
import { body, requireCaller, roleOn, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200
const VERSION_ID = /^[0-9a-f-]{36}$/

const VersionName = v.object({
  name: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'give the version a name'),
    v.maxLength(200, 'at most 200 characters'),
  ),
})

const Author = v.object({ id: v.string(), email: v.string() })
const VersionJson = v.object({
  id: v.string(),
  number: v.number(),
  kind: v.picklist(['auto', 'named', 'restore']),
  name: v.nullable(v.string()),
  authors: v.array(Author),
  createdBy: v.nullable(Author),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  restoredFrom: v.nullable(v.string()),
})
const DiffLineJson = v.object({
  kind: v.picklist(['context', 'add', 'remove']),
  text: v.string(),
  oldLine: v.optional(v.number()),
  newLine: v.optional(v.number()),
})
const DiffJson = v.object({
  from: v.object({ id: v.string(), number: v.number() }),
  to: v.union([v.literal('now'), v.object({ id: v.string(), number: v.number() })]),
  added: v.number(),
  removed: v.number(),
  hunks: v.array(
    v.object({
      oldStart: v.number(),
      oldLines: v.number(),
      newStart: v.number(),
      newLines: v.number(),
      lines: v.array(DiffLineJson),
    }),
  ),
  unified: v.string(),
})
const params = { id: 'The pipeline id' }
const versionParams = { id: 'The pipeline id', vid: 'The version id' }
const readErrors = { 404: [errorCodes.PIPELINE_NOT_FOUND, errorCodes.VERSION_NOT_FOUND] }
const writeErrors = {
  400: [errorCodes.BAD_REQUEST],
  403: [errorCodes.FORBIDDEN],
  404: [errorCodes.PIPELINE_NOT_FOUND, errorCodes.VERSION_NOT_FOUND],
}

export const versionOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/pipelines/{id}/versions',
    tag: 'Versions',
    summary: 'The versions of a pipeline, newest first, with who edited and when',
    description:
      'Automatic versions are taken when a pipeline has been idle for 45 s after an edit, and every 5 minutes of continuous editing. Page back with `before` = the `next` of the previous page.',
    access: 'signed-in',
    params,
    query: {
      limit: { description: 'At most this many (1–200, default 50)', schema: { type: 'integer' } },
      before: { description: 'Versions numbered below this', schema: { type: 'integer' } },
    },
    responses: {
      200: {
        description: 'A page of versions',
        schema: v.object({ versions: v.array(VersionJson), next: v.nullable(v.number()) }),
      },
    },
    errors: { 400: [errorCodes.BAD_REQUEST], 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'post',
    path: '/api/pipelines/{id}/versions',
    tag: 'Versions',
    summary: 'Name the current state as a version (editors)',
    description:
      'When the newest automatic version already holds the current state, that version is named instead of adding a copy.',
    access: 'signed-in',
    params,
    body: [{ type: 'application/json', schema: VersionName }],
    responses: { 201: { description: 'The named version', schema: VersionJson } },
    errors: {
      400: [errorCodes.BAD_REQUEST],
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.PIPELINE_NOT_FOUND],
    },
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}/versions/{vid}',
    tag: 'Versions',
    summary: 'One version',
    access: 'signed-in',
    params: versionParams,
    responses: { 200: { description: 'The version', schema: VersionJson } },
    errors: readErrors,
  },
  {
    method: 'patch',
    path: '/api/pipelines/{id}/versions/{vid}',
    tag: 'Versions',
    summary: 'Rename a version (editors); an automatic one becomes named',
    access: 'signed-in',
    params: versionParams,
    body: [{ type: 'application/json', schema: VersionName }],
    responses: { 200: { description: 'The renamed version', schema: VersionJson } },
    errors: writeErrors,
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}/versions/{vid}/yaml',
    tag: 'Versions',
    summary: "A version's YAML",
    access: 'signed-in',
    params: versionParams,
    responses: {
      200: { description: 'The YAML', type: 'application/yaml', schema: { type: 'string' } },
    },
    errors: readErrors,
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}/versions/{vid}/diff',
    tag: 'Versions',
    summary: 'A line diff from this version to now or to another version',
    description:
      'Hunks with three lines of context, as `diff -u` groups them, and the same diff as unified diff text.',
    access: 'signed-in',
    params: versionParams,
    query: {
      against: {
        description: '`now` (the default) or the id of another version of this pipeline',
        schema: { type: 'string' },
      },
    },
    responses: { 200: { description: 'The diff', schema: DiffJson } },
    errors: readErrors,
  },
  {
    method: 'post',
    path: '/api/pipelines/{id}/versions/{vid}/restore',
    tag: 'Versions',
    summary: 'Restore a version as a new change (editors), merging with live editors',
    description:
      "The current state is kept as a version first if no version holds it. The version's YAML is then applied to the live document as the change from the current YAML to it, so edits others make meanwhile are kept; the result is recorded as a version named “Restored from …”.",
    access: 'signed-in',
    params: versionParams,
    responses: {
      200: {
        description: 'Restored',
        schema: v.object({ mode: v.picklist(['merged', 'imported']), version: VersionJson }),
      },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.PIPELINE_NOT_FOUND, errorCodes.VERSION_NOT_FOUND],
      503: [errorCodes.UNAVAILABLE],
    },
  },
]

export function versionRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth, documents } = options
  const app = new Hono<Env>()
  const signedIn = requireCaller(auth)
  // Called after roleOn: a pipeline the caller cannot see is a 404 for the pipeline, not the version.
  const versionOf = async (c: Context<Env>, pipelineId: string): Promise<Version> => {
    const version = await store.versions.get(pipelineId, versionId(c))
    if (version === null) throw notFound()
    return version
  }

  app.get('/api/pipelines/:id/versions', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    const limit = intQuery(c, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT)
    const before = c.req.query('before') ? intQuery(c, 'before', 0, 1, 2 ** 31 - 1) : undefined
    const list = await store.versions.list(id, {
      limit: limit + 1,
      ...(before === undefined ? {} : { before }),
    })
    const page = list.slice(0, limit)
    return c.json({
      versions: page.map(publicVersion),
      next: list.length > limit ? page[page.length - 1]!.number : null,
    })
  })

  app.post('/api/pipelines/:id/versions', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'editor')
    const { name } = await body(c, VersionName)
    const version = await store.versions.create(id, {
      kind: 'named',
      name,
      createdBy: c.get('caller').user.id,
      at: options.now(),
      render: summarizeState,
    })
    return c.json(publicVersion(version), 201)
  })

  app.get('/api/pipelines/:id/versions/:vid', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    return c.json(publicVersion(await versionOf(c, id)))
  })

  app.patch('/api/pipelines/:id/versions/:vid', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'editor')
    const { name } = await body(c, VersionName)
    const renamed = await store.versions.rename(id, versionId(c), name)
    if (renamed === null) throw notFound()
    return c.json(publicVersion(renamed))
  })

  app.get('/api/pipelines/:id/versions/:vid/yaml', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    const version = await versionOf(c, id)
    return c.text(version.yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' })
  })

  /** From the version to `against` (`now`, the default, or another version's id). */
  app.get('/api/pipelines/:id/versions/:vid/diff', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    const from = await versionOf(c, id)
    const against = c.req.query('against') ?? 'now'
    let toYaml: string
    let toLabel: string
    let to: { id: string; number: number } | 'now'
    if (against === 'now') {
      const yaml = await documents.read(id, (doc) => summarizeDocument(doc).yaml)
      if (yaml === null) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
      toYaml = yaml
      toLabel = 'now'
      to = 'now'
    } else {
      const other = VERSION_ID.test(against) ? await store.versions.get(id, against) : null
      if (other === null) {
        throw new ApiError(
          404,
          errorCodes.VERSION_NOT_FOUND,
          'against: give `now` or the id of another version of this pipeline',
        )
      }
      toYaml = other.yaml
      toLabel = label(other)
      to = { id: other.id, number: other.number }
    }
    const result = diffLines(from.yaml, toYaml)
    return c.json({
      from: { id: from.id, number: from.number },
      to,
      added: result.added,
      removed: result.removed,
      hunks: result.hunks,
      unified: formatUnifiedDiff(result, { from: label(from), to: toLabel }),
    })
  })

  /**
   * The version's YAML is applied through `applyYamlEdit` with the current YAML as the base: the
   * change is exactly "current → version", made inside the live document, so an edit someone
   * makes meanwhile (on this or any process) merges with it rather than being overwritten.
   */
  app.post('/api/pipelines/:id/versions/:vid/restore', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'editor')
    const target = await versionOf(c, id)
    const caller = c.get('caller').user
    // What is about to be replaced is kept as a version first, if no version holds it yet.
    await store.versions.takeAuto(id, {
      now: options.now(),
      idleMs: 0,
      maxMs: 0,
      render: summarizeState,
    })
    let mode: 'merged' | 'imported' = 'merged'
    const origin: AuthoredOrigin = { author: caller.id }
    await documents.change(
      id,
      (doc) => {
        mode = applyYamlEdit(doc, exportYaml(doc), target.yaml, { origin }).mode
      },
      origin,
    )
    const version = await store.versions.create(id, {
      kind: 'restore',
      name: `Restored from ${label(target)}`,
      createdBy: caller.id,
      at: options.now(),
      restoredFrom: target.id,
      render: summarizeState,
    })
    return c.json({ mode, version: publicVersion(version) })
  })

  return app
}

function notFound(): ApiError {
  return new ApiError(404, errorCodes.VERSION_NOT_FOUND, 'No such version of this pipeline')
}

function versionId(c: Context<Env>): string {
  const vid = c.req.param('vid') ?? ''
  if (!VERSION_ID.test(vid)) throw notFound()
  return vid
}

function intQuery(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name)
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiError(400, errorCodes.BAD_REQUEST, `${name}: a whole number from ${min} to ${max}`)
  }
  return value
}

/** "“Before the refactor” (version 3)" or "version 3". */
function label(version: Pick<VersionInfo, 'name' | 'number'>): string {
  return version.name
    ? `“${version.name}” (version ${version.number})`
    : `version ${version.number}`
}

function publicVersion(version: VersionInfo) {
  return {
    id: version.id,
    number: version.number,
    kind: version.kind,
    name: version.name,
    authors: version.authors,
    createdBy: version.createdBy,
    createdAt: version.createdAt.toISOString(),
    restoredFrom: version.restoredFrom,
  }
}
