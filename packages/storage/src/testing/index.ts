/**
 * Test support shared by every package whose tests need a database (`@weft/storage/testing`):
 * a throwaway PostgreSQL server (started once per run by `@weft/storage/testing/global-setup`),
 * a fresh database or store per test file, and real Yjs pipeline documents. Never imported by
 * shipped code.
 */
export type { BackendName, TestBackend } from './stores.js'
export {
  backends,
  freshDatabaseUrl,
  openTestStores,
  pgliteBackend,
  postgresAdminUrl,
  postgresBackend,
} from './stores.js'
export type { PostgresServer } from './postgres.js'
export { createDatabase, ensurePostgresBin, findPostgresBin, startPostgres } from './postgres.js'
export {
  contentOf,
  docFrom,
  payloadFor,
  RecordingDoc,
  renderDocument,
  renderPipeline,
  sampleYaml,
} from './docs.js'
