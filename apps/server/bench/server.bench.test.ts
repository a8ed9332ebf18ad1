/**
 * Issue 3's server benchmark, one run on this machine: fan-out latency (one writer, N readers),
 * acknowledgement latency (50 writers) and storage per step after compaction, for Weft and, where it
 * applies, Hocuspocus 4.x with its Database extension on the same PostgreSQL server.
 *
 *   pnpm --filter @weft/server bench      (builds the server first)
 *
 * Prints the tables and writes bench/results/server.json. See docs/benchmarks.md for the method.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { format } from 'prettier'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { summarizeState } from '../src/pipelines/index.js'
import { openStore, type Store } from '@weft/storage'
import { api } from '../test/harness.js'
import { createDatabase, startPostgres, type PostgresServer } from '@weft/storage/testing'
import { startClientPool, stopClientPool, type ClientProcess } from './lib/client-pool.js'
import { describeMachine, type Machine } from './lib/machine.js'
import { delta, scrape, type ServerSide } from './lib/metrics.js'
import {
  acks,
  commitFloor,
  fanout,
  storage,
  type AckResult,
  type FanoutResult,
  type FloorResult,
  type StorageResult,
} from './lib/scenarios.js'
import { renice, type Load } from './lib/proc.js'
import { ms, type Summary } from './lib/stats.js'
import { closeCodes, startHocuspocus, startWeft } from './lib/systems.js'
import { generatePipeline, importedDoc, rng } from './lib/workload.js'

const here = dirname(fileURLToPath(import.meta.url))
// y-websocket adds a process 'exit' listener per provider; hundreds of clients are expected here.
process.setMaxListeners(0)
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

/** Knobs (environment variables) so a quick run is possible; the defaults are the reported run. */
const config = {
  readers: (process.env.BENCH_READERS ?? '2,50,200').split(',').map(Number),
  rate: env('BENCH_RATE', 20),
  warmup: env('BENCH_WARMUP', 40),
  samples: env('BENCH_SAMPLES', 300),
  /** Fan-out and ack runs are repeated, alternating which system goes first. */
  rounds: env('BENCH_ROUNDS', 4),
  ackRounds: env('BENCH_ACK_ROUNDS', 2),
  writers: env('BENCH_WRITERS', 50),
  writerRate: env('BENCH_WRITER_RATE', 2),
  ackSeconds: env('BENCH_ACK_SECONDS', 30),
  steps: env('BENCH_STEPS', 50),
  storageSteps: (process.env.BENCH_STORAGE_STEPS ?? '50,500').split(',').map(Number),
  edits: env('BENCH_EDITS', 1000),
  floorCommits: env('BENCH_FLOOR_COMMITS', 500),
  /** Diagnostic: BENCH_READER_ACKS=0 connects Weft's fan-out readers without `weft-ack`. */
  readerAcks: process.env.BENCH_READER_ACKS !== '0',
  /** Which systems to run (a diagnostic knob; the report needs both). */
  systems: (process.env.BENCH_SYSTEMS ?? 'Weft,Hocuspocus').split(','),
  ackDocs: (process.env.BENCH_ACK_DOCS ?? 'shared,one-each').split(',') as Array<
    'shared' | 'one-each'
  >,
  /** Which parts to run: fanout, floor, acks, storage. */
  only: (process.env.BENCH_ONLY ?? 'fanout,floor,acks,storage').split(','),
  /** Client processes the fan-out readers and the ack writers are dealt over (both systems). */
  clientProcesses: env('BENCH_CLIENT_PROCS', 4),
  /**
   * Diagnostic: a nice value (e.g. -10) for every process of the run (this one, the client
   * processes, both servers, PostgreSQL), so that other work on a shared machine yields to it.
   * Unset for the reported figures unless the report says otherwise.
   */
  nice: process.env.BENCH_NICE === undefined ? null : Number(process.env.BENCH_NICE),
}
const part = (name: string) => !config.only.includes(name)

let pg: PostgresServer
let weftUrl: string
let hocusUrl: string
let weft: Awaited<ReturnType<typeof startWeft>>
let hocus: Awaited<ReturnType<typeof startHocuspocus>>
let machine: Machine
let pool: ClientProcess[] = []
const fanouts: Array<FanoutResult & { round: number }> = []
const ackResults: Array<AckResult & { round: number; serverSide?: ServerSide }> = []
const loadAverage: number[][] = []
let floor: FloorResult | undefined
const storageResults: StorageResult[] = []

beforeAll(async () => {
  pg = await startPostgres()
  weftUrl = await createDatabase(pg.url, 'weft_bench')
  hocusUrl = await createDatabase(pg.url, 'hocuspocus_bench')
  machine = await describeMachine(pg.url)
  loadAverage.push(loadavg())
  weft = await startWeft(weftUrl)
  hocus = await startHocuspocus(hocusUrl)
  pool = await startClientPool(config.clientProcesses)
  if (config.nice !== null) {
    const postmaster = await postmasterPid(pg.url)
    const count = renice(config.nice, [
      process.pid,
      weft.pid,
      hocus.pid,
      ...pool.map((p) => p.pid),
      ...(postmaster === null ? [] : [postmaster]),
    ])
    console.log(`reniced ${count} processes to ${config.nice}`)
  }
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.postgres}`,
  )
})

afterAll(async () => {
  loadAverage.push(loadavg())
  await stopClientPool(pool)
  await weft?.stop()
  await hocus?.stop()
  await pg?.stop()
  await report()
})

test.skipIf(part('fanout'))('fan-out: one writer, N readers', async () => {
  const yaml = generatePipeline(config.steps)
  let turn = 0
  for (let round = 1; round <= config.rounds; round++) {
    for (const readers of config.readers) {
      // Alternate which system goes first, so neither always runs on a warmer machine.
      const order = turn++ % 2 === 0 ? [weft, hocus] : [hocus, weft]
      for (const system of order.filter((s) => config.systems.includes(s.name))) {
        const name = await system.create(yaml)
        const result = await fanout(system, name, pool, {
          readers,
          rate: config.rate,
          warmup: config.warmup,
          samples: config.samples,
          readerAcks: config.readerAcks,
        })
        fanouts.push({ ...result, round })
        console.log(
          `fan-out #${round} ${result.system} N=${readers}: p50 ${ms(result.delivery.p50)} p95 ${ms(result.delivery.p95)} p99 ${ms(result.delivery.p99)} ms; all readers p99 ${ms(result.allReaders.p99)} ms; missing ${result.missing}, wrong value ${result.wrongValue}, closes ${result.closes}; ${loadText(result.load)}`,
        )
        expect(result.updates).toBe(config.samples)
      }
    }
  }
})

test.skipIf(part('floor'))('PostgreSQL commit floor', async () => {
  floor = await commitFloor(await createDatabase(pg.url, 'floor_bench'), config.floorCommits)
  console.log(
    `floor: autocommit insert p50 ${ms(floor.insert.p50)} p99 ${ms(floor.insert.p99)} ms; append-shaped transaction p50 ${ms(floor.appendShaped.p50)} p99 ${ms(floor.appendShaped.p99)} ms`,
  )
})

test.skipIf(part('acks'))('acknowledgements: 50 writers', async () => {
  const yaml = generatePipeline(config.steps)
  let turn = 0
  for (let round = 1; round <= config.ackRounds; round++) {
    for (const docs of config.ackDocs) {
      const order = turn++ % 2 === 0 ? [weft, hocus] : [hocus, weft]
      for (const system of order.filter((s) => config.systems.includes(s.name))) {
        const count = docs === 'shared' ? 1 : config.writers
        const names: string[] = []
        for (let i = 0; i < count; i++) names.push(await system.create(yaml))
        const before = system === weft ? await scrape(weft.server.url, weft.token) : null
        const result = await acks(system, names, pool, {
          writers: config.writers,
          rate: config.writerRate,
          warmupMs: 3000,
          durationMs: config.ackSeconds * 1000,
          docs,
          ...(system === hocus ? { onStored: hocus.onStored } : {}),
        })
        const serverSide = before
          ? delta(before, await scrape(weft.server.url, weft.token))
          : undefined
        ackResults.push({ ...result, round, ...(serverSide ? { serverSide } : {}) })
        console.log(
          `acks #${round} ${result.system} ${docs}: ${result.writes} writes, p50 ${ms(result.ack.p50)} p99 ${ms(result.ack.p99)} ms, unacked ${result.unacked}, closes ${result.closes}; ${loadText(result.load)}` +
            (result.durable
              ? `; durable p50 ${ms(result.durable.p50)} p99 ${ms(result.durable.p99)} ms, not durable ${result.notDurable}`
              : '') +
            (serverSide
              ? `; server: persist mean ${ms(serverSide.persistMeanMs)} ms (${persistTail(serverSide)}), commit mean ${ms(serverSide.commitMeanMs)} ms, ${ms(serverSide.batchMean)} updates per commit`
              : ''),
        )
      }
    }
  }
})

test.skipIf(part('storage'))('storage per step after compaction (Weft)', async () => {
  const store: Store = await openStore({ databaseUrl: weftUrl, poolSize: 2 })
  const sql = postgres(weftUrl, { max: 1, onnotice: () => {} })
  try {
    for (const steps of config.storageSteps) {
      const result = await storage(
        weft,
        {
          size: (id) => store.storageSize(id),
          compact: (id) => store.compact(id, summarizeState),
          textBytes: async (id) => {
            const [row] = await sql<Array<{ yaml: number; search: number }>>`
              select octet_length(yaml) as yaml, octet_length(search) as search
              from pipelines where id = ${id}`
            return { yaml: Number(row?.yaml ?? 0), search: Number(row?.search ?? 0) }
          },
          yaml: async (id) => {
            const res = await api(weft.server.url, 'GET', `/api/pipelines/${id}/yaml`, {
              token: weft.token,
            })
            if (res.status !== 200) throw new Error(`GET yaml: ${res.status}`)
            return res.text
          },
        },
        generatePipeline(steps),
        steps,
        config.edits,
        rng(steps),
        importedDoc,
      )
      storageResults.push(result)
      console.log(
        `storage ${steps} steps: snapshot ${result.afterCompaction.snapshotBytes} B (${Math.round(result.snapshotBytesPerStep)} B/step), log rows ${result.afterCompaction.logRows}; Y V1 ${result.encodedV1} B; YAML ${result.yamlBytes} B`,
      )
    }
  } finally {
    await sql.end({ timeout: 5 })
    await store.close()
  }
})

/** The PostgreSQL server's main process, from its data directory's postmaster.pid. */
async function postmasterPid(url: string): Promise<number | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<Array<{ setting: string }>>`show data_directory`
    const pid = Number(readFileSync(join(row!.setting, 'postmaster.pid'), 'utf8').split('\n')[0])
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** The server's persist tail from its histogram: share of updates over each bucket bound. */
function persistTail(side: ServerSide): string {
  return Object.entries(side.persistOver)
    .map(([bound, share]) => `${bound} ${(share * 100).toFixed(1)}%`)
    .join(', ')
}

function loadText(load: Load): string {
  return `machine ${Math.round(load.machineBusyPct)}% busy, server ${Math.round(load.serverCpuPct)}% / bench ${Math.round(load.benchCpuPct)}% of a core, bench loop delay p99 ${ms(load.benchLoopDelayP99)} ms`
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Median over rounds of p50/p95/p99, and the range of the rounds' p99. */
function acrossRounds(summaries: Summary[]) {
  const p99s = summaries.map((s) => s.p99)
  return {
    rounds: summaries.length,
    samplesPerRound: summaries.map((s) => s.count),
    p50: median(summaries.map((s) => s.p50)),
    p95: median(summaries.map((s) => s.p95)),
    p99: median(p99s),
    p99Min: Math.min(...p99s),
    p99Max: Math.max(...p99s),
  }
}

const cell = (a: ReturnType<typeof acrossRounds>) =>
  a.rounds === 0
    ? '—'
    : `${ms(a.p50)} / ${ms(a.p95)} / **${ms(a.p99)}** (${ms(a.p99Min)}–${ms(a.p99Max)})`

async function report() {
  const fanoutTable = config.readers.flatMap((readers) =>
    (['Weft', 'Hocuspocus'] as const).map((system) => {
      const runs = fanouts.filter((f) => f.system === system && f.readers === readers)
      return {
        readers,
        system,
        delivery: acrossRounds(runs.map((r) => r.delivery)),
        allReaders: acrossRounds(runs.map((r) => r.allReaders)),
      }
    }),
  )
  const ackTable = config.ackDocs.flatMap((docs) =>
    (['Weft', 'Hocuspocus'] as const).map((system) => {
      const runs = ackResults.filter((a) => a.system === system && a.docs === docs)
      return {
        docs,
        system,
        ack: acrossRounds(runs.map((r) => r.ack)),
        durable: acrossRounds(runs.flatMap((r) => (r.durable ? [r.durable] : []))),
      }
    }),
  )
  const out = join(here, 'results')
  mkdirSync(out, { recursive: true })
  // Formatted as prettier would, so `pnpm format:check` at the root stays clean.
  const text = await format(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine,
        loadAverage,
        config,
        summary: { fanout: fanoutTable, acks: ackTable },
        floor,
        fanouts,
        acks: ackResults,
        storage: storageResults,
        weftCloseCodes: Object.fromEntries(closeCodes),
        weftServerProblems: weft?.server.problems.slice(0, 50),
      },
      null,
      2,
    ),
    { parser: 'json' },
  )
  writeFileSync(join(out, 'server.json'), text)
  const lines: string[] = []
  lines.push(
    `Machine: ${machine?.cpu}, ${machine?.cores} cores, ${machine?.ramGiB} GiB, Node ${machine?.node}, ${machine?.postgres}`,
    `Commit ${machine?.commit}${machine?.dirtyServerFiles ? ` (+${machine.dirtyServerFiles} uncommitted files under apps/server/src)` : ''}`,
    `Client processes: ${config.clientProcesses}; nice: ${config.nice ?? 'not changed'}`,
    `Load average (1/5/15 min) at start ${loadAverage[0]?.map((l) => l.toFixed(1)).join(' ')}, at end ${loadAverage[1]?.map((l) => l.toFixed(1)).join(' ')}`,
    '',
    'Fan-out, ms, median of rounds: p50 / p95 / **p99** (p99 range over rounds)',
    '',
    '| N readers | system | per delivery | slowest of the N readers, per update |',
    '|---|---|---|---|',
  )
  for (const row of fanoutTable) {
    lines.push(
      `| ${row.readers} | ${row.system} | ${cell(row.delivery)} | ${cell(row.allReaders)} |`,
    )
  }
  lines.push(
    '',
    `Acknowledgements, ${config.writers} writers × ${config.writerRate} updates/s, ms, median of rounds`,
    '',
    '| docs | system | ack | durable |',
    '|---|---|---|---|',
  )
  for (const row of ackTable) {
    lines.push(
      `| ${row.docs} | ${row.system} | ${cell(row.ack)} | ${row.system === 'Weft' ? 'same as ack' : cell(row.durable)} |`,
    )
  }
  for (const s of storageResults) {
    lines.push(
      `One writer, ${s.edits} sequential edits on ${s.steps} steps (each waits for its ack): ack p50 ${ms(s.ackMs.p50)} / p95 ${ms(s.ackMs.p95)} / p99 ${ms(s.ackMs.p99)} ms`,
    )
  }
  if (floor) {
    lines.push(
      '',
      `PostgreSQL floor (${config.floorCommits} sequential commits): autocommit insert p50 ${ms(floor.insert.p50)} / p99 ${ms(floor.insert.p99)} ms; append-shaped transaction p50 ${ms(floor.appendShaped.p50)} / p99 ${ms(floor.appendShaped.p99)} ms`,
    )
  }
  lines.push(
    '',
    '| steps | edits | snapshot B/step | snapshot B | log rows before → after | Y V1 B (fresh import) | YAML B | yaml+search columns B |',
    '|---|---|---|---|---|---|---|---|',
  )
  for (const s of storageResults) {
    lines.push(
      `| ${s.steps} | ${s.edits} | ${Math.round(s.snapshotBytesPerStep)} | ${s.afterCompaction.snapshotBytes} | ${s.beforeCompaction.logRows} → ${s.afterCompaction.logRows} | ${s.encodedV1} (${s.freshImportV1}) | ${s.yamlBytes} | ${s.textColumns.yaml + s.textColumns.search} |`,
    )
  }
  lines.push(
    '',
    `Weft server log lines at warn/error: ${weft?.server.problems.length ?? 0}; close codes seen by Weft clients: ${JSON.stringify(Object.fromEntries(closeCodes))}`,
  )
  console.log(lines.join('\n'))
}
