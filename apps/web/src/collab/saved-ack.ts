/**
 * The server's "saved" acknowledgement (issue 3, docs/protocol.md): message type 100 whose payload
 * is `varUint8Array(Y.encodeStateVector(durableState))`. The local document is saved when, for
 * every client in its state vector, the durable clock is at least the local one.
 */
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'

export const MESSAGE_SAVED = 100

export type StateVector = Map<number, number>

export function readSavedAck(decoder: decoding.Decoder): StateVector {
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder))
}

/** Folds an ack into what is known durable (acks only grow; a late, older ack changes nothing). */
export function mergeAck(known: StateVector, ack: StateVector): void {
  for (const [client, clock] of ack) {
    if ((known.get(client) ?? 0) < clock) known.set(client, clock)
  }
}

/** True when `acked` covers every (client, clock) of `local`. */
export function ackCovers(local: StateVector, acked: StateVector): boolean {
  for (const [client, clock] of local) {
    if ((acked.get(client) ?? 0) < clock) return false
  }
  return true
}

/**
 * The clocks an update brings, per client (its end state). Unlike encodeStateVectorFromUpdate,
 * this also counts an incremental update that does not start at clock 0: every local edit is one.
 */
export function updateClocks(update: Uint8Array): StateVector {
  return Y.parseUpdateMeta(update).to
}
