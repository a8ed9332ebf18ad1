/**
 * The real Weft server for the CLI's end-to-end tests: its BUILT binary started as a child
 * process with an embedded database in a temp directory, plus plain HTTP calls against it. The
 * CLI never imports the server (apps do not depend on each other); it only runs its binary.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const serverRoot = fileURLToPath(new URL('../../server/', import.meta.url))
const bin = join(serverRoot, 'bin', 'weft-server.js')

export const ADMIN = { email: 'admin@example.com', password: 'admin password' }

export interface TestServer {
  readonly url: string
  stop(): Promise<void>
}

export interface ServerOptions {
  /** PostgreSQL (DATABASE_URL) instead of an embedded database in a temp directory. */
  readonly databaseUrl?: string
  /** The embedded database's directory; the caller's, so it is kept when the server stops. */
  readonly dataDir?: string
  /** More environment (WEFT_COMPACT_EVERY, …). */
  readonly env?: Record<string, string>
}

/** Starts the built server on a free port and resolves once it logs `listening`. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  if (!existsSync(join(serverRoot, 'dist', 'weft-server.js'))) {
    throw new Error('apps/server is not built: run `pnpm --filter @weft/server build` first')
  }
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'weft-cli-server-'))
  const child = spawn(process.execPath, [bin], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      WEFT_DATA_DIR: dataDir,
      ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
      WEFT_ADMIN_EMAIL: ADMIN.email,
      WEFT_ADMIN_PASSWORD: ADMIN.password,
      WEFT_LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        try {
          const entry = JSON.parse(line) as { msg?: unknown; port?: unknown; level?: unknown }
          if (entry.msg === 'listening' && typeof entry.port === 'number') resolve(entry.port)
          // A test that sees a 5xx then has the server's reason beside it in the log.
          if (entry.level === 'error') process.stderr.write(`[weft-server] ${line}\n`)
        } catch {
          // not a log line
        }
      }
    })
    void exited.then(() => reject(new Error(`the server exited before listening: ${stderr}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface ApiAnswer {
  readonly status: number
  readonly text: string
  readonly json: any
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; yaml?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.yaml !== undefined) {
    headers['content-type'] = 'application/yaml'
    body = options.yaml
  }
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, text, json }
}

export async function tokenFor(base: string, user: { email: string; password: string }) {
  const res = await api(base, 'POST', '/api/auth/token', { json: user })
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`)
  return res.json.token as string
}

/** A new user (made by the admin) and a token of theirs. */
export async function createUser(base: string, adminToken: string, email: string) {
  const password = `${email} password`
  const res = await api(base, 'POST', '/api/users', {
    token: adminToken,
    json: { email, password },
  })
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${res.text}`)
  return { email, password, token: await tokenFor(base, { email, password }) }
}

export async function share(
  base: string,
  ownerToken: string,
  id: string,
  email: string,
  role: 'editor' | 'viewer',
) {
  const res = await api(base, 'PUT', `/api/pipelines/${id}/access`, {
    token: ownerToken,
    json: { email, role },
  })
  if (res.status !== 200) throw new Error(`share: ${res.status} ${res.text}`)
}
