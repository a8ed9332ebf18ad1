import { defineConfig } from 'vite'

// The CLI ships as one ESM file with @weft/core bundled from source, so core needs no build step.
export default defineConfig({
  build: {
    ssr: 'src/main.ts',
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'weft.js', format: 'es' } },
  },
  ssr: { noExternal: ['@weft/core'] },
})
