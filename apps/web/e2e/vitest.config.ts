import { defineConfig } from 'vitest/config'

// Browser tests: the built app (apps/web/dist) served by the real built server, driven in
// Debian's headless Chromium through playwright-core. One file at a time: the machine has few
// cores and each test runs a server and two browsers.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Real servers, databases and browsers on a shared machine: retry a failed test once, and name
    // every retried test with its first error at the end of the run (decision 0015).
    retry: 1,
    reporters: ['default', '../../scripts/vitest-retry-report.mjs'],
  },
})
