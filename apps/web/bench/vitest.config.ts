import { defineConfig } from 'vitest/config'

// The web benchmark runs apart from the test suite: `pnpm --filter @weft/web bench` (which builds
// the web app first; the server must be built). It drives the built app in Debian's headless
// Chromium against the built server, like the browser tests, and needs the machine to itself as
// far as possible: one file, one fork.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['bench/**/*.bench.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/harness/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 180_000,
  },
})
