import { defineConfig } from 'vitest/config'
export default defineConfig({
  test: {
    include: ['/tmp/vb/*.bench.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    execArgv: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/vb/prof'] : [],
  },
})
