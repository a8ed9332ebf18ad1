/**
 * The logger storage writes to. Declared here rather than imported from an app so that any
 * structured logger with these methods fits (the server's, or none at all in the CLI).
 */
type LogFields = Record<string, unknown>

export interface StorageLogger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): StorageLogger
}

/** Keeps nothing: the default when the caller passes no logger. */
export const silentLogger: StorageLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}
