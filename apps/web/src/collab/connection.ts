/**
 * One pipeline's live document: a Y.Doc loaded from IndexedDB first (so a pipeline opened once
 * opens, and is editable, with no network and after a browser restart), then connected to the
 * server's sync socket. It reports one status, offline / syncing / saved, where saved means the
 * server acknowledged the local state as durable.
 */
import { IndexeddbPersistence } from 'y-indexeddb'
import { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { ackCovers, MESSAGE_SAVED, mergeAck, readSavedAck, updateClocks } from './saved-ack.js'
import type { StateVector } from './saved-ack.js'

export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'saved'

/** Close codes after which reconnecting cannot help (issue 3). */
export const closeCodes = {
  signedOut: 4401,
  accessRemoved: 4403,
  notFound: 4404,
  epochMismatch: 4409,
  resync: 4508,
} as const

export interface ConnectionState {
  readonly status: SyncStatus
  /** Set when the server closed the socket for good (4401, 4403, 4404, 4409…). */
  readonly closed?: { readonly code: number; readonly reason: string }
  /** Local changes the server has not yet acknowledged as durable. */
  readonly unsaved: boolean
}

export interface OpenOptions {
  /** The epoch from the REST API, used when the local copy has none. */
  readonly epoch?: string | number | undefined
  /** `ws://host` of the server; defaults to this page's origin. */
  readonly wsOrigin?: string
  /** IndexedDB database name prefix (tests use their own). */
  readonly dbPrefix?: string
}

export const dbName = (pipelineId: string, prefix = 'weft-pipeline:') => prefix + pipelineId

export function defaultWsOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`
}

/** The epoch a document copy belongs to, as the server wrote it into the doc. */
export function docEpoch(doc: Y.Doc): string | undefined {
  const e = doc.getMap('weft').get('epoch')
  return e === undefined || e === null ? undefined : String(e)
}

export class PipelineConnection {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly persistence: IndexeddbPersistence
  provider: WebsocketProvider | undefined
  private readonly acked: StateVector = new Map()
  /**
   * What must be acknowledged for "saved": this copy's content when it was loaded (it may hold
   * edits made offline) and every local edit since. Updates that came from the server are
   * already there; the server acknowledges only what a client sends it, so waiting for those
   * would never end.
   */
  private readonly required: StateVector = new Map()
  private state: ConnectionState = { status: 'offline', unsaved: false }
  private readonly listeners = new Set<() => void>()
  private destroyed = false
  /**
   * Viewers send no updates, so the server never acknowledges anything of theirs: for them a
   * synced connection is as good as it gets, and shows as saved (up to date).
   */
  private readOnly = false

  private constructor(
    readonly pipelineId: string,
    doc: Y.Doc,
    persistence: IndexeddbPersistence,
  ) {
    this.doc = doc
    this.persistence = persistence
    this.awareness = new Awareness(doc)
  }

  /** Loads the local copy, then (when online) connects. */
  static async open(pipelineId: string, options: OpenOptions = {}): Promise<PipelineConnection> {
    const c = await PipelineConnection.load(pipelineId, options)
    c.connect(options)
    return c
  }

  /** Loads the local copy (IndexedDB) without connecting; `connect` connects. */
  static async load(
    pipelineId: string,
    options: Pick<OpenOptions, 'dbPrefix'> = {},
  ): Promise<PipelineConnection> {
    performance.mark('weft:idb-open')
    const doc = new Y.Doc()
    const persistence = new IndexeddbPersistence(dbName(pipelineId, options.dbPrefix), doc)
    // y-indexeddb listens for updates from the start, so Yjs would encode the whole loaded copy
    // once more, as an update event, only for y-indexeddb to drop it (it skips its own origin).
    // Nothing else can change this doc before it is returned: listen once the copy is in.
    doc.off('update', persistence._storeUpdate)
    await persistence.whenSynced
    doc.on('update', persistence._storeUpdate)
    performance.mark('weft:idb-synced')
    return new PipelineConnection(pipelineId, doc, persistence)
  }

  /**
   * Whether this copy may connect without the epoch from the REST API: it knows its own epoch,
   * or it is empty (nothing to merge; the protocol's first connection sends no epoch).
   */
  canConnectWithoutEpoch(): boolean {
    return docEpoch(this.doc) !== undefined || this.doc.store.clients.size === 0
  }

  get connected(): boolean {
    return this.provider !== undefined
  }

  /** Connects to the server's sync socket (once; later calls do nothing). */
  connect(options: OpenOptions = {}): void {
    if (this.provider || this.destroyed) return
    const epoch =
      docEpoch(this.doc) ?? (options.epoch === undefined ? undefined : String(options.epoch))
    const protocols = ['weft', 'weft-ack']
    if (epoch !== undefined) protocols.push(`weft-epoch.${epoch}`)
    const online = typeof navigator === 'undefined' || navigator.onLine !== false
    const provider = new WebsocketProvider(
      `${options.wsOrigin ?? defaultWsOrigin()}/sync`,
      this.pipelineId,
      this.doc,
      // No BroadcastChannel: tabs of one browser meet through the server like everyone else
      // (offline, this class disconnects the channel anyway), and connecting it would encode the
      // whole document on every open (docs/decisions/0016-web-open-path.md).
      {
        protocols,
        awareness: this.awareness,
        connect: online,
        maxBackoffTime: 5000,
        disableBc: true,
      },
    )
    this.provider = provider
    mergeAck(this.required, Y.decodeStateVector(Y.encodeStateVector(this.doc)))
    provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      mergeAck(this.acked, readSavedAck(decoder))
      this.update()
    }
    provider.on('status', () => this.update())
    provider.on('sync', () => {
      performance.mark('weft:ws-synced')
      this.update()
    })
    provider.on('closed', (event) => {
      this.update({ code: event.code, reason: event.reason })
    })
    this.doc.on('update', this.onDocUpdate)
    // Browsers keep WebSockets open when the network goes away (and test harnesses' offline mode
    // does not close them either): follow the browser's own online/offline signal.
    window.addEventListener('online', this.onOnline)
    window.addEventListener('offline', this.onOffline)
    this.update()
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this.provider) {
      mergeAck(this.required, updateClocks(update))
    }
    this.update()
  }
  private readonly onOnline = () => {
    if (!this.state.closed) this.provider?.connect()
    this.update()
  }
  private readonly onOffline = () => {
    this.provider?.disconnect()
    this.update()
  }

  getState = (): ConnectionState => this.state

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly
    this.update()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Whether the server's acknowledgements cover every local change. */
  isSaved(): boolean {
    return ackCovers(this.required, this.acked)
  }

  private update(closed?: ConnectionState['closed']): void {
    if (this.destroyed) return
    const p = this.provider
    const unsaved = !this.readOnly && !this.isSaved()
    let status: SyncStatus
    if (!p || !p.wsconnected) status = p?.wsconnecting ? 'connecting' : 'offline'
    else if (!p.synced || unsaved) status = 'syncing'
    else status = 'saved'
    const next: ConnectionState = {
      status,
      unsaved,
      ...((closed ?? this.state.closed) ? { closed: closed ?? this.state.closed } : {}),
    }
    const prev = this.state
    if (
      prev.status === next.status &&
      prev.unsaved === next.unsaved &&
      prev.closed === next.closed
    ) {
      return
    }
    this.state = next
    for (const l of this.listeners) l()
  }

  /** Tries again after a terminal close (for example after signing in again). */
  reconnect(): void {
    const { closed: _closed, ...rest } = this.state
    this.state = rest
    this.provider?.connect()
    this.update()
  }

  /** Deletes the local copy (IndexedDB) of this pipeline. The connection is unusable after. */
  async discardLocalCopy(): Promise<void> {
    this.destroy(false)
    await this.persistence.clearData()
  }

  destroy(closePersistence = true): void {
    if (this.destroyed) return
    this.destroyed = true
    window.removeEventListener('online', this.onOnline)
    window.removeEventListener('offline', this.onOffline)
    this.doc.off('update', this.onDocUpdate)
    this.provider?.destroy()
    this.awareness.destroy()
    if (closePersistence) void this.persistence.destroy()
    this.listeners.clear()
    this.doc.destroy()
  }
}
