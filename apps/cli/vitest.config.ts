import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One throwaway PostgreSQL server for the run (weft export --database-url tests).
    globalSetup: ['@weft/storage/testing/global-setup'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
