/**
 * The OpenAPI document against the app it describes: every route registered on the Hono app has
 * an operation and every operation a route, every error response is the one error schema, and the
 * request schemas are the routes' own.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresBackend } from '@weft/storage/testing'
import { Auth } from '../auth/index.js'
import { silentLogger } from '../logging/index.js'
import { createMetrics } from '../metrics/index.js'
import { Relay } from '../relay/index.js'
import type { Store } from '@weft/storage'
import { createApi } from './app.js'
import { errorCodes } from './errors.js'
import { errorCodeMeanings, openApiPath, type OpenApiDocument } from './openapi.js'

let store: Store
let auth: Auth
let app: ReturnType<typeof createApi>

beforeAll(async () => {
  store = await postgresBackend.open()
  const metrics = createMetrics()
  const now = () => new Date()
  auth = new Auth({ store, now, sessionTtlMs: 3_600_000 })
  app = createApi({
    store,
    auth,
    documents: new Relay({ store, metrics, logger: silentLogger }),
    metrics,
    logger: silentLogger,
    secureCookies: false,
    signup: 'invite',
    newId: () => crypto.randomUUID(),
    now,
    shippedTemplates: [],
  })
})
afterAll(async () => {
  await store?.close()
})

async function document(): Promise<OpenApiDocument> {
  const res = await app.request('/api/openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return (await res.json()) as OpenApiDocument
}

/** `GET /api/pipelines/{id}` for every route handler (middleware, registered as ALL, left out). */
function registeredRoutes(): Set<string> {
  return new Set(
    app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${openApiPath(r.path)}`),
  )
}

function documentedRoutes(doc: OpenApiDocument): Set<string> {
  const out = new Set<string>()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) out.add(`${method.toUpperCase()} ${path}`)
  }
  return out
}

describe('the OpenAPI document', () => {
  it('describes every route of the app, and only those', async () => {
    const doc = await document()
    const registered = registeredRoutes()
    const documented = documentedRoutes(doc)
    // The listing is what a reader of a failure needs: the route to describe, or to remove.
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([])
    expect([...documented].filter((r) => !registered.has(r)).sort()).toEqual([])
    expect(registered.size).toBeGreaterThanOrEqual(20)
    expect(doc.openapi).toBe('3.1.0')
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = await document()
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc) as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('answers every 4xx and 5xx with the one error schema', async () => {
    const doc = await document()
    let errors = 0
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const responses = op.responses as Record<string, { content?: Record<string, unknown> }>
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue
          errors++
          expect(response.content, `${method} ${path} ${status}`).toEqual({
            'application/json': { schema: { $ref: '#/components/schemas/Error' } },
          })
        }
        if (op['x-weft-access'] !== 'public') {
          expect(Object.keys(responses), `${method} ${path}`).toContain('401')
        }
      }
    }
    expect(errors).toBeGreaterThan(30)
    const error = doc.components.schemas!.Error as {
      properties: { error: { properties: { code: { enum: string[] } } } }
    }
    expect(error.properties.error.properties.code.enum.sort()).toEqual(
      Object.values(errorCodes).sort(),
    )
    expect(Object.keys(errorCodeMeanings).sort()).toEqual(Object.values(errorCodes).sort())
  })

  it('takes request bodies from the schemas the routes validate with', async () => {
    const doc = await document()
    const create = doc.paths['/api/tokens']!.post as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> }
    }
    expect(create.requestBody.content['application/json']!.schema).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
      },
    })
    // And the route refuses what the schema refuses.
    const user = await auth.createUser({ email: 'doc@example.com', password: 'doc password' })
    const res = await app.request('/api/tokens', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await auth.issueToken(user.id, 'test')}`,
      },
      body: JSON.stringify({ name: 'x', expiresInDays: 0 }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^expiresInDays: /,
    )
  })
})

describe('the reference page', () => {
  it('is self-contained HTML naming every operation, with scripts forbidden', async () => {
    const doc = await document()
    const res = await app.request('/api/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    )
    const page = await res.text()
    expect(page).not.toMatch(/<script|<link|src=/i)
    for (const path of Object.keys(doc.paths)) {
      expect(page).toContain(`<code>${path}</code>`)
    }
    for (const code of Object.values(errorCodes)) expect(page).toContain(code)
  })
})
