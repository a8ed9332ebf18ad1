import { defineConfig } from 'vite'

// The server ships as one ESM file with the workspace packages (@weft/core, @weft/storage) bundled
// from source; npm dependencies stay external and are resolved from apps/server/node_modules at
// run time, so the server lists the ones @weft/storage imports (postgres, PGlite, yjs) too.
export default defineConfig({
  build: {
    ssr: 'src/main.ts',
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'weft-server.js', format: 'es' } },
  },
  ssr: { noExternal: ['@weft/core', '@weft/storage'] },
})
