/**
 * Read-only access to a Weft database for tools that are not the server (`weft export
 * --database-url`). Unlike openStore it never migrates: it checks the recorded schema version
 * and refuses a database without one or with a newer one, because a tool must not change the
 * schema of a database a server owns. Every transaction is read-only.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError, sqlState } from './errors.js'
import { silentLogger, type StorageLogger } from './logger.js'
import { migrations } from './migrations.js'
import { openPgliteDb } from './pglite-db.js'
import { openPostgresDb } from './postgres-db.js'
import type { Db } from './sql.js'
import { SqlStore } from './sql-store.js'
import type { StoredDocument } from './store.js'

/** The newest schema version this code knows (the last migration). */
export const latestSchemaVersion = Math.max(...migrations.map((m) => m.version))

export interface OpenReaderOptions {
  /** postgres:// or postgresql:// URL. A password left out of it comes from PGPASSWORD. */
  databaseUrl?: string
  /**
   * Without databaseUrl: the server's embedded database directory (WEFT_DATA_DIR). Only one
   * process may hold it, so this fails with 'CONFLICT' while a server runs on it.
   */
  dataDir?: string
  logger?: StorageLogger
  /** Give up connecting to PostgreSQL after this many seconds (default 10). */
  connectTimeoutSeconds?: number
}

export interface ReaderPipeline {
  id: string
  name: string
  updatedAt: Date
}

export interface PipelineReader {
  readonly kind: 'postgres' | 'pglite'
  /** The version recorded by the server's migrations; at most latestSchemaVersion. */
  readonly schemaVersion: number
  /** Snapshot then log, as the server loads a document; null when missing or deleted. */
  loadDocument(pipelineId: string): Promise<StoredDocument | null>
  /** Every pipeline that is not deleted, by id. */
  listPipelines(): Promise<ReaderPipeline[]>
  close(): Promise<void>
}

/**
 * Opens a database read-only. StoreError codes: 'INVALID' (not a postgres URL, or neither
 * option), 'UNAVAILABLE' (cannot connect), 'NO_DATABASE' (no data directory), 'CONFLICT' (the
 * data directory is in use), 'SCHEMA_MISSING', 'SCHEMA_NEWER'. Messages never contain the URL's
 * password.
 */
export async function openReader(options: OpenReaderOptions): Promise<PipelineReader> {
  const logger = (options.logger ?? silentLogger).child({ module: 'storage-reader' })
  let db: Db
  let where: string
  if (options.databaseUrl !== undefined) {
    where = describeUrl(options.databaseUrl)
    db = openPostgresDb({
      url: options.databaseUrl,
      logger,
      poolSize: 1,
      readOnly: true,
      applicationName: 'weft-reader',
      connectTimeoutSeconds: options.connectTimeoutSeconds ?? 10,
    })
  } else if (options.dataDir !== undefined) {
    where = options.dataDir
    // PGlite would create (initdb) a missing directory: that is never what a reader wants.
    if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
      throw new StoreError('NO_DATABASE', `There is no Weft database in ${options.dataDir}.`)
    }
    db = await openPgliteDb({ dataDir: options.dataDir, logger })
  } else {
    throw new StoreError('INVALID', 'Give a database URL or a data directory.')
  }
  try {
    if (db.kind === 'pglite') await db.query('set default_transaction_read_only = on')
    const schemaVersion = await readSchemaVersion(db, where)
    const store = new SqlStore(db, logger)
    return {
      kind: db.kind,
      schemaVersion,
      loadDocument: (id) => store.loadDocument(id),
      async listPipelines() {
        const rows = await db.query<{ id: string; name: string; updated_at: Date }>(
          'select id, name, updated_at from pipelines where deleted_at is null order by id',
        )
        return rows.map((r) => ({ id: r.id, name: r.name, updatedAt: new Date(r.updated_at) }))
      },
      close: () => db.close(),
    }
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
}

async function readSchemaVersion(db: Db, where: string): Promise<number> {
  let version: number
  try {
    const [table] = await db.query<{ present: boolean }>(
      `select to_regclass('schema_migrations') is not null as present`,
    )
    version = 0
    if (table?.present) {
      const [row] = await db.query<{ version: unknown }>(
        'select coalesce(max(version), 0) as version from schema_migrations',
      )
      version = Number(row?.version ?? 0)
    }
  } catch (error) {
    throw new StoreError('UNAVAILABLE', `Cannot read the database at ${where}: ${reason(error)}`, {
      cause: error,
    })
  }
  if (version === 0) {
    throw new StoreError(
      'SCHEMA_MISSING',
      `The database at ${where} has no Weft schema (no applied migrations): is it the Weft server's database?`,
    )
  }
  if (version > latestSchemaVersion) {
    throw new StoreError(
      'SCHEMA_NEWER',
      `The database at ${where} has schema version ${version}, newer than this version of Weft knows (${latestSchemaVersion}): use the Weft release the server runs.`,
    )
  }
  return version
}

/** host:port/database, never the user or password. */
function describeUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreError('INVALID', 'The database URL is not a URL (expected postgres://…).')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError(
      'INVALID',
      `The database URL must start with postgres:// or postgresql://, not ${parsed.protocol}//.`,
    )
  }
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`
}

/** The driver's own words, one line: a refused connection, a failed password, a missing database. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const state = sqlState(error)
  const line = message.split('\n')[0] ?? message
  return state !== undefined && !line.includes(state) ? `${line} (${state})` : line
}
