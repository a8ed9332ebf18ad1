/** Stores for tests: a fresh PostgreSQL database per call, or an in-memory PGlite. */
import { inject } from 'vitest'
import type { StorageLogger } from '../logger.js'
import { openStore } from '../open.js'
import type { Store } from '../store.js'
import { createDatabase } from './postgres.js'
import type {} from './provided.js'

export type BackendName = 'postgres' | 'pglite'

export interface TestBackend {
  name: BackendName
  /** A store on a brand-new, empty database. PGlite in memory costs ~3 s and ~750 MB: share one. */
  open(options?: { logger?: StorageLogger; poolSize?: number }): Promise<Store>
}

/** The superuser URL of the run's PostgreSQL server (@weft/storage/testing/global-setup). */
export function postgresAdminUrl(): string {
  const url = inject('postgresUrl')
  if (!url)
    throw new Error(
      'postgresUrl was not provided: is @weft/storage/testing/global-setup in the vitest globalSetup?',
    )
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
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    })
  },
}

export const pgliteBackend: TestBackend = {
  name: 'pglite',
  open: (options = {}) => openStore(options.logger === undefined ? {} : { logger: options.logger }),
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
