import type { Logger } from '../logging/index.js'
import type { Metrics } from '../metrics/index.js'
import type { CredentialKind, RenderedPipeline, Role, Store } from '@weft/storage'

export type { Role }

/** What the relay needs from the store, and nothing more. */
export type RelayStore = Pick<
  Store,
  'loadDocument' | 'appendUpdates' | 'readUpdatesSince' | 'subscribeUpdates' | 'compact'
>

/** Who is on the socket; `credential` lets the auth sweeper re-check it while the socket lives. */
export interface Principal {
  userId: string
  email: string
  role: Role
  credential: { kind: CredentialKind; hash: string }
}

/** The transport, as the relay sees it (route.ts adapts a `ws` socket to it). */
export interface RelaySocket {
  send(data: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes handed to the socket and not yet written to the network. */
  bufferedAmount(): number
}

/** Injected clock and timers, so tests decide when time passes. */
export interface Timers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms)
    handle.unref?.()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface RelayLimits {
  /** Largest frame the socket accepts; bigger frames close with 1009 (route.ts). */
  maxFrameBytes: number
  /** A socket whose unsent bytes pass this is closed with 4508 instead of buffering more. */
  sendQueueBytes: number
  /** Frames a connection may send while its document loads; more closes it with 4503. */
  preloadMessages: number
  preloadBytes: number
  awarenessClientsPerConnection: number
  awarenessStateBytes: number
  /** Presence changes are forwarded in batches at most this old. */
  awarenessBatchMs: number
  /** Keep-alives (a state sent again unchanged) are forwarded in batches at most this old. */
  awarenessRenewalMs: number
  /** States not renewed for this long are left out of snapshots (y-protocols' outdatedTimeout). */
  awarenessOutdatedMs: number
  /** Unload a document this long after its last connection left (at most 30 s). */
  evictAfterMs: number
  /** Compact a document's log after this many appended rows, once it has been quiet for
   *  `compactIdleMs` (or at once past ten times as many). */
  compactEvery: number
  compactIdleMs: number
  /** Unpersisted bytes across all documents; past this, writers are closed with 4503. */
  commitQueueBytes: number
  /**
   * Appends (group commits) sent to the store at once, each for different pipelines: a pipeline
   * has at most one in flight, and its next batch forms behind it (decision 0012).
   */
  commitsInFlight: number
  /** Store retry backoff. */
  retryBaseMs: number
  retryMaxMs: number
  /** How long close() keeps trying to flush before giving up. */
  closeFlushMs: number
}

export const defaultLimits: RelayLimits = {
  maxFrameBytes: 1 << 20,
  sendQueueBytes: 4 << 20,
  preloadMessages: 100,
  preloadBytes: 4 << 20,
  awarenessClientsPerConnection: 4,
  awarenessStateBytes: 4096,
  awarenessBatchMs: 50,
  awarenessRenewalMs: 5_000,
  awarenessOutdatedMs: 30_000,
  evictAfterMs: 10_000,
  compactEvery: 500,
  compactIdleMs: 2_000,
  commitQueueBytes: 64 << 20,
  commitsInFlight: 2,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  closeFlushMs: 10_000,
}

export interface RelayOptions {
  store: RelayStore
  metrics: Metrics
  logger: Logger
  timers?: Timers
  limits?: Partial<RelayLimits>
  /** What compaction stores beside the snapshot; defaults to `summarizeState`. */
  render?: (state: Uint8Array) => RenderedPipeline
  /**
   * Told of every change made on this process (a socket's update, a `change()`), with who made
   * it: the socket's user, or the `author` of an `AuthoredOrigin` passed to `change()`. Version
   * history listens here. Never told of updates read back from other processes.
   */
  onEdit?: (pipelineId: string, author: string | null) => void
}

/** An origin for `change()` naming who made the change (for `onEdit`). */
export interface AuthoredOrigin {
  readonly author: string
}

export interface AttachOptions {
  /** The client offered `weft-ack`: send it saved acks (message type 100). */
  acks: boolean
  /** From `weft-epoch.<e>`: the epoch of the history the client holds. */
  epoch?: string
}

/** Close codes (docs/protocol.md). 4400–4499 are permanent for the stock client. */
export const CloseCode = {
  goingAway: 1001,
  tooLarge: 1009,
  internal: 1011,
  badMessage: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  epochMismatch: 4409,
  unavailable: 4503,
  resync: 4508,
} as const
