import { defineConfig } from 'vitest/config'

// The server benchmark runs apart from the test suite: `pnpm --filter @weft/server bench` (which
// builds the server first). One file, one fork, no parallelism: the figures need the machine.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['bench/**/*.bench.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
