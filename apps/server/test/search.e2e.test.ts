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
    const ranks = (res.json as Array<{ rank: number }>).map((h) => h.rank)
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks)
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

  it('limits the number of results', async () => {
    const res = await search(alice.token, 'q=invoice&limit=2')
    expect(res.json).toHaveLength(2)
  })
})
