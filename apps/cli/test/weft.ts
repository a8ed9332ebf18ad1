/** Runs the BUILT `weft` binary the way a user does, in a directory of the test's choosing. */
import { spawn, spawnSync } from 'node:child_process'
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

export interface RunOptions {
  readonly cwd: string
  /** The whole environment of the run: nothing of the test runner's (WEFT_TOKEN…) leaks in. */
  readonly env: Record<string, string>
  /** Piped to stdin (so stdin is not a terminal). */
  readonly input?: string
}

/**
 * Runs the built binary in an environment of the test's choosing, with piped stdin. Asynchronous
 * on purpose: a test that also talks HTTP to a server must keep its event loop running, or its
 * idle keep-alive sockets are closed by the server unseen and the next request fails.
 */
export function weftWith(options: RunOptions, ...args: string[]): Promise<WeftResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 120_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}
