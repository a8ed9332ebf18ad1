/**
 * Issue 5's search benchmark: 100,000 pipelines written straight into a real PostgreSQL (batched
 * multi-row INSERTs from a seeded word list), 1,000 users with access rows, then 250 varied
 * searches through `GET /api/search` on the built server for a user with a role on 20,000 of them.
 *
 *   pnpm --filter @weft/server build
 *   pnpm exec vitest run --config bench/vitest.config.ts bench/search.bench.test.ts
 *
 * Prints p50/p95/p99 (HTTP round trip, and the store's query alone) and writes
 * bench/results/search.json. See docs/benchmarks.md, "Search (issue 5)".
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openStore, type Store } from '@weft/storage'
import {
  ADMIN,
  api,
  createUser,
  startServerProcess,
  tokenFor,
  type ServerProcess,
} from '../test/harness.js'
import { createDatabase, startPostgres, type PostgresServer } from '@weft/storage/testing'
import { describeMachine, type Machine } from './lib/machine.js'
import { ms, summarize, type Summary } from './lib/stats.js'
import { rng } from './lib/workload.js'

const here = dirname(fileURLToPath(import.meta.url))
const PIPELINES = 100_000
const USERS = 1_000
/** The measured user has a role on this many pipelines (owner of some, shared the rest). */
const VISIBLE = 20_000
/** Besides its owner, each pipeline is shared with this many random users. */
const SHARES = 2
const BATCH = 2_000
const WARMUP = 30
const SEARCHES = 250

const VERBS = `summarize review extract classify translate triage draft analyse compare rank
  route score detect validate clean merge split generate rewrite explain audit plan tag label
  convert parse check answer research outline`.split(/\s+/)
const NOUNS = `invoice contract email ticket report diff pull_request article paper resume
  transcript log alert incident customer order receipt policy manual release changelog
  dataset table survey feedback review meeting note proposal budget forecast lead campaign
  product listing recipe lesson quiz test bug schema query document image caption`.split(/\s+/)
const FILLER = `the a of to and in for with each every from into that this then only one all
  list short clear careful plain json markdown table bullet points summary key facts risks
  steps owner date total amount name address score reason evidence quote section line file
  output input format language english french german tone formal friendly brief detailed
  include exclude missing wrong duplicate urgent priority high low status open closed`.split(/\s+/)
const TYPES = [
  'claude',
  'gemini',
  'claude_smart',
  'parallel_claude',
  'claude_session',
  'set_variable',
]

let pg: PostgresServer
let databaseUrl: string
let server: ServerProcess
let store: Store
let machine: Machine
let token = ''
let userId = ''
const result: {
  generateSeconds?: number
  http?: Summary
  store?: Summary
  hits?: { mean: number; zero: number }
  byKind?: Record<string, Summary>
} = {}

beforeAll(async () => {
  pg = await startPostgres()
  databaseUrl = await createDatabase(pg.url, 'weft_search_bench')
  machine = await describeMachine(pg.url)
  server = await startServerProcess({ DATABASE_URL: databaseUrl })
  const admin = await tokenFor(server.url, ADMIN)
  const measured = await createUser(server.url, admin, 'searcher@example.com')
  token = measured.token
  store = await openStore({ databaseUrl })
  userId = (await store.findUserByEmail('searcher@example.com'))!.id
  const started = Date.now()
  await generate(databaseUrl, userId)
  result.generateSeconds = (Date.now() - started) / 1000
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.postgres}; generated ${PIPELINES} pipelines in ${result.generateSeconds.toFixed(0)} s`,
  )
}, 1_800_000)

afterAll(async () => {
  await store?.close()
  await server?.stop()
  await pg?.stop()
})

/** Batched multi-row INSERTs; every value is a bind parameter (one JSON array per batch). */
async function generate(url: string, searcher: string): Promise<void> {
  const random = rng(5)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  // Zipf-ish: early words of a list are much more common than late ones.
  const skewed = <T>(list: readonly T[]) => list[Math.floor(random() ** 2 * list.length)]!
  const sentence = (n: number) =>
    Array.from({ length: n }, () => (random() < 0.3 ? skewed(NOUNS) : pick(FILLER))).join(' ')
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const users = Array.from({ length: USERS - 2 }, (_, i) => ({
      id: randomUUID(),
      email: `user${i}@example.com`,
    }))
    await sql`insert into users (id, email, password_hash)
      select x.id, x.email, 'bench:no-login'
      from jsonb_to_recordset(${JSON.stringify(users)}::text::jsonb) as x(id text, email text)`
    const userIds = [searcher, ...users.map((u) => u.id)]
    for (let start = 0; start < PIPELINES; start += BATCH) {
      const rows = []
      const access = []
      for (let i = start; i < Math.min(PIPELINES, start + BATCH); i++) {
        const id = `bench_${i}`
        // The searcher sees every fifth pipeline: owns a tenth of those, the rest are shared.
        const visible = i % (PIPELINES / VISIBLE) === 0
        const owner = visible && random() < 0.1 ? searcher : pick(userIds.slice(1))
        const name = `${skewed(VERBS)}_${skewed(NOUNS)}${random() < 0.3 ? `_${pick(NOUNS)}` : ''}`
        const description = random() < 0.7 ? sentence(6 + Math.floor(random() * 10)) : ''
        const steps = Array.from({ length: 2 + Math.floor(random() * 7) }, (_, s) => ({
          name: `${pick(VERBS)}_${pick(NOUNS)}_${s}`,
          type: skewed(TYPES),
          prompt: `${pick(VERBS)} the ${skewed(NOUNS)}: ${sentence(10 + Math.floor(random() * 25))}`,
        }))
        const yaml = `workflow:\n  name: ${name}\n${description ? `  description: ${description}\n` : ''}  steps:\n${steps
          .map(
            (s) =>
              `    - name: ${s.name}\n      type: ${s.type}\n      prompt:\n        - type: static\n          content: ${JSON.stringify(s.prompt)}\n`,
          )
          .join('')}`
        // As summarizeDocument would: names, description, step names, types and prompt text.
        const search = [
          name,
          ...(description ? [description] : []),
          ...steps.flatMap((s) => [s.name, s.type, 'static', s.prompt]),
        ].join('\n')
        const types = [...new Set(steps.map((s) => s.type))]
        rows.push({ id, owner, name, description, yaml, search, types: `{${types.join(',')}}` })
        const with_ = new Set([owner])
        access.push({ p: id, u: owner, r: 'owner' })
        if (visible && owner !== searcher) {
          with_.add(searcher)
          access.push({ p: id, u: searcher, r: random() < 0.5 ? 'editor' : 'viewer' })
        }
        for (let k = 0; k < SHARES; k++) {
          const other = pick(userIds.slice(1))
          if (with_.has(other)) continue
          with_.add(other)
          access.push({ p: id, u: other, r: random() < 0.5 ? 'editor' : 'viewer' })
        }
      }
      await sql`insert into pipelines (id, owner_id, name, description, epoch, yaml, search,
          step_types, updated_at)
        select x.id, x.owner, x.name, x.description, 'bench', x.yaml, x.search, x.types::text[],
          now() - (random() * interval '365 days')
        from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
          as x(id text, owner text, name text, description text, yaml text, search text, types text)`
      await sql`insert into pipeline_access (pipeline_id, user_id, role)
        select x.p, x.u, x.r
        from jsonb_to_recordset(${JSON.stringify(access)}::text::jsonb) as x(p text, u text, r text)`
    }
    await sql`vacuum analyze`
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** Varied queries: common, middling and rare words, two words, phrases, or, filters. */
function queries(count: number): Array<{ kind: string; query: string }> {
  const random = rng(11)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const out: Array<{ kind: string; query: string }> = []
  const kinds = [
    () => ({ kind: 'common word', q: pick(NOUNS.slice(0, 8)) }),
    () => ({ kind: 'rare word', q: pick(NOUNS.slice(-12)) }),
    () => ({ kind: 'two words', q: `${pick(VERBS)} ${pick(NOUNS)}` }),
    () => ({ kind: 'phrase', q: `"${pick(VERBS)} the ${pick(NOUNS)}"` }),
    () => ({ kind: 'or', q: `${pick(NOUNS)} or ${pick(NOUNS)}` }),
    () => ({ kind: 'type filter', q: pick(NOUNS), type: pick(TYPES) }),
    () => ({
      kind: 'owner filter',
      q: pick(NOUNS),
      owner: `user${Math.floor(random() * 999)}@example.com`,
    }),
    () => ({ kind: 'no match', q: `zz${Math.floor(random() * 1e6)}` }),
  ]
  for (let i = 0; i < count; i++) {
    const spec = kinds[i % kinds.length]!() as {
      kind: string
      q: string
      type?: string
      owner?: string
    }
    const params = new URLSearchParams({ q: spec.q })
    if (spec.type) params.set('type', spec.type)
    if (spec.owner) params.set('owner', spec.owner)
    out.push({ kind: spec.kind, query: params.toString() })
  }
  return out
}

test('search: 250 queries at 100,000 pipelines', async () => {
  for (const { query } of queries(WARMUP)) {
    expect((await api(server.url, 'GET', `/api/search?${query}`, { token })).status).toBe(200)
  }
  const list = queries(SEARCHES)
  const http: number[] = []
  const kinds = new Map<string, number[]>()
  let hits = 0
  let zero = 0
  for (const { kind, query } of list) {
    const t0 = performance.now()
    const res = await api(server.url, 'GET', `/api/search?${query}`, { token })
    const took = performance.now() - t0
    expect(res.status).toBe(200)
    http.push(took)
    kinds.set(kind, [...(kinds.get(kind) ?? []), took])
    hits += res.json.length
    if (res.json.length === 0) zero++
  }
  const direct: number[] = []
  for (const { query } of list) {
    const params = new URLSearchParams(query)
    const t0 = performance.now()
    await store.search.search(userId, {
      q: params.get('q')!,
      limit: 20,
      ...(params.get('type') ? { type: params.get('type')! } : {}),
      ...(params.get('owner') ? { ownerEmail: params.get('owner')! } : {}),
    })
    direct.push(performance.now() - t0)
  }
  result.http = summarize(http)
  result.store = summarize(direct)
  result.hits = { mean: hits / list.length, zero }
  result.byKind = Object.fromEntries([...kinds].map(([k, v]) => [k, summarize(v)]))
  const line = (s: Summary) =>
    `p50 ${ms(s.p50)} p95 ${ms(s.p95)} p99 ${ms(s.p99)} max ${ms(s.max)} ms`
  console.log(`HTTP GET /api/search (${SEARCHES}): ${line(result.http)}`)
  console.log(`store.search alone: ${line(result.store)}`)
  for (const [kind, s] of Object.entries(result.byKind)) console.log(`  ${kind}: ${line(s)}`)
  console.log(`hits per query ${result.hits.mean.toFixed(1)}, ${zero} with none`)
  mkdirSync(join(here, 'results'), { recursive: true })
  writeFileSync(
    join(here, 'results', 'search.json'),
    JSON.stringify(
      { machine, pipelines: PIPELINES, users: USERS, visible: VISIBLE, ...result },
      null,
      2,
    ) + '\n',
  )
})
