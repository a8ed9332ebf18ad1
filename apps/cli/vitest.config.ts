import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One throwaway PostgreSQL server for the run (weft export --database-url tests).
    globalSetup: ['@weft/storage/testing/global-setup'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Real servers, databases and browsers on a shared machine: retry a failed test once, and name
    // every retried test with its first error at the end of the run (decision 0015).
    retry: 1,
    reporters: ['default', '../../scripts/vitest-retry-report.mjs'],
  },
})
