import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  createPipeline,
  createUser,
  startServerProcess,
  tokenFor,
  type ServerProcess,
} from './harness.js'

let server: ServerProcess
let admin: string
let alice: Awaited<ReturnType<typeof createUser>>
let bob: Awaited<ReturnType<typeof createUser>>

const pipeline = (
  name: string,
  steps: Array<{ name: string; type: string; prompt: string }>,
  description = '',
) =>
  `workflow:
  name: ${name}
${description ? `  description: ${description}\n` : ''}  steps:
${steps
  .map(
    (s) => `    - name: ${s.name}
      type: ${s.type}
      prompt:
        - type: static
          content: ${s.prompt}
`,
  )
  .join('')}`

const ids: Record<string, string> = {}

beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: await freshDatabaseUrl() })
  admin = await tokenFor(server.url, ADMIN)
  alice = await createUser(server.url, admin, 'alice@example.com')
  bob = await createUser(server.url, admin, 'bob@example.com')
  // Created oldest first: the prompt-text match is the newest, so only the rank can put the name
  // match above it.
  ids.byName = await createPipeline(
    server.url,
    alice.token,
    pipeline('invoice_triage', [{ name: 'sort', type: 'claude', prompt: 'Sort the mail' }]),
  )
  ids.byDescription = await createPipeline(
    server.url,
    alice.token,
    pipeline(
      'ledger',
      [{ name: 'read', type: 'gemini', prompt: 'Read it' }],
      'Checks each invoice',
    ),
  )
  ids.byPrompt = await createPipeline(
    server.url,
    alice.token,
    pipeline('mailroom', [
      { name: 'open_mail', type: 'claude', prompt: 'Open the envelope' },
      { name: 'extract_totals', type: 'gemini', prompt: 'Find the invoice total and the due date' },
    ]),
  )
  ids.bobs = await createPipeline(
    server.url,
    bob.token,
    pipeline('invoice_archive', [{ name: 'archive', type: 'claude', prompt: 'Archive invoice' }]),
  )
  ids.bobsSecret = await createPipeline(
    server.url,
    bob.token,
    pipeline('invoice_secret', [{ name: 'hide', type: 'claude', prompt: 'invoice invoice' }]),
  )
  // Bob shares one of his with Alice as a viewer.
  const shared = await api(server.url, 'PUT', `/api/pipelines/${ids.bobs}/access`, {
    token: bob.token,
    json: { email: alice.email, role: 'viewer' },
  })
  expect(shared.status).toBe(200)
})
afterAll(async () => {
  await server?.stop()
})

const search = (token: string, query: string) =>
  api(server.url, 'GET', `/api/search?${query}`, { token })

describe('GET /api/search', () => {
  it('ranks a name match above a description match above a prompt-text match', async () => {
    const res = await search(alice.token, 'q=invoice')
    expect(res.status).toBe(200)
    const order = (res.json as Array<{ id: string }>).map((h) => h.id)
    expect(order.indexOf(ids.byName!)).toBeGreaterThanOrEqual(0)
    expect(order.indexOf(ids.byName!)).toBeLessThan(order.indexOf(ids.byDescription!))
    expect(order.indexOf(ids.byDescription!)).toBeLessThan(order.indexOf(ids.byPrompt!))
    const where = (id: string) =>
      (res.json as Array<{ id: string; matchedIn: string }>).find((h) => h.id === id)!.matchedIn
    expect(where(ids.byName!)).toBe('name')
    expect(where(ids.byDescription!)).toBe('description')
    expect(where(ids.byPrompt!)).toBe('steps')
  })

  it('puts a pipeline whose name is the query first, and matches the last word as a prefix', async () => {
    const exact = await search(alice.token, 'q=' + encodeURIComponent('Invoice Triage'))
    expect(exact.json[0]).toMatchObject({ id: ids.byName, matchedIn: 'exact-name' })
    const typing = await search(alice.token, 'q=invo')
    expect(typing.json.map((h: { id: string }) => h.id)).toContain(ids.byName)
    // Not for an excluded word, nor inside quotes.
    const excluded = await search(alice.token, 'q=' + encodeURIComponent('mail -invo'))
    expect(excluded.json.map((h: { id: string }) => h.id)).toContain(ids.byPrompt)
  })

  it('answers with the documented shape and names the matching step', async () => {
    const res = await search(alice.token, 'q=' + encodeURIComponent('due date'))
    expect(res.status).toBe(200)
    expect(res.json).toHaveLength(1)
    expect(res.json[0]).toMatchObject({
      id: ids.byPrompt,
      name: 'mailroom',
      description: '',
      role: 'owner',
      matchedStep: { name: 'extract_totals' },
    })
    expect(res.json[0].rank).toBeGreaterThan(0)
    expect(Date.parse(res.json[0].updatedAt)).not.toBeNaN()

    const byStepName = await search(alice.token, 'q=open_mail')
    expect(byStepName.json.map((h: { id: string }) => h.id)).toEqual([ids.byPrompt])
    expect(byStepName.json[0].matchedStep).toEqual({ name: 'open_mail' })
  })

  it('never returns a pipeline the caller has no role on', async () => {
    const res = await search(alice.token, 'q=invoice&limit=100')
    const found = (res.json as Array<{ id: string; role: string }>).map((h) => h.id)
    expect(found).not.toContain(ids.bobsSecret)
    expect(found.sort()).toEqual([ids.byName, ids.byDescription, ids.byPrompt, ids.bobs].sort())
    expect(res.json.find((h: { id: string }) => h.id === ids.bobs).role).toBe('viewer')
    const secret = await search(alice.token, 'q=invoice_secret')
    expect(secret.json).toEqual([])
    const forBob = await search(bob.token, 'q=invoice')
    expect(forBob.json.map((h: { id: string }) => h.id).sort()).toEqual(
      [ids.bobs, ids.bobsSecret].sort(),
    )
  })

  it('filters by step type and by owner', async () => {
    const gemini = await search(alice.token, 'q=invoice&type=gemini')
    expect(gemini.json.map((h: { id: string }) => h.id).sort()).toEqual(
      [ids.byDescription, ids.byPrompt].sort(),
    )
    const none = await search(alice.token, 'q=invoice&type=parallel_claude')
    expect(none.json).toEqual([])
    const bobs = await search(alice.token, `q=invoice&owner=${encodeURIComponent(bob.email)}`)
    expect(bobs.json.map((h: { id: string }) => h.id)).toEqual([ids.bobs])
    const nobody = await search(alice.token, 'q=invoice&owner=nobody%40example.com')
    expect(nobody.json).toEqual([])
  })

  it('refuses an empty or oversized query and a bad limit with 400', async () => {
    for (const query of [
      '',
      'q=',
      'q=%20%20',
      `q=${'a'.repeat(201)}`,
      'q=x&limit=0',
      'q=x&limit=abc',
    ]) {
      const res = await search(alice.token, query)
      expect(res.status, query).toBe(400)
      expect(res.json.error.code).toBe('BAD_REQUEST')
      expect(res.json.error.message).toMatch(/^(q|limit):/)
    }
    expect((await api(server.url, 'GET', '/api/search?q=x')).status).toBe(401)
  })

  it('refuses a bad tag filter with 400 naming the field', async () => {
    for (const query of ['q=x&tag=a%2Cb', `q=x&tag=${'t'.repeat(40)}`, 'q=x&tag=-x']) {
      const res = await search(alice.token, query)
      expect(res.status, query).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST' })
      expect(res.json.error.message).toMatch(/^tag: /)
    }
  })

  it('limits the number of results', async () => {
    const res = await search(alice.token, 'q=invoice&limit=2')
    expect(res.json).toHaveLength(2)
  })
})

describe('tags', () => {
  const putTags = (token: string, id: string, json: unknown) =>
    api(server.url, 'PUT', `/api/pipelines/${id}/tags`, { token, json })

  it('lets an editor set them, normalized, and shows them in lists and search', async () => {
    const res = await putTags(alice.token, ids.byDescription!, {
      tags: ['Finance', 'month end', 'finance'],
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ tags: ['finance', 'month-end'] })
    const one = await api(server.url, 'GET', `/api/pipelines/${ids.byDescription}`, {
      token: alice.token,
    })
    expect(one.json.tags).toEqual(['finance', 'month-end'])
    const list = await api(server.url, 'GET', '/api/pipelines?tag=finance', { token: alice.token })
    expect(list.json.map((p: { id: string }) => p.id)).toEqual([ids.byDescription])
    const found = await search(alice.token, 'q=invoice&tag=Finance')
    expect(found.json.map((h: { id: string }) => h.id)).toEqual([ids.byDescription])
    expect(found.json[0].tags).toEqual(['finance', 'month-end'])
    const byTag = await search(alice.token, 'q=month-end')
    expect(byTag.json[0]).toMatchObject({ id: ids.byDescription, matchedIn: 'name' })
  })

  it('refuses bad tags with 400 saying which and why', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ tags: ['ok', 'no way!'] }, /^tags\[1\]: "no-way!" may only hold/],
      [{ tags: [''] }, /^tags\[0\]: a tag cannot be empty/],
      [{ tags: ['x'.repeat(33)] }, /^tags\[0\]: .* longer than 32 characters/],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, /^tags: at most 10, not 11/],
      [{ tags: 'prod' }, /^tags: /],
      [{}, /^tags: /],
    ]
    for (const [json, message] of cases) {
      const res = await putTags(alice.token, ids.byName!, json)
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect(res.json.error.code).toBe('BAD_REQUEST')
      expect(res.json.error.message).toMatch(message)
    }
    const still = await api(server.url, 'GET', `/api/pipelines/${ids.byName}`, {
      token: alice.token,
    })
    expect(still.json.tags).toEqual([])
  })

  it('needs the editor role, and hides pipelines the caller cannot see', async () => {
    const viewer = await putTags(alice.token, ids.bobs!, { tags: ['mine'] })
    expect(viewer.status).toBe(403)
    expect(viewer.json.error.code).toBe('FORBIDDEN')
    const stranger = await putTags(alice.token, ids.bobsSecret!, { tags: ['mine'] })
    expect(stranger.status).toBe(404)
    expect(stranger.json.error.code).toBe('PIPELINE_NOT_FOUND')
    expect(
      (await api(server.url, 'PUT', `/api/pipelines/${ids.bobs}/tags`, { json: { tags: [] } }))
        .status,
    ).toBe(401)
  })

  it("lists the tags of visible pipelines only, never another user's", async () => {
    expect((await putTags(bob.token, ids.bobsSecret!, { tags: ['classified'] })).status).toBe(200)
    expect((await putTags(bob.token, ids.bobs!, { tags: ['archive', 'finance'] })).status).toBe(200)
    const forAlice = await api(server.url, 'GET', '/api/tags', { token: alice.token })
    expect(forAlice.status).toBe(200)
    expect(forAlice.json).toContainEqual({ tag: 'finance', count: 2 })
    expect(forAlice.json).toContainEqual({ tag: 'archive', count: 1 })
    expect(forAlice.json.map((t: { tag: string }) => t.tag)).not.toContain('classified')
    const hidden = await search(alice.token, 'q=invoice&tag=classified')
    expect(hidden.json).toEqual([])
    const forBob = await api(server.url, 'GET', '/api/tags', { token: bob.token })
    expect(forBob.json).toContainEqual({ tag: 'classified', count: 1 })
  })
})
