/**
 * openReader: reads what the server stored (snapshot + log, before and after compaction) without
 * ever migrating or writing, and refuses with a stable code a database it cannot read safely.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StoreError } from './errors.js'
import { silentLogger } from './logger.js'
import { openStore } from './open.js'
import { openPostgresDb } from './postgres-db.js'
import { latestSchemaVersion, openReader } from './reader.js'
import type { Store } from './store.js'
import { contentOf, docFrom, RecordingDoc, renderPipeline, sampleYaml } from './testing/docs.js'
import { freshDatabaseUrl } from './testing/stores.js'

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StoreError)
  return error as StoreError
}

async function seed(store: Store, id: string): Promise<RecordingDoc> {
  const owner = await store.createUser({
    email: `r-${randomUUID()}@example.com`,
    passwordHash: 'h',
    isAdmin: false,
  })
  const doc = new RecordingDoc(sampleYaml('reader'))
  await store.createPipeline({
    id,
    ownerId: owner.id,
    epoch: 'e',
    state: doc.state(),
    ...renderPipeline(doc.state()),
  })
  return doc
}

describe('openReader on PostgreSQL', () => {
  let url: string
  let store: Store

  beforeAll(async () => {
    url = await freshDatabaseUrl()
    store = await openStore({ databaseUrl: url })
  })
  afterAll(async () => {
    await store?.close()
  })

  it('loads snapshot + log as the store does, before and after compaction', async () => {
    const id = `p_${randomUUID()}`
    const doc = await seed(store, id)
    await store.appendUpdates([{ pipelineId: id, updates: doc.edit(sampleYaml('renamed', 3)) }])
    await store.appendUpdates([{ pipelineId: id, updates: doc.type('# typed') }])

    const reader = await openReader({ databaseUrl: url })
    try {
      expect(reader.kind).toBe('postgres')
      expect(reader.schemaVersion).toBe(latestSchemaVersion)
      const before = await reader.loadDocument(id)
      expect(before!.updates.length).toBeGreaterThan(2)
      expect(before).toEqual(await store.loadDocument(id))
      expect(contentOf(docFrom(before!.updates))).toEqual(contentOf(doc.doc))

      expect((await store.compact(id, renderPipeline)).merged).toBeGreaterThan(0)
      const after = await reader.loadDocument(id)
      expect(after!.updates).toHaveLength(1)
      expect(contentOf(docFrom(after!.updates))).toEqual(contentOf(doc.doc))

      expect((await reader.listPipelines()).map((p) => p.id)).toContain(id)
      expect(await reader.loadDocument('p_missing')).toBeNull()
      await store.deletePipeline(id, new Date())
      expect(await reader.loadDocument(id)).toBeNull()
      expect((await reader.listPipelines()).map((p) => p.id)).not.toContain(id)
    } finally {
      await reader.close()
    }
  })

  it('opens PostgreSQL with read-only transactions', async () => {
    // What openReader asks of the driver: a write fails in the database, not only in our API.
    const db = openPostgresDb({ url, logger: silentLogger, poolSize: 1, readOnly: true })
    try {
      await expect(db.query('create table should_not_exist (x int)')).rejects.toThrow(/read-only/)
      await expect(
        db.transaction((tx) => tx.query("update users set email = 'x' where false")),
      ).rejects.toThrow(/read-only/)
    } finally {
      await db.close()
    }
  })

  it('refuses a database without the Weft schema, and does not create it', async () => {
    const empty = await freshDatabaseUrl()
    const error = await rejection(openReader({ databaseUrl: empty }))
    expect(error.code).toBe('SCHEMA_MISSING')
    expect(error.message).toMatch(/has no Weft schema/)
    const sql = postgres(empty, { max: 1, onnotice: () => {} })
    try {
      const [row] = await sql`select to_regclass('schema_migrations') as t`
      expect(row!.t).toBeNull()
    } finally {
      await sql.end()
    }
  })

  it('refuses a schema newer than it knows', async () => {
    const newer = await freshDatabaseUrl()
    await (await openStore({ databaseUrl: newer })).close()
    const sql = postgres(newer, { max: 1, onnotice: () => {} })
    await sql`insert into schema_migrations (version, name) values (${latestSchemaVersion + 1}, 'future')`
    await sql.end()
    const error = await rejection(openReader({ databaseUrl: newer }))
    expect(error.code).toBe('SCHEMA_NEWER')
    expect(error.message).toContain(`schema version ${latestSchemaVersion + 1}`)
  })

  it('refuses a bad URL, an unreachable server and a missing database without showing the password', async () => {
    const bad = await rejection(openReader({ databaseUrl: 'mysql://u:secret@db/weft' }))
    expect(bad.code).toBe('INVALID')
    expect(bad.message).not.toContain('secret')

    const down = await rejection(
      openReader({ databaseUrl: 'postgres://u:secret@127.0.0.1:1/weft', connectTimeoutSeconds: 2 }),
    )
    expect(down.code).toBe('UNAVAILABLE')
    expect(down.message).toContain('127.0.0.1:1/weft')
    expect(down.message).not.toContain('secret')

    const missing = new URL(url)
    missing.pathname = '/no_such_database'
    const gone = await rejection(openReader({ databaseUrl: missing.toString() }))
    expect(gone.code).toBe('UNAVAILABLE')
    expect(gone.message).toMatch(/no_such_database/)
  })
})

describe('openReader on a PGlite data directory', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-reader-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a missing directory without creating it, and one a store holds; reads it after', async () => {
    const missing = join(dir, 'missing')
    expect((await rejection(openReader({ dataDir: missing }))).code).toBe('NO_DATABASE')
    expect(existsSync(missing)).toBe(false)

    const dataDir = join(dir, 'data')
    const store = await openStore({ dataDir })
    const id = `p_${randomUUID()}`
    let doc: RecordingDoc
    try {
      doc = await seed(store, id)
      await store.appendUpdates([{ pipelineId: id, updates: doc.edit(sampleYaml('more', 4)) }])
      const busy = await rejection(openReader({ dataDir }))
      expect(busy.code).toBe('CONFLICT')
      expect(busy.message).toMatch(/in use by process/)
    } finally {
      await store.close()
    }

    const reader = await openReader({ dataDir })
    try {
      expect(reader.kind).toBe('pglite')
      const stored = await reader.loadDocument(id)
      expect(contentOf(docFrom(stored!.updates))).toEqual(contentOf(doc.doc))
    } finally {
      await reader.close()
    }
  })
})
