import { defineConfig } from 'vite'

// The server ships as one ESM file with @weft/core bundled from source; its npm dependencies stay
// external and are resolved from node_modules at run time.
export default defineConfig({
  build: {
    ssr: 'src/main.ts',
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'weft-server.js', format: 'es' } },
  },
  ssr: { noExternal: ['@weft/core'] },
})
