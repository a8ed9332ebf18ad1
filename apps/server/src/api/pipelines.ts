/**
 * Pipelines: create from YAML (refusing text that is not a pipeline), personally or in a team;
 * list, read, delete; share with users and teams, list who has access and why, transfer; and the
 * YAML of a pipeline read from and written into the live document, so REST writes merge with
 * whoever is editing. Who may do what: docs/decisions/0008-teams-and-sharing.md.
 */
import {
  applyYamlEdit,
  importYaml,
  normalizeTag,
  readYaml,
  tagProblem,
  validateSource,
  type Diagnostic,
} from '@weft/core'
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import * as Y from 'yjs'
import { isEmail } from '../config/index.js'
import { summarizeDocument, summarizeState } from '../pipelines/index.js'
import type { PipelineInfo } from '@weft/storage'
import {
  actorOf,
  body,
  recheckSockets,
  requireCaller,
  roleOn,
  type ApiOptions,
  type Env,
} from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'
import { TEAM_ID, teamRoleOn, teamStoreError } from './teams.js'
import { templateYaml } from './templates.js'

const Email = v.pipe(v.string(), v.trim(), v.check(isEmail, 'must be an email address'))
const TeamId = v.pipe(v.string(), v.regex(TEAM_ID, 'must be a team id'))
/** A user's direct role (owner too, as before teams), or a team's share (editor or viewer). */
const AccessChange = v.union([
  v.object({ email: Email, role: v.nullable(v.picklist(['owner', 'editor', 'viewer'])) }),
  v.object({ team: TeamId, role: v.nullable(v.picklist(['editor', 'viewer'])) }),
])
const OwnerChange = v.union([v.object({ team: TeamId }), v.object({ email: Email })])
const YamlEdit = v.object({
  yaml: v.string(),
  base: v.optional(v.string()),
})
const NewPipelineJson = v.object({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  yaml: v.optional(v.string()),
  /** A template id from `GET /api/templates`: the new pipeline starts as its YAML. */
  template: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** Create it in this team (the caller must be a member, not a viewer). */
  team: v.optional(TeamId),
})

const RoleName = v.picklist(['owner', 'editor', 'viewer'])
const Owner = v.union([
  v.object({ kind: v.literal('user'), id: v.string(), email: v.string() }),
  v.object({ kind: v.literal('team'), id: v.string(), name: v.string() }),
])
const Pipeline = v.object({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  /** Your effective role: the highest of what you own, are shared, and get through teams. */
  role: RoleName,
  owner: Owner,
  epoch: v.string(),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  updatedAt: v.pipe(v.string(), v.isoTimestamp()),
  /** Weft's own labels; set with `PUT /api/pipelines/{id}/tags`. */
  tags: v.array(v.string()),
})
/** Problems found in a pipeline that was still kept (see docs/format.md). */
export const Diagnostics = v.array(
  v.object({
    code: v.string(),
    severity: v.picklist(['error', 'warning', 'info']),
    message: v.string(),
    path: v.array(v.union([v.string(), v.number()])),
    line: v.number(),
    column: v.number(),
    stepId: v.optional(v.string()),
  }),
)
const YAML = { type: 'application/yaml', schema: { type: 'string' } } as const
const pipelineId = { id: 'The pipeline id' }

export const pipelineOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/pipelines',
    tag: 'Pipelines',
    summary:
      'The pipelines you have a role on: yours, shared with you, your teams’ and shared with them',
    access: 'signed-in',
    query: {
      tag: { description: 'Only pipelines with this tag', schema: { type: 'string' } },
    },
    responses: { 200: { description: 'The pipelines', schema: v.array(Pipeline) } },
    errors: { 400: [errorCodes.BAD_REQUEST] },
  },
  {
    method: 'post',
    path: '/api/pipelines',
    tag: 'Pipelines',
    summary: 'Create a pipeline from YAML, from a template, or empty; you or your team own it',
    description:
      'A YAML body is the pipeline. JSON `{ name }` makes an empty one, `{ yaml }` is the same as a YAML body, `{ template, name? }` starts from a template. Text that is not a pipeline is refused (422); anything else is kept, with its diagnostics. `team` in JSON (or `?team=ID` with a YAML body) creates it in that team, which needs the team role member or higher.',
    access: 'signed-in',
    query: {
      team: { description: 'Create it in this team (YAML bodies)', schema: { type: 'string' } },
    },
    body: [{ type: 'application/json', schema: NewPipelineJson }, YAML],
    responses: {
      201: {
        description: 'Created',
        schema: v.object({ id: v.string(), diagnostics: Diagnostics }),
      },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.TEMPLATE_NOT_FOUND, errorCodes.TEAM_NOT_FOUND],
      422: [errorCodes.INVALID_PIPELINE],
    },
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}',
    tag: 'Pipelines',
    summary: 'One pipeline',
    access: 'signed-in',
    params: pipelineId,
    responses: { 200: { description: 'The pipeline', schema: Pipeline } },
    errors: { 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'delete',
    path: '/api/pipelines/{id}',
    tag: 'Pipelines',
    summary: 'Delete a pipeline (owners); its open sockets close with 4404',
    access: 'signed-in',
    params: pipelineId,
    responses: { 204: { description: 'Deleted' } },
    errors: { 403: [errorCodes.FORBIDDEN], 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}/yaml',
    tag: 'Pipelines',
    summary: 'The YAML of the live document',
    access: 'signed-in',
    params: pipelineId,
    responses: { 200: { description: 'The YAML', ...YAML } },
    errors: { 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'put',
    path: '/api/pipelines/{id}/yaml',
    tag: 'Pipelines',
    summary: 'Write YAML into the live document (editors), merging with live editors',
    description:
      'A YAML body is applied as the smallest change that makes the pipeline equal to it. JSON `{ yaml, base }`, where `base` is the YAML you started from, applies only your edit (base → yaml), keeping what others changed meanwhile.',
    access: 'signed-in',
    params: pipelineId,
    body: [{ type: 'application/json', schema: YamlEdit }, YAML],
    responses: {
      200: {
        description: 'Applied',
        schema: v.object({ mode: v.picklist(['merged', 'imported']), diagnostics: Diagnostics }),
      },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.PIPELINE_NOT_FOUND],
      422: [errorCodes.INVALID_PIPELINE],
      503: [errorCodes.UNAVAILABLE],
    },
  },
  {
    method: 'get',
    path: '/api/pipelines/{id}/access',
    tag: 'Sharing',
    summary: 'Who has access and why (anyone who can see the pipeline)',
    description:
      '`grants` is what the owners set: the owning team, users and teams shared with. `effective` is every user with a role, the highest of their reasons (owner, direct, team, team-share).',
    access: 'signed-in',
    params: pipelineId,
    responses: {
      200: {
        description: 'The access list',
        schema: v.object({
          role: RoleName,
          ownerTeam: v.nullable(v.object({ id: v.string(), name: v.string() })),
          grants: v.array(
            v.union([
              v.object({
                kind: v.literal('user'),
                userId: v.string(),
                email: v.string(),
                role: RoleName,
              }),
              v.object({
                kind: v.literal('team'),
                teamId: v.string(),
                name: v.string(),
                role: RoleName,
              }),
            ]),
          ),
          effective: v.array(
            v.object({
              userId: v.string(),
              email: v.string(),
              role: RoleName,
              reasons: v.array(
                v.object({
                  via: v.picklist(['owner', 'direct', 'team', 'team-share']),
                  role: RoleName,
                  teamId: v.nullable(v.string()),
                  teamName: v.nullable(v.string()),
                }),
              ),
            }),
          ),
        }),
      },
    },
    errors: { 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'put',
    path: '/api/pipelines/{id}/access',
    tag: 'Sharing',
    summary: 'Share with a user (`email`) or a team (`team`), or stop with role null (owners)',
    description:
      'Users get owner, editor or viewer; teams editor or viewer (a team viewer stays viewer). You share with teams you are a member of. Open sockets of whoever lost or changed access are re-checked at once. Audited.',
    access: 'signed-in',
    params: pipelineId,
    body: [{ type: 'application/json', schema: AccessChange }],
    responses: {
      200: {
        description: 'The new role',
        schema: v.union([
          v.object({ email: v.string(), role: v.nullable(RoleName) }),
          v.object({ team: v.string(), role: v.nullable(v.picklist(['editor', 'viewer'])) }),
        ]),
      },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.PIPELINE_NOT_FOUND, errorCodes.USER_NOT_FOUND, errorCodes.TEAM_NOT_FOUND],
      409: [errorCodes.OWN_ROLE],
    },
  },
  {
    method: 'put',
    path: '/api/pipelines/{id}/owner',
    tag: 'Sharing',
    summary: 'Give the pipeline to a team you administer, or to a user (owners)',
    description:
      'To a team: its owners and admins own it, members edit, viewers view; personal owners step back to what their membership gives them. To a user: they become its personal owner. Audited.',
    access: 'signed-in',
    params: pipelineId,
    body: [{ type: 'application/json', schema: OwnerChange }],
    responses: {
      200: { description: 'The pipeline as you now see it', schema: Pipeline },
      204: { description: 'Transferred; you no longer see it' },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.PIPELINE_NOT_FOUND, errorCodes.USER_NOT_FOUND, errorCodes.TEAM_NOT_FOUND],
    },
  },
]

export function pipelineRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth, documents } = options
  const app = new Hono<Env>()
  const signedIn = requireCaller(auth)

  app.get('/api/pipelines', signedIn, async (c) => {
    const rawTag = c.req.query('tag')?.trim() || undefined
    const tag = rawTag === undefined ? undefined : normalizeTag(rawTag)
    const problem = tag === undefined ? null : tagProblem(tag)
    if (problem !== null) throw new ApiError(400, errorCodes.BAD_REQUEST, `tag: ${problem}`)
    const list = await store.listPipelines(c.get('caller').user.id)
    return c.json(list.filter((p) => tag === undefined || p.tags.includes(tag)).map(publicPipeline))
  })

  app.post('/api/pipelines', signedIn, async (c) => {
    const input = await newPipelineInput(c)
    // `?team=ID` for YAML bodies, `team` in JSON ones.
    const teamId = input.team ?? c.req.query('team')
    if (teamId !== undefined) await teamRoleOn(options, c, 'member', teamId)
    const { name, yaml } =
      input.template === undefined
        ? input
        : { yaml: await templateYaml(options, input.template, input.name) }
    const doc = new Y.Doc()
    try {
      let diagnostics: readonly Diagnostic[] = []
      if (yaml !== undefined) {
        diagnostics = checkPipelineText(yaml)
        importYaml(doc, yaml)
      } else {
        importYaml(doc, emptyPipeline(name ?? 'untitled'))
      }
      const epoch = options.newId()
      doc.getMap('weft').set('epoch', epoch)
      const id = options.newId()
      await store.createPipeline({
        id,
        ownerId: c.get('caller').user.id,
        ...(teamId === undefined ? {} : { teamId }),
        epoch,
        state: Y.encodeStateAsUpdate(doc),
        ...summarizeDocument(doc),
      })
      await keepCreatedVersion(options, id, c.get('caller').user.id)
      return c.json({ id, diagnostics }, 201)
    } finally {
      doc.destroy()
    }
  })

  app.get('/api/pipelines/:id', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    const info = await store.getPipeline(id, c.get('caller').user.id)
    if (!info) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    return c.json(publicPipeline(info))
  })

  app.delete('/api/pipelines/:id', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'owner')
    await store.deletePipeline(id, options.now(), actorOf(c))
    for (const connection of documents.connections()) {
      if (connection.pipelineId === id) connection.close(4404, 'pipeline deleted')
    }
    return c.body(null, 204)
  })

  app.get('/api/pipelines/:id/yaml', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'viewer')
    const yaml = await documents.read(id, (doc) => summarizeDocument(doc).yaml)
    if (yaml === null) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    return c.text(yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' })
  })

  /**
   * A YAML body is applied as the smallest change that makes the pipeline equal to it. With JSON
   * `{ yaml, base }`, where `base` is the YAML the writer started from, only the writer's own
   * edit (base → yaml) is applied, so whatever live editors changed meanwhile is kept.
   */
  app.put('/api/pipelines/:id/yaml', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'editor')
    const type = c.req.header('content-type') ?? ''
    const { yaml, base } = type.includes('json')
      ? await body(c, YamlEdit)
      : { yaml: await c.req.text(), base: undefined }
    const diagnostics = checkPipelineText(yaml)
    let mode: 'merged' | 'imported' = 'imported'
    // The author's id as the origin: version history lists who edited.
    await documents.change(
      id,
      (doc) => {
        mode = applyYamlEdit(doc, base, yaml, { origin: 'rest' }).mode
      },
      { author: c.get('caller').user.id },
    )
    return c.json({ mode, diagnostics })
  })

  /** Who has access and why; anyone who can see the pipeline may read it. */
  app.get('/api/pipelines/:id/access', signedIn, async (c) => {
    const { id, role } = await roleOn(store, c, 'viewer')
    const access = await store.teams.pipelineAccess(id)
    if (!access) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    return c.json({ role, ...access })
  })

  /** Shares with a user (`email`) or a team (`team`); role null removes the share. Owners only. */
  app.put('/api/pipelines/:id/access', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'owner')
    const change = await body(c, AccessChange)
    const noPipeline = new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    if ('team' in change) {
      // Shares go to teams the owner is in; removing one needs no membership.
      if (change.role !== null) await teamRoleOn(options, c, 'viewer', change.team)
      await store.teams
        .shareWithTeam(id, change.team, change.role, actorOf(c), options.now())
        .catch((e: unknown) =>
          teamStoreError(e, new ApiError(404, errorCodes.TEAM_NOT_FOUND, 'No such team')),
        )
      await recheckSockets(options, (conn) => conn.pipelineId === id)
      return c.json({ team: change.team, role: change.role })
    }
    const { email, role } = change
    const user = await store.findUserByEmail(email)
    if (!user) throw new ApiError(404, errorCodes.USER_NOT_FOUND, `No user has the email ${email}`)
    // Only owners change access, so forbidding owners to change their own role is enough to
    // keep every personal pipeline owned by someone.
    if (user.id === c.get('caller').user.id) {
      throw new ApiError(409, errorCodes.OWN_ROLE, 'You cannot change your own role')
    }
    await store.teams
      .shareWithUser(id, user.id, role, actorOf(c), options.now())
      .catch((e: unknown) => teamStoreError(e, noPipeline))
    // Sockets on this process learn at once; the sweeper covers the other processes.
    await recheckSockets(
      options,
      (conn) => conn.pipelineId === id && conn.principal.userId === user.id,
    )
    return c.json({ email: user.email, role })
  })

  /**
   * Gives the pipeline to a team (the caller must be its owner or admin) or to a user. Owners
   * only.
   */
  app.put('/api/pipelines/:id/owner', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'owner')
    const change = await body(c, OwnerChange)
    const noPipeline = new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    if ('team' in change) {
      await teamRoleOn(options, c, 'admin', change.team)
      await store.teams
        .transferPipeline(id, { teamId: change.team }, actorOf(c), options.now())
        .catch((e: unknown) => teamStoreError(e, noPipeline))
    } else {
      const user = await store.findUserByEmail(change.email)
      if (!user) {
        throw new ApiError(404, errorCodes.USER_NOT_FOUND, `No user has the email ${change.email}`)
      }
      await store.teams
        .transferPipeline(id, { userId: user.id }, actorOf(c), options.now())
        .catch((e: unknown) => teamStoreError(e, noPipeline))
    }
    await recheckSockets(options, (conn) => conn.pipelineId === id)
    const info = await store.getPipeline(id, c.get('caller').user.id)
    if (!info) return c.body(null, 204)
    return c.json(publicPipeline(info))
  })

  return app
}

/**
 * Version 1 of every pipeline is the state it was created in, so it can be restored later. The
 * pipeline exists either way: a failure here is logged, not answered (a retry would create a
 * second pipeline).
 */
async function keepCreatedVersion(options: ApiOptions, id: string, userId: string): Promise<void> {
  try {
    await options.store.versions.recordCreation(id, {
      createdBy: userId,
      at: options.now(),
      render: summarizeState,
    })
  } catch (error) {
    options.logger.warn('first version not kept', { pipelineId: id, error })
  }
}

/** Refuses text that does not parse or is not a pipeline; anything else is kept and flagged. */
function checkPipelineText(yaml: string): readonly Diagnostic[] {
  const source = readYaml(yaml)
  const { diagnostics } = validateSource(source)
  if (!source.ok) {
    throw new ApiError(422, errorCodes.INVALID_PIPELINE, 'The YAML does not parse', {
      diagnostics,
    })
  }
  const value = source.value as { workflow?: unknown } | null
  if (
    typeof value?.workflow !== 'object' ||
    value.workflow === null ||
    Array.isArray(value.workflow)
  ) {
    throw new ApiError(422, errorCodes.INVALID_PIPELINE, 'Not a pipeline: it has no workflow map', {
      diagnostics,
    })
  }
  return diagnostics
}

function emptyPipeline(name: string): string {
  return `workflow:\n  name: ${JSON.stringify(name)}\n  steps: []\n`
}

async function newPipelineInput(
  c: Context,
): Promise<{ name?: string; yaml?: string; template?: string; team?: string }> {
  const type = c.req.header('content-type') ?? ''
  if (type.includes('json')) {
    const input = await body(c, NewPipelineJson)
    return {
      ...(input.name ? { name: input.name } : {}),
      ...(input.yaml ? { yaml: input.yaml } : {}),
      ...(input.template !== undefined ? { template: input.template } : {}),
      ...(input.team !== undefined ? { team: input.team } : {}),
    }
  }
  return { yaml: await c.req.text() }
}

function publicPipeline(p: PipelineInfo) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    role: p.role,
    owner: p.owner,
    epoch: p.epoch,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    tags: p.tags,
  }
}
