import { silentLogger } from './logger.js'
import { migrate } from './migrations.js'
import { openPgliteDb } from './pglite-db.js'
import { openPostgresDb } from './postgres-db.js'
import type { Db } from './sql.js'
import { SqlStore } from './sql-store.js'
import type { OpenStoreOptions, Store } from './store.js'

/**
 * databaseUrl → PostgreSQL; otherwise PGlite at dataDir (created on first start, reused after),
 * or in memory when there is no dataDir either. Runs the migrations before resolving.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const logger = (options.logger ?? silentLogger).child({ module: 'storage' })
  let db: Db
  if (options.databaseUrl !== undefined) {
    db = openPostgresDb({
      url: options.databaseUrl,
      logger,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    })
  } else {
    db = await openPgliteDb({
      logger,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    })
  }
  try {
    const applied = await migrate(db)
    if (applied.length > 0) logger.info('applied migrations', { versions: applied, kind: db.kind })
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
  return new SqlStore(db, logger)
}
