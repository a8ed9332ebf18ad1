/**
 * The sync relay: one Y.Doc per open pipeline, fanned out to its sockets, every update committed
 * to the store through one group-commit queue before it is acknowledged. The rules it keeps, and
 * why, are in docs/protocol.md and docs/decisions/0003-relay-acks-epochs-and-bounds.md.
 */
import * as Y from 'yjs'
import type { Logger } from '../logging/index.js'
import type { Metrics } from '../metrics/index.js'
import { summarizeState } from '../pipelines/index.js'
import type { RenderedPipeline } from '@weft/storage'
import { DocAwareness } from './awareness.js'
import type { AwarenessOwner, ForwardEntry } from './awareness.js'
import type { ClientMessage, RejectReason } from './protocol.js'
import {
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodePermissionDenied,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  ProtocolError,
} from './protocol.js'
import type {
  AttachOptions,
  Principal,
  RelayLimits,
  RelayOptions,
  RelaySocket,
  RelayStore,
  Role,
  Timers,
} from './types.js'
import { CloseCode, defaultLimits, realTimers } from './types.js'

/** Origin of updates read back from the store (written by another process): never re-stored. */
const REMOTE = Symbol('remote')
/** Origin of the default `change()` transaction. */
const REST = 'rest'
/**
 * Bound on (writers × updates) in one turn's fan-out for leaving each writer's own updates out
 * of what it is sent (one merge per writer); past it, writers get the turn's whole merge.
 */
const MAX_EXCLUSION_WORK = 256

export type RelayErrorCode = 'NOT_FOUND' | 'UNAVAILABLE' | 'CLOSED'

/** What `change()` and `read()` reject with (never for a missing pipeline in `read()`). */
export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'RelayError'
  }
}

type DocPhase = 'loading' | 'ready' | 'unloading' | 'gone'

/** @internal One loaded pipeline. */
export class DocState {
  phase: DocPhase = 'loading'
  ydoc = new Y.Doc()
  epoch = ''
  /** Every log row with seq ≤ knownSeq has been applied to ydoc. */
  knownSeq = 0
  /**
   * What is known to be in the store, per Yjs client: the state vector of the last committed
   * batch, extended by rows read back from other processes. Acks carry this.
   */
  durable = new Map<number, number>()
  readonly conns = new Set<RelayConnection>()
  /** Holders other than connections (a load for an attach, change(), read()). */
  users = 0
  /** Commit-queue items of this doc not yet committed. */
  pending = 0
  rowsSinceCompaction = 0
  compacting: Promise<void> | null = null
  catchingUp = false
  catchUpAgain = false
  /** Highest seq notified while loading, or while appends of this doc were in flight. */
  notifiedSeq = 0
  /** In-flight appends carrying this doc's updates (see Relay.onNotify). */
  appending = 0
  evictTimer: unknown = null
  compactTimer: unknown = null
  /** For fanoutLatency: when the apply that is running started. */
  applyStart = 0
  /** Updates applied this event-loop turn and not yet fanned out (see Relay.queueFanout). */
  outgoing: Array<{ update: Uint8Array; origin: RelayConnection | null; at: number }> = []
  fanoutScheduled = false
  /** The remote apply running found structs waiting for missing dependencies. */
  remoteHadPending = false
  /** Awareness entries waiting to be forwarded, latest per client id (see queueAwareness). */
  readonly awarenessOut = new Map<number, ForwardEntry & { owner: RelayConnection }>()
  awarenessTimer: unknown = null
  awarenessDue = Infinity
  loaded!: Promise<boolean>

  constructor(
    readonly id: string,
    readonly awareness: DocAwareness,
  ) {}
}

type Handler<T extends ClientMessage['type']> = (
  conn: RelayConnection,
  doc: DocState,
  message: Extract<ClientMessage, { type: T }>,
) => void

interface CommitItem {
  doc: DocState
  /** An update to append, or null for a marker (ack a connection, resolve a change()). */
  update: Uint8Array | null
  conn: RelayConnection | null
  done: ((error?: Error) => void) | null
  at: number
}

interface InflightBatch {
  batch: CommitItem[]
  updates: Map<DocState, Uint8Array[]>
  durable: Map<DocState, Uint8Array>
  result: Promise<Map<string, number> | { error: unknown }>
}

export class Relay {
  private readonly store: RelayStore
  private readonly metrics: Metrics
  private readonly logger: Logger
  private readonly timers: Timers
  private readonly render: (state: Uint8Array) => RenderedPipeline
  private readonly onEdit: ((pipelineId: string, author: string | null) => void) | undefined
  readonly limits: RelayLimits
  private readonly docs = new Map<string, DocState>()
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly open = new Set<RelayConnection>()
  private compactionLane: Promise<void> = Promise.resolve()
  private subscription: Promise<() => Promise<void>> | null = null
  private closing = false
  /** close() finished: the queue is abandoned. */
  private stopped = false

  // commit queue
  private queue: CommitItem[] = []
  private queueBytes = 0
  /** Appends sent and not yet settled, oldest first. */
  private inflight: InflightBatch[] = []
  private settling = false
  /** Waiting out a failed commit's backoff: no new appends until it ends. */
  private retrying = false
  private flushScheduled = false
  private failures = 0
  private retryTimer: unknown = null
  private wakeRetry: (() => void) | null = null
  private idleWaiters: Array<() => void> = []

  constructor(options: RelayOptions) {
    this.store = options.store
    this.metrics = options.metrics
    this.logger = options.logger.child({ module: 'relay' })
    this.timers = options.timers ?? realTimers
    this.render = options.render ?? summarizeState
    this.onEdit = options.onEdit
    this.limits = { ...defaultLimits, ...options.limits }
    if (this.limits.evictAfterMs > 30_000) throw new Error('evictAfterMs must be at most 30 s')
  }

  /**
   * Starts listening for other processes' updates (LISTEN). Optional: the first document load
   * does it too, but calling it at startup surfaces a broken database before traffic arrives.
   */
  async start(): Promise<void> {
    await this.subscribe()
  }

  /** Every connection that is not closed, for the auth sweeper. */
  connections(): IterableIterator<RelayConnection> {
    return this.open.values()
  }

  /** Pipelines held in memory (for tests and diagnostics). */
  loadedDocuments(): string[] {
    return [...this.docs.keys()]
  }

  /** Unpersisted updates and markers across all documents. */
  queuedItems(): number {
    return this.queue.length
  }

  /**
   * Binds a socket to a pipeline. The document loads (or is shared) in the background; frames
   * received meanwhile are kept in order. The socket is closed with 4404 when the pipeline does
   * not exist, 1011 when loading failed, 4409 when `options.epoch` is not the pipeline's epoch.
   */
  attach(
    pipelineId: string,
    principal: Principal,
    socket: RelaySocket,
    options: AttachOptions,
  ): RelayConnection {
    const conn = new RelayConnection(this.internals, pipelineId, principal, socket, options)
    this.open.add(conn)
    this.metrics.connections.inc()
    conn.ready = this.openConnection(conn)
    return conn
  }

  /**
   * Runs `fn` on the pipeline's document in one transaction (REST writes) and resolves once the
   * resulting update is committed. Rejects with RelayError NOT_FOUND / UNAVAILABLE / CLOSED.
   * If `fn` throws, what it changed before throwing is kept (Yjs has no rollback).
   */
  async change(
    pipelineId: string,
    fn: (doc: Y.Doc) => void,
    origin: unknown = REST,
  ): Promise<void> {
    const doc = await this.acquire(pipelineId)
    if (doc === null) throw new RelayError('NOT_FOUND', 'no such pipeline')
    try {
      if (this.queueBytes > this.limits.commitQueueBytes) {
        throw new RelayError('UNAVAILABLE', 'too many unsaved updates; the store is behind')
      }
      let failure: unknown = null
      const saved = new Promise<void>((resolve, reject) => {
        doc.applyStart = this.timers.now()
        try {
          doc.ydoc.transact(() => fn(doc.ydoc), origin)
        } catch (error) {
          failure = error
        }
        this.enqueue({
          doc,
          update: null,
          conn: null,
          done: (error) => (error ? reject(error) : resolve()),
          at: doc.applyStart,
        })
      })
      await saved
      if (failure !== null) throw failure
    } finally {
      this.release(doc)
    }
  }

  /** Runs `fn` on the pipeline's current document; null when there is no such pipeline. */
  async read<T>(pipelineId: string, fn: (doc: Y.Doc) => T): Promise<T | null> {
    const doc = await this.acquire(pipelineId)
    if (doc === null) return null
    try {
      return fn(doc.ydoc)
    } finally {
      this.release(doc)
    }
  }

  /**
   * Graceful shutdown: stop reading sockets, commit everything queued (and ack it), close every
   * socket with 1001, stop listening. Gives up flushing after `limits.closeFlushMs` (logged).
   */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    for (const doc of this.docs.values()) this.cancelEvict(doc)
    const flushed = await this.drain(this.limits.closeFlushMs)
    if (!flushed) {
      this.logger.error('closing with unsaved updates', { items: this.queue.length })
    }
    for (const conn of [...this.open]) conn.close(CloseCode.goingAway, 'server shutting down')
    await Promise.allSettled([...this.unloading.values()])
    for (const doc of [...this.docs.values()]) this.discard(doc)
    this.stopped = true
    const abandoned = this.inflight.flatMap((f) => f.batch).concat(this.queue)
    for (const item of abandoned) this.settle(item, new RelayError('CLOSED', 'relay closed'))
    this.inflight = []
    this.queue = []
    this.queueBytes = 0
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer)
    this.wakeRetry?.()
    const subscription = this.subscription
    this.subscription = null
    if (subscription) {
      try {
        await (
          await subscription
        )()
      } catch (error) {
        this.logger.warn('unsubscribe failed', { error })
      }
    }
  }

  // --- what RelayConnection may call (kept off the public surface) -----------------------

  private readonly internals: RelayInternals = {
    metrics: () => this.metrics,
    logger: () => this.logger,
    timers: () => this.timers,
    limits: () => this.limits,
    closing: () => this.closing,
    handle: (conn, message) => this.handle(conn, message),
    detach: (conn) => this.detach(conn),
    reject: (conn, reason, code) => this.reject(conn, reason, code),
    resync: (conn) => {
      if (conn.doc !== null && conn.doc.phase === 'ready') {
        conn.send(encodeSyncStep1(Y.encodeStateVector(conn.doc.ydoc)))
      }
    },
  }

  // --- connections ------------------------------------------------------------------------

  /** The protocol, one handler per client message type. */
  private readonly handlers: { [T in ClientMessage['type']]: Handler<T> } = {
    'sync-step1': (conn, doc, m) => this.syncStep1(conn, doc, m.stateVector),
    'sync-step2': (conn, doc, m) => this.syncUpdate(conn, doc, m.update),
    'sync-update': (conn, doc, m) => this.syncUpdate(conn, doc, m.update),
    awareness: (conn, doc, m) => this.awarenessUpdate(conn, doc, m.update),
    'query-awareness': (conn, doc) => this.queryAwareness(conn, doc),
  }

  private async openConnection(conn: RelayConnection): Promise<boolean> {
    if (this.closing) {
      conn.close(CloseCode.goingAway, 'server shutting down')
      return false
    }
    let doc: DocState | null
    try {
      doc = await this.acquire(conn.pipelineId)
    } catch (error) {
      this.logger.error('document load failed', { pipelineId: conn.pipelineId, error })
      conn.close(CloseCode.internal, 'load failed')
      return false
    }
    if (doc === null) {
      conn.close(CloseCode.notFound, 'not found')
      return false
    }
    try {
      if (!conn.isOpen) return false
      if (this.closing) {
        conn.close(CloseCode.goingAway, 'server shutting down')
        return false
      }
      // Before any sync byte either way: a client holding another history must never merge it.
      if (conn.epoch !== undefined && conn.epoch !== doc.epoch) {
        conn.close(CloseCode.epochMismatch, 'epoch mismatch')
        return false
      }
      doc.conns.add(conn)
      conn.doc = doc
      conn.send(encodeSyncStep1(Y.encodeStateVector(doc.ydoc)))
      const states = doc.awareness.snapshot(this.timers.now(), conn)
      if (states !== null) conn.send(encodeAwareness(states))
      conn.flushPreload()
      return conn.isOpen
    } finally {
      this.release(doc)
    }
  }

  private detach(conn: RelayConnection): void {
    if (this.open.delete(conn)) this.metrics.connections.dec()
    const doc = conn.doc
    if (doc === null) return
    conn.doc = null
    doc.conns.delete(conn)
    for (const [id, entry] of doc.awarenessOut)
      if (entry.owner === conn) doc.awarenessOut.delete(id)
    const removal = doc.awareness.removeOwner(conn, this.timers.now())
    if (removal !== null) this.broadcast(doc, encodeAwareness(removal), null)
    this.scheduleEvict(doc)
  }

  private reject(conn: RelayConnection, reason: RejectReason | 'preload', code: number): void {
    this.metrics.rejectedFrames.inc({ reason })
    conn.close(code, code === CloseCode.badMessage ? 'bad message' : 'try again later')
  }

  private handle(conn: RelayConnection, data: Uint8Array): void {
    const doc = conn.doc
    if (doc === null || doc.phase !== 'ready') return
    let message: ClientMessage
    try {
      message = decodeClientMessage(data)
    } catch (error) {
      this.rejectError(conn, error)
      return
    }
    try {
      this.handlers[message.type](conn, doc, message as never)
    } catch (error) {
      this.rejectError(conn, error)
    }
  }

  private rejectError(conn: RelayConnection, error: unknown): void {
    if (error instanceof ProtocolError) {
      this.reject(conn, error.reason, CloseCode.badMessage)
    } else {
      this.logger.warn('frame failed', { pipelineId: conn.pipelineId, error })
      this.reject(conn, 'malformed', CloseCode.badMessage)
    }
  }

  private syncStep1(conn: RelayConnection, doc: DocState, stateVector: Uint8Array): void {
    let update: Uint8Array
    try {
      update = Y.encodeStateAsUpdate(doc.ydoc, stateVector)
    } catch {
      throw new ProtocolError('malformed', 'bad state vector')
    }
    const reply = encodeSyncStep2(update)
    // The first full state may be bigger than the send cap; it must not count against it.
    conn.allowance = Math.max(conn.allowance, reply.length)
    conn.send(reply)
  }

  private syncUpdate(conn: RelayConnection, doc: DocState, update: Uint8Array): void {
    if (conn.role === 'viewer') {
      let contained: boolean
      try {
        contained = Y.snapshotContainsUpdate(Y.snapshot(doc.ydoc), update)
      } catch {
        throw new ProtocolError('update', 'undecodable update')
      }
      // A viewer's sync step 2 that brings nothing new is the normal handshake, not a write.
      if (!contained && !conn.denied) {
        conn.denied = true
        conn.send(encodePermissionDenied('read-only: your role on this pipeline is viewer'))
      }
      return
    }
    if (this.queueBytes > this.limits.commitQueueBytes) {
      // The store is behind: refuse before applying, so the client keeps the edit and sends it
      // again when it reconnects.
      this.metrics.rejectedFrames.inc({ reason: 'backlog' })
      conn.close(CloseCode.unavailable, 'store unavailable, retry')
      return
    }
    try {
      Y.decodeUpdate(update)
    } catch {
      throw new ProtocolError('update', 'undecodable update')
    }
    doc.applyStart = this.timers.now()
    try {
      Y.applyUpdate(doc.ydoc, update, conn)
    } catch (error) {
      this.logger.warn('update failed to apply', { pipelineId: doc.id, error })
      throw new ProtocolError('update', 'update failed to apply')
    }
    if (conn.acks) this.enqueue({ doc, update: null, conn, done: null, at: doc.applyStart })
  }

  private awarenessUpdate(conn: RelayConnection, doc: DocState, update: Uint8Array): void {
    const entries = decodeAwarenessUpdate(update)
    const result = doc.awareness.apply(conn, entries, this.timers.now())
    if (result.rejected > 0)
      this.metrics.rejectedFrames.inc({ reason: 'awareness' }, result.rejected)
    if (result.forward.length > 0) this.queueAwareness(doc, conn, result.forward)
  }

  /**
   * Presence is forwarded in batches: changes (a cursor moved) within `awarenessBatchMs`, pure
   * keep-alives within `awarenessRenewalMs`. The stock y-websocket client sends back every
   * awareness frame it receives, so each frame the server sends to N clients comes back N times;
   * one frame per window instead of one per change keeps that echo from growing with the square
   * of the number of people on a pipeline (bench/, 200 readers).
   */
  private queueAwareness(doc: DocState, owner: RelayConnection, entries: ForwardEntry[]): void {
    let urgent = false
    for (const entry of entries) {
      doc.awarenessOut.set(entry.clientId, { ...entry, owner })
      if (!entry.renewal) urgent = true
    }
    const delay = urgent ? this.limits.awarenessBatchMs : this.limits.awarenessRenewalMs
    const due = this.timers.now() + delay
    if (doc.awarenessTimer !== null) {
      if (doc.awarenessDue <= due) return
      this.timers.clearTimeout(doc.awarenessTimer)
    }
    doc.awarenessDue = due
    doc.awarenessTimer = this.timers.setTimeout(() => this.flushAwareness(doc), delay)
  }

  private flushAwareness(doc: DocState): void {
    if (doc.awarenessTimer !== null) this.timers.clearTimeout(doc.awarenessTimer)
    doc.awarenessTimer = null
    doc.awarenessDue = Infinity
    const batch = [...doc.awarenessOut.values()]
    doc.awarenessOut.clear()
    if (batch.length === 0) return
    let shared: Uint8Array | null = null
    for (const conn of doc.conns) {
      // Nobody is sent their own state back: the stock client would adopt the server's clock.
      if (batch.some((e) => e.owner === conn)) {
        const others = batch.filter((e) => e.owner !== conn)
        if (others.length > 0) conn.send(encodeAwareness(encodeAwarenessUpdate(others)))
      } else {
        shared ??= encodeAwareness(encodeAwarenessUpdate(batch))
        conn.send(shared)
      }
    }
  }

  private queryAwareness(conn: RelayConnection, doc: DocState): void {
    const states = doc.awareness.snapshot(this.timers.now(), conn)
    if (states !== null) conn.send(encodeAwareness(states))
  }

  private broadcast(doc: DocState, message: Uint8Array, except: RelayConnection | null): void {
    for (const conn of doc.conns) if (conn !== except) conn.send(message)
  }

  // --- documents --------------------------------------------------------------------------

  /** The loaded document (a hold the caller must release), or null when there is none. */
  private async acquire(pipelineId: string): Promise<DocState | null> {
    for (;;) {
      if (this.closing) throw new RelayError('CLOSED', 'relay closed')
      const unloading = this.unloading.get(pipelineId)
      if (unloading !== undefined) {
        await unloading
        continue
      }
      let doc = this.docs.get(pipelineId)
      if (doc === undefined) {
        doc = new DocState(
          pipelineId,
          new DocAwareness({
            maxClients: this.limits.awarenessClientsPerConnection,
            maxBytes: this.limits.awarenessStateBytes,
            outdatedMs: this.limits.awarenessOutdatedMs,
          }),
        )
        this.docs.set(pipelineId, doc)
        doc.loaded = this.load(doc)
      }
      doc.users++
      this.cancelEvict(doc)
      let found: boolean
      try {
        found = await doc.loaded
      } catch (error) {
        doc.users--
        throw error
      }
      if (!found) {
        doc.users--
        return null
      }
      if (doc.phase !== 'ready') {
        // deleted or reset between load and now: try again from the store
        doc.users--
        continue
      }
      return doc
    }
  }

  private release(doc: DocState): void {
    doc.users--
    this.scheduleEvict(doc)
  }

  private async load(doc: DocState): Promise<boolean> {
    try {
      await this.subscribe()
      const stored = await this.store.loadDocument(doc.id)
      if (stored === null) {
        this.forget(doc)
        return false
      }
      // Build the doc before it is visible: never an empty doc that could later be stored
      // (hocuspocus#382).
      const ydoc = doc.ydoc
      ydoc.transact(() => {
        for (const update of stored.updates) Y.applyUpdate(ydoc, update)
      }, REMOTE)
      doc.durable = Y.decodeStateVector(Y.encodeStateVector(ydoc))
      doc.epoch = stored.epoch
      doc.knownSeq = stored.headSeq
      doc.rowsSinceCompaction = Math.max(0, stored.updates.length - 1)
      ydoc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(doc, update, origin))
      doc.phase = 'ready'
      this.metrics.docsLoaded.inc()
      if (doc.notifiedSeq > doc.knownSeq) this.catchUp(doc)
      return true
    } catch (error) {
      this.forget(doc)
      throw error
    }
  }

  /** Drops a doc that never became ready. */
  private forget(doc: DocState): void {
    doc.phase = 'gone'
    if (this.docs.get(doc.id) === doc) this.docs.delete(doc.id)
    doc.ydoc.destroy()
  }

  private onUpdate(doc: DocState, update: Uint8Array, origin: unknown): void {
    this.queueFanout(doc, update, origin instanceof RelayConnection ? origin : null)
    if (origin !== REMOTE) this.reportEdit(doc, origin)
    // Rows read back from the store are durable already, unless the apply also released structs
    // that had been waiting for them (they came from a client and are stored nowhere yet).
    if (origin === REMOTE && !doc.remoteHadPending) return
    this.enqueue({ doc, update, conn: null, done: null, at: doc.applyStart })
  }

  private reportEdit(doc: DocState, origin: unknown): void {
    if (this.onEdit === undefined) return
    const author =
      origin instanceof RelayConnection
        ? origin.userId
        : typeof (origin as { author?: unknown } | null)?.author === 'string'
          ? (origin as { author: string }).author
          : null
    try {
      this.onEdit(doc.id, author)
    } catch (error) {
      this.logger.warn('onEdit failed', { pipelineId: doc.id, error })
    }
  }

  /**
   * Document updates are fanned out once per event-loop turn: everything applied in the turn
   * (every frame read from every socket, REST changes, rows from other processes) goes to each
   * socket as one merged update. With 50 people typing in one pipeline, a busy turn holds several
   * updates; sending each to each socket cost one syscall per pair, and that, not Yjs, was most
   * of the relay's time (bench/, 50 writers on one document). A turn holding one update costs
   * what it did before, plus the wait for the rest of the turn's input.
   */
  private queueFanout(doc: DocState, update: Uint8Array, origin: RelayConnection | null): void {
    doc.outgoing.push({ update, origin, at: doc.applyStart })
    if (doc.fanoutScheduled) return
    doc.fanoutScheduled = true
    setImmediate(() => this.flushFanout(doc))
  }

  private flushFanout(doc: DocState): void {
    doc.fanoutScheduled = false
    const items = doc.outgoing
    doc.outgoing = []
    if (items.length === 0 || doc.phase !== 'ready') return
    const merge = (list: typeof items) =>
      list.length === 1 ? list[0]!.update : Y.mergeUpdates(list.map((i) => i.update))
    const all = encodeSyncUpdate(merge(items))
    const origins = new Set<RelayConnection>()
    for (const item of items) if (item.origin !== null) origins.add(item.origin)
    // A writer is not sent its own updates back, as long as leaving them out costs little. Past
    // that, it gets the whole merge: what it has already is skipped by Yjs, never re-applied.
    const exclude = origins.size * items.length <= MAX_EXCLUSION_WORK
    for (const conn of doc.conns) {
      if (!exclude || !origins.has(conn)) {
        conn.send(all)
        continue
      }
      const others = items.filter((i) => i.origin !== conn)
      if (others.length > 0) conn.send(encodeSyncUpdate(merge(others)))
    }
    const now = this.timers.now()
    for (const item of items) this.metrics.fanoutLatency.observe(now - item.at)
  }

  private subscribe(): Promise<() => Promise<void>> {
    if (this.subscription === null) {
      const subscription = this.store.subscribeUpdates(
        (pipelineId, headSeq) => this.onNotify(pipelineId, headSeq),
        () => {
          for (const doc of this.docs.values()) if (doc.phase === 'ready') this.catchUp(doc)
        },
      )
      this.subscription = subscription
      subscription.catch(() => {
        if (this.subscription === subscription) this.subscription = null
      })
    }
    return this.subscription
  }

  private onNotify(pipelineId: string, headSeq: number): void {
    const doc = this.docs.get(pipelineId)
    if (doc === undefined) return
    if (doc.phase === 'loading') doc.notifiedSeq = Math.max(doc.notifiedSeq, headSeq)
    else if (doc.phase === 'ready' && headSeq > doc.knownSeq) {
      // While this process's own appends are in flight, the notification is most likely for one
      // of them, and it often arrives before the commit's reply: reading the log now would fetch
      // our own rows back (a query per commit). Decide once they have settled (appendSettled).
      if (doc.appending > 0) doc.notifiedSeq = Math.max(doc.notifiedSeq, headSeq)
      else this.catchUp(doc)
    }
  }

  /** Reads and applies the rows other processes appended (serialised per doc). */
  private catchUp(doc: DocState): void {
    if (doc.catchingUp) {
      doc.catchUpAgain = true
      return
    }
    doc.catchingUp = true
    void (async () => {
      let attempt = 0
      try {
        do {
          doc.catchUpAgain = false
          let read: Awaited<ReturnType<RelayStore['readUpdatesSince']>>
          try {
            read = await this.store.readUpdatesSince(doc.id, doc.knownSeq)
          } catch (error) {
            if (doc.phase !== 'ready') return
            if (isNotFound(error)) {
              this.gone(doc, CloseCode.notFound, 'not found')
              return
            }
            this.logger.warn('catch-up read failed', { pipelineId: doc.id, error })
            await this.sleep(this.backoff(++attempt))
            doc.catchUpAgain = true
            continue
          }
          attempt = 0
          if (doc.phase !== 'ready') return
          if (read.epoch !== doc.epoch) {
            this.gone(doc, CloseCode.epochMismatch, 'epoch mismatch')
            return
          }
          if (read.headSeq <= doc.knownSeq) continue
          this.applyRemote(doc, read.updates)
          for (const update of read.updates) {
            const { from, to } = Y.parseUpdateMeta(update)
            extendDurable(doc, to, from)
          }
          doc.rowsSinceCompaction += read.headSeq - doc.knownSeq
          doc.knownSeq = read.headSeq
        } while (doc.catchUpAgain && !this.closing)
      } finally {
        doc.catchingUp = false
        this.scheduleEvict(doc)
      }
    })()
  }

  private applyRemote(doc: DocState, updates: readonly Uint8Array[]): void {
    const ydoc = doc.ydoc
    doc.remoteHadPending = ydoc.store.pendingStructs !== null || ydoc.store.pendingDs !== null
    doc.applyStart = this.timers.now()
    try {
      ydoc.transact(() => {
        for (const update of updates) {
          try {
            Y.applyUpdate(ydoc, update, REMOTE)
          } catch (error) {
            this.logger.error('stored update failed to apply', { pipelineId: doc.id, error })
          }
        }
      }, REMOTE)
    } finally {
      doc.remoteHadPending = false
    }
  }

  /** The pipeline was deleted or its history replaced: close its sockets and drop it. */
  private gone(doc: DocState, code: number, reason: string): void {
    if (doc.phase === 'gone') return
    this.logger.info('document dropped', { pipelineId: doc.id, code })
    for (const conn of [...doc.conns]) conn.close(code, reason)
    this.discard(doc)
  }

  /** Frees a doc now; its queued items are dropped (their change() calls reject). */
  private discard(doc: DocState): void {
    if (doc.phase === 'gone') return
    const wasReady = doc.phase === 'ready' || doc.phase === 'unloading'
    doc.phase = 'gone'
    this.cancelEvict(doc)
    if (this.docs.get(doc.id) === doc) this.docs.delete(doc.id)
    const kept: CommitItem[] = []
    for (const item of this.queue) {
      if (item.doc !== doc) kept.push(item)
      else this.settle(item, new RelayError('NOT_FOUND', 'pipeline deleted or reset'))
    }
    this.queue = kept
    if (doc.awarenessTimer !== null) this.timers.clearTimeout(doc.awarenessTimer)
    doc.awarenessTimer = null
    doc.awarenessOut.clear()
    doc.outgoing = []
    if (doc.compactTimer !== null) this.timers.clearTimeout(doc.compactTimer)
    doc.compactTimer = null
    doc.awareness.clear()
    doc.ydoc.destroy()
    if (wasReady) this.metrics.docsLoaded.dec()
  }

  private cancelEvict(doc: DocState): void {
    if (doc.evictTimer !== null) {
      this.timers.clearTimeout(doc.evictTimer)
      doc.evictTimer = null
    }
  }

  private scheduleEvict(doc: DocState, delay = this.limits.evictAfterMs): void {
    if (doc.phase !== 'ready' || doc.conns.size > 0 || doc.users > 0 || this.closing) return
    this.cancelEvict(doc)
    doc.evictTimer = this.timers.setTimeout(() => {
      doc.evictTimer = null
      this.evict(doc)
    }, delay)
  }

  private evict(doc: DocState): void {
    if (doc.phase !== 'ready' || doc.conns.size > 0 || doc.users > 0 || this.closing) return
    // Never drop updates that are not in the store yet (hocuspocus#954): try again shortly.
    if (doc.pending > 0 || doc.catchingUp) {
      this.scheduleEvict(doc, Math.min(1000, this.limits.evictAfterMs))
      return
    }
    doc.phase = 'unloading'
    this.docs.delete(doc.id)
    // A connection arriving now waits for this and then loads afresh (hocuspocus#971). The work
    // starts after the entry is in the map: run inline, an unload with nothing to compact would
    // finish (and delete its entry) before being registered, leaving a settled promise that
    // acquire() would wait on forever.
    const unloaded: Promise<void> = Promise.resolve().then(async () => {
      try {
        if (doc.compacting) await doc.compacting
        if (doc.rowsSinceCompaction > 0) await this.compact(doc)
      } finally {
        this.discard(doc)
        this.metrics.evictions.inc()
        if (this.unloading.get(doc.id) === unloaded) this.unloading.delete(doc.id)
      }
    })
    this.unloading.set(doc.id, unloaded)
  }

  /**
   * Compacts when the document goes quiet, or at once when its log has grown far past the mark.
   * A compaction renders the whole pipeline on this thread; in the middle of an editing burst
   * that stalls fan-out and acks (bench/: the p99 of acks on a busy shared document).
   */
  private scheduleCompaction(doc: DocState): void {
    if (doc.compactTimer !== null) this.timers.clearTimeout(doc.compactTimer)
    doc.compactTimer = null
    if (doc.rowsSinceCompaction >= this.limits.compactEvery * 10) {
      void this.compact(doc)
      return
    }
    doc.compactTimer = this.timers.setTimeout(() => {
      doc.compactTimer = null
      if (doc.phase === 'ready') void this.compact(doc)
    }, this.limits.compactIdleMs)
  }

  private compact(doc: DocState): Promise<void> {
    if (doc.compacting) return doc.compacting
    doc.rowsSinceCompaction = 0
    // One compaction at a time per process: a wave of evictions must not take every pooled
    // connection (and the CPU for rendering YAML) away from the appends that acks wait on.
    const run = this.compactionLane.then(async () => {
      try {
        await this.store.compact(doc.id, this.render)
        this.metrics.compactions.inc()
      } catch (error) {
        if (isNotFound(error)) this.gone(doc, CloseCode.notFound, 'not found')
        else this.logger.warn('compaction failed', { pipelineId: doc.id, error })
      } finally {
        doc.compacting = null
      }
    })
    this.compactionLane = run
    doc.compacting = run
    return run
  }

  // --- the commit queue ---------------------------------------------------------------------

  private enqueue(item: CommitItem): void {
    item.doc.pending++
    if (item.update !== null) this.queueBytes += item.update.length
    this.queue.push(item)
    if (!this.flushScheduled) {
      // Let everything received in this tick join the batch.
      this.flushScheduled = true
      queueMicrotask(() => {
        this.flushScheduled = false
        this.pump()
      })
    }
  }

  /**
   * Group commit: everything queued goes out as one append (one transaction, one fsync). A
   * pipeline has at most one append in flight: its updates that arrive meanwhile wait and go out
   * together, merged, in the next one. Two appends to one pipeline cannot commit together anyway
   * (the second waits in PostgreSQL for the first's row lock, then commits on its own), and
   * sending the second early split the waiting updates over one commit each: with two in flight,
   * an update could wait for two commits before its own (decision 0012). Other pipelines' updates
   * are not held up: up to `commitsInFlight` appends (for different pipelines) are in flight at
   * once. Batches are settled and acked strictly in the order they were sent, so an ack never
   * covers a batch that has not committed.
   */
  private pump(): void {
    while (
      this.queue.length > 0 &&
      this.inflight.length < this.limits.commitsInFlight &&
      !this.retrying &&
      !this.stopped
    ) {
      // Every item of a pipeline with a batch in flight waits, markers too: the batch's state
      // vector below must not cover updates that are still queued.
      const busy = new Set<DocState>()
      for (const f of this.inflight) for (const doc of f.durable.keys()) busy.add(doc)
      const batch: CommitItem[] = []
      const waiting: CommitItem[] = []
      for (const item of this.queue) {
        if (item.doc.phase === 'gone') this.settle(item, new RelayError('NOT_FOUND', 'gone'))
        else if (busy.has(item.doc)) waiting.push(item)
        else batch.push(item)
      }
      this.queue = waiting
      if (batch.length === 0) break
      // Everything applied so far to these pipelines is in this batch, in a batch before it, or
      // durable already; batches are settled in order, so these state vectors are what this
      // batch's commit (and those before it) make durable.
      const durable = new Map<DocState, Uint8Array>()
      const updates = new Map<DocState, Uint8Array[]>()
      for (const item of batch) {
        if (!durable.has(item.doc)) durable.set(item.doc, Y.encodeStateVector(item.doc.ydoc))
        if (item.update === null) continue
        const list = updates.get(item.doc)
        if (list === undefined) updates.set(item.doc, [item.update])
        else list.push(item.update)
      }
      const append = [...updates].map(([doc, list]) => ({
        pipelineId: doc.id,
        updates: list.length > 1 ? [Y.mergeUpdates(list)] : list,
      }))
      const sentAt = this.timers.now()
      const result: Promise<Map<string, number> | { error: unknown }> =
        append.length > 0
          ? this.store.appendUpdates(append).then(
              (heads) => {
                // Apart from persistLatency, which adds the wait for the commit ahead (bench/).
                this.metrics.commitLatency.observe(this.timers.now() - sentAt)
                return heads
              },
              (error: unknown) => ({ error }),
            )
          : Promise.resolve(new Map<string, number>())
      for (const doc of updates.keys()) doc.appending++
      this.inflight.push({ batch, updates, durable, result })
    }
    if (!this.settling) void this.settleInOrder()
    else if (this.queue.length === 0 && this.inflight.length === 0) this.wakeIdle()
  }

  /** Settles in-flight appends in the order they were sent; on a failure, sends them all again. */
  private async settleInOrder(): Promise<void> {
    if (this.settling) return
    this.settling = true
    try {
      while (this.inflight.length > 0 && !this.stopped) {
        const first = this.inflight[0]!
        const outcome = await first.result
        if (this.stopped) break
        if (!(outcome instanceof Map)) {
          // Later batches may have committed, but their acks would cover this one: send them
          // all again, in order (a repeated update is a no-op for Yjs), then what arrived since.
          const failed = this.inflight
          this.inflight = []
          await Promise.allSettled(failed.map((f) => f.result))
          for (const f of failed) for (const doc of f.updates.keys()) this.appendSettled(doc)
          this.failures++
          this.logger.error('commit failed; retrying', {
            error: outcome.error,
            items: failed.reduce((n, f) => n + f.batch.length, 0),
            attempt: this.failures,
          })
          this.queue = failed.flatMap((f) => f.batch).concat(this.queue)
          this.retrying = true
          try {
            await this.sleep(this.backoff(this.failures))
          } finally {
            this.retrying = false
          }
          this.pump()
          continue
        }
        this.inflight.shift()
        this.failures = 0
        this.committed(first.batch, first.updates, first.durable, outcome)
        for (const doc of first.updates.keys()) this.appendSettled(doc)
        this.pump()
      }
    } finally {
      this.settling = false
      if (this.queue.length === 0 && this.inflight.length === 0) this.wakeIdle()
    }
  }

  /** One in-flight append of `doc` settled: catch up on notifications it held back. */
  private appendSettled(doc: DocState): void {
    doc.appending--
    if (doc.appending === 0 && doc.phase === 'ready' && doc.notifiedSeq > doc.knownSeq) {
      this.catchUp(doc)
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
  }

  private committed(
    batch: CommitItem[],
    updates: Map<DocState, Uint8Array[]>,
    durable: Map<DocState, Uint8Array>,
    heads: Map<string, number>,
  ): void {
    const now = this.timers.now()
    let count = 0
    for (const [doc, list] of updates) {
      if (doc.phase === 'gone') continue
      const head = heads.get(doc.id)
      if (head === undefined) {
        // appendUpdates drops rows for deleted pipelines.
        this.gone(doc, CloseCode.notFound, 'not found')
        continue
      }
      const rows = list.length > 1 ? 1 : list.length
      if (head - rows === doc.knownSeq) doc.knownSeq = head
      else if (head > doc.knownSeq) this.catchUp(doc)
      doc.rowsSinceCompaction += rows
      if (doc.rowsSinceCompaction >= this.limits.compactEvery) this.scheduleCompaction(doc)
    }
    const acked = new Set<DocState>()
    const writers = new Set<RelayConnection>()
    for (const item of batch) {
      if (item.update !== null) {
        count++
        this.queueBytes -= item.update.length
        this.metrics.persistLatency.observe(now - item.at)
      }
      if (item.doc.phase === 'gone') {
        this.settle(item, new RelayError('NOT_FOUND', 'pipeline deleted'))
        continue
      }
      if (item.conn !== null) writers.add(item.conn)
      acked.add(item.doc)
      this.settle(item)
    }
    if (count > 0) this.metrics.persistBatchSize.observe(count)
    for (const doc of acked) {
      const sv = durable.get(doc)
      if (sv === undefined || doc.phase === 'gone') continue
      extendDurable(doc, Y.decodeStateVector(sv))
      // Only the connections whose messages were in the batch: an ack answers what a client
      // sent. Sending one to every reader after every commit doubled the fan-out (bench/).
      this.sendAcks(doc, writers)
    }
    for (const doc of updates.keys()) this.scheduleEvict(doc)
  }

  /** Sends the doc's durable state vector to the ack-takers among `to`. */
  private sendAcks(doc: DocState, to: ReadonlySet<RelayConnection>): void {
    let message: Uint8Array | null = null
    for (const conn of doc.conns) {
      if (!conn.acks || !to.has(conn)) continue
      message ??= encodeSaved(Y.encodeStateVector(doc.durable))
      conn.send(message)
    }
  }

  private settle(item: CommitItem, error?: Error): void {
    item.doc.pending--
    item.done?.(error)
    item.done = null
  }

  /** Resolves true once nothing is queued or in flight, or false after `timeoutMs`. */
  private drain(timeoutMs: number): Promise<boolean> {
    if (
      this.queue.length === 0 &&
      this.inflight.length === 0 &&
      !this.settling &&
      !this.flushScheduled
    ) {
      return Promise.resolve(true)
    }
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => resolve(false), timeoutMs)
      this.idleWaiters.push(() => {
        this.timers.clearTimeout(timer)
        resolve(true)
      })
      this.wakeRetry?.()
    })
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.limits.retryMaxMs, this.limits.retryBaseMs * 2 ** (attempt - 1))
    return base / 2 + Math.random() * (base / 2)
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer)
        this.retryTimer = null
        if (this.wakeRetry === wake) this.wakeRetry = null
        resolve()
      }
      this.wakeRetry = wake
      this.retryTimer = this.timers.setTimeout(wake, ms)
    })
  }
}

/**
 * Raises the durable clocks to `to` where the range starts at or below what is durable already
 * (`from` absent: the range starts at 0). A range past a gap proves nothing about the gap.
 */
function extendDurable(
  doc: DocState,
  to: ReadonlyMap<number, number>,
  from?: ReadonlyMap<number, number>,
): void {
  for (const [client, clock] of to) {
    const known = doc.durable.get(client) ?? 0
    if (clock > known && (from === undefined || (from.get(client) ?? 0) <= known)) {
      doc.durable.set(client, clock)
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'NOT_FOUND'
}

// --- connections ---------------------------------------------------------------------------

interface RelayInternals {
  metrics(): Metrics
  logger(): Logger
  timers(): Timers
  limits(): RelayLimits
  closing(): boolean
  handle(conn: RelayConnection, data: Uint8Array): void
  detach(conn: RelayConnection): void
  reject(conn: RelayConnection, reason: RejectReason | 'preload', code: number): void
  resync(conn: RelayConnection): void
}

/** One socket on one pipeline. Never throws out of `receive()`. */
export class RelayConnection implements AwarenessOwner {
  readonly principal: Principal
  readonly acks: boolean
  readonly epoch: string | undefined
  /** Resolves true once the connection is synced into its document, false if it was closed. */
  ready: Promise<boolean> = Promise.resolve(false)
  /** @internal */
  doc: DocState | null = null
  /** @internal Extra send-queue room for the initial state (see Relay.syncStep1). */
  allowance = 0
  /** @internal The viewer was told its writes are refused. */
  denied = false
  readonly awarenessIds = new Set<number>()
  private state: 'open' | 'closed' = 'open'
  private preload: Uint8Array[] | null = []
  private preloadBytes = 0

  constructor(
    private readonly internals: RelayInternals,
    readonly pipelineId: string,
    principal: Principal,
    private readonly socket: RelaySocket,
    options: AttachOptions,
  ) {
    this.principal = { ...principal, credential: { ...principal.credential } }
    this.acks = options.acks
    this.epoch = options.epoch
  }

  get userId(): string {
    return this.principal.userId
  }

  get email(): string {
    return this.principal.email
  }

  get role(): Role {
    return this.principal.role
  }

  get isOpen(): boolean {
    return this.state === 'open'
  }

  /** A frame from the socket. */
  receive(data: Uint8Array): void {
    if (this.state !== 'open') return
    try {
      this.internals.metrics().bytesIn.inc(data.length)
      if (this.internals.closing()) return
      if (this.preload !== null) {
        const limits = this.internals.limits()
        this.preloadBytes += data.length
        if (
          this.preload.length >= limits.preloadMessages ||
          this.preloadBytes > limits.preloadBytes
        ) {
          this.internals.reject(this, 'preload', 4503)
          return
        }
        this.preload.push(data)
        return
      }
      this.internals.handle(this, data)
    } catch (error) {
      this.internals.logger().error('receive failed', { pipelineId: this.pipelineId, error })
      this.close(1011, 'internal error')
    }
  }

  /** @internal Replays the frames that arrived while the document loaded. */
  flushPreload(): void {
    const frames = this.preload ?? []
    this.preload = null
    this.preloadBytes = 0
    for (const frame of frames) {
      if (this.state !== 'open') return
      this.internals.handle(this, frame)
    }
  }

  /**
   * The role changed (auth sweeper): applies to the next frame. A viewer made editor is sent a
   * sync step 1, so that what it wrote while refused (still in its local doc) is offered again.
   */
  setRole(role: Role): void {
    if (role === this.principal.role) return
    const wasViewer = this.principal.role === 'viewer'
    this.principal.role = role
    this.denied = false
    if (wasViewer && role !== 'viewer' && this.state === 'open') this.internals.resync(this)
  }

  /** @internal Sends unless the socket's queue is past the cap, in which case it closes 4508. */
  send(data: Uint8Array): void {
    if (this.state !== 'open') return
    const cap = this.internals.limits().sendQueueBytes + this.allowance
    if (this.socket.bufferedAmount() > cap) {
      this.internals.metrics().slowConsumers.inc()
      this.close(4508, 'resync')
      return
    }
    try {
      this.socket.send(data)
      this.internals.metrics().bytesOut.inc(data.length)
    } catch (error) {
      this.internals.logger().warn('send failed', { pipelineId: this.pipelineId, error })
      this.close(1011, 'send failed')
    }
  }

  /** Closes the socket with `code` and leaves the document. */
  close(code: number, reason: string): void {
    if (this.state !== 'open') return
    this.state = 'closed'
    try {
      this.socket.close(code, reason)
    } catch (error) {
      this.internals.logger().warn('close failed', { pipelineId: this.pipelineId, error })
    }
    this.preload = null
    this.internals.detach(this)
  }

  /** The socket went away. `code` 1009 (frame too large) is counted as a rejected frame. */
  closed(code?: number): void {
    if (this.state !== 'open') return
    this.state = 'closed'
    if (code === CloseCode.tooLarge) this.internals.metrics().rejectedFrames.inc({ reason: 'size' })
    this.preload = null
    this.internals.detach(this)
  }
}
