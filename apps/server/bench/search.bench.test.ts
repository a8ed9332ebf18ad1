/**
 * Issue 5's search benchmark: 100,000 pipelines shaped like the pipeline_ex corpus (bench/lib/
 * search-data.ts: corpus pipelines with a third of their words redrawn from a Zipf vocabulary)
 * written straight into a real PostgreSQL (batched multi-row INSERTs), 1,000 users in ten teams
 * that each own a tenth of the pipelines (each pipeline also has its creator as owner and two
 * random direct shares), then searches through `GET /api/search` on the built server for two
 * users: a member of one team (about 8,000 pipelines: the realistic share) and a member of all
 * ten who also has the personal fifth shared with them (all 100,000: the worst case). A fifth of
 * the pipelines are personal (no team).
 *
 *   pnpm --filter @weft/server build
 *   pnpm exec vitest run --config bench/vitest.config.ts bench/search.bench.test.ts
 *
 * Needs ../shared/corpus/pipeline_ex beside the repository. Prints p50/p95/p99 per user and
 * query class (HTTP round trip, and the store's query alone) and writes
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
import { readCorpus, SearchDataGenerator } from './lib/search-data.js'
import { ms, summarize, type Summary } from './lib/stats.js'
import { rng } from './lib/workload.js'

const here = dirname(fileURLToPath(import.meta.url))
const PIPELINES = 100_000
const USERS = 1_000
/** Teams; each owns every TEAMS-th pipeline. The realistic user is in one, the other in all. */
const TEAMS = 10
/** Besides its owner, each pipeline is shared with this many random users. */
const SHARES = 2
const BATCH = 2_000
const WARMUP = 40
/** Per user and query class. */
const PER_CLASS = 30
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/pipeline_ex/', import.meta.url))
const TYPES = ['claude', 'gemini', 'claude_smart', 'parallel_claude', 'claude_session']

let pg: PostgresServer
let databaseUrl: string
let server: ServerProcess
let store: Store
let machine: Machine
interface Measured {
  name: string
  /** Pipelines the user has a role on, counted after generating. */
  visible: number
  token: string
  id: string
}
const users: Measured[] = []
/** Document frequency of each word in a sample of the generated pipelines, for the queries. */
let frequency = new Map<string, number>()
let popularTags: string[] = []
const result: {
  generateSeconds?: number
  vocabulary?: { sampled: number; words: number; over50: number; over10: number; over1: number }
  users?: Record<
    string,
    {
      visible: number
      http: Summary
      store: Summary
      byClass: Record<string, { http: Summary; store: Summary; hits: number }>
    }
  >
} = {}

beforeAll(async () => {
  if (KEEP === undefined) {
    pg = await startPostgres()
    databaseUrl = await createDatabase(pg.url, 'weft_search_bench')
  } else {
    databaseUrl = KEEP
  }
  machine = await describeMachine(databaseUrl)
  server = await startServerProcess({ DATABASE_URL: databaseUrl })
  const admin = await tokenFor(server.url, ADMIN)
  store = await openStore({ databaseUrl })
  for (const [name, visible] of [
    ['share', PIPELINES / TEAMS],
    ['all', PIPELINES],
  ] as const) {
    const email = `${name}@example.com`
    const existing = await store.findUserByEmail(email)
    const token = existing
      ? await tokenFor(server.url, { email, password: `${email} password` })
      : (await createUser(server.url, admin, email)).token
    users.push({ name, visible, token, id: (await store.findUserByEmail(email))!.id })
  }
  const started = Date.now()
  await generate(databaseUrl)
  for (const user of users) user.visible = (await store.listPipelines(user.id)).length
  result.generateSeconds = (Date.now() - started) / 1000
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.postgres}; generated ${PIPELINES} pipelines in ${result.generateSeconds.toFixed(0)} s`,
  )
}, 3_600_000)

afterAll(async () => {
  await store?.close()
  await server?.stop()
  await pg?.stop()
})

/**
 * `BENCH_SEARCH_DATABASE_URL`: an existing database to run in instead of a throwaway server.
 * Empty, it is filled as usual and kept; already filled by an earlier run, generating only
 * replays the (seeded) generator for the query words, so changes to search can be measured
 * again in seconds on the same data. Its PostgreSQL is the caller's to start and stop.
 */
const KEEP = process.env.BENCH_SEARCH_DATABASE_URL || undefined

/** Batched multi-row INSERTs; every value is a bind parameter (one JSON array per batch). */
async function generate(url: string): Promise<void> {
  const generator = new SearchDataGenerator(readCorpus(CORPUS), rng(5))
  const random = rng(7)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const [share, all] = users as [Measured, Measured]
  const tagCounts = new Map<string, number>()
  const sampled = 5_000
  try {
    const [count] = await sql<Array<{ n: number }>>`select count(*)::int as n from pipelines`
    const write = count?.n === 0
    if (!write && count?.n !== PIPELINES) {
      throw new Error(`the database holds ${count?.n} pipelines, neither none nor ${PIPELINES}`)
    }
    // Kept from a run before migration 12: fill in the step text as compaction would.
    const [missing] = await sql<Array<{ n: number }>>`select count(*)::int as n from pipelines
      where step_text is null`
    const backfill = !write && (missing?.n ?? 0) > 0
    const others = Array.from({ length: USERS - users.length }, (_, i) => ({
      id: randomUUID(),
      email: `user${i}@example.com`,
    }))
    if (write) {
      await sql`insert into users (id, email, password_hash)
      select x.id, x.email, 'bench:no-login'
      from jsonb_to_recordset(${JSON.stringify(others)}::text::jsonb) as x(id text, email text)`
      const teams = Array.from({ length: TEAMS }, (_, i) => ({
        id: `team_${i}`,
        name: `Team ${i}`,
      }))
      const members = teams.flatMap((team, i) => [
        { t: team.id, u: all.id, r: 'member' },
        ...(i === 0 ? [{ t: team.id, u: share.id, r: 'member' }] : []),
        // Everyone else is in one team.
        ...others
          .filter((_, k) => k % TEAMS === i)
          .map((o) => ({ t: team.id, u: o.id, r: 'member' })),
      ])
      await sql`insert into teams (id, name) select x.id, x.name
      from jsonb_to_recordset(${JSON.stringify(teams)}::text::jsonb) as x(id text, name text)`
      await sql`insert into team_members (team_id, user_id, role) select x.t, x.u, x.r
      from jsonb_to_recordset(${JSON.stringify(members)}::text::jsonb) as x(t text, u text, r text)`
    }
    const pick = () => others[Math.floor(random() * others.length)]!.id
    for (let start = 0; start < PIPELINES; start += BATCH) {
      const rows = []
      const access = []
      for (let i = start; i < Math.min(PIPELINES, start + BATCH); i++) {
        const p = generator.pipeline()
        if (i < sampled) {
          const words = new Set(p.search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
          for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1)
        }
        for (const tag of p.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1)
        const id = `bench_${i}`
        const team = i % TEAMS
        const owner = others[Math.floor(random() * (others.length / TEAMS)) * TEAMS + team]?.id
        const personal = random() < 0.2
        rows.push({
          id,
          owner: owner ?? pick(),
          // A fifth are personal: the creator's own, seen by the direct shares only.
          team: personal ? null : `team_${team}`,
          name: p.name,
          description: p.description,
          yaml: p.yaml,
          search: p.search,
          steps: JSON.stringify(p.stepText),
          types: JSON.stringify(p.stepTypes),
          tags: JSON.stringify(p.tags),
          // Last edited some time in the year before.
          at: new Date(Date.UTC(2026, 0, 1) - random() * 365 * 86_400_000).toISOString(),
        })
        const granted = new Set([owner ?? ''])
        if (owner) access.push({ p: id, u: owner, r: 'owner' })
        // The worst-case user sees the personal ones too, as shares.
        if (personal) {
          granted.add(all.id)
          access.push({ p: id, u: all.id, r: 'viewer' })
        }
        for (let k = 0; k < SHARES; k++) {
          const other = pick()
          if (granted.has(other)) continue
          granted.add(other)
          access.push({ p: id, u: other, r: random() < 0.5 ? 'editor' : 'viewer' })
        }
      }
      if (backfill) {
        const steps = rows.map((r) => ({ id: r.id, steps: r.steps }))
        await sql`update pipelines set step_text = x.steps::jsonb
          from jsonb_to_recordset(${JSON.stringify(steps)}::text::jsonb) as x(id text, steps text)
          where pipelines.id = x.id`
      }
      if (!write) continue
      await sql`insert into pipelines (id, owner_id, owner_team_id, name, description, epoch, yaml,
          search, step_text, step_types, tags, updated_at, summary_at)
        select x.id, x.owner, x.team, x.name, x.description, 'bench', x.yaml, x.search,
          x.steps::jsonb,
          array(select jsonb_array_elements_text(x.types::jsonb)),
          array(select jsonb_array_elements_text(x.tags::jsonb)),
          x.at::timestamptz, x.at::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
          as x(id text, owner text, team text, name text, description text, yaml text, search text,
            steps text, types text, tags text, at text)`
      await sql`insert into pipeline_access (pipeline_id, user_id, role)
        select x.p, x.u, x.r
        from jsonb_to_recordset(${JSON.stringify(access)}::text::jsonb) as x(p text, u text, r text)`
    }
    // As autovacuum would soon after: statistics, and the visibility map index-only scans use.
    if (write || backfill) await sql`vacuum analyze`
  } finally {
    await sql.end({ timeout: 5 })
  }
  frequency = new Map([...frequency].map(([w, n]) => [w, n / sampled]))
  const df = [...frequency.values()]
  result.vocabulary = {
    sampled,
    words: df.length,
    over50: df.filter((f) => f > 0.5).length,
    over10: df.filter((f) => f > 0.1).length,
    over1: df.filter((f) => f > 0.01).length,
  }
  popularTags = [...tagCounts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([t]) => t)
}

interface Query {
  kind: string
  params: URLSearchParams
}

/**
 * Queries by class, words chosen by how many pipelines hold them: "common" words are in 10–60 %
 * of pipelines (like "analysis", "pipeline", "test" in the corpus), "middling" in 0.5–5 %, "rare"
 * in under 0.1 %. The last word of every query also matches as a prefix, as the search box sends.
 */
function queries(perClass: number, seed: number): Query[] {
  const random = rng(seed)
  const band = (lo: number, hi: number) =>
    [...frequency]
      .filter(([w, f]) => f >= lo && f <= hi && /^\p{L}{3,}$/u.test(w))
      .map(([w]) => w)
      .sort()
  const common = band(0.1, 0.6)
  const middling = band(0.005, 0.05)
  const rare = band(0.0002, 0.001)
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!
  const owner = () => `user${Math.floor(random() * (USERS - users.length))}@example.com`
  const classes: Array<[string, () => Record<string, string>]> = [
    ['common word', () => ({ q: pick(common) })],
    ['middling word', () => ({ q: pick(middling) })],
    ['rare word', () => ({ q: pick(rare) })],
    ['two words', () => ({ q: `${pick(common)} ${pick(middling)}` })],
    ['phrase', () => ({ q: `"${pick(common)} ${pick(common)}"` })],
    ['prefix (typing)', () => ({ q: pick([...common, ...middling]).slice(0, 3) })],
    ['or', () => ({ q: `${pick(middling)} or ${pick(middling)}` })],
    ['type filter', () => ({ q: pick(common), type: pick(TYPES) })],
    ['tag filter', () => ({ q: pick(common), tag: pick(popularTags) })],
    ['owner filter', () => ({ q: pick(common), owner: owner() })],
    ['no match', () => ({ q: `zq${Math.floor(random() * 1e6)}` })],
  ]
  const out: Query[] = []
  for (let i = 0; i < perClass; i++) {
    for (const [kind, make] of classes) out.push({ kind, params: new URLSearchParams(make()) })
  }
  return out
}

const line = (s: Summary) =>
  `p50 ${ms(s.p50)} p95 ${ms(s.p95)} p99 ${ms(s.p99)} max ${ms(s.max)} ms`

test('search at 100,000 pipelines', async () => {
  console.log(`vocabulary: ${JSON.stringify(result.vocabulary)}; tags: ${popularTags.join(' ')}`)
  result.users = {}
  for (const user of users) {
    for (const { params } of queries(Math.ceil(WARMUP / 11), 3)) {
      const res = await api(server.url, 'GET', `/api/search?${params}`, { token: user.token })
      expect(res.status).toBe(200)
    }
    const list = queries(PER_CLASS, 11)
    const http = new Map<string, number[]>()
    const hits = new Map<string, number>()
    for (const { kind, params } of list) {
      const t0 = performance.now()
      const res = await api(server.url, 'GET', `/api/search?${params}`, { token: user.token })
      const took = performance.now() - t0
      expect(res.status).toBe(200)
      http.set(kind, [...(http.get(kind) ?? []), took])
      hits.set(kind, (hits.get(kind) ?? 0) + res.json.length)
    }
    const direct = new Map<string, number[]>()
    for (const { kind, params } of list) {
      const q = params.get('q')!
      const t0 = performance.now()
      await store.search.search(user.id, {
        q,
        limit: 20,
        prefix: true,
        ...(params.get('type') ? { type: params.get('type')! } : {}),
        ...(params.get('tag') ? { tag: params.get('tag')! } : {}),
        ...(params.get('owner') ? { ownerEmail: params.get('owner')! } : {}),
      })
      direct.set(kind, [...(direct.get(kind) ?? []), performance.now() - t0])
    }
    const byClass = Object.fromEntries(
      [...http.keys()].map((kind) => [
        kind,
        {
          http: summarize(http.get(kind)!),
          store: summarize(direct.get(kind)!),
          hits: hits.get(kind)! / PER_CLASS,
        },
      ]),
    )
    const entry = {
      visible: user.visible,
      http: summarize([...http.values()].flat()),
      store: summarize([...direct.values()].flat()),
      byClass,
    }
    result.users[user.name] = entry
    console.log(`\n${user.name} (${user.visible} visible), ${list.length} searches`)
    console.log(`  HTTP GET /api/search: ${line(entry.http)}`)
    console.log(`  store.search alone:   ${line(entry.store)}`)
    for (const [kind, c] of Object.entries(byClass)) {
      console.log(
        `  ${kind.padEnd(16)} HTTP ${line(c.http)} | SQL p95 ${ms(c.store.p95)} | ${c.hits.toFixed(1)} hits`,
      )
    }
  }
  mkdirSync(join(here, 'results'), { recursive: true })
  writeFileSync(
    join(here, 'results', 'search.json'),
    JSON.stringify({ machine, pipelines: PIPELINES, users: USERS, ...result }, null, 2) + '\n',
  )
})
