/**
 * Structured logs: one JSON object per line, so that any log shipper can index them. The sink is
 * injected so tests can read what was logged instead of scraping stdout.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface LoggerOptions {
  level?: LogLevel
  write?: (line: string) => void
  now?: () => Date
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const min = order[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'))
  const now = options.now ?? (() => new Date())
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (order[level] < min) return
    write(JSON.stringify({ time: now().toISOString(), level, msg, ...bound, ...fields }, errors))
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  }
}

/** Errors are not JSON-serialisable by default; keep their message and code. */
function errors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return { message: value.message, ...(code === undefined ? {} : { code }) }
  }
  return value
}

/** A logger that keeps nothing; for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ write: () => {} })
