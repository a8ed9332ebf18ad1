import * as decoding from 'lib0/decoding'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { postgresBackend } from '@weft/storage/testing'
import type { Store } from '@weft/storage'
import { RelayError } from './relay.js'
import type { RelayServer } from './test-support.js'
import {
  connect,
  applyRawSync,
  frames,
  RawClient,
  sourceOf,
  startRelayServer,
  storedDoc,
  waitFor,
  WatchedStore,
} from './test-support.js'

let real: Store
let watched: WatchedStore
let server: RelayServer

beforeAll(async () => {
  real = await postgresBackend.open()
  watched = new WatchedStore(real)
  server = await startRelayServer(watched.store, { limits: { retryBaseMs: 5, retryMaxMs: 20 } })
})

afterAll(async () => {
  await server?.close()
  await real?.close()
})

const count = (text: string, part: string) => text.split(part).length - 1

describe('sync between stock y-websocket clients', () => {
  it('converges two clients and gives a late joiner the state', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const a = connect(server, id, token)
    const b = connect(server, id, token)
    await Promise.all([a.synced(), b.synced()])
    expect(sourceOf(a.doc)).toContain('workflow:')
    a.doc.getText('source').insert(0, '# from a\n')
    b.doc.getText('source').insert(0, '# from b\n')
    await waitFor(
      () =>
        sourceOf(a.doc) === sourceOf(b.doc) &&
        sourceOf(a.doc).includes('# from a') &&
        sourceOf(a.doc).includes('# from b'),
      'convergence',
    )
    const c = connect(server, id, token)
    await c.synced()
    await waitFor(() => sourceOf(c.doc) === sourceOf(a.doc), 'late joiner state')
    for (const client of [a, b, c]) client.destroy()
  })

  it('merges offline edits from two clients with nothing lost or duplicated', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const a = connect(server, id, token, { acks: true })
    const b = connect(server, id, token, { acks: true })
    await Promise.all([a.synced(), b.synced()])
    a.provider.disconnect()
    b.provider.disconnect()
    for (let i = 0; i < 20; i++) {
      a.doc.getText('source').insert(0, `<a${i}>`)
      b.doc.getText('source').insert(sourceOf(b.doc).length, `<b${i}>`)
    }
    a.provider.connect()
    b.provider.connect()
    await waitFor(() => sourceOf(a.doc) === sourceOf(b.doc) && a.saved() && b.saved(), 'merge')
    const text = sourceOf(a.doc)
    for (let i = 0; i < 20; i++) {
      expect(count(text, `<a${i}>`)).toBe(1)
      expect(count(text, `<b${i}>`)).toBe(1)
    }
    // What the clients were told is saved is what the database holds.
    const stored = await storedDoc(real, id)
    expect(sourceOf(stored)).toBe(text)
    a.destroy()
    b.destroy()
  })
})

describe('durable acks', () => {
  it('acks only after the commit, covering the client state vector', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const a = connect(server, id, token, { acks: true })
    const b = connect(server, id, token)
    await Promise.all([a.synced(), b.synced()])
    await waitFor(() => a.saved(), 'ack of the handshake')

    // When an ack arrives, every update it covers must already be in the committed list.
    const problems: string[] = []
    a.provider.messageHandlers[100] = (_e, decoder) => {
      const acked = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
      let committed = 0
      for (const u of watched.committed) {
        committed = Math.max(committed, Y.parseUpdateMeta(u).to.get(a.doc.clientID) ?? 0)
      }
      const clock = acked.get(a.doc.clientID) ?? 0
      if (clock > committed) problems.push(`acked ${clock} with ${committed} committed`)
      a.acks.push(acked)
    }

    const release = watched.hold('appendUpdates')
    const acksBefore = a.acks.length
    a.doc.getText('source').insert(0, '# held\n')
    // B sees the edit (fan-out does not wait for the database)…
    await waitFor(() => sourceOf(b.doc).includes('# held'), 'fan-out while the commit is held')
    // …but A is not told it is saved, and it is not.
    expect(a.acks.length).toBe(acksBefore)
    expect(a.saved()).toBe(false)
    release()
    await waitFor(() => a.saved(), 'ack after the commit')
    expect(problems).toEqual([])
    const stored = await storedDoc(real, id)
    expect(sourceOf(stored)).toContain('# held')
    a.destroy()
    b.destroy()
  })

  it('sends no acks to a client that did not offer weft-ack', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const watcher = connect(server, id, token, { acks: true })
      // Registers a handler for type 100 without offering the subprotocol.
      const plain = connect(server, id, token, { handleAcks: true })
      const stock = connect(server, id, token)
      await Promise.all([watcher.synced(), plain.synced(), stock.synced()])
      plain.doc.getText('source').insert(0, '# plain\n')
      stock.doc.getText('source').insert(0, '# stock\n')
      await waitFor(() => sourceOf(watcher.doc).includes('# plain'), 'fan-out')
      await waitFor(() => sourceOf(watcher.doc).includes('# stock'), 'fan-out')
      // The watcher's own ack after these edits proves the batch with them committed.
      watcher.doc.getText('source').insert(0, '#')
      await waitFor(() => watcher.saved(), 'watcher ack')
      const stored = await storedDoc(real, id)
      expect(sourceOf(stored)).toContain('# plain')
      expect(sourceOf(stored)).toContain('# stock')
      expect(plain.acks).toEqual([])
      expect(errors.mock.calls.filter((c) => String(c[0]).includes('Unable to compute'))).toEqual(
        [],
      )
      for (const c of [watcher, plain, stock]) c.destroy()
    } finally {
      errors.mockRestore()
    }
  })

  it('acks what a client sent, not every commit of other writers', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const writer = connect(server, id, token, { acks: true })
    const reader = connect(server, id, token, { acks: true })
    await Promise.all([writer.synced(), reader.synced()])
    await waitFor(() => writer.saved() && reader.saved(), 'handshake acks')
    const readerAcks = reader.acks.length
    for (let i = 0; i < 5; i++) {
      writer.doc.getText('source').insert(0, `# ${i}\n`)
      await waitFor(() => writer.saved(), `ack ${i}`)
    }
    await waitFor(() => sourceOf(reader.doc).includes('# 4'), 'fan-out')
    expect(reader.acks.length).toBe(readerAcks)
    // The reader is still saved: it made no edit of its own.
    expect(reader.saved()).toBe(true)
    writer.destroy()
    reader.destroy()
  })

  it('group-commits concurrent writers into fewer transactions than updates', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const clients = Array.from({ length: 8 }, () => connect(server, id, token, { acks: true }))
    await Promise.all(clients.map((c) => c.synced()))
    await waitFor(() => clients.every((c) => c.saved()), 'handshake acks')
    const calls = watched.appendCalls
    const release = watched.hold('appendUpdates')
    for (let round = 0; round < 5; round++) {
      clients.forEach((c, i) => c.doc.getText('source').insert(0, `<${i}.${round}>`))
    }
    const updates = clients.length * 5
    // Everyone has everything in memory while the first commit is held.
    await waitFor(
      () => clients.every((c) => count(sourceOf(c.doc), '<') >= updates),
      'fan-out of all edits',
    )
    release()
    await waitFor(() => clients.every((c) => c.saved()), 'all saved')
    const transactions = watched.appendCalls - calls
    expect(transactions).toBeGreaterThan(0)
    expect(transactions).toBeLessThan(updates / 4)
    const stored = sourceOf(await storedDoc(real, id))
    for (let i = 0; i < clients.length; i++)
      for (let r = 0; r < 5; r++) expect(count(stored, `<${i}.${r}>`)).toBe(1)
    for (const c of clients) c.destroy()
  })

  it('updates that arrive while a commit of their pipeline is in flight go out in one commit', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const writers = Array.from({ length: 3 }, () => connect(server, id, token, { acks: true }))
    await Promise.all(writers.map((w) => w.synced()))
    await waitFor(() => writers.every((w) => w.saved()), 'handshake acks')
    const calls = watched.appendCalls
    const committed = watched.committed.length
    const release = watched.hold('appendUpdates')
    writers[0]!.doc.getText('source').insert(0, '<first>')
    await waitFor(() => watched.appendCalls === calls + 1, 'first append sent')
    for (let round = 0; round < 3; round++) {
      writers.forEach((w, i) => w.doc.getText('source').insert(0, `<${i}.${round}>`))
    }
    const marks = ['<first>', ...writers.flatMap((_, i) => [0, 1, 2].map((r) => `<${i}.${r}>`))]
    await waitFor(
      () => writers.every((w) => marks.every((m) => sourceOf(w.doc).includes(m))),
      'fan-out of every edit while the commit is held',
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Nothing else is sent while the pipeline's commit is in flight: a second append would only
    // wait in PostgreSQL for the first one's row lock, holding a share of the updates.
    expect(watched.appendCalls).toBe(calls + 1)
    expect(writers.some((w) => w.saved())).toBe(false)
    release()
    await waitFor(() => writers.every((w) => w.saved()), 'all saved')
    // The nine updates that waited went out in one append, merged into one row.
    expect(watched.appendCalls).toBe(calls + 2)
    expect(watched.committed.length).toBe(committed + 2)
    const stored = sourceOf(await storedDoc(real, id))
    for (const m of marks) expect(count(stored, m)).toBe(1)
    for (const w of writers) w.destroy()
  })

  it("sends another pipeline's commit while one is in flight, and acks them in order", async () => {
    const [x, y] = [await server.pipeline(), await server.pipeline()]
    const { token } = await server.user('editor')
    const writerX = connect(server, x.id, token, { acks: true })
    const writerY = connect(server, y.id, token, { acks: true })
    await Promise.all([writerX.synced(), writerY.synced()])
    await waitFor(() => writerX.saved() && writerY.saved(), 'handshake acks')
    const calls = watched.appendCalls
    const release = watched.hold('appendUpdates')
    watched.failNext('appendUpdates', 1)
    writerX.doc.getText('source').insert(0, '# first\n')
    await waitFor(() => watched.appendCalls === calls + 1, 'first append sent')
    writerY.doc.getText('source').insert(0, '# second\n')
    // The second batch (another pipeline) does not wait for the first one's round trip.
    await waitFor(() => watched.appendCalls === calls + 2, 'second append sent meanwhile')
    // The first fails and the second commits; the retry is held, so nothing may be acked: acks
    // go out in the order the batches were sent.
    const committed = watched.committed.length
    release()
    const releaseRetry = watched.hold('appendUpdates')
    await waitFor(() => watched.committed.length > committed, 'second batch committed')
    await waitFor(() => watched.appendCalls >= calls + 3, 'retry sent')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(writerX.saved()).toBe(false)
    expect(writerY.saved()).toBe(false)
    releaseRetry()
    await waitFor(() => writerX.saved() && writerY.saved(), 'acks after the retry')
    expect(count(sourceOf(await storedDoc(real, x.id)), '# first')).toBe(1)
    expect(count(sourceOf(await storedDoc(real, y.id)), '# second')).toBe(1)
    writerX.destroy()
    writerY.destroy()
  })

  it("does not read its own rows back when a commit's notification beats its reply", async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const writer = connect(server, id, token, { acks: true })
    await writer.synced()
    await waitFor(() => writer.saved(), 'handshake ack')
    const reads = watched.readCalls
    const committed = watched.committed.length
    const release = watched.holdReply('appendUpdates')
    writer.doc.getText('source').insert(0, '# mine\n')
    await waitFor(() => watched.committed.length > committed, 'commit')
    // The commit's NOTIFY reaches this process's listener while the reply is held.
    await new Promise((resolve) => setTimeout(resolve, 200))
    release()
    await waitFor(() => writer.saved(), 'ack')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(watched.readCalls - reads).toBe(0)
    writer.destroy()
  })

  it('retries a failing store and acks only once the commit succeeds', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const a = connect(server, id, token, { acks: true })
    await a.synced()
    await waitFor(() => a.saved(), 'handshake ack')
    const calls = watched.appendCalls
    watched.failNext('appendUpdates', 3)
    a.doc.getText('source').insert(0, '# retried\n')
    await waitFor(() => a.saved(), 'ack after retries')
    expect(watched.appendCalls - calls).toBeGreaterThanOrEqual(4)
    expect(sourceOf(await storedDoc(real, id))).toContain('# retried')
    a.destroy()
  })
})

describe('REST access to documents', () => {
  it('change() fans out, resolves once durable; read() sees it; unknown ids', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('viewer')
    const a = connect(server, id, token)
    await a.synced()
    await server.relay.change(id, (doc) => doc.getText('source').insert(0, '# rest\n'))
    expect(sourceOf(await storedDoc(real, id))).toContain('# rest')
    await waitFor(() => sourceOf(a.doc).includes('# rest'), 'REST change reaches sockets')
    expect(await server.relay.read(id, (doc) => sourceOf(doc).startsWith('# rest'))).toBe(true)
    expect(await server.relay.read('no-such-pipeline', () => 1)).toBeNull()
    await expect(server.relay.change('no-such-pipeline', () => {})).rejects.toBeInstanceOf(
      RelayError,
    )
    a.destroy()
  })
})

describe('fan-out', () => {
  /** The updates (sync messages of subtype 2) a raw client was sent. */
  const updatesTo = (client: RawClient) =>
    client.ofType(0).flatMap((message) => {
      const d = decoding.createDecoder(message)
      decoding.readVarUint(d)
      return decoding.readVarUint(d) === 2 ? [decoding.readVarUint8Array(d)] : []
    })
  const clientsIn = (update: Uint8Array) => [...Y.parseUpdateMeta(update).to.keys()].sort()
  const edit = (text: string) => {
    const doc = new Y.Doc()
    doc.getText('source').insert(0, text)
    return { clientId: doc.clientID, update: Y.encodeStateAsUpdate(doc) }
  }

  it("sends each socket one merged update per event-loop turn, without the socket's own", async () => {
    const { id } = await server.pipeline()
    const names = ['writer-a', 'writer-b', 'reader'] as const
    const users = await Promise.all(names.map((name) => server.user('editor', name)))
    const [a, b, reader] = users.map(
      ({ token }) => new RawClient(server.url, id, ['weft', `weft-token.${token}`]),
    ) as [RawClient, RawClient, RawClient]
    await Promise.all([a, b, reader].map((c) => c.opened))
    // The server's sync step 1 comes once the socket has joined the document.
    await waitFor(() => [a, b, reader].every((c) => c.ofType(0).length > 0), 'joined')
    const connOf = (name: string) =>
      [...server.relay.connections()].find(
        (c) => c.pipelineId === id && c.email.startsWith(`${name}-`),
      )!
    const serverClient = await server.relay.read(id, (doc) => doc.clientID)
    // What the raw reader would have got from a sync step 2: the pipeline before the edits.
    const readerDoc = await storedDoc(real, id)
    const editA = edit('<a>')
    const editB = edit('<b>')
    // One turn of the server's loop: a frame from each writer and a REST change.
    connOf('writer-a').receive(frames.update(editA.update))
    connOf('writer-b').receive(frames.update(editB.update))
    await server.relay.change(id, (doc) => doc.getText('source').insert(0, '<rest>'))
    await waitFor(() => updatesTo(reader).length > 0 && updatesTo(a).length > 0, 'fan-out')
    await new Promise((resolve) => setTimeout(resolve, 100))

    const everyone = [editA.clientId, editB.clientId, serverClient].sort()
    expect(updatesTo(reader).map(clientsIn)).toEqual([everyone])
    expect(updatesTo(a).map(clientsIn)).toEqual([[editB.clientId, serverClient].sort()])
    expect(updatesTo(b).map(clientsIn)).toEqual([[editA.clientId, serverClient].sort()])
    applyRawSync(readerDoc, reader.messages)
    expect(['<a>', '<b>', '<rest>'].every((t) => sourceOf(readerDoc).includes(t))).toBe(true)
    for (const c of [a, b, reader]) c.close()
  })
})
