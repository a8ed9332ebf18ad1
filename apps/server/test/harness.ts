/**
 * Real parts for the end-to-end tests: the built server as a child process (so it can be killed
 * with SIGKILL), HTTP calls against it, and stock y-websocket clients over real sockets.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const serverRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(serverRoot, 'bin', 'weft-server.js')

export const ADMIN = { email: 'admin@example.com', password: 'admin password' }

export interface ServerProcess {
  readonly url: string
  readonly wsUrl: string
  readonly port: number
  readonly child: ChildProcess
  /** Every JSON log line so far. */
  readonly logs: Array<Record<string, unknown>>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `weft-${prefix}-`))
}

/** Starts `bin/weft-server.js` (the build) and resolves once it logs `listening`. */
export async function startServerProcess(
  env: Record<string, string | undefined>,
): Promise<ServerProcess> {
  if (!existsSync(join(serverRoot, 'dist', 'weft-server.js'))) {
    throw new Error('apps/server is not built: run `pnpm --filter @weft/server build` first')
  }
  const child = spawn(process.execPath, [bin], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      WEFT_ADMIN_EMAIL: ADMIN.email,
      WEFT_ADMIN_PASSWORD: ADMIN.password,
      WEFT_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          logs.push(entry)
          if (entry.msg === 'listening') resolve(entry.port as number)
        } catch {
          // not a log line
        }
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)))
  })
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    port,
    child,
    logs,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { token?: string; cookie?: string; json?: unknown; body?: string; type?: string } = {},
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.cookie) headers.cookie = options.cookie
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.body !== undefined) {
    headers['content-type'] = options.type ?? 'application/yaml'
    body = options.body
  }
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, text, headers: res.headers }
}

export async function tokenFor(base: string, user: { email: string; password: string }) {
  const res = await api(base, 'POST', '/api/auth/token', { json: user })
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`)
  return res.json.token as string
}

export async function createUser(base: string, adminToken: string, email: string) {
  const password = `${email} password`
  const res = await api(base, 'POST', '/api/users', {
    token: adminToken,
    json: { email, password },
  })
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${res.text}`)
  return { email, password, token: await tokenFor(base, { email, password }) }
}

export async function createPipeline(base: string, token: string, yaml: string): Promise<string> {
  const res = await api(base, 'POST', '/api/pipelines', { token, body: yaml })
  if (res.status !== 201) throw new Error(`create pipeline: ${res.status} ${res.text}`)
  return res.json.id as string
}

export interface Client {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** The last durable state vector the server acknowledged. */
  acked: Map<number, number>
  closeEvents: Array<{ code: number; reason: string }>
  /** True when the server has acknowledged this client's own edits as durable. */
  saved(): boolean
  destroy(): void
}

/** A stock y-websocket client: only its URL and options are Weft's. */
export function connectClient(
  wsUrl: string,
  pipelineId: string,
  token: string,
  options: { doc?: Y.Doc; acks?: boolean; epoch?: string; connect?: boolean } = {},
): Client {
  const doc = options.doc ?? new Y.Doc()
  const protocols = ['weft', `weft-token.${token}`]
  if (options.acks !== false) protocols.push('weft-ack')
  if (options.epoch !== undefined) protocols.push(`weft-epoch.${options.epoch}`)
  const provider = new WebsocketProvider(wsUrl, pipelineId, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    protocols,
    connect: options.connect ?? true,
    maxBackoffTime: 200,
  })
  const client: Client = {
    doc,
    provider,
    acked: new Map(),
    closeEvents: [],
    saved: () => (client.acked.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID),
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
  provider.messageHandlers[100] = (_encoder, decoder) => {
    client.acked = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
  }
  provider.on('connection-close', (event) => {
    if (event) client.closeEvents.push({ code: event.code, reason: event.reason })
  })
  return client
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Opens a raw socket and reports how the server answered the upgrade. */
export function rawUpgrade(
  wsUrl: string,
  pipelineId: string,
  protocols: string[],
  headers: Record<string, string> = {},
): Promise<{ status: number } | { open: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${pipelineId}`, protocols, { headers })
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.once('open', () => resolve({ open: ws }))
    ws.once('error', (e) => {
      if (!/Unexpected server response/.test(String(e))) reject(e)
    })
  })
}

export const pipelineYaml = (name: string, steps = 1) =>
  `# owned by the platform team
workflow:
  name: ${name}
  steps:
${Array.from(
  { length: steps },
  (_, i) => `    - name: step_${i}
      type: claude
      prompt:
        - type: static
          content: Say ${i}
`,
).join('')}`
