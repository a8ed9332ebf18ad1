import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const repoRoot = resolve(webDir, '../..')
export const webDist = join(webDir, 'dist')
export const serverBin = join(repoRoot, 'apps/server/bin/weft-server.js')
export const serverDist = join(repoRoot, 'apps/server/dist/weft-server.js')
export const cliBin = join(repoRoot, 'apps/cli/bin/weft.js')
export const cliDist = join(repoRoot, 'apps/cli/dist/weft.js')
export const corpusDir = resolve(repoRoot, '../shared/corpus/pipeline_ex')
export const chromiumPath = process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium'

/** Fails with what to run when a build the browser tests need is missing. */
export function assertBuilds(): void {
  const missing: string[] = []
  if (!existsSync(join(webDist, 'index.html')))
    missing.push('apps/web/dist (run `pnpm --filter @weft/web build`)')
  if (!existsSync(serverDist))
    missing.push('apps/server/dist (run `pnpm --filter @weft/server build`)')
  if (!existsSync(cliDist)) missing.push('apps/cli/dist (run `pnpm --filter @weft/cli build`)')
  if (missing.length) {
    throw new Error(
      `The browser tests run the built app, server and CLI, and these builds are missing:\n  ${missing.join('\n  ')}\n` +
        '`pnpm --filter @weft/web test:e2e` builds the web app itself; `npm test` (turbo) builds the rest first.',
    )
  }
}
