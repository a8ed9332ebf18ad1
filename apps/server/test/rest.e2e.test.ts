import { exportYaml, importYaml } from '@weft/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  connectClient,
  createPipeline,
  createUser,
  pipelineYaml,
  rawUpgrade,
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

describe('health and accounts', () => {
  it('answers /healthz', async () => {
    const res = await api(server.url, 'GET', '/healthz')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ status: 'ok' })
  })

  it('creates the configured admin, who can sign in with a cookie', async () => {
    const res = await api(server.url, 'POST', '/api/auth/login', { json: ADMIN })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ email: ADMIN.email, isAdmin: true })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^weft_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    const session = cookie.split(';')[0]!
    const me = await api(server.url, 'GET', '/api/me', { cookie: session })
    expect(me.json.email).toBe(ADMIN.email)

    expect((await api(server.url, 'POST', '/api/auth/logout', { cookie: session })).status).toBe(
      204,
    )
    expect((await api(server.url, 'GET', '/api/me', { cookie: session })).status).toBe(401)
  })

  it('refuses a wrong password with a stable error code', async () => {
    const res = await api(server.url, 'POST', '/api/auth/login', {
      json: { email: ADMIN.email, password: 'nope' },
    })
    expect(res.status).toBe(401)
    expect(res.json.error.code).toBe('INVALID_CREDENTIALS')
  })

  it('says which field of a bad body is wrong', async () => {
    const res = await api(server.url, 'POST', '/api/auth/login', {
      json: { email: 'not-an-email', password: 'x' },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('BAD_REQUEST')
    expect(res.json.error.message).toMatch(/^email: /)
  })

  it('takes JSON or YAML bodies only, so a cross-site form cannot post', async () => {
    const res = await api(server.url, 'POST', '/api/pipelines', {
      token: admin,
      body: 'workflow=x',
      type: 'application/x-www-form-urlencoded',
    })
    expect(res.status).toBe(415)
    expect(res.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('lets only an admin create users, once per email', async () => {
    const ada = await createUser(server.url, admin, 'ada@example.com')
    const res = await api(server.url, 'POST', '/api/users', {
      token: ada.token,
      json: { email: 'eve@example.com', password: 'long enough' },
    })
    expect(res.status).toBe(403)
    const again = await api(server.url, 'POST', '/api/users', {
      token: admin,
      json: { email: 'ADA@example.com', password: 'long enough' },
    })
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('EMAIL_TAKEN')
  })

  it('refuses requests with no or a bad credential', async () => {
    expect((await api(server.url, 'GET', '/api/pipelines')).status).toBe(401)
    expect((await api(server.url, 'GET', '/api/pipelines', { token: 'forged' })).status).toBe(401)
    expect((await api(server.url, 'GET', '/metrics')).status).toBe(401)
  })
})

describe('pipelines', () => {
  it('imports YAML, lists it and gives back the same bytes', async () => {
    const yaml = pipelineYaml('imported', 3)
    const id = await createPipeline(server.url, admin, yaml)
    const list = await api(server.url, 'GET', '/api/pipelines', { token: admin })
    expect(list.json.map((p: any) => p.id)).toContain(id)
    expect(list.json.find((p: any) => p.id === id)).toMatchObject({
      name: 'imported',
      role: 'owner',
    })
    const back = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: admin })
    expect(back.status).toBe(200)
    expect(back.text).toBe(yaml)
  })

  it('refuses YAML that does not parse or is not a pipeline, creating nothing', async () => {
    const before = (await api(server.url, 'GET', '/api/pipelines', { token: admin })).json.length
    const broken = await api(server.url, 'POST', '/api/pipelines', {
      token: admin,
      body: 'workflow:\n  name: x\n  steps: [\n',
    })
    expect(broken.status).toBe(422)
    expect(broken.json.error.code).toBe('INVALID_PIPELINE')
    const first = broken.json.error.details.diagnostics[0]
    expect(first).toMatchObject({ severity: 'error' })
    expect(first.line).toBeGreaterThan(0)
    expect(first.column).toBeGreaterThan(0)
    const notPipeline = await api(server.url, 'POST', '/api/pipelines', {
      token: admin,
      body: '- just\n- a list\n',
    })
    expect(notPipeline.status).toBe(422)
    expect((await api(server.url, 'GET', '/api/pipelines', { token: admin })).json.length).toBe(
      before,
    )
  })

  it('keeps a pipeline that parses but breaks pipeline_ex, and flags it', async () => {
    const res = await api(server.url, 'POST', '/api/pipelines', {
      token: admin,
      body: 'workflow:\n  name: flagged\n  steps:\n    - name: a\n      type: no_such_type\n',
    })
    expect(res.status).toBe(201)
    expect(res.json.diagnostics.some((d: any) => d.severity === 'error')).toBe(true)
  })

  it('creates an empty pipeline from a name', async () => {
    const res = await api(server.url, 'POST', '/api/pipelines', {
      token: admin,
      json: { name: 'blank' },
    })
    expect(res.status).toBe(201)
    const yaml = await api(server.url, 'GET', `/api/pipelines/${res.json.id}/yaml`, {
      token: admin,
    })
    expect(yaml.text).toContain('name: "blank"')
  })

  it('hides pipelines from users without access (404, never 403)', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('private'))
    const mallory = await createUser(server.url, admin, 'mallory@example.com')
    for (const [method, path] of [
      ['GET', `/api/pipelines/${id}`],
      ['GET', `/api/pipelines/${id}/yaml`],
      ['PUT', `/api/pipelines/${id}/yaml`],
      ['DELETE', `/api/pipelines/${id}`],
      ['PUT', `/api/pipelines/${id}/access`],
    ] as const) {
      const res = await api(server.url, method, path, {
        token: mallory.token,
        ...(method === 'GET' ? {} : { json: {} }),
      })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    const list = await api(server.url, 'GET', '/api/pipelines', { token: mallory.token })
    expect(list.json).toEqual([])
  })

  it('lets an owner share as viewer or editor, and viewers cannot write', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('shared'))
    const vic = await createUser(server.url, admin, 'vic@example.com')
    const grant = await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: admin,
      json: { email: vic.email, role: 'viewer' },
    })
    expect(grant.status).toBe(200)
    expect(
      (await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: vic.token })).status,
    ).toBe(200)
    const write = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: vic.token,
      body: pipelineYaml('defaced'),
    })
    expect(write.status).toBe(403)
    expect(write.json.error.code).toBe('FORBIDDEN')
    const share = await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: vic.token,
      json: { email: vic.email, role: 'owner' },
    })
    expect(share.status).toBe(403)
    const del = await api(server.url, 'DELETE', `/api/pipelines/${id}`, { token: vic.token })
    expect(del.status).toBe(403)

    await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: admin,
      json: { email: vic.email, role: 'editor' },
    })
    const ok = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: vic.token,
      body: pipelineYaml('edited by vic'),
    })
    expect(ok.status).toBe(200)
  })

  it('merges a PUT that names its base with a live editor’s concurrent work', async () => {
    const yaml = pipelineYaml('merge', 2)
    const id = await createPipeline(server.url, admin, yaml)
    const client = connectClient(server.wsUrl, id, admin)
    const exported = async () =>
      (await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: admin })).text
    try {
      await waitFor('sync', () => client.provider.synced)
      // The live editor renames step_0 while a script, working from the original text, changes
      // step_1's prompt.
      importYaml(client.doc, yaml.replace('step_0', 'renamed_live'))
      await waitFor('live rename saved', () => client.saved())
      const put = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
        token: admin,
        json: { base: yaml, yaml: yaml.replace('Say 1', 'Say one') },
      })
      expect(put.status).toBe(200)
      expect(put.json.mode).toBe('merged')
      const text = await exported()
      expect(text).toContain('renamed_live')
      expect(text).toContain('Say one')
      expect(text).toContain('# owned by the platform team')
      await waitFor('the editor sees the script’s edit', () =>
        exportYaml(client.doc).includes('Say one'),
      )
      expect(exportYaml(client.doc)).toBe(text)
    } finally {
      client.destroy()
    }
  })

  it('applies a plain YAML PUT as the smallest change that makes the pipeline equal to it', async () => {
    const yaml = pipelineYaml('plain', 2)
    const id = await createPipeline(server.url, admin, yaml)
    const next = yaml.replace('Say 1', 'Say one')
    const put = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: admin,
      body: next,
    })
    expect(put.json.mode).toBe('imported')
    expect((await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: admin })).text).toBe(
      next,
    )
    const bad = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: admin,
      body: 'workflow: [',
    })
    expect(bad.status).toBe(422)
    expect((await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: admin })).text).toBe(
      next,
    )
  })

  it('deletes a pipeline for its owner and closes its sockets', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('doomed'))
    const client = connectClient(server.wsUrl, id, admin)
    try {
      await waitFor('sync', () => client.provider.synced)
      expect(
        (await api(server.url, 'DELETE', `/api/pipelines/${id}`, { token: admin })).status,
      ).toBe(204)
      await waitFor('close 4404', () => client.closeEvents.some((e) => e.code === 4404))
      expect((await api(server.url, 'GET', `/api/pipelines/${id}`, { token: admin })).status).toBe(
        404,
      )
    } finally {
      client.destroy()
    }
  })
})

describe('the sync socket is authenticated before it opens', () => {
  it('answers 401 with no or a bad token, 404 for an unknown pipeline', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('socket'))
    expect(await rawUpgrade(server.wsUrl, id, ['weft'])).toEqual({ status: 401 })
    expect(await rawUpgrade(server.wsUrl, id, ['weft', 'weft-token.forged'])).toEqual({
      status: 401,
    })
    expect(
      await rawUpgrade(server.wsUrl, 'no-such-pipeline', ['weft', `weft-token.${admin}`]),
    ).toEqual({
      status: 404,
    })
    const stranger = await createUser(server.url, admin, 'stranger@example.com')
    expect(await rawUpgrade(server.wsUrl, id, ['weft', `weft-token.${stranger.token}`])).toEqual({
      status: 404,
    })
  })

  it('accepts a token in the subprotocol and selects `weft`', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('proto'))
    const result = await rawUpgrade(server.wsUrl, id, ['weft', `weft-token.${admin}`])
    expect('open' in result).toBe(true)
    if ('open' in result) {
      expect(result.open.protocol).toBe('weft')
      result.open.close()
    }
  })

  it('accepts the session cookie', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('cookie'))
    const login = await api(server.url, 'POST', '/api/auth/login', { json: ADMIN })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    const result = await rawUpgrade(server.wsUrl, id, ['weft'], { cookie })
    expect('open' in result).toBe(true)
    if ('open' in result) result.open.close()
  })

  it('closes a socket within 5 seconds when its session ends', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('revoke'))
    const login = await api(server.url, 'POST', '/api/auth/login', { json: ADMIN })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    const result = await rawUpgrade(server.wsUrl, id, ['weft'], { cookie })
    if (!('open' in result)) throw new Error('socket refused')
    const closed = new Promise<number>((resolve) =>
      result.open.once('close', (code) => resolve(code)),
    )
    await api(server.url, 'POST', '/api/auth/logout', { cookie })
    expect(await closed).toBe(4403)
  })

  it('applies a lowered role to an open connection: the viewer can no longer write', async () => {
    const id = await createPipeline(server.url, admin, pipelineYaml('demote'))
    const ed = await createUser(server.url, admin, 'ed@example.com')
    await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: admin,
      json: { email: ed.email, role: 'editor' },
    })
    const editor = connectClient(server.wsUrl, id, ed.token)
    const owner = connectClient(server.wsUrl, id, admin)
    try {
      await waitFor('sync', () => editor.provider.synced && owner.provider.synced)
      editor.doc.getMap('root').set('x-before', 1)
      await waitFor('write arrives', () => owner.doc.getMap('root').get('x-before') === 1)
      await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
        token: admin,
        json: { email: ed.email, role: 'viewer' },
      })
      editor.doc.getMap('root').set('x-after', 1)
      owner.doc.getMap('root').set('x-owner', 1)
      await waitFor(
        'owner write reaches the demoted editor',
        () => editor.doc.getMap('root').get('x-owner') === 1,
      )
      await new Promise((r) => setTimeout(r, 300))
      expect(owner.doc.getMap('root').get('x-after')).toBeUndefined()
    } finally {
      editor.destroy()
      owner.destroy()
    }
  })
})
