/**
 * Account flows against the built server and real Postgres: personal API tokens (and their
 * sockets closing on revocation), password change, and login rate limiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  connectClient,
  createPipeline,
  createUser,
  pipelineYaml,
  startServerProcess,
  tokenFor,
  waitFor,
  type ServerProcess,
} from './harness.js'

let server: ServerProcess
let admin: string

beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: await freshDatabaseUrl() })
  admin = await tokenFor(server.url, ADMIN)
})
afterAll(async () => {
  await server?.stop()
})

async function login(user: { email: string; password: string }): Promise<string> {
  const res = await api(server.url, 'POST', '/api/auth/login', { json: user })
  expect(res.status).toBe(200)
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!
}

describe('personal API tokens', () => {
  it('creates, lists and revokes tokens without ever showing a secret again', async () => {
    const ann = await createUser(server.url, admin, 'ann@example.com')
    const created = await api(server.url, 'POST', '/api/tokens', {
      token: ann.token,
      json: { name: 'ci', expiresInDays: 30 },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: 'ci', id: expect.any(String) })
    expect(created.json.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const days = (Date.parse(created.json.expiresAt) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThan(30.1)

    const me = await api(server.url, 'GET', '/api/me', { token: created.json.token })
    expect(me.json.email).toBe(ann.email)

    const list = await api(server.url, 'GET', '/api/tokens', { token: ann.token })
    expect(list.status).toBe(200)
    expect(list.json).toHaveLength(2) // the one from /api/auth/token, and "ci"
    const ci = list.json.find((t: { id: string }) => t.id === created.json.id)
    expect(ci).toMatchObject({ name: 'ci', expiresAt: created.json.expiresAt })
    expect(Object.keys(ci).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name'])
    expect(list.text).not.toContain(created.json.token)

    const del = await api(server.url, 'DELETE', `/api/tokens/${created.json.id}`, {
      token: ann.token,
    })
    expect(del.status).toBe(204)
    expect((await api(server.url, 'GET', '/api/me', { token: created.json.token })).status).toBe(
      401,
    )
    const again = await api(server.url, 'DELETE', `/api/tokens/${created.json.id}`, {
      token: ann.token,
    })
    expect(again.status).toBe(404)
    expect(again.json.error.code).toBe('TOKEN_NOT_FOUND')
    expect((await api(server.url, 'GET', '/api/tokens', { token: ann.token })).json).toHaveLength(1)
  })

  it('cannot touch another user’s token: 404', async () => {
    const bo = await createUser(server.url, admin, 'bo@example.com')
    const list = await api(server.url, 'GET', '/api/tokens', { token: bo.token })
    const [only] = list.json as Array<{ id: string }>
    const res = await api(server.url, 'DELETE', `/api/tokens/${only!.id}`, { token: admin })
    expect(res.status).toBe(404)
    expect(res.json.error.code).toBe('TOKEN_NOT_FOUND')
    expect((await api(server.url, 'GET', '/api/me', { token: bo.token })).status).toBe(200)
  })

  it('says what is wrong with a bad request', async () => {
    const noName = await api(server.url, 'POST', '/api/tokens', { token: admin, json: {} })
    expect(noName.status).toBe(400)
    expect(noName.json.error).toMatchObject({ code: 'BAD_REQUEST' })
    expect(noName.json.error.message).toMatch(/^name: /)
    const badDays = await api(server.url, 'POST', '/api/tokens', {
      token: admin,
      json: { name: 'x', expiresInDays: 0.5 },
    })
    expect(badDays.status).toBe(400)
    expect(badDays.json.error.message).toMatch(/^expiresInDays: /)
    const anonymous = await api(server.url, 'GET', '/api/tokens')
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.error.code).toBe('UNAUTHENTICATED')
  })

  it('closes the sockets of a revoked token with 4403 within 5 s', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('revoked'))
    const created = await api(server.url, 'POST', '/api/tokens', {
      token: admin,
      json: { name: 'socket' },
    })
    const client = connectClient(server.wsUrl, id, created.json.token)
    try {
      await waitFor('sync', () => client.provider.synced)
      const revokedAt = Date.now()
      const del = await api(server.url, 'DELETE', `/api/tokens/${created.json.id}`, {
        token: admin,
      })
      expect(del.status).toBe(204)
      await waitFor('closed with 4403', () => client.closeEvents.some((e) => e.code === 4403))
      expect(Date.now() - revokedAt).toBeLessThan(5000)
    } finally {
      client.destroy()
    }
  })
})

describe('changing the password', () => {
  it('ends every other session, keeps this one, and refuses a wrong current password', async () => {
    const cy = await createUser(server.url, admin, 'cy@example.com')
    const here = await login(cy)
    const elsewhere = await login(cy)

    const wrong = await api(server.url, 'POST', '/api/auth/password', {
      cookie: here,
      json: { currentPassword: 'not it', newPassword: 'a new password' },
    })
    expect(wrong.status).toBe(403)
    expect(wrong.json.error.code).toBe('WRONG_PASSWORD')
    const short = await api(server.url, 'POST', '/api/auth/password', {
      cookie: here,
      json: { currentPassword: cy.password, newPassword: 'short' },
    })
    expect(short.status).toBe(400)
    expect(short.json.error.message).toMatch(/^newPassword: /)

    const ok = await api(server.url, 'POST', '/api/auth/password', {
      cookie: here,
      json: { currentPassword: cy.password, newPassword: 'a new password' },
    })
    expect(ok.status).toBe(204)
    expect((await api(server.url, 'GET', '/api/me', { cookie: here })).status).toBe(200)
    expect((await api(server.url, 'GET', '/api/me', { cookie: elsewhere })).status).toBe(401)
    const old = await api(server.url, 'POST', '/api/auth/login', { json: cy })
    expect(old.status).toBe(401)
    await login({ email: cy.email, password: 'a new password' })
  })
})

describe('login rate limiting', () => {
  it('answers 429 with Retry-After after 5 failures for one email, even with the right password', async () => {
    const di = await createUser(server.url, admin, 'di@example.com')
    for (let i = 0; i < 5; i++) {
      const res = await api(server.url, 'POST', '/api/auth/login', {
        json: { email: di.email, password: 'wrong' },
      })
      expect(res.status).toBe(401)
    }
    for (const path of ['/api/auth/login', '/api/auth/token']) {
      const res = await api(server.url, 'POST', path, { json: di })
      expect(res.status).toBe(429)
      expect(res.json.error.code).toBe('RATE_LIMITED')
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(800)
    }
    // Other emails from the same address are still let through.
    expect((await api(server.url, 'POST', '/api/auth/login', { json: ADMIN })).status).toBe(200)
  })
})
