/**
 * Presence for one document, with the relay's policy applied per entry (docs/protocol.md,
 * "Awareness"). Awareness is unauthenticated data in y-protocols: any client may send a state
 * for any clientID, including `null` removals (y-websocket#126). Here:
 *
 * - the first connection to announce a clientID owns it until it closes; another user's
 *   connection can neither update nor remove it (a reconnect of the same user takes it over);
 * - a connection owns at most `maxClients` clientIDs, and a state's JSON is at most `maxBytes`;
 * - `state.user.id` / `state.user.email` are stamped from the authenticated principal;
 * - when the owner closes, its states are removed and the removal is broadcast.
 *
 * Clocks: the relay re-stamps the clock it forwards (strictly increasing per clientID), so peers
 * accept a reconnecting client's first state at once instead of after its next renewal
 * (y-websocket#122). A closed owner's ids stay as tombstones for `outdatedMs`, so a peer's late
 * echo of a departed state cannot bring it back as a ghost (y-websocket#126). No timers: old
 * tombstones are swept when a connection closes, old states are left out of snapshots.
 */
import type { AwarenessEntry } from './protocol.js'
import { encodeAwarenessUpdate } from './protocol.js'

export interface AwarenessOwner {
  readonly userId: string
  readonly email: string
  /** The clientIDs this connection owns (mutated here). */
  readonly awarenessIds: Set<number>
}

interface ClientState {
  /** The owning connection, or null once it closed (a tombstone, kept `outdatedMs`). */
  owner: AwarenessOwner | null
  /** The user of the last owner. */
  userId: string
  /** Last clock accepted from the owner. */
  inClock: number
  /** Last clock forwarded to peers. */
  outClock: number
  /** Stamped JSON, or null after a removal. */
  json: string | null
  updatedAt: number
}

export interface AwarenessLimits {
  maxClients: number
  maxBytes: number
  outdatedMs: number
}

/** An accepted entry, as it is to be forwarded to the other connections. */
export interface ForwardEntry {
  clientId: number
  clock: number
  json: string
  /** Same state as before, only a newer clock: the 15 s keep-alive every client sends. */
  renewal: boolean
}

export interface AwarenessResult {
  /** Entries to forward to every other connection. */
  forward: ForwardEntry[]
  /** Entries dropped by policy. */
  rejected: number
}

type Out = Array<{ clientId: number; clock: number; json: string }>

export class DocAwareness {
  private readonly clients = new Map<number, ClientState>()

  constructor(private readonly limits: AwarenessLimits) {}

  get size(): number {
    return this.clients.size
  }

  /**
   * The stock y-websocket client re-sends every awareness change it sees, its peers' included,
   * with the clock it got from us. Such echoes (clock ≤ what we forwarded) are ignored quietly;
   * only entries that would really change another connection's state count as rejected.
   */
  apply(owner: AwarenessOwner, entries: readonly AwarenessEntry[], now: number): AwarenessResult {
    const out: ForwardEntry[] = []
    let rejected = 0
    // The stock client's first awareness frame on a socket is its own state, alone.
    const announcement = owner.awarenessIds.size === 0 && entries.length === 1
    for (const entry of entries) {
      const removal = entry.json === 'null'
      let client = this.clients.get(entry.clientId)
      if (client !== undefined && client.owner !== owner) {
        if (client.owner !== null) {
          // Another connection's id. Only the same user (a reconnect racing the old socket's
          // close) may take it over, with a newer state.
          if (entry.clock <= client.outClock) continue
          if (removal || client.owner.userId !== owner.userId) {
            rejected++
            continue
          }
        } else {
          // A departed connection's id: its owner coming back, or an echo of its old state.
          if (removal) continue
          const reclaim =
            announcement && client.userId === owner.userId && entry.clock >= client.inClock
          if (!reclaim && entry.clock <= client.outClock) continue
        }
        if (owner.awarenessIds.size >= this.limits.maxClients) {
          rejected++
          continue
        }
        client.owner?.awarenessIds.delete(entry.clientId)
        client.owner = owner
        client.userId = owner.userId
        client.inClock = -1
        owner.awarenessIds.add(entry.clientId)
      }
      if (client === undefined) {
        if (removal) continue // nothing to remove; never bind an id through a removal
        if (owner.awarenessIds.size >= this.limits.maxClients) {
          rejected++
          continue
        }
      } else if (!(entry.clock > client.inClock || (entry.clock === client.inClock && removal))) {
        continue // stale, as y-protocols would ignore it
      }
      let json: string | null = null
      if (!removal) {
        json = stamp(entry, owner, this.limits.maxBytes)
        if (json === null) {
          rejected++
          continue
        }
      }
      const renewal = client !== undefined && json !== null && client.json === json
      if (client === undefined) {
        client = {
          owner,
          userId: owner.userId,
          inClock: entry.clock,
          outClock: entry.clock,
          json,
          updatedAt: now,
        }
        this.clients.set(entry.clientId, client)
        owner.awarenessIds.add(entry.clientId)
      } else {
        client.inClock = entry.clock
        // Strictly increasing, so peers accept it even after a removal we broadcast.
        client.outClock = Math.max(entry.clock, client.outClock + 1)
        client.json = json
        client.updatedAt = now
      }
      out.push({ clientId: entry.clientId, clock: client.outClock, json: json ?? 'null', renewal })
    }
    return { forward: out, rejected }
  }

  /** The owner closed: removes its states; returns the removal to broadcast, or null. */
  removeOwner(owner: AwarenessOwner, now: number): Uint8Array | null {
    const out: Out = []
    for (const id of owner.awarenessIds) {
      const client = this.clients.get(id)
      if (client === undefined || client.owner !== owner) continue
      client.owner = null
      client.updatedAt = now
      if (client.json !== null) {
        client.json = null
        client.outClock++
        out.push({ clientId: id, clock: client.outClock, json: 'null' })
      }
    }
    owner.awarenessIds.clear()
    for (const [id, client] of this.clients) {
      if (client.owner === null && now - client.updatedAt > this.limits.outdatedMs) {
        this.clients.delete(id)
      }
    }
    return out.length > 0 ? encodeAwarenessUpdate(out) : null
  }

  /** Every live state not owned by `except`, for a new connection or a query. */
  snapshot(now: number, except?: AwarenessOwner): Uint8Array | null {
    const out: Out = []
    for (const [clientId, client] of this.clients) {
      if (client.owner === except || client.json === null) continue
      if (now - client.updatedAt > this.limits.outdatedMs) continue
      out.push({ clientId, clock: client.outClock, json: client.json })
    }
    return out.length > 0 ? encodeAwarenessUpdate(out) : null
  }

  clear(): void {
    for (const client of this.clients.values()) client.owner?.awarenessIds.clear()
    this.clients.clear()
  }
}

/** The state with the principal's identity written in, or null when it breaks the policy. */
function stamp(entry: AwarenessEntry, owner: AwarenessOwner, maxBytes: number): string | null {
  if (entry.bytes > maxBytes) return null
  let state: unknown
  try {
    state = JSON.parse(entry.json)
  } catch {
    return null
  }
  if (!isPlainObject(state)) return null
  const user = isPlainObject(state.user) ? state.user : {}
  state.user = { ...user, id: owner.userId, email: owner.email }
  return JSON.stringify(state)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
