/**
 * The two servers under test behind one interface, so the scenarios drive both with the same code.
 * Both run as child processes of the bench (the same placement); every client lives in the bench
 * process and each client has its own WebSocket.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import * as decoding from 'lib0/decoding'
import postgres from 'postgres'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { ADMIN, createPipeline, tokenFor } from '../../test/harness.js'
import { importedDoc } from './workload.js'

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..')

/** `performance.now()` of this process as a Unix time in ms, comparable across processes. */
export const epochNow = (t = performance.now()) => performance.timeOrigin + t

/** Close codes the Weft clients saw, for the report. */
export const closeCodes = new Map<number, number>()

export interface BenchClient {
  readonly doc: Y.Doc
  /** Resolves once the first sync with the server is done and nothing local is unsent. */
  readonly synced: Promise<void>
  /**
   * Call right after a local write: `done(t)` runs with `performance.now()` when the server
   * acknowledges it (Weft: the "saved" message, sent after the Postgres commit; Hocuspocus: the
   * SyncStatus message that drops `unsyncedChanges`, sent once the server applied it).
   */
  track(done: (at: number) => void): void
  /** Times the socket closed after it opened (a reconnect or a server-side close). */
  closes(): number
  destroy(): void
}

export interface System {
  readonly name: 'Weft' | 'Hocuspocus'
  readonly pid: number
  /** Stores a new document holding `yaml` and returns its name. */
  create(yaml: string): Promise<string>
  /** `acks: false` leaves out Weft's `weft-ack` subprotocol (no effect on Hocuspocus). */
  connect(name: string, options?: { acks?: boolean }): BenchClient
  stop(): Promise<void>
}

// --- Weft ------------------------------------------------------------------------------------

export interface WeftProcess {
  readonly url: string
  readonly wsUrl: string
  readonly child: ChildProcess
  /** JSON log lines at warn or error. */
  readonly problems: Array<Record<string, unknown>>
}

/**
 * Starts the built server (`bin/weft-server.js`) the way test/harness.ts does, with node flags
 * from BENCH_WEFT_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/weft-prof`, which Node does not
 * accept in NODE_OPTIONS).
 */
async function startWeftProcess(databaseUrl: string): Promise<WeftProcess> {
  const bin = join(benchDir, '..', 'bin', 'weft-server.js')
  if (!existsSync(join(benchDir, '..', 'dist', 'weft-server.js'))) {
    throw new Error('apps/server is not built: run `pnpm --filter @weft/server build` first')
  }
  const nodeArgs = (process.env.BENCH_WEFT_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, bin], {
    cwd: join(benchDir, '..'),
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATABASE_URL: databaseUrl,
      WEFT_ADMIN_EMAIL: ADMIN.email,
      WEFT_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const problems: Array<Record<string, unknown>> = []
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
          if (entry.msg === 'listening') resolve(entry.port as number)
          if (entry.level === 'warn' || entry.level === 'error') problems.push(entry)
        } catch {
          // not a log line
        }
      }
    })
    void exited.then(() => reject(new Error(`weft-server exited: ${stderr}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    child,
    problems,
  }
}

export async function startWeft(
  databaseUrl: string,
): Promise<System & { server: WeftProcess; token: string }> {
  const server = await startWeftProcess(databaseUrl)
  const token = await tokenFor(server.url, ADMIN)
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()))
  return {
    name: 'Weft',
    pid: server.child.pid ?? 0,
    server,
    token,
    create: (yaml) => createPipeline(server.url, token, yaml),
    connect: (id, options) => connectWeft(server.wsUrl, id, token, options?.acks ?? true),
    stop: async () => {
      if (server.child.exitCode === null) server.child.kill('SIGTERM')
      await exited
    },
  }
}

export function connectWeft(wsUrl: string, id: string, token: string, acks = true): BenchClient {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, id, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    protocols: ['weft', `weft-token.${token}`, ...(acks ? ['weft-ack'] : [])],
  })
  const pending: Array<{ clock: number; done: (at: number) => void }> = []
  provider.messageHandlers[100] = (_encoder, decoder) => {
    const at = performance.now()
    const acked = Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(doc.clientID) ?? 0
    while (pending.length > 0 && pending[0]!.clock <= acked) pending.shift()!.done(at)
  }
  let closes = 0
  provider.on('connection-close', (event: { code: number; reason: string } | null) => {
    closes++
    if (event) closeCodes.set(event.code, (closeCodes.get(event.code) ?? 0) + 1)
  })
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    else provider.on('sync', (isSynced: boolean) => isSynced && resolve())
  })
  return {
    doc,
    synced,
    track: (done) => pending.push({ clock: Y.getState(doc.store, doc.clientID), done }),
    closes: () => closes,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

// --- Hocuspocus ------------------------------------------------------------------------------

export interface Stored {
  name: string
  stateVector: Map<number, number>
  /** Unix ms (epochNow) when the store's upsert had committed. */
  at: number
}

export async function startHocuspocus(
  databaseUrl: string,
): Promise<System & { child: ChildProcess; onStored(listener: (s: Stored) => void): () => void }> {
  const child = spawn(process.execPath, [join(benchDir, 'hocuspocus-server.mjs')], {
    cwd: join(benchDir, '..'),
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      const m = /"msg":"listening","port":(\d+)/.exec(buffer)
      if (m) resolve(Number(m[1]))
    })
    void exited.then(() => reject(new Error(`hocuspocus exited: ${stderr}`)))
  })
  const listeners = new Set<(s: Stored) => void>()
  child.on('message', (m: { type: string; name: string; sv: string; at: number }) => {
    if (m.type !== 'stored') return
    const stored = {
      name: m.name,
      stateVector: Y.decodeStateVector(Buffer.from(m.sv, 'base64')),
      at: m.at,
    }
    for (const listener of listeners) listener(stored)
  })
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  let count = 0
  const url = `ws://127.0.0.1:${port}`
  return {
    name: 'Hocuspocus',
    pid: child.pid ?? 0,
    child,
    create: async (yaml) => {
      const name = `bench-${++count}`
      const state = Y.encodeStateAsUpdate(importedDoc(yaml))
      await sql`insert into hocuspocus_documents (name, data) values (${name}, ${Buffer.from(state)})`
      return name
    },
    connect: (name) => connectHocuspocus(url, name),
    onStored: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stop: async () => {
      await sql.end({ timeout: 5 })
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

export function connectHocuspocus(url: string, name: string): BenchClient {
  const doc = new Y.Doc()
  // One socket per client: each provider gets its own HocuspocusProviderWebsocket.
  const websocketProvider = new HocuspocusProviderWebsocket({
    url,
    WebSocketPolyfill: WebSocket,
  })
  const provider = new HocuspocusProvider({
    websocketProvider,
    name,
    document: doc,
    token: 'bench',
  })
  provider.attach()
  const pending: Array<(at: number) => void> = []
  let closes = 0
  provider.on('close', () => closes++)
  let unsynced = provider.unsyncedChanges
  provider.on('unsyncedChanges', ({ number }: { number: number }) => {
    const at = performance.now()
    // Each SyncStatus from the server takes one off the count, in the order the updates went.
    if (number < unsynced) for (let i = number; i < unsynced; i++) pending.shift()?.(at)
    unsynced = number
  })
  const synced = new Promise<void>((resolve) => {
    const check = () => {
      if (provider.isSynced && provider.unsyncedChanges === 0) {
        provider.off('synced', check)
        provider.off('unsyncedChanges', check)
        resolve()
      }
    }
    provider.on('synced', check)
    provider.on('unsyncedChanges', check)
  })
  return {
    doc,
    synced,
    track: (done) => pending.push(done),
    closes: () => closes,
    destroy: () => {
      provider.destroy()
      websocketProvider.destroy()
      doc.destroy()
    },
  }
}
