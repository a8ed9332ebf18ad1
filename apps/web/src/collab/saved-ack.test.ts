import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ackCovers, mergeAck, readSavedAck, updateClocks } from './saved-ack.js'

const sv = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc))

describe('saved acknowledgement', () => {
  it('decodes the server payload and covers exactly what was acknowledged', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'hello')
    const e = encoding.createEncoder()
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
    const acked = readSavedAck(decoding.createDecoder(encoding.toUint8Array(e)))
    expect(ackCovers(sv(doc), acked)).toBe(true)
    doc.getText('t').insert(5, '!')
    expect(ackCovers(sv(doc), acked)).toBe(false)
  })

  it('needs every client of the local state, including other peers', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.getText('t').insert(0, 'a')
    b.getText('t').insert(0, 'b')
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    expect(ackCovers(sv(a), sv(b))).toBe(false)
    const known = new Map()
    mergeAck(known, sv(b))
    mergeAck(known, new Map([[a.clientID, 1]]))
    expect(ackCovers(sv(a), known)).toBe(true)
  })

  it('never goes back when an older ack arrives late', () => {
    const known = new Map([[1, 10]])
    mergeAck(known, new Map([[1, 4]]))
    expect(known.get(1)).toBe(10)
  })

  it('counts each incremental local edit as needing an ack', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'saved')
    const acked = sv(doc)
    const required = new Map(acked)
    let last: Uint8Array | undefined
    doc.on('update', (u: Uint8Array) => (last = u))
    doc.getText('t').insert(5, ' and more')
    mergeAck(required, updateClocks(last!))
    expect(ackCovers(required, acked)).toBe(false)
    mergeAck(acked, sv(doc))
    expect(ackCovers(required, acked)).toBe(true)
  })
})
