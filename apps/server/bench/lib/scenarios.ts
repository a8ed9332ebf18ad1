/** The three measurements, each written once and run against both systems where it applies. */
import postgres from 'postgres'
import * as Y from 'yjs'
import { measureLoad, sleep, until, type Load } from './proc.js'
import { summarize, type Summary } from './stats.js'
import { epochNow, type BenchClient, type Stored, type System } from './systems.js'
import { FANOUT_PATH, fanoutStep, setKey, steps } from './workload.js'

/** Connects `count` clients to `name`, `batch` at a time, and waits until each has synced. */
export async function connectMany(
  system: System,
  name: string,
  count: number,
  options: { acks?: boolean } = {},
  batch = 25,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = []
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, () =>
      system.connect(name, options),
    )
    clients.push(...group)
    await withTimeout(
      Promise.all(group.map((c) => c.synced)),
      60_000,
      `${system.name}: ${count} clients to sync`,
    )
  }
  return clients
}

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
  options: FanoutOptions,
): Promise<FanoutResult> {
  const writer = system.connect(name)
  await withTimeout(writer.synced, 30_000, `${system.name}: writer to sync`)
  const readers = await connectMany(system, name, options.readers, {
    acks: options.readerAcks ?? true,
  })
  const target = fanoutStep(writer.doc)
  const writerId = writer.doc.clientID
  // Each reader notes when the writer's clock advances in its doc: (clock reached, receive time).
  // Comparing clocks, not only the value, also counts updates that arrive merged with the next
  // one (Hocuspocus coalesces the broadcasts of one event-loop turn).
  const received = readers.map(() => [] as Array<[number, number]>)
  readers.forEach((reader, i) => {
    const got = received[i]!
    let last = Y.getState(reader.doc.store, writerId)
    reader.doc.on('update', () => {
      const at = performance.now()
      const clock = Y.getState(reader.doc.store, writerId)
      if (clock > last) {
        last = clock
        got.push([clock, at])
      }
    })
  })
  await sleep(500)

  const period = 1000 / options.rate
  const total = options.warmup + options.samples
  // (the writer's clock after the update, send time)
  const sent: Array<[number, number]> = []
  const stopLoad = measureLoad(system.pid)
  const start = performance.now() + 20
  for (let i = 0; i < total; i++) {
    await sleepUntil(start + i * period)
    // The send time is also the value written, as a plain number in the step's map.
    const ts = performance.now()
    setKey(writer.doc, target.id, FANOUT_PATH, ts)
    sent.push([Y.getState(writer.doc.store, writerId), ts])
  }
  const lastClock = sent[sent.length - 1]![0]
  await until(
    `${system.name}: all ${options.readers} readers to get the last update`,
    () => received.every((got) => (got[got.length - 1]?.[0] ?? 0) >= lastClock),
    15_000,
  ).catch(() => {})
  const load = stopLoad()
  // Spot check that readers see the writer's value, not just its clock.
  const lastValue = sent[sent.length - 1]![1]
  const wrongValue = readers.filter(
    (r) => fanoutStep(r.doc).map.get(FANOUT_PATH[1]) !== lastValue,
  ).length

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
  const closes = [writer, ...readers].reduce((n, c) => n + c.closes(), 0)
  for (const client of [writer, ...readers]) client.destroy()
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
  options: AckOptions,
): Promise<AckResult> {
  const clients: BenchClient[] = []
  const docOf: string[] = []
  for (let i = 0; i < options.writers; i += 25) {
    const group: BenchClient[] = []
    for (let k = i; k < Math.min(options.writers, i + 25); k++) {
      const name = options.docs === 'shared' ? names[0]! : names[k]!
      group.push(system.connect(name))
      docOf.push(name)
    }
    clients.push(...group)
    await withTimeout(Promise.all(group.map((c) => c.synced)), 60_000, 'writers to sync')
  }
  await sleep(500)

  const ackTimes: number[] = []
  const series: Array<[number, number]> = []
  let tracked = 0
  const durableTimes: number[] = []
  // Per client, the writes not yet seen in a store: (clock after the write, its epoch time).
  const notStored = clients.map(() => [] as Array<{ clock: number; at: number }>)
  const unsubscribe = options.onStored?.((stored) => {
    clients.forEach((client, k) => {
      if (docOf[k] !== stored.name) return
      const have = stored.stateVector.get(client.doc.clientID) ?? 0
      const queue = notStored[k]!
      while (queue.length > 0 && queue[0]!.clock <= have) {
        durableTimes.push(stored.at - queue.shift()!.at)
      }
    })
  })

  const start = performance.now()
  const measureFrom = start + options.warmupMs
  const end = measureFrom + options.durationMs
  const period = 1000 / options.rate
  const stopLoad = measureLoad(system.pid)
  await Promise.all(
    clients.map(async (client, k) => {
      const stepList = steps(client.doc)
      const step = stepList[k % stepList.length]!
      let counter = 0
      await sleep(Math.random() * period)
      while (performance.now() < end) {
        const t = performance.now()
        setKey(client.doc, step.id, ['token_budget', 'max_output_tokens'], 1000 + ++counter)
        if (t >= measureFrom) {
          tracked++
          client.track((at) => {
            ackTimes.push(at - t)
            series.push([Math.round(t - measureFrom), Math.round((at - t) * 100) / 100])
          })
          if (options.onStored) {
            notStored[k]!.push({
              clock: Y.getState(client.doc.store, client.doc.clientID),
              at: epochNow(t),
            })
          }
        } else {
          client.track(() => {})
        }
        await sleep(period * (0.5 + Math.random()))
      }
    }),
  )
  await until('acks', () => ackTimes.length >= tracked, 10_000).catch(() => {})
  const load = stopLoad()
  if (options.onStored) {
    // Hocuspocus stores 2 s after the last change (at most 10 s after the first): wait for it.
    await until('stores', () => notStored.every((q) => q.length === 0), 20_000).catch(() => {})
  }
  unsubscribe?.()
  const closes = clients.reduce((n, c) => n + c.closes(), 0)
  for (const client of clients) client.destroy()
  await sleep(1000)
  return {
    system: system.name,
    writers: options.writers,
    docs: options.docs,
    writes: tracked,
    ack: summarize(ackTimes),
    unacked: tracked - ackTimes.length,
    closes,
    durable: options.onStored ? summarize(durableTimes) : null,
    notDurable: options.onStored ? tracked - durableTimes.length : 0,
    load,
    series: series.sort((a, b) => a[0] - b[0]),
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
