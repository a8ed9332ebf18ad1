/**
 * What needs a clock: invites and the setup code expire. The app runs in-process on a real
 * PostgreSQL database with an injected clock that the test moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresBackend } from '@weft/storage/testing'
import { Auth } from '../auth/index.js'
import { createLogger, silentLogger } from '../logging/index.js'
import { createMetrics } from '../metrics/index.js'
import { Relay } from '../relay/index.js'
import type { Store } from '@weft/storage'
import { createApi } from './app.js'

const DAY_MS = 24 * 60 * 60 * 1000
let clock = new Date('2026-11-01T12:00:00Z')
const now = () => clock
let store: Store
let auth: Auth
let app: ReturnType<typeof createApi>

beforeAll(async () => {
  store = await postgresBackend.open()
  const metrics = createMetrics()
  auth = new Auth({ store, now, sessionTtlMs: 30 * DAY_MS })
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

async function call(method: string, path: string, json?: unknown, token?: string) {
  const res = await app.request(path, {
    method,
    headers: {
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  })
  return { status: res.status, json: (await res.json()) as any }
}

describe('expiry', () => {
  it('offers the setup code for 24 hours only', async () => {
    const lines: string[] = []
    await auth.offerSetup('http://weft.test', createLogger({ write: (l) => lines.push(l) }))
    const url = (JSON.parse(lines[0]!) as { url: string }).url
    expect(url).toMatch(/^http:\/\/weft\.test\/setup#[A-Za-z0-9_-]{43}$/)
    const code = url.slice(url.indexOf('#') + 1)
    clock = new Date(clock.getTime() + DAY_MS + 1000)
    const late = await call('POST', '/api/setup', {
      code,
      email: 'root@example.com',
      password: 'root password',
    })
    expect(late.status).toBe(403)
    expect(late.json.error.code).toBe('SETUP_CODE_INVALID')
  })

  it('honours an invite until it expires, then neither lists nor accepts it', async () => {
    const root = await auth.createUser({
      email: 'root@example.com',
      password: 'root password',
      isAdmin: true,
    })
    const token = await auth.issueToken(root.id, 'test')
    const made = await call('POST', '/api/invites', { expiresInDays: 2 }, token)
    expect(made.status).toBe(201)
    expect(Date.parse(made.json.expiresAt) - clock.getTime()).toBe(2 * DAY_MS)
    const other = await call('POST', '/api/invites', {}, token)
    expect(Date.parse(other.json.expiresAt) - clock.getTime()).toBe(7 * DAY_MS)

    clock = new Date(clock.getTime() + 2 * DAY_MS - 1000)
    const listed = await call('GET', '/api/invites', undefined, token)
    expect(listed.json.map((i: { id: string }) => i.id)).toContain(made.json.id)

    clock = new Date(clock.getTime() + 2000)
    const after = await call('GET', '/api/invites', undefined, token)
    expect(after.json.map((i: { id: string }) => i.id)).not.toContain(made.json.id)
    expect(after.json.map((i: { id: string }) => i.id)).toContain(other.json.id)
    const late = await call('POST', '/api/auth/signup', {
      email: 'late@example.com',
      password: 'long enough',
      invite: made.json.code,
    })
    expect(late.status).toBe(403)
    expect(late.json.error.code).toBe('INVITE_INVALID')
    const revoke = await call('DELETE', `/api/invites/${made.json.id}`, undefined, token)
    expect(revoke.status).toBe(404)
    const onTime = await call('POST', '/api/auth/signup', {
      email: 'late@example.com',
      password: 'long enough',
      invite: other.json.code,
    })
    expect(onTime.status).toBe(201)
  })
})

describe('rate limit', () => {
  it('answers 429 with Retry-After after 10 sign-up attempts from one address in an hour', async () => {
    clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000)
    const attempt = () =>
      app.request('/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'guesser@example.com',
          password: 'long enough',
          invite: 'a'.repeat(43),
        }),
      })
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(403)
    const limited = await attempt()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3600')
    expect(((await limited.json()) as any).error.code).toBe('RATE_LIMITED')
    clock = new Date(clock.getTime() + 60 * 60 * 1000)
    expect((await attempt()).status).toBe(403)
  })
})
