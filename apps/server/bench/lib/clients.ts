/**
 * The bench's clients, one WebSocket each: stock y-websocket providers for Weft, Hocuspocus
 * providers for Hocuspocus. Kept apart from systems.ts (which starts servers) so that the client
 * worker processes (client-worker.ts) can bundle them alone.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** `performance.now()` of this process as a Unix time in ms, comparable across processes. */
export const epochNow = (t = performance.now()) => performance.timeOrigin + t

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

/** How a client process reaches a system (plain data: it crosses the IPC channel). */
export type Target =
  | { system: 'Weft'; wsUrl: string; token: string }
  | { system: 'Hocuspocus'; url: string }

/** Connects one client to `name` on `target` (in whichever process calls it). */
export function connectTo(target: Target, name: string, acks = true): BenchClient {
  return target.system === 'Weft'
    ? connectWeft(target.wsUrl, name, target.token, acks)
    : connectHocuspocus(target.url, name)
}

/** Close codes the Weft clients of this process saw, for the report. */
export const closeCodes = new Map<number, number>()

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
