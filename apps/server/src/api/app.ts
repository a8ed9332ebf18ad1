/**
 * The HTTP API, composed from one module per capability. Cross-cutting rules live here: the error
 * shape, body size and type limits, health and metrics.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as v from 'valibot'
import { accountOperations, accountRoutes } from './accounts.js'
import { auditOperations, auditRoutes } from './audit.js'
import { requireCaller, type ApiOptions, type Env } from './context.js'
import { refuseCrossSite } from './csrf.js'
import { ApiError, errorBody, errorCodes, handleError } from './errors.js'
import { openApiDocument, type Operation } from './openapi.js'
import { pipelineOperations, pipelineRoutes } from './pipelines.js'
import { referencePage } from './reference-page.js'
import { searchOperations, searchRoutes } from './search.js'
import { signupOperations, signupRoutes } from './signup.js'
import { teamOperations, teamRoutes } from './teams.js'
import { templateOperations, templateRoutes } from './templates.js'
import { tokenOperations, tokenRoutes } from './tokens.js'
import { versionOperations, versionRoutes } from './versions.js'

const MAX_BODY_BYTES = 5 * 1024 * 1024
const BODY_TYPES = new Set([
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
])

const appOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    tag: 'Server',
    summary: 'Liveness and database reachability',
    access: 'public',
    responses: { 200: { description: 'Up', schema: v.object({ status: v.literal('ok') }) } },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Server',
    summary: 'Prometheus metrics (admins)',
    access: 'admin',
    responses: { 200: { description: 'Metrics', type: 'text/plain', schema: { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Server',
    summary: 'This document',
    access: 'public',
    responses: { 200: { description: 'The OpenAPI 3.1 document', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'Server',
    summary: 'This document as a reference page',
    access: 'public',
    responses: { 200: { description: 'HTML', type: 'text/html', schema: { type: 'string' } } },
  },
]

/**
 * Every REST route's description, one list per module; a route added without its entry fails
 * `openapi.test.ts`.
 */
export const operations: readonly Operation[] = [
  ...appOperations,
  ...accountOperations,
  ...signupOperations,
  ...tokenOperations,
  ...pipelineOperations,
  ...templateOperations,
  ...searchOperations,
  ...versionOperations,
  ...teamOperations,
  ...auditOperations,
]

export function createApi(options: ApiOptions): Hono<Env> {
  const { store, auth, metrics, logger } = options
  const app = new Hono<Env>()
  app.onError(handleError(logger))
  app.notFound((c) => c.json(errorBody(errorCodes.NOT_FOUND, 'No such route'), 404))
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, errorCodes.PAYLOAD_TOO_LARGE, 'The body is larger than 5 MiB')
      },
    }),
  )
  // Bodies are JSON or YAML only. Neither is a type a cross-site form can send without a CORS
  // preflight, which this server never grants: a second guard beside SameSite=Strict cookies.
  app.use('/api/*', async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== '' && !BODY_TYPES.has(type)) {
      throw new ApiError(
        415,
        errorCodes.UNSUPPORTED_MEDIA_TYPE,
        `Send JSON or YAML (application/json, application/yaml), not ${type}`,
      )
    }
    await next()
  })
  app.use('/api/*', refuseCrossSite())

  app.get('/healthz', async (c) => {
    await store.countUsers()
    return c.json({ status: 'ok' })
  })

  app.get('/metrics', requireCaller(auth), async (c) => {
    if (!c.get('caller').user.isAdmin) {
      throw new ApiError(403, errorCodes.FORBIDDEN, 'Metrics are for admins')
    }
    return c.text(await metrics.registry.metrics(), 200, {
      'content-type': metrics.registry.contentType,
    })
  })

  const document = openApiDocument(operations)
  const documentJson = JSON.stringify(document)
  app.get('/api/openapi.json', (c) =>
    c.body(documentJson, 200, { 'content-type': 'application/json; charset=utf-8' }),
  )
  const page = referencePage(document)
  app.get('/api/docs', async (c) =>
    c.html(await page, 200, {
      // The page is static HTML and CSS: allow nothing else.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    }),
  )

  app.route('/', accountRoutes(options))
  app.route('/', signupRoutes(options))
  app.route('/', pipelineRoutes(options))
  app.route('/', templateRoutes(options))
  app.route('/', searchRoutes(options))
  app.route('/', tokenRoutes(options))
  app.route('/', versionRoutes(options))
  app.route('/', teamRoutes(options))
  app.route('/', auditRoutes(options))
  return app
}
