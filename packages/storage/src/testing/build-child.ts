import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const packageRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Bundles src/testing/storage-child.ts into one ESM file under node_modules/.cache (so its
 * npm imports resolve from packages/storage) and returns its path. Takes a second or two.
 */
export async function buildStorageChild(): Promise<string> {
  const outDir = `${packageRoot}node_modules/.cache/weft-storage-child-${process.pid}`
  await build({
    configFile: false,
    root: packageRoot,
    logLevel: 'silent',
    resolve: { conditions: ['source'] },
    ssr: { noExternal: ['@weft/core'] },
    build: {
      ssr: `${packageRoot}src/testing/storage-child.ts`,
      target: 'node20',
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { entryFileNames: 'storage-child.mjs', format: 'es' } },
    },
  })
  return `${outDir}/storage-child.mjs`
}
