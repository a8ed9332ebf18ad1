/**
 * Stable codes: callers (REST, relay, CLI) branch on `code`, never on the message. The last four
 * come only from `openReader` (reader.ts).
 */
export type StoreErrorCode =
  | 'EMAIL_TAKEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID'
  /** A team would be left without an owner. */
  | 'LAST_OWNER'
  /** A team still owns live pipelines. */
  | 'TEAM_NOT_EMPTY'
  /** The database cannot be reached or refused the connection. */
  | 'UNAVAILABLE'
  /** There is no database at that data directory. */
  | 'NO_DATABASE'
  /** The database holds no Weft schema (no recorded migrations). */
  | 'SCHEMA_MISSING'
  /** The schema is newer than this code knows: a newer server migrated it. */
  | 'SCHEMA_NEWER'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
  }
}

/** The SQLSTATE of a database error, from either driver (both expose it as `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
