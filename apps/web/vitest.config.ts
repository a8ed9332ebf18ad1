import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// Component tests run in happy-dom; browser tests (e2e/) drive the built app in real Chromium
// against a real server and have their own config.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'happy-dom',
    testTimeout: 30_000,
  },
})
