import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const serverRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Bundles test/support/storage-child.ts into one ESM file under node_modules/.cache (so its
 * npm imports resolve from apps/server) and returns its path. Takes a second or two.
 */
export async function buildStorageChild(): Promise<string> {
  const outDir = `${serverRoot}node_modules/.cache/weft-storage-child-${process.pid}`
  await build({
    configFile: false,
    root: serverRoot,
    logLevel: 'silent',
    resolve: { conditions: ['source'] },
    ssr: { noExternal: ['@weft/core'] },
    build: {
      ssr: `${serverRoot}test/support/storage-child.ts`,
      target: 'node20',
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { entryFileNames: 'storage-child.mjs', format: 'es' } },
    },
  })
  return `${outDir}/storage-child.mjs`
}
