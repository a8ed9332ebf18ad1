/**
 * The postgres.js adapter: statements marked `prepare` stay prepared on their connection, so
 * postgres.js runs them in one round trip instead of two (parse and describe, then bind and
 * execute); the group commit's append is one of them.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { silentLogger } from './logger.js'
import { openStore } from './open.js'
import { openPostgresDb } from './postgres-db.js'
import type { Db } from './sql.js'
import { SqlStore } from './sql-store.js'
import { RecordingDoc, sampleYaml } from './testing/docs.js'
import { freshDatabaseUrl } from './testing/stores.js'

let db: Db
let store: SqlStore

beforeAll(async () => {
  const url = await freshDatabaseUrl()
  await (await openStore({ databaseUrl: url })).close() // migrations
  // One connection: pg_prepared_statements is per session.
  db = openPostgresDb({ url, poolSize: 1, logger: silentLogger })
  store = new SqlStore(db, silentLogger)
})

afterAll(async () => {
  await db?.close()
})

const prepared = async (like: string) => {
  const [row] = await db.query<{ n: number }>(
    'select count(*)::int as n from pg_prepared_statements where statement like $1',
    [like],
  )
  return row!.n
}

describe('prepared statements on PostgreSQL', () => {
  it('keeps a statement marked prepare, and only that one', async () => {
    await db.query('select $1::int + 1 as kept', [1], { prepare: true })
    await db.query('select $1::int + 2 as unmarked', [1])
    expect(await prepared('%as kept%')).toBe(1)
    expect(await prepared('%as unmarked%')).toBe(0)
  })

  it("runs the group commit's append as one prepared statement, reused", async () => {
    const owner = await store.createUser({
      email: `u-${randomUUID()}@example.com`,
      passwordHash: 'x',
      isAdmin: false,
    })
    const id = `p_${randomUUID()}`
    const doc = new RecordingDoc(sampleYaml('flow'))
    await store.createPipeline({
      id,
      ownerId: owner.id,
      name: 'flow',
      description: '',
      epoch: 'e1',
      state: doc.state(),
      yaml: sampleYaml('flow'),
      search: '',
    })
    for (let i = 0; i < 3; i++) {
      // One row per append, as the relay sends (it merges a pipeline's updates).
      const update = Y.mergeUpdates(doc.type(`#${i}`))
      const heads = await store.appendUpdates([{ pipelineId: id, updates: [update] }])
      expect(heads.get(id)).toBe(i + 1)
    }
    // Prepared once, then reused: the later appends were one round trip each.
    expect(await prepared('%update pipelines set head_seq = head_seq +%')).toBe(1)
  })
})
