/** Stable codes: callers (REST, relay) branch on `code`, never on the message. */
export type StoreErrorCode = 'EMAIL_TAKEN' | 'NOT_FOUND' | 'CONFLICT' | 'INVALID'

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
