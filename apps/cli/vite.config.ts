import { defineConfig } from 'vite'

// The CLI ships as one ESM file (plus a chunk for `export --database-url`) with the workspace
// packages bundled from source, so they need no build step. npm dependencies stay external and
// resolve from apps/cli/node_modules, so the CLI lists the ones @weft/storage imports too.
export default defineConfig({
  build: {
    ssr: 'src/main.ts',
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'weft.js', format: 'es' } },
  },
  ssr: { noExternal: ['@weft/core', '@weft/storage'] },
})
