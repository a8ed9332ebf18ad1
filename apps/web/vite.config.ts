import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'

// The built app is plain static files; @weft/server serves them (WEFT_WEB_DIR) next to the API,
// so the app talks to its own origin and the session cookie needs no CORS.
export default defineConfig({
  plugins: [react(), serviceWorker()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': 'http://localhost:4000',
      '/sync': { target: 'ws://localhost:4000', ws: true },
    },
  },
})

/**
 * Emits dist/sw.js: sw/service-worker.js with the list of the build's files to keep offline and a
 * version derived from them, so a new build replaces the old offline copy.
 */
function serviceWorker(): Plugin {
  return {
    name: 'weft-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== 'sw.js' && f !== 'index.html')
        .map((f) => `/${f}`)
        .sort()
      const precache = ['/', '/index.html', ...files]
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12)
      const template = readFileSync(new URL('./sw/service-worker.js', import.meta.url), 'utf8')
      const source = template
        .replace('self.__WEFT_PRECACHE__', JSON.stringify(precache))
        .replace('__WEFT_VERSION__', version)
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}
