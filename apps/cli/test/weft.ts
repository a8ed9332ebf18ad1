/** Runs the BUILT `weft` binary the way a user does, in a directory of the test's choosing. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/weft.js', import.meta.url))
const bundle = fileURLToPath(new URL('../dist/weft.js', import.meta.url))

export interface WeftResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Throws when the bundle is missing, so a stale or absent build is not mistaken for a CLI bug. */
export function assertBuilt(): void {
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run \`pnpm --filter @weft/cli build\` first`)
  }
}

export function weft(cwd: string, ...args: string[]): WeftResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.error) throw r.error
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
