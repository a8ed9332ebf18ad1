/** Stores for tests: a fresh PostgreSQL database per call, or an in-memory PGlite. */
import { inject } from 'vitest'
import { silentLogger } from '../../src/logging/index.js'
import type { Logger } from '../../src/logging/index.js'
import { openStore } from '../../src/storage/index.js'
import type { Store } from '../../src/storage/index.js'
import { createDatabase } from './postgres.js'

export type BackendName = 'postgres' | 'pglite'

export interface TestBackend {
  name: BackendName
  /** A store on a brand-new, empty database. PGlite in memory costs ~3 s and ~750 MB: share one. */
  open(options?: { logger?: Logger; poolSize?: number }): Promise<Store>
}

/** The superuser URL of the run's PostgreSQL server (test/support/global-setup.ts). */
export function postgresAdminUrl(): string {
  const url = inject('postgresUrl')
  if (!url) throw new Error('postgresUrl was not provided: is test/support/global-setup.ts set up?')
  return url
}

/** A fresh empty PostgreSQL database in the run's server; returns its URL. */
export function freshDatabaseUrl(): Promise<string> {
  return createDatabase(postgresAdminUrl())
}

export const postgresBackend: TestBackend = {
  name: 'postgres',
  async open(options = {}) {
    return openStore({
      databaseUrl: await freshDatabaseUrl(),
      logger: options.logger ?? silentLogger,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    })
  },
}

export const pgliteBackend: TestBackend = {
  name: 'pglite',
  open: (options = {}) => openStore({ logger: options.logger ?? silentLogger }),
}

export const backends: readonly TestBackend[] = [postgresBackend, pgliteBackend]

/** One postgres-backed and one PGlite store, each on an empty database. */
export async function openTestStores(): Promise<{
  postgres: Store
  pglite: Store
  close(): Promise<void>
}> {
  const [pg, lite] = await Promise.all([postgresBackend.open(), pgliteBackend.open()])
  return {
    postgres: pg,
    pglite: lite,
    close: async () => {
      await Promise.all([pg.close(), lite.close()])
    },
  }
}
