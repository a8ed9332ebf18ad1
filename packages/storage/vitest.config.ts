import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    // Opening PGlite on disk takes 10-20 s on a loaded 2-core machine, and the kill -9 test opens
    // it four times: a limit, not a speed target.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
})
