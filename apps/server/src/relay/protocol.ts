/**
 * The y-websocket wire protocol (docs/protocol.md), encoded and decoded with lib0 but read
 * defensively: every length is checked against what is left of the frame, and a frame must be
 * consumed exactly, so a malformed frame is a `ProtocolError` and never a partial read.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Weft's durable ack, sent only to connections that offered the `weft-ack` subprotocol. */
  saved: 100,
} as const

export const SyncType = { step1: 0, step2: 1, update: 2 } as const

/** y-protocols/auth: the only auth message there is. */
const permissionDenied = 0

export type RejectReason = 'malformed' | 'unknown-type' | 'update' | 'awareness' | 'text'

export class ProtocolError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message)
  }
}

export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

/** Reads one client frame. Throws `ProtocolError` on anything but a well-formed message. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data)
  const type = readUint(decoder)
  let message: ClientMessage
  switch (type) {
    case MessageType.sync: {
      const sub = readUint(decoder)
      const payload = readBytes(decoder)
      if (sub === SyncType.step1) message = { type: 'sync-step1', stateVector: payload }
      else if (sub === SyncType.step2) message = { type: 'sync-step2', update: payload }
      else if (sub === SyncType.update) message = { type: 'sync-update', update: payload }
      else throw new ProtocolError('unknown-type', `unknown sync message ${sub}`)
      break
    }
    case MessageType.awareness:
      message = { type: 'awareness', update: readBytes(decoder) }
      break
    case MessageType.queryAwareness:
      message = { type: 'query-awareness' }
      break
    default:
      throw new ProtocolError('unknown-type', `unknown message type ${type}`)
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('malformed', 'trailing bytes')
  return message
}

export function readUint(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder)
  } catch {
    throw new ProtocolError('malformed', 'bad varint')
  }
}

/** lib0's readVarUint8Array does not check the length against the frame; this does. */
export function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = readUint(decoder)
  if (length > decoder.arr.length - decoder.pos) throw new ProtocolError('malformed', 'truncated')
  const bytes = decoder.arr.subarray(decoder.pos, decoder.pos + length)
  decoder.pos += length
  return bytes
}

export function readString(decoder: decoding.Decoder): string {
  const bytes = readBytes(decoder)
  try {
    return utf8.decode(bytes)
  } catch {
    throw new ProtocolError('malformed', 'bad utf-8')
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.step1)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.step2)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.update)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness)
    encoding.writeVarUint8Array(e, update)
  })
}

/** y-protocols/auth "permission denied", as the stock client reads it. */
export function encodePermissionDenied(reason: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.auth)
    encoding.writeVarUint(e, permissionDenied)
    encoding.writeVarString(e, reason)
  })
}

/** `[100, varUint8Array(Y.encodeStateVector(durable))]`. */
export function encodeSaved(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.saved)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

// Awareness updates (y-protocols/awareness's format), decoded here so the relay can apply its
// policy per entry: varUint(n), then n × (varUint clientID, varUint clock, varString JSON state).

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The state's JSON text as sent; 'null' for a removal. */
  json: string
  /** Byte length of the JSON text on the wire. */
  bytes: number
}

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = readUint(decoder)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = readUint(decoder)
    const clock = readUint(decoder)
    const raw = readBytes(decoder)
    let json: string
    try {
      json = utf8.decode(raw)
    } catch {
      throw new ProtocolError('malformed', 'bad utf-8 in awareness')
    }
    entries.push({ clientId, clock, json, bytes: raw.length })
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('malformed', 'trailing bytes')
  return entries
}

export function encodeAwarenessUpdate(
  entries: ReadonlyArray<{ clientId: number; clock: number; json: string }>,
): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, entries.length)
    for (const entry of entries) {
      encoding.writeVarUint(e, entry.clientId)
      encoding.writeVarUint(e, entry.clock)
      encoding.writeVarString(e, entry.json)
    }
  })
}

/** Reads a saved ack's state vector (for clients and tests). */
export function decodeSaved(data: Uint8Array): Map<number, number> | null {
  try {
    const decoder = decoding.createDecoder(data)
    if (readUint(decoder) !== MessageType.saved) return null
    const sv = decoding.createDecoder(readBytes(decoder))
    const result = new Map<number, number>()
    const n = readUint(sv)
    for (let i = 0; i < n; i++) {
      const client = readUint(sv)
      result.set(client, readUint(sv))
    }
    return result
  } catch {
    return null
  }
}
