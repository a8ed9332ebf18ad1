/**
 * Version history through the built server on real PostgreSQL: naming, listing, reading, diffing,
 * who may do what, and a restore that merges with a live y-websocket editor's concurrent edit.
 */
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
  startServerProcess,
  tokenFor,
  waitFor,
  type ServerProcess,
} from './harness.js'

let server: ServerProcess
let admin: string
let viewer: { email: string; token: string }
let stranger: { email: string; token: string }

beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: await freshDatabaseUrl() })
  admin = await tokenFor(server.url, ADMIN)
  viewer = await createUser(server.url, admin, 'viewer@example.com')
  stranger = await createUser(server.url, admin, 'stranger@example.com')
})
afterAll(async () => {
  await server?.stop()
})

const call = (method: string, path: string, token = admin, json?: unknown) =>
  api(server.url, method, path, { token, ...(json === undefined ? {} : { json }) })

async function put(id: string, yaml: string) {
  const res = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
    token: admin,
    body: yaml,
  })
  expect(res.status).toBe(200)
}

async function yamlNow(id: string): Promise<string> {
  return (await call('GET', `/api/pipelines/${id}/yaml`)).text
}

describe('named versions, reading and diffs', () => {
  it('names the current state, lists it with who and when, and gives its YAML back', async () => {
    const yaml = pipelineYaml('named', 2)
    const id = await createPipeline(server.url, admin, yaml)
    const named = await call('POST', `/api/pipelines/${id}/versions`, admin, { name: '  First  ' })
    expect(named.status).toBe(201)
    expect(named.json).toMatchObject({
      number: 1,
      kind: 'named',
      name: 'First',
      createdBy: { email: ADMIN.email },
      restoredFrom: null,
    })
    expect(Date.parse(named.json.createdAt)).toBeGreaterThan(Date.now() - 60_000)

    await put(id, yaml.replace('name: named', 'name: renamed'))
    const list = await call('GET', `/api/pipelines/${id}/versions`)
    expect(list.status).toBe(200)
    expect(list.json.versions.map((v: any) => v.name)).toEqual(['First'])
    expect(list.json.next).toBeNull()

    const text = await call('GET', `/api/pipelines/${id}/versions/${named.json.id}/yaml`)
    expect(text.status).toBe(200)
    expect(text.headers.get('content-type')).toMatch(/^application\/yaml/)
    expect(text.text).toBe(yaml)

    const renamed = await call('PATCH', `/api/pipelines/${id}/versions/${named.json.id}`, admin, {
      name: 'Original',
    })
    expect(renamed.json.name).toBe('Original')
    const empty = await call('POST', `/api/pipelines/${id}/versions`, admin, { name: '   ' })
    expect(empty.status).toBe(400)
    expect(empty.json.error.message).toMatch(/^name: /)
  })

  it('diffs a version against now and against another version, line by line', async () => {
    const yaml = pipelineYaml('diffed', 2)
    const id = await createPipeline(server.url, admin, yaml)
    const v1 = (await call('POST', `/api/pipelines/${id}/versions`, admin, { name: 'one' })).json
    await put(id, yaml.replace('Say 1', 'Say one'))
    const v2 = (await call('POST', `/api/pipelines/${id}/versions`, admin, { name: 'two' })).json
    await put(id, yaml.replace('Say 1', 'Say one').replace('name: diffed', 'name: final'))

    const toNow = await call('GET', `/api/pipelines/${id}/versions/${v1.id}/diff?against=now`)
    expect(toNow.status).toBe(200)
    expect(toNow.json).toMatchObject({ to: 'now', added: 2, removed: 2 })
    // Exactly what GNU diffutils' `diff -u` prints for the same two files.
    expect(toNow.json.unified).toBe(
      [
        '--- “one” (version 1)',
        '+++ now',
        '@@ -1,6 +1,6 @@',
        ' # owned by the platform team',
        ' workflow:',
        '-  name: diffed',
        '+  name: final',
        '   steps:',
        '     - name: step_0',
        '       type: claude',
        '@@ -11,4 +11,4 @@',
        '       type: claude',
        '       prompt:',
        '         - type: static',
        '-          content: Say 1',
        '+          content: Say one',
        '',
      ].join('\n'),
    )
    const between = await call(
      'GET',
      `/api/pipelines/${id}/versions/${v1.id}/diff?against=${v2.id}`,
    )
    expect(between.json.to).toEqual({ id: v2.id, number: 2 })
    expect(between.json.hunks).toHaveLength(1)
    expect(between.json.hunks[0].lines.filter((l: any) => l.kind !== 'context')).toEqual([
      { kind: 'remove', text: '          content: Say 1', oldLine: 14 },
      { kind: 'add', text: '          content: Say one', newLine: 14 },
    ])
    const same = await call('GET', `/api/pipelines/${id}/versions/${v2.id}/diff?against=${v2.id}`)
    expect(same.json).toMatchObject({ added: 0, removed: 0, hunks: [], unified: '' })
    const bad = await call('GET', `/api/pipelines/${id}/versions/${v1.id}/diff?against=yesterday`)
    expect(bad.status).toBe(404)
    expect(bad.json.error.code).toBe('VERSION_NOT_FOUND')
  })

  it('keeps the state a pipeline was created in as version 1, restorable after edits', async () => {
    const yaml = pipelineYaml('original', 2)
    const id = await createPipeline(server.url, admin, yaml)
    const [created] = (await call('GET', `/api/pipelines/${id}/versions`)).json.versions
    expect(created).toMatchObject({
      number: 1,
      kind: 'auto',
      name: 'Created',
      createdBy: { email: ADMIN.email },
      authors: [{ email: ADMIN.email }],
    })
    await put(id, pipelineYaml('rewritten', 1))
    const restored = await call('POST', `/api/pipelines/${id}/versions/${created.id}/restore`)
    expect(restored.json.version.name).toBe('Restored from “Created” (version 1)')
    expect(await yamlNow(id)).toBe(yaml)
  })

  it('pages the list with limit and before', async () => {
    const yaml = pipelineYaml('paged', 1)
    const id = await createPipeline(server.url, admin, yaml)
    for (let i = 1; i <= 3; i++) {
      await put(id, yaml.replace('Say 0', `Say ${i * 10}`))
      await call('POST', `/api/pipelines/${id}/versions`, admin, { name: `v${i}` })
    }
    const first = await call('GET', `/api/pipelines/${id}/versions?limit=2`)
    expect(first.json.versions.map((v: any) => v.name)).toEqual(['v3', 'v2'])
    const rest = await call(
      'GET',
      `/api/pipelines/${id}/versions?limit=2&before=${first.json.next}`,
    )
    // Version 1 is the state the pipeline was created in.
    expect(rest.json.versions.map((v: any) => v.name)).toEqual(['v1', 'Created'])
    expect(rest.json.next).toBeNull()
    expect((await call('GET', `/api/pipelines/${id}/versions?limit=0`)).status).toBe(400)
  })
})

describe('who may do what', () => {
  it('lets a viewer list, read and diff but not name, rename or restore; others get 404', async () => {
    const yaml = pipelineYaml('guarded', 1)
    const id = await createPipeline(server.url, admin, yaml)
    await call('PUT', `/api/pipelines/${id}/access`, admin, { email: viewer.email, role: 'viewer' })
    const v1 = (await call('POST', `/api/pipelines/${id}/versions`, admin, { name: 'one' })).json
    const base = `/api/pipelines/${id}/versions`

    expect((await call('GET', base, viewer.token)).status).toBe(200)
    expect((await call('GET', `${base}/${v1.id}`, viewer.token)).status).toBe(200)
    expect((await call('GET', `${base}/${v1.id}/yaml`, viewer.token)).status).toBe(200)
    expect((await call('GET', `${base}/${v1.id}/diff`, viewer.token)).status).toBe(200)
    for (const [method, path, body] of [
      ['POST', base, { name: 'mine' }],
      ['PATCH', `${base}/${v1.id}`, { name: 'mine' }],
      ['POST', `${base}/${v1.id}/restore`, undefined],
    ] as const) {
      const res = await call(method, path, viewer.token, body)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.json.error.code).toBe('FORBIDDEN')
    }
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['GET', `${base}/${v1.id}/yaml`, undefined],
      ['GET', `${base}/${v1.id}/diff`, undefined],
      ['POST', base, { name: 'mine' }],
      ['POST', `${base}/${v1.id}/restore`, undefined],
    ] as const) {
      const res = await call(method, path, stranger.token, body)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.json.error.code).toBe('PIPELINE_NOT_FOUND')
    }
    expect((await call('GET', base, 'forged')).status).toBe(401)
    expect((await call('GET', `${base}/${v1.id}`, 'forged')).status).toBe(401)

    // A version of another pipeline is no version of this one.
    const other = await createPipeline(server.url, admin, pipelineYaml('other', 1))
    const res = await call('GET', `/api/pipelines/${other}/versions/${v1.id}/yaml`)
    expect(res.status).toBe(404)
    expect(res.json.error.code).toBe('VERSION_NOT_FOUND')
    expect((await call('GET', `${base}/not-a-version`)).status).toBe(404)
    expect(await yamlNow(id)).toBe(yaml)
  })
})

describe('restore', () => {
  it('brings a version back as a new change, keeping the replaced state and a live editor’s concurrent edit', async () => {
    const yaml = pipelineYaml('restore', 3)
    const id = await createPipeline(server.url, admin, yaml)
    const start = (await call('POST', `/api/pipelines/${id}/versions`, admin, { name: 'start' }))
      .json
    const changed = yaml.replace('name: restore', 'name: changed').replace('Say 0', 'Say zero')
    await put(id, changed)

    const client = connectClient(server.wsUrl, id, admin)
    try {
      await waitFor('sync', () => client.provider.synced)
      expect(exportYaml(client.doc)).toBe(changed)
      // The editor goes offline and edits step_2: a change the server has not seen when the
      // restore runs, made on the state the restore replaces.
      client.provider.disconnect()
      importYaml(client.doc, changed.replace('Say 2', 'Say two'))

      const restored = await call('POST', `/api/pipelines/${id}/versions/${start.id}/restore`)
      expect(restored.status).toBe(200)
      expect(restored.json.version).toMatchObject({
        kind: 'restore',
        name: 'Restored from “start” (version 1)',
        restoredFrom: start.id,
        createdBy: { email: ADMIN.email },
      })
      expect(restored.json.version.authors.map((a: any) => a.email)).toContain(ADMIN.email)
      expect(await yamlNow(id)).toBe(yaml)

      client.provider.connect()
      const merged = yaml.replace('Say 2', 'Say two')
      await waitFor('the editor’s edit merged', async () => (await yamlNow(id)) === merged)
      await waitFor('the editor sees the restore', () => exportYaml(client.doc) === merged)
      await waitFor('the editor’s edit is saved', () => client.saved())
    } finally {
      client.destroy()
    }

    const list = (await call('GET', `/api/pipelines/${id}/versions`)).json.versions
    expect(list.map((v: any) => [v.number, v.kind])).toEqual([
      [3, 'restore'],
      [2, 'auto'],
      [1, 'named'],
    ])
    // What the restore replaced is kept as version 2.
    expect((await call('GET', `/api/pipelines/${id}/versions/${list[1].id}/yaml`)).text).toBe(
      changed,
    )
    expect((await call('GET', `/api/pipelines/${id}/versions/${list[0].id}/yaml`)).text).toBe(yaml)
  })

  it('answers 404 for a version that does not exist and changes nothing', async () => {
    const yaml = pipelineYaml('missing', 1)
    const id = await createPipeline(server.url, admin, yaml)
    const res = await call(
      'POST',
      `/api/pipelines/${id}/versions/00000000-0000-0000-0000-000000000000/restore`,
    )
    expect(res.status).toBe(404)
    expect(res.json.error.code).toBe('VERSION_NOT_FOUND')
    expect(await yamlNow(id)).toBe(yaml)
    const list = (await call('GET', `/api/pipelines/${id}/versions`)).json.versions
    expect(list.map((v: any) => v.name)).toEqual(['Created'])
  })
})

describe('automatic versions with two server processes on one database', () => {
  let one: ServerProcess
  let two: ServerProcess
  const IDLE_MS = 3_000

  beforeAll(async () => {
    const env = { DATABASE_URL: await freshDatabaseUrl(), WEFT_HISTORY_IDLE_MS: String(IDLE_MS) }
    one = await startServerProcess(env)
    two = await startServerProcess(env)
  })
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()])
  })

  it('takes one version for a burst two people made through different processes', async () => {
    const token = await tokenFor(one.url, ADMIN)
    const guest = await createUser(one.url, token, 'guest@example.com')
    const yaml = pipelineYaml('cluster', 2)
    const id = await createPipeline(one.url, token, yaml)
    await api(one.url, 'PUT', `/api/pipelines/${id}/access`, {
      token,
      json: { email: guest.email, role: 'editor' },
    })
    const a = connectClient(one.wsUrl, id, token)
    const b = connectClient(two.wsUrl, id, guest.token)
    const versionsOn = async (server: ServerProcess) =>
      (await api(server.url, 'GET', `/api/pipelines/${id}/versions`, { token })).json.versions
    try {
      await waitFor('both synced', () => a.provider.synced && b.provider.synced)
      importYaml(a.doc, yaml.replace('Say 0', 'Say zero'))
      await waitFor('a saved', () => a.saved())
      importYaml(b.doc, exportYaml(b.doc).replace('Say 1', 'Say one'))
      await waitFor('b saved', () => b.saved())
      const final = yaml.replace('Say 0', 'Say zero').replace('Say 1', 'Say one')
      await waitFor('both edits on both', () => exportYaml(a.doc) === final)

      await waitFor('a version', async () => (await versionsOn(two)).length > 1, 30_000)
      // Both processes' timers have fired by now (each checks IDLE_MS after its last edit).
      await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_MS))
      const list = await versionsOn(one)
      expect(list.map((v: any) => [v.number, v.kind, v.name])).toEqual([
        [2, 'auto', null],
        [1, 'auto', 'Created'],
      ])
      expect(list[0].authors.map((x: any) => x.email).sort()).toEqual(
        [ADMIN.email, guest.email].sort(),
      )
      const text = await api(one.url, 'GET', `/api/pipelines/${id}/versions/${list[0].id}/yaml`, {
        token,
      })
      expect(text.text).toBe(final)
    } finally {
      a.destroy()
      b.destroy()
    }
  })
})
