/**
 * Personal API tokens: list, create (the secret is shown once), revoke. A token is named by a
 * public id derived from its hash; the secret and the hash never leave the server. Revoking one
 * closes its open sockets with 4403 at the next access sweep (≤ WEFT_ACCESS_RECHECK_MS).
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import { hashSecret, tokenId } from '../auth/index.js'
import { actorOf, body, requireCaller, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

const DAY_MS = 24 * 60 * 60 * 1000
const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/

const NewToken = v.object({
  name: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(100, 'must be at most 100 characters'),
  ),
  expiresInDays: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number of days'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(3650, 'must be at most 3650'),
    ),
  ),
})

const Token = v.object({
  id: v.string(),
  name: v.string(),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  expiresAt: v.nullable(v.pipe(v.string(), v.isoTimestamp())),
})

export const tokenOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/tokens',
    tag: 'Tokens',
    summary: 'Your live API tokens (never their secrets)',
    access: 'signed-in',
    responses: { 200: { description: 'The tokens', schema: v.array(Token) } },
  },
  {
    method: 'post',
    path: '/api/tokens',
    tag: 'Tokens',
    summary: 'Create an API token; the secret is in this answer only',
    access: 'signed-in',
    body: [{ type: 'application/json', schema: NewToken }],
    responses: {
      201: {
        description: 'The token with its secret',
        schema: v.object({
          id: v.string(),
          token: v.string(),
          name: v.string(),
          expiresAt: v.nullable(v.string()),
        }),
      },
    },
  },
  {
    method: 'delete',
    path: '/api/tokens/{id}',
    tag: 'Tokens',
    summary: 'Revoke one of your tokens; its open sockets close with 4403',
    access: 'signed-in',
    params: { id: 'The token id from the list' },
    responses: { 204: { description: 'Revoked' } },
    errors: { 404: [errorCodes.TOKEN_NOT_FOUND] },
  },
]

export function tokenRoutes(options: ApiOptions): Hono<Env> {
  const { auth, now, store } = options
  const app = new Hono<Env>()
  app.use('/api/tokens', requireCaller(auth))
  app.use('/api/tokens/*', requireCaller(auth))

  app.get('/api/tokens', async (c) => {
    const tokens = await auth.listTokens(c.get('caller').user.id)
    return c.json(
      tokens.map((t) => ({
        id: t.id,
        name: t.name,
        createdAt: t.createdAt.toISOString(),
        expiresAt: t.expiresAt?.toISOString() ?? null,
      })),
    )
  })

  app.post('/api/tokens', async (c) => {
    const { name, expiresInDays } = await body(c, NewToken)
    const expiresAt =
      expiresInDays === undefined ? null : new Date(now().getTime() + expiresInDays * DAY_MS)
    const token = await auth.issueToken(c.get('caller').user.id, name, expiresAt)
    const id = tokenId(hashSecret(token))
    await store.teams.audit({
      at: now(),
      actor: actorOf(c),
      action: 'token.create',
      subject: name,
      details: { tokenId: id, expiresAt: expiresAt?.toISOString() ?? null },
    })
    return c.json({ id, token, name, expiresAt: expiresAt?.toISOString() ?? null }, 201)
  })

  app.delete('/api/tokens/:id', async (c) => {
    const id = c.req.param('id')
    // Someone else's token, a revoked one and a made-up id all look the same: 404.
    if (!TOKEN_ID.test(id) || !(await auth.revokeToken(c.get('caller').user.id, id))) {
      throw new ApiError(404, errorCodes.TOKEN_NOT_FOUND, 'No such token')
    }
    await store.teams.audit({
      at: now(),
      actor: actorOf(c),
      action: 'token.revoke',
      details: { tokenId: id },
    })
    return c.body(null, 204)
  })

  return app
}
