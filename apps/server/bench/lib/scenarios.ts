/** The three measurements, each written once and run against both systems where it applies. */
import postgres from 'postgres'
import * as Y from 'yjs'
import { deal, type ClientProcess } from './client-pool.js'
import type { WorkerWrite } from './client-worker.js'
import { measureLoad, sleep, until, type Load } from './proc.js'
import { summarize, type Summary } from './stats.js'
import { closeCodes, epochNow, type Stored, type System } from './systems.js'
import { FANOUT_PATH, fanoutStep, setKey, steps } from './workload.js'

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

async function sleepUntil(t: number) {
  const wait = t - performance.now()
  if (wait > 0) await sleep(wait)
}

// --- 1. fan-out ------------------------------------------------------------------------------

export interface FanoutOptions {
  readers: number
  /** Updates per second from the one writer. */
  rate: number
  warmup: number
  samples: number
  /** Whether the readers offer Weft's `weft-ack` (default true, as the web editor does). */
  readerAcks?: boolean
}

export interface FanoutResult {
  system: string
  readers: number
  updates: number
  /** One sample per (update, reader): writer's send → that reader's doc has it. */
  delivery: Summary
  /** One sample per update: writer's send → the last of the N readers has it. */
  allReaders: Summary
  missing: number
  /** [ms since the first measured update, slowest reader's latency] per update. */
  series: Array<[number, number]>
  /** Readers whose final value differs from the writer's last (0 expected). */
  wrongValue: number
  /** Socket closes seen by the clients during the run (0 expected). */
  closes: number
  load: Load
}

export async function fanout(
  system: System,
  name: string,
  pool: readonly ClientProcess[],
  options: FanoutOptions,
): Promise<FanoutResult> {
  // The writer lives in the bench process; the readers are dealt out over the client processes.
  const writer = system.connect(name)
  await withTimeout(writer.synced, 30_000, `${system.name}: writer to sync`)
  const shares = deal(options.readers, pool.length)
  await withTimeout(
    Promise.all(
      pool.map((p, i) =>
        p.request({
          op: 'connect',
          target: system.target,
          names: shares[i]!.map(() => name),
          acks: options.readerAcks ?? true,
        }),
      ),
    ),
    120_000,
    `${system.name}: ${options.readers} readers to sync`,
  )
  const target = fanoutStep(writer.doc)
  const writerId = writer.doc.clientID
  await Promise.all(pool.map((p) => p.request({ op: 'watch', writerId })))
  await sleep(500)

  const period = 1000 / options.rate
  const total = options.warmup + options.samples
  // (the writer's clock after the update, send time as Unix ms)
  const sent: Array<[number, number]> = []
  const stopLoad = measureLoad(
    system.pid,
    pool.map((p) => p.pid),
  )
  await Promise.all(pool.map((p) => p.request({ op: 'loop-start' })))
  const start = performance.now() + 20
  let lastValue = 0
  for (let i = 0; i < total; i++) {
    await sleepUntil(start + i * period)
    // The send time is also the value written, as a plain number in the step's map.
    const ts = performance.now()
    setKey(writer.doc, target.id, FANOUT_PATH, ts)
    lastValue = ts
    sent.push([Y.getState(writer.doc.store, writerId), epochNow(ts)])
  }
  const lastClock = sent[sent.length - 1]![0]
  const collected = await Promise.all(
    pool.map((p) =>
      p.request<{ received: Array<Array<[number, number]>>; wrongValue: number }>({
        op: 'collect',
        lastClock,
        lastValue,
        timeoutMs: 15_000,
      }),
    ),
  )
  const loops = await Promise.all(
    pool.map((p) => p.request<{ loopP99: number; loopMax: number }>({ op: 'loop-stop' })),
  )
  const load = stopLoad(loops)
  const received = collected.flatMap((c) => c.received)
  // Spot check that readers see the writer's value, not just its clock.
  const wrongValue = collected.reduce((n, c) => n + c.wrongValue, 0)

  const measured = sent.slice(options.warmup)
  const delivery: number[] = []
  const allReaders: number[] = []
  const series: Array<[number, number]> = []
  let missing = 0
  const cursor = received.map(() => 0)
  for (const [clock, ts] of measured) {
    let worst = 0
    let complete = true
    received.forEach((got, r) => {
      let k = cursor[r]!
      while (k < got.length && got[k]![0] < clock) k++
      cursor[r] = k
      const at = got[k]?.[1]
      if (at === undefined) {
        missing++
        complete = false
        return
      }
      delivery.push(at - ts)
      worst = Math.max(worst, at - ts)
    })
    if (complete) {
      allReaders.push(worst)
      series.push([Math.round(ts - measured[0]![1]), Math.round(worst * 100) / 100])
    }
  }
  const closes = writer.closes() + (await closePool(pool))
  writer.destroy()
  await sleep(1000)
  return {
    system: system.name,
    readers: options.readers,
    updates: measured.length,
    closes,
    delivery: summarize(delivery),
    allReaders: summarize(allReaders),
    missing,
    series,
    wrongValue,
    load,
  }
}

/** Disconnects every client of the pool; returns how many socket closes they saw. */
async function closePool(pool: readonly ClientProcess[]): Promise<number> {
  const replies = await Promise.all(
    pool.map((p) =>
      p.request<{ closes: number; closeCodes: Array<[number, number]> }>({ op: 'close' }),
    ),
  )
  for (const reply of replies) {
    for (const [code, n] of reply.closeCodes) closeCodes.set(code, (closeCodes.get(code) ?? 0) + n)
  }
  return replies.reduce((n, r) => n + r.closes, 0)
}

// --- 2. acknowledgements from many writers ----------------------------------------------------

export interface AckOptions {
  writers: number
  /** Updates per second per writer (each writer's interval is uniform in [0.5, 1.5] × 1/rate). */
  rate: number
  warmupMs: number
  durationMs: number
  /** One document shared by every writer, or one document per writer. */
  docs: 'shared' | 'one-each'
  /** Hocuspocus only: the store hook's reports, to see when a write became durable. */
  onStored?: (listener: (s: Stored) => void) => () => void
}

export interface AckResult {
  system: string
  writers: number
  docs: AckOptions['docs']
  writes: number
  /** Weft: the saved ack (durable). Hocuspocus: SyncStatus (received by the server, not stored). */
  ack: Summary
  unacked: number
  /** Socket closes seen by the clients during the run (0 expected). */
  closes: number
  /** Hocuspocus only: write → the store that covers it committed (seen out of band). */
  durable: Summary | null
  notDurable: number
  load: Load
  /** [ms since the measured window opened, ack latency] per write, for looking at outliers. */
  series: Array<[number, number]>
}

export async function acks(
  system: System,
  names: readonly string[],
  pool: readonly ClientProcess[],
  options: AckOptions,
): Promise<AckResult> {
  const shares = deal(options.writers, pool.length)
  const nameOf = (k: number) => (options.docs === 'shared' ? names[0]! : names[k]!)
  await withTimeout(
    Promise.all(
      pool.map((p, i) =>
        p.request({
          op: 'connect',
          target: system.target,
          names: shares[i]!.map(nameOf),
          acks: true,
        }),
      ),
    ),
    120_000,
    'writers to sync',
  )
  await sleep(500)

  // Every store the Hocuspocus process reports, to find when each write became durable.
  const stores: Stored[] = []
  const unsubscribe = options.onStored?.((stored) => stores.push(stored))

  const measureFrom = epochNow() + options.warmupMs
  const end = measureFrom + options.durationMs
  const stopLoad = measureLoad(
    system.pid,
    pool.map((p) => p.pid),
  )
  await Promise.all(pool.map((p) => p.request({ op: 'loop-start' })))
  const replies = await Promise.all(
    pool.map((p, i) =>
      p.request<{ writes: WorkerWrite[] }>({
        op: 'write',
        indexes: shares[i]!,
        rate: options.rate,
        measureFrom,
        end,
      }),
    ),
  )
  const loops = await Promise.all(
    pool.map((p) => p.request<{ loopP99: number; loopMax: number }>({ op: 'loop-stop' })),
  )
  const load = stopLoad(loops)
  const writes = replies.flatMap((r) => r.writes).sort((a, b) => a.at - b.at)
  const ackTimes = writes.flatMap((w) => (w.ackMs === null ? [] : [w.ackMs]))
  const series = writes.flatMap(
    (w): Array<[number, number]> =>
      w.ackMs === null ? [] : [[Math.round(w.at - measureFrom), Math.round(w.ackMs * 100) / 100]],
  )
  const durableTimes: number[] = []
  let notDurable = 0
  if (options.onStored) {
    const covered = (w: WorkerWrite) =>
      stores.find(
        (s) => s.name === nameOf(w.index) && (s.stateVector.get(w.clientId) ?? 0) >= w.clock,
      )
    // Hocuspocus stores 2 s after the last change (at most 10 s after the first): wait for it.
    await until('stores', () => writes.every((w) => covered(w) !== undefined), 20_000).catch(
      () => {},
    )
    for (const w of writes) {
      const stored = covered(w)
      if (stored === undefined) notDurable++
      else durableTimes.push(stored.at - w.at)
    }
  }
  unsubscribe?.()
  const closes = await closePool(pool)
  await sleep(1000)
  return {
    system: system.name,
    writers: options.writers,
    docs: options.docs,
    writes: writes.length,
    ack: summarize(ackTimes),
    unacked: writes.length - ackTimes.length,
    closes,
    durable: options.onStored ? summarize(durableTimes) : null,
    notDurable,
    load,
    series,
  }
}

// --- 3. storage after compaction (Weft) -------------------------------------------------------

export interface StorageProbe {
  size(id: string): Promise<{ snapshotBytes: number; logBytes: number; logRows: number }>
  compact(id: string): Promise<{ merged: number }>
  /** octet_length of the yaml and search columns kept beside the snapshot. */
  textBytes(id: string): Promise<{ yaml: number; search: number }>
  yaml(id: string): Promise<string>
}

export interface StorageResult {
  steps: number
  edits: number
  yamlBytes: number
  created: { snapshotBytes: number; logBytes: number; logRows: number }
  beforeCompaction: { snapshotBytes: number; logBytes: number; logRows: number }
  afterCompaction: { snapshotBytes: number; logBytes: number; logRows: number }
  textColumns: { yaml: number; search: number }
  /** Y.encodeStateAsUpdate of the client's doc after the edits (V1 and V2). */
  encodedV1: number
  encodedV2: number
  /** The same doc freshly imported from the final YAML, with no edit history. */
  freshImportV1: number
  snapshotBytesPerStep: number
  ackMs: Summary
}

/**
 * Creates a pipeline of `stepCount` steps through the REST API, makes `edits` small edits from one
 * client (each waits for its saved ack, so each is its own log row), closes the client, then
 * compacts through the Store and reads the sizes.
 */
export async function storage(
  system: System,
  probe: StorageProbe,
  yaml: string,
  stepCount: number,
  edits: number,
  random: () => number,
  freshImport: (yaml: string) => Y.Doc,
): Promise<StorageResult> {
  const id = await system.create(yaml)
  const created = await probe.size(id)
  const client = system.connect(id)
  await client.synced
  const list = steps(client.doc)
  const ackMs: number[] = []
  for (let k = 0; k < edits; k++) {
    const step = list[Math.floor(random() * list.length)]!
    const prompt = step.fields.get('prompt')
    const t = performance.now()
    if (prompt instanceof Y.Array) {
      // Retype the end of the step's static prompt: a few characters change.
      const index = prompt
        .toArray()
        .findIndex((p) => p instanceof Y.Map && p.get('type') === 'static')
      const content = (prompt.get(index) as Y.Map<unknown>).get('content')
      const text = String(content).replace(/ \(rev \d+\)$/, '')
      setKey(client.doc, step.id, ['prompt', index, 'content'], `${text} (rev ${k})`)
    } else {
      setKey(client.doc, step.id, ['variables', 'part'], k)
    }
    await new Promise<void>((resolve) =>
      client.track((at) => {
        ackMs.push(at - t)
        resolve()
      }),
    )
  }
  const encodedV1 = Y.encodeStateAsUpdate(client.doc).length
  const encodedV2 = Y.encodeStateAsUpdateV2(client.doc).length
  client.destroy()
  await sleep(200)
  const beforeCompaction = await probe.size(id)
  await probe.compact(id)
  const afterCompaction = await probe.size(id)
  const finalYaml = await probe.yaml(id)
  const fresh = freshImport(finalYaml)
  const freshImportV1 = Y.encodeStateAsUpdate(fresh).length
  fresh.destroy()
  return {
    steps: stepCount,
    edits,
    yamlBytes: Buffer.byteLength(finalYaml),
    created,
    beforeCompaction,
    afterCompaction,
    textColumns: await probe.textBytes(id),
    encodedV1,
    encodedV2,
    freshImportV1,
    snapshotBytesPerStep: afterCompaction.snapshotBytes / stepCount,
    ackMs: summarize(ackMs),
  }
}

// --- 0. what the disk allows ------------------------------------------------------------------

export interface FloorResult {
  /** One autocommit INSERT of a 40-byte bytea: one round trip and one WAL flush. */
  insert: Summary
  /** Weft's append, statement for statement: BEGIN, UPDATE … RETURNING, INSERT, pg_notify, COMMIT. */
  appendShaped: Summary
}

/** Sequential commits from postgres.js on a scratch table: the floor under any durable ack. */
export async function commitFloor(databaseUrl: string, count: number): Promise<FloorResult> {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  try {
    await sql`create table floor_log (id bigserial primary key, data bytea not null)`
    await sql`create table floor_head (id text primary key, head bigint not null)`
    await sql`insert into floor_head values ('p', 0)`
    const data = Buffer.alloc(40, 7)
    const insert: number[] = []
    const shaped: number[] = []
    for (let i = 0; i < count; i++) {
      let t = performance.now()
      await sql`insert into floor_log (data) values (${data})`
      insert.push(performance.now() - t)
      t = performance.now()
      await sql.begin(async (tx) => {
        await tx`update floor_head set head = head + 1 where id = 'p' returning head`
        await tx`insert into floor_log (data) values (${data})`
        await tx`select pg_notify('floor', 'p 1')`
      })
      shaped.push(performance.now() - t)
    }
    return { insert: summarize(insert), appendShaped: summarize(shaped) }
  } finally {
    await sql.end({ timeout: 5 })
  }
}
