/**
 * Opening stores: migrations run once and are idempotent, PGlite keeps its data on disk, one
 * process per data directory, and LISTEN/NOTIFY across two PostgreSQL pools (with reconnect).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from './testing/stores.js'
import { migrations } from './migrations.js'
import { openStore } from './open.js'
import { pgliteFsyncs } from './pglite-db.js'
import type { Store } from './store.js'

const pipelineInput = (id: string, ownerId: string) => ({
  id,
  ownerId,
  name: 'kept',
  description: '',
  epoch: 'e1',
  state: new Uint8Array([0, 0]),
  yaml: 'workflow: {}\n',
  search: '',
})

describe('migrations on PostgreSQL', () => {
  it('two servers starting together apply them once; a restart keeps the data', async () => {
    const url = await freshDatabaseUrl()
    const [a, b] = await Promise.all([
      openStore({ databaseUrl: url, poolSize: 2 }),
      openStore({ databaseUrl: url, poolSize: 2 }),
    ])
    const user = await a.createUser({ email: 'x@example.com', passwordHash: 'h', isAdmin: true })
    expect(await b.findUserById(user.id)).toEqual(user)
    await Promise.all([a.close(), b.close()])

    const c = await openStore({ databaseUrl: url, poolSize: 1 })
    expect(await c.findUserById(user.id)).toEqual(user)
    await c.close()
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    const rows = await sql`select version from schema_migrations order by version`
    await sql.end()
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version))
  })
})

describe('PGlite on disk', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-pglite-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the data directory, keeps data across a reopen, and fsyncs each commit', async () => {
    const dataDir = join(dir, 'nested', 'data')
    const first = await openStore({ dataDir })
    expect(first.kind).toBe('pglite')
    const user = await first.createUser({
      email: 'a@example.com',
      passwordHash: 'h',
      isAdmin: false,
    })
    await first.createPipeline(pipelineInput('p1', user.id))
    const fsyncsBefore = pgliteFsyncs.count
    await first.appendUpdates([{ pipelineId: 'p1', updates: [new Uint8Array([1, 2, 3])] }])
    // The commit of the append reached the disk through fsync before the promise resolved.
    expect(pgliteFsyncs.count).toBeGreaterThan(fsyncsBefore)

    // A second store on the same directory, while the first is open, is refused.
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'CONFLICT' })
    await first.close()

    const second = await openStore({ dataDir })
    expect(await second.findUserById(user.id)).toEqual(user)
    expect(await second.readUpdatesSince('p1', 0)).toEqual({
      epoch: 'e1',
      headSeq: 1,
      updates: [new Uint8Array([1, 2, 3])],
    })
    await second.close()
  })
})

describe('notifications across PostgreSQL pools', () => {
  let url: string
  let reader: Store
  let writer: Store
  beforeAll(async () => {
    url = await freshDatabaseUrl()
    reader = await openStore({ databaseUrl: url, poolSize: 2 })
    writer = await openStore({ databaseUrl: url, poolSize: 2 })
  })
  afterAll(async () => {
    await Promise.all([reader?.close(), writer?.close()])
  })

  it('delivers appends from another pool, and reports a reconnect of the listener', async () => {
    const user = await writer.createUser({
      email: `${randomUUID()}@example.com`,
      passwordHash: 'h',
      isAdmin: false,
    })
    await writer.createPipeline(pipelineInput('p1', user.id))
    const seen: string[] = []
    let reconnects = 0
    const waiters: Array<() => void> = []
    const poke = () => waiters.splice(0).forEach((w) => w())
    const until = (check: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000)
        const test = () => {
          if (check()) {
            clearTimeout(timer)
            resolve()
          } else waiters.push(test)
        }
        test()
      })
    const stop = await reader.subscribeUpdates(
      (id, head) => {
        seen.push(`${id} ${head}`)
        poke()
      },
      () => {
        reconnects += 1
        poke()
      },
    )
    await writer.appendUpdates([{ pipelineId: 'p1', updates: [new Uint8Array([1])] }])
    await until(() => seen.length === 1, 'the first notification')
    expect(seen).toEqual(['p1 1'])
    expect(reconnects).toBe(0)

    // Cut the listener's connection from the server side; postgres.js reconnects and LISTENs again.
    const admin = postgres(url, { max: 1, onnotice: () => {} })
    const killed = await admin`
      select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`
    await admin.end()
    expect(killed.length).toBe(1)
    await until(() => reconnects === 1, 'onReconnect')

    await writer.appendUpdates([{ pipelineId: 'p1', updates: [new Uint8Array([2])] }])
    await until(() => seen.length === 2, 'a notification after the reconnect')
    expect(seen).toEqual(['p1 1', 'p1 2'])
    await stop()
  })
})
