/**
 * The audit log, read-only: `GET /api/audit`, newest first, paged by `before` (the last id of the
 * previous page). Server admins read every entry; a team's owners and admins read their team's
 * (`?team=ID`: its membership, its pipelines' sharing and deletion, shares with it).
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import { isEmail } from '../config/index.js'
import { requireCaller, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'
import { TEAM_ID, teamRoleOn } from './teams.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200

const isoDate = (field: string) =>
  v.pipe(
    v.string(),
    v.check((s) => !Number.isNaN(Date.parse(s)), `${field} must be an ISO date`),
    v.transform((s) => new Date(s)),
  )

const AuditQuery = v.object({
  team: v.optional(v.pipe(v.string(), v.regex(TEAM_ID, 'team must be a team id'))),
  pipeline: v.optional(v.pipe(v.string(), v.regex(TEAM_ID, 'pipeline must be a pipeline id'))),
  actor: v.optional(v.pipe(v.string(), v.check(isEmail, 'actor must be an email address'))),
  action: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z][a-z.]{0,39}$/, 'action must be like team.member.add')),
  ),
  since: v.optional(isoDate('since')),
  until: v.optional(isoDate('until')),
  before: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/, 'before must be an id'))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[0-9]{1,4}$/, 'limit must be a number'),
      v.transform(Number),
      v.minValue(1, 'limit must be at least 1'),
      v.maxValue(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`),
    ),
  ),
})

const str = { type: 'string' } as const

export const auditOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/audit',
    tag: 'Audit',
    summary: 'The audit log, newest first (admins; team owners and admins with `team`)',
    description:
      'Who changed access (shares, team membership and roles, transfers), deleted what (pipelines, teams) and created or revoked API tokens, and when. Append-only. Page with `before` = the previous page’s `next`.',
    access: 'signed-in',
    query: {
      team: {
        description: 'Only this team’s entries (needed unless you are an admin)',
        schema: str,
      },
      pipeline: { description: 'Only this pipeline’s entries', schema: str },
      actor: { description: 'Only changes made by this email', schema: str },
      action: {
        description: 'Only this action or family (`team.member`, `pipeline.share`, `token`)',
        schema: str,
      },
      since: { description: 'ISO date: entries at or after', schema: str },
      until: { description: 'ISO date: entries before', schema: str },
      before: { description: 'Entries older than this id (paging)', schema: str },
      limit: {
        description: `How many (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
      },
    },
    responses: {
      200: {
        description: 'A page of entries; `next` is null on the last page',
        schema: v.object({
          entries: v.array(
            v.object({
              id: v.string(),
              at: v.pipe(v.string(), v.isoTimestamp()),
              actorId: v.nullable(v.string()),
              actorEmail: v.string(),
              action: v.string(),
              teamId: v.nullable(v.string()),
              pipelineId: v.nullable(v.string()),
              subject: v.nullable(v.string()),
              details: v.record(v.string(), v.unknown()),
            }),
          ),
          next: v.nullable(v.string()),
        }),
      },
    },
    errors: {
      400: [errorCodes.BAD_REQUEST],
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.TEAM_NOT_FOUND],
    },
  },
]

export function auditRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth } = options
  const app = new Hono<Env>()

  app.get('/api/audit', requireCaller(auth), async (c) => {
    const parsed = v.safeParse(AuditQuery, c.req.query())
    if (!parsed.success) {
      const first = parsed.issues[0]
      throw new ApiError(400, errorCodes.BAD_REQUEST, first?.message ?? 'Bad query')
    }
    const q = parsed.output
    if (!c.get('caller').user.isAdmin) {
      if (q.team === undefined) {
        throw new ApiError(
          403,
          errorCodes.FORBIDDEN,
          'The whole audit log is for admins; team owners and admins add ?team=ID',
        )
      }
      await teamRoleOn(options, c, 'admin', q.team)
    }
    const limit = q.limit ?? DEFAULT_LIMIT
    const entries = await store.teams.listAudit({
      ...(q.team === undefined ? {} : { teamId: q.team }),
      ...(q.pipeline === undefined ? {} : { pipelineId: q.pipeline }),
      ...(q.actor === undefined ? {} : { actorEmail: q.actor }),
      ...(q.action === undefined ? {} : { action: q.action }),
      ...(q.since === undefined ? {} : { since: q.since }),
      ...(q.until === undefined ? {} : { until: q.until }),
      ...(q.before === undefined ? {} : { before: q.before }),
      limit,
    })
    return c.json({
      entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
      next: entries.length === limit ? (entries[entries.length - 1]?.id ?? null) : null,
    })
  })

  return app
}
