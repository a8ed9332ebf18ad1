/**
 * For the relay's tests only: a real Hono server on port 0 with the sync route, a real store, and
 * stock y-websocket clients. Authorization is a token → principal map read from the
 * `weft-token.<token>` subprotocol (the real one is the lead's, in src/auth).
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { importYaml } from '@weft/core'
import { Hono } from 'hono'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import * as authProtocol from 'y-protocols/auth'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { silentLogger } from '../logging/index.js'
import { createMetrics } from '../metrics/index.js'
import type { Metrics } from '../metrics/index.js'
import type { Store } from '@weft/storage'
import { Relay } from './relay.js'
import { createSyncRoute, createSyncSocketServer, parseProtocols, Subprotocol } from './route.js'
import type { Principal, RelayLimits, Timers } from './types.js'
import type { Role } from './types.js'

import { sampleYaml } from '@weft/storage/testing'

export { sampleYaml }

export interface RelayServer {
  readonly url: string
  readonly relay: Relay
  readonly metrics: Metrics
  readonly store: Store
  /** A token that authorizes as this principal. */
  user(role: Role, name?: string): Promise<{ token: string; principal: Principal }>
  /** Creates a pipeline from YAML; returns its id and epoch. */
  pipeline(yaml?: string): Promise<{ id: string; epoch: string }>
  close(): Promise<void>
}

let seq = 0
const newId = () =>
  `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(4).toString('hex')}`

export async function startRelayServer(
  store: Store,
  options: {
    limits?: Partial<RelayLimits>
    timers?: Timers
    onEdit?: (pipelineId: string, author: string | null) => void
  } = {},
): Promise<RelayServer> {
  const metrics = createMetrics()
  const relay = new Relay({
    store,
    metrics,
    logger: silentLogger,
    ...(options.onEdit ? { onEdit: options.onEdit } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  })
  await relay.start()
  const principals = new Map<string, Principal>()
  const app = new Hono()
  app.get(
    '/sync/:pipelineId',
    createSyncRoute(relay, async (c) => {
      const token = parseProtocols(c.req.header('sec-websocket-protocol'))
        .find((p) => p.startsWith(Subprotocol.tokenPrefix))
        ?.slice(Subprotocol.tokenPrefix.length)
      const principal = token === undefined ? undefined : principals.get(token)
      if (principal === undefined) return c.json({ error: { code: 'UNAUTHENTICATED' } }, 401)
      return { principal }
    }),
  )
  const wss = createSyncSocketServer()
  const server = serve({
    fetch: app.fetch,
    port: 0,
    hostname: '127.0.0.1',
    websocket: { server: wss },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  let owner: string | undefined
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    relay,
    metrics,
    store,
    async user(role, name = role) {
      const email = `${name}-${newId()}@example.com`
      const user = await store.createUser({ email, passwordHash: 'x', isAdmin: false })
      const token = newId()
      const principal: Principal = {
        userId: user.id,
        email,
        role,
        credential: { kind: 'token', hash: token },
      }
      principals.set(token, principal)
      return { token, principal }
    },
    async pipeline(yaml = sampleYaml('test')) {
      owner ??= (
        await store.createUser({
          email: `owner-${newId()}@example.com`,
          passwordHash: 'x',
          isAdmin: false,
        })
      ).id
      const doc = new Y.Doc()
      const result = importYaml(doc, yaml)
      if (!result.ok) throw new Error('sample yaml did not import')
      const id = newId()
      const epoch = newId()
      await store.createPipeline({
        id,
        ownerId: owner,
        name: 'test',
        description: '',
        epoch,
        state: Y.encodeStateAsUpdate(doc),
        yaml,
        search: '',
      })
      doc.destroy()
      return { id, epoch }
    },
    async close() {
      await relay.close()
      wss.close()
      ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface TestClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** Saved acks received (state vectors). */
  readonly acks: Array<Map<number, number>>
  /** "permission denied" reasons received. */
  readonly denied: string[]
  /** Close events seen. */
  readonly closes: Array<{ code: number; reason: string }>
  synced(): Promise<void>
  /** This client's own edits (made under its client id) are covered by the latest ack. */
  saved(): boolean
  destroy(): void
}

export function connect(
  server: Pick<RelayServer, 'url'>,
  pipelineId: string,
  token: string,
  options: {
    acks?: boolean
    epoch?: string
    doc?: Y.Doc
    handleAcks?: boolean
    connect?: boolean
  } = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc()
  const protocols = [
    Subprotocol.weft,
    `${Subprotocol.tokenPrefix}${token}`,
    ...(options.acks ? [Subprotocol.ack] : []),
    ...(options.epoch === undefined ? [] : [`${Subprotocol.epochPrefix}${options.epoch}`]),
  ]
  const provider = new WebsocketProvider(server.url, pipelineId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    protocols,
    connect: options.connect ?? true,
    maxBackoffTime: 200,
  })
  const acks: Array<Map<number, number>> = []
  const denied: string[] = []
  const closes: Array<{ code: number; reason: string }> = []
  if (options.acks || options.handleAcks) {
    provider.messageHandlers[100] = (_encoder, decoder) => {
      const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
      acks.push(sv)
    }
  }
  provider.messageHandlers[2] = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => denied.push(reason))
  }
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason })
  })
  return {
    doc,
    provider,
    acks,
    denied,
    closes,
    synced: () =>
      waitFor(() => provider.synced, `client synced to ${pipelineId}`).then(() => undefined),
    saved() {
      const last = acks.at(-1)
      if (last === undefined) return false
      return (last.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID)
    },
    destroy() {
      provider.destroy()
    },
  }
}

/** Polls `check` until it is truthy (no timing assertions: a generous deadline only). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A raw `ws` client speaking the protocol by hand, for what a stock client never sends. */
export class RawClient {
  readonly messages: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  readonly opened: Promise<void>
  readonly ws: WebSocket

  constructor(url: string, pipelineId: string, protocols: string[]) {
    this.ws = new WebSocket(`${url}/${pipelineId}`, protocols)
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('message', (data: Buffer) => this.messages.push(new Uint8Array(data)))
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }))
    this.ws.on('error', () => {})
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('close', (code) => reject(new Error(`closed ${code} before open`)))
    })
  }

  send(data: Uint8Array): void {
    this.ws.send(data)
  }

  /** Messages of a type (first varUint). */
  ofType(type: number): Uint8Array[] {
    return this.messages.filter((m) => decoding.readVarUint(decoding.createDecoder(m)) === type)
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, 'socket close').then(
      (closed) => closed ?? { code: 0, reason: '' },
    )
  }

  close(): void {
    this.ws.terminate()
  }
}

/** Frames by hand. */
export const frames = {
  syncStep1(sv: Uint8Array): Uint8Array {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint8Array(e, sv)
    return encoding.toUint8Array(e)
  },
  update(update: Uint8Array): Uint8Array {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint(e, 2)
    encoding.writeVarUint8Array(e, update)
    return encoding.toUint8Array(e)
  },
  awareness(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, entries.length)
    for (const entry of entries) {
      encoding.writeVarUint(inner, entry.clientId)
      encoding.writeVarUint(inner, entry.clock)
      encoding.writeVarString(inner, JSON.stringify(entry.state))
    }
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
    return encoding.toUint8Array(e)
  },
}

/** Reads the sync updates (step 2 and update) out of raw messages into a doc. */
export function applyRawSync(doc: Y.Doc, messages: readonly Uint8Array[]): void {
  for (const message of messages) {
    const d = decoding.createDecoder(message)
    if (decoding.readVarUint(d) !== 0) continue
    const sub = decoding.readVarUint(d)
    if (sub === 1 || sub === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(d))
  }
}

/** The text of the doc's 'source' Y.Text (what the stock clients edit in these tests). */
export const sourceOf = (doc: Y.Doc): string => doc.getText('source').toString()

type Gate = { promise: Promise<void>; open: () => void }
const gate = (): Gate => {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

/**
 * The real store, watched: counts appends, can hold an append or a compaction until released,
 * and can make the next calls fail (the database being down). Everything else goes straight to
 * the real store.
 */
export class WatchedStore {
  readonly store: Store
  appendCalls = 0
  loadCalls = 0
  /** Reads of the log past a seq (a catch-up on another process's rows). */
  readCalls = 0
  appendedUpdates = 0
  /** Every update whose append has committed (the real appendUpdates resolved). */
  readonly committed: Uint8Array[] = []
  private holds = new Map<'appendUpdates' | 'compact' | 'loadDocument', Gate>()
  private replyHolds = new Map<'appendUpdates', Gate>()
  private failures = new Map<'appendUpdates' | 'loadDocument', number>()

  constructor(real: Store) {
    const overrides: Partial<Store> = {
      appendUpdates: async (batch) => {
        this.appendCalls++
        await this.holds.get('appendUpdates')?.promise
        if (this.fail('appendUpdates')) throw new Error('database unavailable (test)')
        const result = await real.appendUpdates(batch)
        for (const item of batch) {
          this.appendedUpdates += item.updates.length
          this.committed.push(...item.updates)
        }
        await this.replyHolds.get('appendUpdates')?.promise
        return result
      },
      readUpdatesSince: async (id, afterSeq) => {
        this.readCalls++
        return real.readUpdatesSince(id, afterSeq)
      },
      compact: async (id, render) => {
        await this.holds.get('compact')?.promise
        return real.compact(id, render)
      },
      loadDocument: async (id) => {
        this.loadCalls++
        await this.holds.get('loadDocument')?.promise
        if (this.fail('loadDocument')) throw new Error('database unavailable (test)')
        return real.loadDocument(id)
      },
    }
    this.store = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop in overrides) return overrides[prop as keyof Store]
        const value: unknown = Reflect.get(target, prop, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  /** Holds calls of `method` until the returned function is called. */
  hold(method: 'appendUpdates' | 'compact' | 'loadDocument'): () => void {
    const g = gate()
    this.holds.set(method, g)
    return () => {
      if (this.holds.get(method) === g) this.holds.delete(method)
      g.open()
    }
  }

  /** Lets calls of `method` commit but holds their reply until the returned function is called. */
  holdReply(method: 'appendUpdates'): () => void {
    const g = gate()
    this.replyHolds.set(method, g)
    return () => {
      if (this.replyHolds.get(method) === g) this.replyHolds.delete(method)
      g.open()
    }
  }

  failNext(method: 'appendUpdates' | 'loadDocument', times: number): void {
    this.failures.set(method, times)
  }

  private fail(method: 'appendUpdates' | 'loadDocument'): boolean {
    const left = this.failures.get(method) ?? 0
    if (left <= 0) return false
    this.failures.set(method, left - 1)
    return true
  }
}

/** Real timers that remember which timeouts are still pending (to prove none are left). */
export function trackedTimers(): Timers & { pending(): number } {
  const live = new Set<ReturnType<typeof setTimeout>>()
  return {
    now: () => performance.now(),
    setTimeout(fn, ms) {
      const handle = setTimeout(() => {
        live.delete(handle)
        fn()
      }, ms)
      live.add(handle)
      return handle
    },
    clearTimeout(handle) {
      live.delete(handle as ReturnType<typeof setTimeout>)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
    pending: () => live.size,
  }
}

/** The pipeline's stored state (snapshot + log), as a doc. */
export async function storedDoc(store: Store, pipelineId: string): Promise<Y.Doc> {
  const stored = await store.loadDocument(pipelineId)
  if (stored === null) throw new Error('pipeline not stored')
  const doc = new Y.Doc()
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

/** A metric's value (counters/gauges), optionally for one label set. */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get()
  return values
    .filter((v) =>
      Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
    )
    .reduce((sum, v) => sum + v.value, 0)
}
