import postgres from 'postgres'
import type { StorageLogger as Logger } from './logger.js'
import type { Db, Param, Queryable, QueryOptions } from './sql.js'
import { normaliseRow } from './sql.js'

export interface PostgresDbOptions {
  url: string
  poolSize?: number
  logger: Logger
  /** Every transaction of every connection is read-only (`default_transaction_read_only`). */
  readOnly?: boolean
  /** Shown in pg_stat_activity; 'weft-server' by default. */
  applicationName?: string
  /** Give up connecting after this many seconds (postgres.js defaults to 30). */
  connectTimeoutSeconds?: number
}

/** PostgreSQL through postgres.js: a pool, `sql.begin` transactions, a dedicated LISTEN connection. */
export function openPostgresDb(options: PostgresDbOptions): Db {
  const { logger } = options
  const sql = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: (notice) => logger.debug('postgres notice', { notice: notice.message }),
    connection: {
      application_name: options.applicationName ?? 'weft-server',
      ...(options.readOnly ? { default_transaction_read_only: true } : {}),
    },
    ...(options.connectTimeoutSeconds === undefined
      ? {}
      : { connect_timeout: options.connectTimeoutSeconds }),
  })

  const run = async <T extends object>(
    target: postgres.Sql | postgres.TransactionSql,
    text: string,
    params: ReadonlyArray<Param> = [],
    options: QueryOptions = {},
  ): Promise<T[]> => {
    // unsafe(text, params) sends the values as bind parameters; only the text is SQL.
    const rows = await target.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
      prepare: options.prepare === true,
    })
    return rows.map((row) => normaliseRow<T>(row as Record<string, unknown>))
  }

  return {
    kind: 'postgres',
    query: (text, params, options) => run(sql, text, params, options),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const result = await sql.begin((tx) =>
        fn({ query: (text, params, options) => run(tx, text, params, options) }),
      )
      return result as T
    },
    async listen(channel, onNotify, onReconnect) {
      let connects = 0
      const { unlisten } = await sql.listen(channel, onNotify, () => {
        connects += 1
        if (connects > 1) {
          logger.info('listener reconnected', { channel })
          onReconnect?.()
        }
      })
      return unlisten
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
