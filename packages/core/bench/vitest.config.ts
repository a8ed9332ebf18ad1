import { defineConfig } from 'vitest/config'

// Benchmarks run apart from the test suite: `pnpm --filter @weft/core bench`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.test.ts', 'bench/**/size.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
  },
})
