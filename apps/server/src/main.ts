/**
 * The process entry: read the configuration once, start, and shut down gracefully on SIGTERM or
 * SIGINT (stop taking sockets, flush every pending update to the database, then exit).
 */
import { ConfigError, readConfig } from './config/index.js'
import { createLogger } from './logging/index.js'
import { startServer } from './server.js'

export async function main(
  _argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  let config
  try {
    config = readConfig(env, process.cwd())
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`weft-server: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
  const logger = createLogger({ level: config.logLevel })
  const server = await startServer(config, { logger })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info('shutting down', { signal })
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}
