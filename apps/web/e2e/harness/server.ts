/**
 * The real built server (apps/server/bin/weft-server.js) as a child process, on its own embedded
 * database in a temporary directory, serving the built web app.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot, serverBin, webDist } from './paths.js'

export const admin = { email: 'ada@example.com', password: 'ada-password-1' }

export interface TestServer {
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** Graceful stop (SIGTERM: the server flushes, then exits). */
  stop(): Promise<void>
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>
  /** Stops it and deletes its data. */
  dispose(): Promise<void>
  /** The server's log lines so far (for failure messages). */
  readonly log: string[]
}

export async function startServer(
  options: {
    port?: number
    /** Extra or overriding environment; `undefined` unsets (e.g. the admin, for the setup link). */
    env?: Record<string, string | undefined>
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-e2e-data-'))
  const log: string[] = []
  let child: ChildProcess | undefined
  let port = options.port ?? 0

  const launch = async () => {
    const proc = spawn(process.execPath, [serverBin], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        WEFT_DATA_DIR: dataDir,
        WEFT_WEB_DIR: webDist,
        WEFT_ADMIN_EMAIL: admin.email,
        WEFT_ADMIN_PASSWORD: admin.password,
        WEFT_LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = proc
    proc.stderr!.on('data', (d: Buffer) => log.push(d.toString()))
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`weft-server did not log 'listening' within 60 s:\n${log.join('\n')}`)),
        60_000,
      )
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        log.push(line)
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number; level?: string }
          if (entry.msg === 'listening' && typeof entry.port === 'number') {
            clearTimeout(timer)
            resolve(entry.port)
          }
          // A browser test that fails on a 5xx then has the server's reason in the log.
          if (entry.level === 'error') process.stderr.write(`[weft-server] ${line}\n`)
        } catch {
          // not a JSON line
        }
      })
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`weft-server exited with ${code} before listening:\n${log.join('\n')}`))
      })
    })
  }

  const stop = async () => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      proc.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      proc.kill('SIGTERM')
    })
  }

  await launch()
  return {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    dataDir,
    log,
    stop,
    restart: async () => {
      await stop()
      await launch()
    },
    dispose: async () => {
      await stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
