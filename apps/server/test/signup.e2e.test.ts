/**
 * Ways in, against the built server and real Postgres: the three sign-up modes, invites (one
 * use, bound to an email, revoked, stored hashed), the setup link of a fresh install (works once,
 * replaced by a restart, refused once a user exists), and cross-site refusal of cookie requests.
 * Invite expiry, which needs a clock, is in src/api/signup.test.ts.
 */
import { createHash } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  createPipeline,
  pipelineYaml,
  rawUpgrade,
  startServerProcess,
  tokenFor,
  waitFor,
  type ServerProcess,
} from './harness.js'

const servers: ServerProcess[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function start(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const server = await startServerProcess(env)
  servers.push(server)
  return server
}

const cookieOf = (res: { headers: Headers }) => (res.headers.get('set-cookie') ?? '').split(';')[0]!

async function signUp(server: ServerProcess, json: Record<string, unknown>) {
  return api(server.url, 'POST', '/api/auth/signup', { json })
}

describe('invite-only sign-up (the default)', () => {
  let server: ServerProcess
  let databaseUrl: string
  let admin: string
  beforeAll(async () => {
    databaseUrl = await freshDatabaseUrl()
    server = await start({ DATABASE_URL: databaseUrl })
    admin = await tokenFor(server.url, ADMIN)
  })

  async function invite(json: Record<string, unknown> = {}) {
    const res = await api(server.url, 'POST', '/api/invites', { token: admin, json })
    expect(res.status).toBe(201)
    return res.json as { id: string; code: string; link: string; email: string | null }
  }

  it('says so, and refuses a sign-up without an invite', async () => {
    expect((await api(server.url, 'GET', '/api/auth/signup')).json).toEqual({ mode: 'invite' })
    const res = await signUp(server, { email: 'no@example.com', password: 'long enough' })
    expect(res.status).toBe(403)
    expect(res.json.error.code).toBe('INVITE_REQUIRED')
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('signs up once with an invite, which is then spent; only its hash is stored', async () => {
    const created = await invite()
    expect(created.link).toBe(`/join#${created.code}`)
    expect(created.code).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const listed = await api(server.url, 'GET', '/api/invites', { token: admin })
    expect(listed.json.map((i: { id: string }) => i.id)).toContain(created.id)
    expect(listed.text).not.toContain(created.code)

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql`select hash from invites where id = ${created.id}`
      expect(rows[0]!.hash).toBe(createHash('sha256').update(created.code).digest('hex'))
      const everything = JSON.stringify(await sql`select * from invites`)
      expect(everything).not.toContain(created.code)
    } finally {
      await sql.end()
    }

    const res = await signUp(server, {
      email: ' Eve@Example.com ',
      password: 'eve password',
      name: 'Eve',
      invite: created.code,
    })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ email: 'eve@example.com', isAdmin: false })
    const cookie = cookieOf(res)
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i)
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/i)
    expect((await api(server.url, 'GET', '/api/me', { cookie })).json.email).toBe('eve@example.com')
    // Spent: no second account from the same link, and it is no longer pending.
    const again = await signUp(server, {
      email: 'eve2@example.com',
      password: 'eve password',
      invite: created.code,
    })
    expect(again.status).toBe(403)
    expect(again.json.error.code).toBe('INVITE_INVALID')
    const after = await api(server.url, 'GET', '/api/invites', { token: admin })
    expect(after.json.map((i: { id: string }) => i.id)).not.toContain(created.id)
    const users = await api(server.url, 'GET', '/api/users', { token: admin })
    expect(users.json).toContainEqual(
      expect.objectContaining({ email: 'eve@example.com', name: 'Eve', isAdmin: false }),
    )
  })

  it('binds an invite to its email, and an admin invite makes an admin', async () => {
    const created = await invite({ email: 'fay@example.com', role: 'admin' })
    expect(created.email).toBe('fay@example.com')
    const wrong = await signUp(server, {
      email: 'mallory@example.com',
      password: 'long enough',
      invite: created.code,
    })
    expect(wrong.status).toBe(403)
    expect(wrong.json.error.code).toBe('INVITE_INVALID')
    const right = await signUp(server, {
      email: 'fay@example.com',
      password: 'long enough',
      invite: created.code,
    })
    expect(right.status).toBe(201)
    expect(right.json.isAdmin).toBe(true)
  })

  it('keeps an invite unspent when the email is taken', async () => {
    const created = await invite()
    const taken = await signUp(server, {
      email: ADMIN.email,
      password: 'long enough',
      invite: created.code,
    })
    expect(taken.status).toBe(409)
    expect(taken.json.error.code).toBe('EMAIL_TAKEN')
    const ok = await signUp(server, {
      email: 'gus@example.com',
      password: 'long enough',
      invite: created.code,
    })
    expect(ok.status).toBe(201)
  })

  it('refuses a revoked invite; revoking twice is 404', async () => {
    const created = await invite()
    const del = await api(server.url, 'DELETE', `/api/invites/${created.id}`, { token: admin })
    expect(del.status).toBe(204)
    const res = await signUp(server, {
      email: 'hal@example.com',
      password: 'long enough',
      invite: created.code,
    })
    expect(res.status).toBe(403)
    expect(res.json.error.code).toBe('INVITE_INVALID')
    const again = await api(server.url, 'DELETE', `/api/invites/${created.id}`, { token: admin })
    expect(again.status).toBe(404)
    expect(again.json.error.code).toBe('INVITE_NOT_FOUND')
  })

  it('lets only admins manage invites and list users', async () => {
    const created = await invite()
    const ivy = await signUp(server, {
      email: 'ivy@example.com',
      password: 'long enough',
      invite: created.code,
    })
    const cookie = cookieOf(ivy)
    for (const [method, path] of [
      ['GET', '/api/invites'],
      ['POST', '/api/invites'],
      ['DELETE', `/api/invites/${created.id}`],
      ['GET', '/api/users'],
    ] as const) {
      const res = await api(server.url, method, path, {
        cookie,
        ...(method === 'POST' ? { json: {} } : {}),
      })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.json.error.code).toBe('FORBIDDEN')
    }
    expect((await api(server.url, 'GET', '/api/invites')).status).toBe(401)
  })

  it('says which field is wrong', async () => {
    const created = await invite()
    const badEmail = await signUp(server, {
      email: 'not-an-email',
      password: 'long enough',
      invite: created.code,
    })
    expect(badEmail.status).toBe(400)
    expect(badEmail.json.error.message).toBe(
      'email: must be an email address, like ann@example.com',
    )
    const short = await signUp(server, {
      email: 'jo@example.com',
      password: 'short',
      invite: created.code,
    })
    expect(short.status).toBe(400)
    expect(short.json.error.message).toBe('password: must be at least 8 characters')
    const badRole = await api(server.url, 'POST', '/api/invites', {
      token: admin,
      json: { role: 'owner' },
    })
    expect(badRole.status).toBe(400)
    expect(badRole.json.error.message).toBe('role: must be member or admin')
    // None of that spent the invite.
    const ok = await signUp(server, {
      email: 'jo@example.com',
      password: 'long enough',
      invite: created.code,
    })
    expect(ok.status).toBe(201)
  })
})

describe('open and closed sign-up', () => {
  it('open: anyone signs up and is signed in; an email signs up once', async () => {
    const server = await start({ DATABASE_URL: await freshDatabaseUrl(), WEFT_SIGNUP: 'open' })
    expect((await api(server.url, 'GET', '/api/auth/signup')).json).toEqual({ mode: 'open' })
    const res = await signUp(server, { email: 'kim@example.com', password: 'kim password' })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ email: 'kim@example.com', isAdmin: false })
    const me = await api(server.url, 'GET', '/api/me', { cookie: cookieOf(res) })
    expect(me.json.email).toBe('kim@example.com')
    const twice = await signUp(server, { email: 'KIM@example.com', password: 'other password' })
    expect(twice.status).toBe(409)
    expect(twice.json.error.code).toBe('EMAIL_TAKEN')
    // The first password still works: the second sign-up changed nothing.
    const login = await api(server.url, 'POST', '/api/auth/login', {
      json: { email: 'kim@example.com', password: 'kim password' },
    })
    expect(login.status).toBe(200)
  })

  it('closed: nobody signs up, invites are refused, admins still create users', async () => {
    const server = await start({ DATABASE_URL: await freshDatabaseUrl(), WEFT_SIGNUP: 'closed' })
    const admin = await tokenFor(server.url, ADMIN)
    expect((await api(server.url, 'GET', '/api/auth/signup')).json).toEqual({ mode: 'closed' })
    const res = await signUp(server, { email: 'lu@example.com', password: 'long enough' })
    expect(res.status).toBe(403)
    expect(res.json.error.code).toBe('SIGNUP_CLOSED')
    const inv = await api(server.url, 'POST', '/api/invites', { token: admin, json: {} })
    expect(inv.status).toBe(403)
    expect(inv.json.error.code).toBe('SIGNUP_CLOSED')
    const made = await api(server.url, 'POST', '/api/users', {
      token: admin,
      json: { email: 'lu@example.com', password: 'long enough' },
    })
    expect(made.status).toBe(201)
  })
})

describe('the setup link of a fresh install', () => {
  const noAdmin = { WEFT_ADMIN_EMAIL: undefined, WEFT_ADMIN_PASSWORD: undefined }

  async function setupCode(server: ServerProcess): Promise<string> {
    let url = ''
    await waitFor('the setup link in the log', () => {
      const line = server.logs.find((l) => typeof l.url === 'string' && l.url.includes('/setup#'))
      url = (line?.url as string | undefined) ?? ''
      return url !== ''
    })
    expect(url.startsWith(`${server.url}/setup#`)).toBe(true)
    return url.slice(url.indexOf('#') + 1)
  }

  it('works once, is replaced by a restart, and is refused once a user exists', async () => {
    const databaseUrl = await freshDatabaseUrl()
    const first = await start({ DATABASE_URL: databaseUrl, ...noAdmin })
    const oldCode = await setupCode(first)
    expect(JSON.stringify(first.logs)).not.toMatch(/password/i)
    expect((await api(first.url, 'GET', '/api/setup')).json).toEqual({ needed: true })
    await first.stop()

    const second = await start({ DATABASE_URL: databaseUrl, ...noAdmin })
    const code = await setupCode(second)
    expect(code).not.toBe(oldCode)
    const account = { email: 'root@example.com', password: 'root password' }
    const stale = await api(second.url, 'POST', '/api/setup', {
      json: { ...account, code: oldCode },
    })
    expect(stale.status).toBe(403)
    expect(stale.json.error.code).toBe('SETUP_CODE_INVALID')
    const short = await api(second.url, 'POST', '/api/setup', {
      json: { ...account, password: 'short', code },
    })
    expect(short.status).toBe(400)
    expect(short.json.error.message).toBe('password: must be at least 8 characters')

    const done = await api(second.url, 'POST', '/api/setup', { json: { ...account, code } })
    expect(done.status).toBe(201)
    expect(done.json).toMatchObject({ email: 'root@example.com', isAdmin: true })
    const me = await api(second.url, 'GET', '/api/me', { cookie: cookieOf(done) })
    expect(me.json.isAdmin).toBe(true)

    const again = await api(second.url, 'POST', '/api/setup', {
      json: { email: 'other@example.com', password: 'long enough', code },
    })
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('SETUP_DONE')
    expect((await api(second.url, 'GET', '/api/setup')).json).toEqual({ needed: false })
    await second.stop()

    const third = await start({ DATABASE_URL: databaseUrl, ...noAdmin })
    expect(third.logs.some((l) => String(l.url ?? '').includes('/setup#'))).toBe(false)
    expect((await api(third.url, 'POST', '/api/auth/login', { json: account })).status).toBe(200)
  })

  it('is not offered when WEFT_ADMIN_EMAIL and WEFT_ADMIN_PASSWORD made the admin', async () => {
    const server = await start({ DATABASE_URL: await freshDatabaseUrl() })
    expect((await api(server.url, 'GET', '/api/setup')).json).toEqual({ needed: false })
    expect(server.logs.some((l) => String(l.url ?? '').includes('/setup#'))).toBe(false)
    const res = await api(server.url, 'POST', '/api/setup', {
      json: { email: 'x@example.com', password: 'long enough', code: 'guess' },
    })
    expect(res.status).toBe(409)
    expect(res.json.error.code).toBe('SETUP_DONE')
  })
})

describe('cross-site requests', () => {
  let server: ServerProcess
  let cookie: string
  beforeAll(async () => {
    server = await start({ DATABASE_URL: await freshDatabaseUrl() })
    const res = await api(server.url, 'POST', '/api/auth/login', { json: ADMIN })
    cookie = cookieOf(res)
  })

  async function post(path: string, headers: Record<string, string>, json: unknown) {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(json),
    })
    return { status: res.status, json: (await res.json()) as any }
  }
  const newToken = { name: 'from elsewhere' }

  it('refuses a cookie POST another site sent, by Sec-Fetch-Site or by Origin', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const res = await post('/api/tokens', { cookie, ...headers }, newToken)
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect(res.json.error.code).toBe('CROSS_SITE_REQUEST')
    }
    // Nothing was made.
    const list = await api(server.url, 'GET', '/api/tokens', { cookie })
    expect(list.json.some((t: { name: string }) => t.name === newToken.name)).toBe(false)
    // Login CSRF (signing a victim into the attacker's account) is refused too.
    const login = await post('/api/auth/login', { 'sec-fetch-site': 'cross-site' }, ADMIN)
    expect(login.status).toBe(403)
  })

  it('lets the same origin, non-browser clients and bearer tokens through', async () => {
    const host = new URL(server.url).host
    for (const headers of [
      { 'sec-fetch-site': 'same-origin', origin: server.url },
      { origin: `http://${host}` },
      {},
    ]) {
      const res = await post('/api/tokens', { cookie, ...headers }, newToken)
      expect(res.status, JSON.stringify(headers)).toBe(201)
    }
    const token = await tokenFor(server.url, ADMIN)
    const res = await post(
      '/api/tokens',
      { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' },
      newToken,
    )
    expect(res.status).toBe(201)
  })

  it('refuses a cookie-authenticated socket opened from another site', async () => {
    const token = await tokenFor(server.url, ADMIN)
    const id = await createPipeline(server.url, token, pipelineYaml('csrf'))
    const refused = await rawUpgrade(server.wsUrl, id, ['weft'], {
      cookie,
      origin: 'https://evil.example',
    })
    expect(refused).toEqual({ status: 403 })
    const allowed = await rawUpgrade(server.wsUrl, id, ['weft'], {
      cookie,
      origin: server.url,
    })
    expect('open' in allowed).toBe(true)
    if ('open' in allowed) allowed.open.close()
  })
})
