/**
 * The one tiny interface both backends implement, so every query in the store is written once.
 * Values always travel as parameters ($1, $2, …); SQL text is never built from values.
 */
export type Param = string | number | boolean | Date | Uint8Array | null

export interface QueryOptions {
  /**
   * Keep the statement prepared on its connection (postgres.js; PGlite ignores it). postgres.js
   * otherwise runs every statement that has parameters in two round trips (parse and describe,
   * then bind and execute), and the second waits for the caller's event loop. Only for a
   * statement run very often with the same text, whose plan does not depend on the values: after
   * five runs PostgreSQL may reuse a generic plan.
   */
  prepare?: boolean
}

export interface Queryable {
  query<T extends object>(
    text: string,
    params?: ReadonlyArray<Param>,
    options?: QueryOptions,
  ): Promise<T[]>
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite'
  /** Runs fn in one transaction; no other caller's statement runs inside it. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * LISTEN on channel. onReconnect fires after the listener re-connected (never for the first
   * connect). Resolves once listening; the result stops listening.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** postgres.js hands bytea back as Buffer; the store promises plain Uint8Array. */
export function normaliseRow<T extends object>(row: Record<string, unknown>): T {
  for (const key of Object.keys(row)) {
    const value = row[key]
    if (Buffer.isBuffer(value)) {
      row[key] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    }
  }
  return row as T
}
