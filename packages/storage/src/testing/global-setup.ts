/**
 * vitest globalSetup (`@weft/storage/testing/global-setup`): one throwaway PostgreSQL server for
 * a package's whole test run. Tests read its superuser URL with `inject('postgresUrl')` and make
 * their own database in it (`freshDatabaseUrl`, `createDatabase`).
 */
import type { TestProject } from 'vitest/node'
import { startPostgres } from './postgres.js'
import type {} from './provided.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now()
  let server
  try {
    server = await startPostgres()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`\n[weft test setup] could not start PostgreSQL for the tests:\n  ${message}\n`)
    throw error
  }
  console.log(`[weft test setup] PostgreSQL ready at ${server.url} in ${Date.now() - started} ms`)
  project.provide('postgresUrl', server.url)
  return async () => {
    await server.stop()
  }
}
