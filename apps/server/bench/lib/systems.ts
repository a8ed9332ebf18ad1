/**
 * The two servers under test behind one interface, so the scenarios drive both with the same code.
 * Both run as child processes of the bench (the same placement). Each client has its own WebSocket;
 * the many-client scenarios spread their clients over the same pool of client processes for both
 * systems (client-pool.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import * as Y from 'yjs'
import { ADMIN, createPipeline, tokenFor } from '../../test/harness.js'
import { connectHocuspocus, connectWeft, type BenchClient, type Target } from './clients.js'
import { importedDoc } from './workload.js'

export { closeCodes, connectTo, epochNow, type BenchClient, type Target } from './clients.js'

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..')

export interface System {
  readonly name: 'Weft' | 'Hocuspocus'
  readonly pid: number
  readonly target: Target
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
    target: { system: 'Weft', wsUrl: server.wsUrl, token },
    create: (yaml) => createPipeline(server.url, token, yaml),
    connect: (id, options) => connectWeft(server.wsUrl, id, token, options?.acks ?? true),
    stop: async () => {
      if (server.child.exitCode === null) server.child.kill('SIGTERM')
      await exited
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
    target: { system: 'Hocuspocus', url },
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
