import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The built app is plain static files; @weft/server serves them (WEFT_WEB_DIR) next to the API,
// so the app talks to its own origin and the session cookie needs no CORS.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': 'http://localhost:4000',
      '/sync': { target: 'ws://localhost:4000', ws: true },
    },
  },
})
