export type { LogFields, Logger, LogLevel, LoggerOptions } from './logger.js'
export { createLogger, silentLogger } from './logger.js'
