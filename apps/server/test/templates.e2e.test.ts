/**
 * Templates against the built server: the gallery lists the shipped templates and every pipeline
 * an owner marked; only owners mark; a pipeline created from a template starts as the template's
 * exact bytes (only the name line differs when a name is given); unknown ids are 404
 * TEMPLATE_NOT_FOUND; and WEFT_TEMPLATES_DIR replaces the shipped directory.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  createPipeline,
  createUser,
  pipelineYaml,
  startServerProcess,
  tempDir,
  tokenFor,
  type ServerProcess,
} from './harness.js'

const shippedDir = fileURLToPath(new URL('../templates', import.meta.url))
const shipped = readdirSync(shippedDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({
    id: `weft.${f.slice(0, -'.yaml'.length)}`,
    yaml: readFileSync(join(shippedDir, f), 'utf8'),
  }))

let server: ServerProcess
let admin: string
let ada: { email: string; token: string }
let bob: { email: string; token: string }

beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: await freshDatabaseUrl() })
  admin = await tokenFor(server.url, ADMIN)
  ada = await createUser(server.url, admin, 'ada@example.com')
  bob = await createUser(server.url, admin, 'bob@example.com')
})
afterAll(async () => {
  await server?.stop()
})

const gallery = async (token: string) => {
  const res = await api(server.url, 'GET', '/api/templates', { token })
  expect(res.status).toBe(200)
  return res.json as Array<Record<string, any>>
}
const mark = (token: string, id: string, template: boolean) =>
  api(server.url, 'PUT', `/api/pipelines/${id}/template`, { token, json: { template } })
const fromTemplate = (token: string, template: string, name?: string) =>
  api(server.url, 'POST', '/api/pipelines', {
    token,
    json: name === undefined ? { template } : { template, name },
  })
const yamlOf = async (token: string, id: string) => {
  const res = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token })
  expect(res.status).toBe(200)
  return res.text
}

describe('the gallery', () => {
  it('needs a signed-in user', async () => {
    expect((await api(server.url, 'GET', '/api/templates')).status).toBe(401)
  })

  it('lists every shipped template with its title, description and step types', async () => {
    const list = await gallery(ada.token)
    const weft = list.filter((t) => t.source === 'weft')
    expect(weft.map((t) => t.id)).toEqual(shipped.map((t) => t.id))
    expect(shipped.length).toBeGreaterThanOrEqual(5)
    const review = weft.find((t) => t.id === 'weft.code-review')!
    expect(review).toMatchObject({
      name: 'Code review of a diff',
      stepCount: 2,
      stepTypes: ['parallel_claude', 'claude'],
    })
    expect(review.description).toMatch(/parallel reviewers/)
    expect(review.owner).toBeUndefined()
    const loop = weft.find((t) => t.id === 'weft.review-files-loop')!
    // The loop body's step counts too.
    expect(loop).toMatchObject({ stepCount: 4, stepTypes: ['file_ops', 'for_loop', 'claude'] })
    for (const t of weft) {
      expect(t.name).not.toBe('')
      expect(t.description).not.toBe('')
    }
  })

  it('serves each shipped template’s YAML byte for byte', async () => {
    for (const t of shipped) {
      const res = await api(server.url, 'GET', `/api/templates/${t.id}/yaml`, { token: bob.token })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/yaml/)
      expect(res.text).toBe(t.yaml)
    }
  })
})

describe('team templates', () => {
  it('only an owner marks a pipeline as a template (editors 403, others 404)', async () => {
    const id = await createPipeline(server.url, ada.token, pipelineYaml('ada-owned', 2))
    await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: ada.token,
      json: { email: bob.email, role: 'editor' },
    })
    const byEditor = await mark(bob.token, id, true)
    expect(byEditor.status).toBe(403)
    expect(byEditor.json.error.code).toBe('FORBIDDEN')
    const byStranger = await mark(admin, id, true)
    expect(byStranger.status).toBe(404)
    expect(byStranger.json.error.code).toBe('PIPELINE_NOT_FOUND')
    const bad = await api(server.url, 'PUT', `/api/pipelines/${id}/template`, {
      token: ada.token,
      json: { template: 'yes' },
    })
    expect(bad.status).toBe(400)
    expect((await gallery(ada.token)).some((t) => t.pipelineId === id)).toBe(false)

    const byOwner = await mark(ada.token, id, true)
    expect(byOwner.status).toBe(200)
    expect(byOwner.json).toMatchObject({ id, template: true, templateId: `team.${id}` })
    expect((await gallery(ada.token)).some((t) => t.pipelineId === id)).toBe(true)
  })

  it('a marked pipeline appears in every user’s gallery, who can create from it', async () => {
    const yaml = pipelineYaml('Weekly digest', 3)
    const id = await createPipeline(server.url, ada.token, yaml)
    expect((await mark(ada.token, id, true)).status).toBe(200)

    // bob has no role on the pipeline itself …
    expect(
      (await api(server.url, 'GET', `/api/pipelines/${id}`, { token: bob.token })).status,
    ).toBe(404)
    // … yet sees it as a template, with its owner.
    const entry = (await gallery(bob.token)).find((t) => t.id === `team.${id}`)
    expect(entry).toEqual({
      id: `team.${id}`,
      source: 'team',
      name: 'Weekly digest',
      description: '',
      stepCount: 3,
      stepTypes: ['claude'],
      owner: ada.email,
      pipelineId: id,
    })
    const text = await api(server.url, 'GET', `/api/templates/team.${id}/yaml`, {
      token: bob.token,
    })
    expect(text.text).toBe(yaml)

    const created = await fromTemplate(bob.token, `team.${id}`)
    expect(created.status).toBe(201)
    const copy = created.json.id as string
    expect(copy).not.toBe(id)
    expect(await yamlOf(bob.token, copy)).toBe(yaml)
    // The copy is bob's own pipeline, not a template.
    const mine = (await api(server.url, 'GET', '/api/pipelines', { token: bob.token })).json
    expect(mine.find((p: any) => p.id === copy)).toMatchObject({ role: 'owner' })
    expect((await gallery(bob.token)).some((t) => t.pipelineId === copy)).toBe(false)

    // Unmarked, it leaves the gallery and can no longer be used.
    expect((await mark(ada.token, id, false)).status).toBe(200)
    expect((await gallery(bob.token)).some((t) => t.pipelineId === id)).toBe(false)
    const gone = await fromTemplate(bob.token, `team.${id}`)
    expect(gone.status).toBe(404)
    expect(gone.json.error.code).toBe('TEMPLATE_NOT_FOUND')
  })

  it('a deleted template leaves the gallery', async () => {
    const id = await createPipeline(server.url, ada.token, pipelineYaml('short-lived'))
    await mark(ada.token, id, true)
    expect((await gallery(bob.token)).some((t) => t.pipelineId === id)).toBe(true)
    await api(server.url, 'DELETE', `/api/pipelines/${id}`, { token: ada.token })
    expect((await gallery(bob.token)).some((t) => t.pipelineId === id)).toBe(false)
    const res = await api(server.url, 'GET', `/api/templates/team.${id}/yaml`, { token: bob.token })
    expect(res.status).toBe(404)
  })
})

describe('creating a pipeline from a template', () => {
  it('gives exactly the template’s bytes, comments included, owned by the caller', async () => {
    for (const t of shipped) {
      const res = await fromTemplate(bob.token, t.id)
      expect(res.status, res.text).toBe(201)
      expect(res.json.diagnostics.filter((d: any) => d.severity === 'error')).toEqual([])
      expect(await yamlOf(bob.token, res.json.id)).toBe(t.yaml)
      // ada cannot see bob's new pipeline.
      const other = await api(server.url, 'GET', `/api/pipelines/${res.json.id}`, {
        token: ada.token,
      })
      expect(other.status).toBe(404)
    }
  })

  it('with a name, only the name line differs', async () => {
    const t = shipped.find((s) => s.id === 'weft.research-writing')!
    const res = await fromTemplate(ada.token, t.id, 'Blog: "CRDTs" explained')
    expect(res.status).toBe(201)
    const yaml = await yamlOf(ada.token, res.json.id)
    const before = t.yaml.split('\n')
    const after = yaml.split('\n')
    expect(after.length).toBe(before.length)
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [i]))
    expect(changed.length).toBe(1)
    expect(before[changed[0]!]).toBe('  name: Research, outline and draft')
    expect(after[changed[0]!]).toMatch(/^ {2}name: /)
    const info = await api(server.url, 'GET', `/api/pipelines/${res.json.id}`, { token: ada.token })
    expect(info.json.name).toBe('Blog: "CRDTs" explained')
  })

  it('refuses an unknown template with 404 TEMPLATE_NOT_FOUND, creating nothing', async () => {
    const before = (await api(server.url, 'GET', '/api/pipelines', { token: ada.token })).json
    for (const id of ['weft.no-such-template', 'team.nope', 'nope', 'team.../x']) {
      const res = await fromTemplate(ada.token, id)
      expect(res.status, id).toBe(404)
      expect(res.json.error.code).toBe('TEMPLATE_NOT_FOUND')
    }
    const yaml = await api(server.url, 'GET', '/api/templates/weft.nope/yaml', { token: ada.token })
    expect(yaml.status).toBe(404)
    expect(yaml.json.error.code).toBe('TEMPLATE_NOT_FOUND')
    const after = (await api(server.url, 'GET', '/api/pipelines', { token: ada.token })).json
    expect(after.length).toBe(before.length)
  })
})

describe('WEFT_TEMPLATES_DIR', () => {
  it('replaces the shipped directory', async () => {
    const dir = join(tempDir('templates'), 'mine')
    mkdirSync(dir)
    const own = pipelineYaml('House style', 1).replace('# owned by', '# house template, owned by')
    writeFileSync(join(dir, 'house-style.yaml'), own)
    const other = await startServerProcess({
      DATABASE_URL: await freshDatabaseUrl(),
      WEFT_TEMPLATES_DIR: dir,
    })
    try {
      const token = await tokenFor(other.url, ADMIN)
      const res = await api(other.url, 'GET', '/api/templates', { token })
      expect(res.json.map((t: any) => [t.id, t.name])).toEqual([
        ['weft.house-style', 'House style'],
      ])
      const created = await api(other.url, 'POST', '/api/pipelines', {
        token,
        json: { template: 'weft.house-style' },
      })
      const back = await api(other.url, 'GET', `/api/pipelines/${created.json.id}/yaml`, { token })
      expect(back.text).toBe(own)
    } finally {
      await other.stop()
    }
  })
})
