import { PGlite } from '@electric-sql/pglite'
import type { Logger } from '../logging/index.js'
import type { Db, Param, Queryable } from './sql.js'

export interface PgliteDbOptions {
  /** A directory on disk, created on first start and reused after; undefined = in memory. */
  dataDir?: string
  logger: Logger
}

/**
 * Embedded PostgreSQL (WASM) through PGlite's direct API. PGlite is one session: its query() and
 * transaction() share one mutex, so a statement from another caller never lands inside someone
 * else's transaction; they simply wait. LISTEN/NOTIFY works in-process.
 */
export async function openPgliteDb(options: PgliteDbOptions): Promise<Db> {
  const db =
    options.dataDir === undefined
      ? await PGlite.create()
      : await PGlite.create({ dataDir: options.dataDir, relaxedDurability: false })
  await db.waitReady

  const run = async <T extends object>(
    target: Pick<PGlite, 'query'>,
    text: string,
    params: ReadonlyArray<Param> = [],
  ): Promise<T[]> => {
    const result = await target.query<T>(text, params as unknown[])
    return result.rows
  }

  let closed = false
  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) }))
    },
    async listen(channel, onNotify) {
      // In one process there is no connection to lose, so onReconnect never fires.
      const unlisten = await db.listen(channel, onNotify)
      return async () => {
        if (!closed) await unlisten()
      }
    },
    async close() {
      if (closed) return
      closed = true
      options.logger.debug('closing pglite')
      await db.close()
    },
  }
}
