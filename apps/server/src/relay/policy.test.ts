import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { postgresBackend } from '@weft/storage/testing'
import type { Store } from '@weft/storage'
import type { RelayServer } from './test-support.js'
import {
  applyRawSync,
  connect,
  frames,
  metricValue,
  RawClient,
  sourceOf,
  startRelayServer,
  storedDoc,
  waitFor,
} from './test-support.js'

let store: Store
let server: RelayServer

beforeAll(async () => {
  store = await postgresBackend.open()
  server = await startRelayServer(store)
})

afterAll(async () => {
  await server?.close()
  await store?.close()
})

/** Two stock clients that must keep syncing whatever a third one does. */
async function bystanders(id: string, token: string) {
  const a = connect(server, id, token)
  const b = connect(server, id, token)
  await Promise.all([a.synced(), b.synced()])
  return {
    a,
    b,
    async stillSync(mark: string) {
      a.doc.getText('source').insert(0, mark)
      await waitFor(() => sourceOf(b.doc).includes(mark), `bystanders sync ${mark}`)
    },
    destroy() {
      a.destroy()
      b.destroy()
    },
  }
}

describe('viewers', () => {
  it('refuses writes with one permission-denied, still delivers updates and awareness', async () => {
    const { id } = await server.pipeline()
    const editor = await server.user('editor')
    const viewer = await server.user('viewer')
    const e = connect(server, id, editor.token)
    const v = connect(server, id, viewer.token)
    await Promise.all([e.synced(), v.synced()])
    // The handshake's sync step 2 brings nothing new: no denial for just connecting.
    expect(v.denied).toEqual([])

    v.doc.getText('source').insert(0, '# viewer 1\n')
    v.doc.getText('source').insert(0, '# viewer 2\n')
    await waitFor(() => v.denied.length > 0, 'permission denied')
    e.doc.getText('source').insert(0, '# editor\n')
    await waitFor(() => sourceOf(v.doc).includes('# editor'), 'viewer receives updates')
    expect(sourceOf(e.doc)).not.toContain('# viewer')
    expect(v.denied).toHaveLength(1)

    v.provider.awareness.setLocalStateField('cursor', 7)
    e.provider.awareness.setLocalStateField('cursor', 3)
    await waitFor(() => e.provider.awareness.getStates().get(v.doc.clientID)?.cursor === 7, 'v→e')
    await waitFor(() => v.provider.awareness.getStates().get(e.doc.clientID)?.cursor === 3, 'e→v')

    await waitFor(async () => sourceOf(await storedDoc(store, id)).includes('# editor'), 'stored')
    expect(sourceOf(await storedDoc(store, id))).not.toContain('# viewer')
    e.destroy()
    v.destroy()
  })

  it('setRole applies to an open connection, both ways', async () => {
    const { id } = await server.pipeline()
    const editor = await server.user('editor')
    const other = await server.user('editor')
    const e = connect(server, id, editor.token)
    const o = connect(server, id, other.token)
    await Promise.all([e.synced(), o.synced()])
    const conn = [...server.relay.connections()].find(
      (c) => c.pipelineId === id && c.principal.userId === editor.principal.userId,
    )
    expect(conn).toBeDefined()
    conn!.setRole('viewer')
    e.doc.getText('source').insert(0, '# demoted\n')
    await waitFor(() => e.denied.length === 1, 'permission denied after demotion')
    o.doc.getText('source').insert(0, '# other\n')
    await waitFor(() => sourceOf(e.doc).includes('# other'), 'still receives')
    expect(sourceOf(o.doc)).not.toContain('# demoted')

    conn!.setRole('editor')
    e.doc.getText('source').insert(0, '# promoted\n')
    await waitFor(() => sourceOf(o.doc).includes('# promoted'), 'writes again after promotion')
    e.destroy()
    o.destroy()
  })
})

describe('epochs', () => {
  it('closes 4409 before any sync byte when the epoch differs; syncs when it matches', async () => {
    const { id, epoch } = await server.pipeline()
    const { token } = await server.user('editor')
    const wrong = new RawClient(server.url, id, ['weft', `weft-token.${token}`, 'weft-epoch.stale'])
    await wrong.opened
    wrong.send(frames.syncStep1(Y.encodeStateVector(new Y.Doc())))
    expect((await wrong.whenClosed()).code).toBe(4409)
    expect(wrong.messages).toEqual([])

    // The stock client treats 4409 as permanent: it stops instead of reconnecting.
    const stale = connect(server, id, token, { epoch: 'stale' })
    await waitFor(() => stale.closes.some((c) => c.code === 4409), 'stock client sees 4409')
    await waitFor(() => !stale.provider.shouldConnect, 'stock client gives up')
    stale.destroy()

    const right = connect(server, id, token, { epoch })
    await right.synced()
    expect(sourceOf(right.doc)).toContain('workflow:')
    right.destroy()
  })
})

describe('bounds and malformed input', () => {
  it('closes a 2 MiB frame with 1009 while others keep syncing', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const others = await bystanders(id, token)
    const before = await metricValue(server.metrics.rejectedFrames, { reason: 'size' })
    const big = new RawClient(server.url, id, ['weft', `weft-token.${token}`])
    await big.opened
    const doc = new Y.Doc()
    doc.getText('source').insert(0, 'x'.repeat(2 << 20))
    big.send(frames.update(Y.encodeStateAsUpdate(doc)))
    expect((await big.whenClosed()).code).toBe(1009)
    await others.stillSync('# after big\n')
    await waitFor(
      async () => (await metricValue(server.metrics.rejectedFrames, { reason: 'size' })) > before,
      'size rejection counted',
    )
    expect(sourceOf(others.b.doc)).not.toContain('xxxx')
    others.destroy()
  })

  it('closes garbage, bad varints, truncation, unknown types and bad updates with 4400', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const others = await bystanders(id, token)
    const badUpdate = (() => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, 2)
      encoding.writeVarUint8Array(e, new Uint8Array([5, 200, 1, 9, 9, 9, 9, 250, 250]))
      return encoding.toUint8Array(e)
    })()
    const cases: Array<[string, Uint8Array]> = [
      ['bad varint', new Uint8Array([0xff, 0xff, 0xff])],
      ['truncated', new Uint8Array([0, 2, 50, 1, 2, 3])],
      ['unknown type', new Uint8Array([7, 0])],
      ['unknown sync type', new Uint8Array([0, 9, 0])],
      ['empty', new Uint8Array(0)],
      ['trailing bytes', new Uint8Array([3, 1])],
      ['bad update', badUpdate],
      ['bad awareness', new Uint8Array([1, 3, 1, 2, 200])],
    ]
    for (const [name, frame] of cases) {
      const raw = new RawClient(server.url, id, ['weft', `weft-token.${token}`])
      await raw.opened
      raw.send(frame)
      const closed = await raw.whenClosed()
      expect({ name, code: closed.code }).toEqual({ name, code: 4400 })
      await others.stillSync(`# after ${name}\n`)
    }
    // A text frame is not part of the protocol either.
    const text = new RawClient(server.url, id, ['weft', `weft-token.${token}`])
    await text.opened
    text.ws.send('hello')
    expect((await text.whenClosed()).code).toBe(4400)
    expect(await metricValue(server.metrics.rejectedFrames)).toBeGreaterThanOrEqual(cases.length)
    // The document kept working through all of it.
    await waitFor(
      async () => sourceOf(await storedDoc(store, id)).includes('# after bad awareness'),
      'stored after the rejections',
    )
    others.destroy()
  })

  it('refuses awareness spoofing, oversized states and more than 4 ids', async () => {
    const { id } = await server.pipeline()
    const alice = await server.user('editor', 'alice')
    const mallory = await server.user('viewer', 'mallory')
    const watcher = connect(server, id, alice.token)
    await watcher.synced()
    const states = () => watcher.provider.awareness.getStates()

    const a = new RawClient(server.url, id, ['weft', `weft-token.${alice.token}`])
    const m = new RawClient(server.url, id, ['weft', `weft-token.${mallory.token}`])
    await Promise.all([a.opened, m.opened])
    a.send(frames.awareness([{ clientId: 1001, clock: 1, state: { name: 'alice' } }]))
    await waitFor(() => states().get(1001)?.name === 'alice', 'alice announced')
    expect(states().get(1001)?.user).toEqual({
      id: alice.principal.userId,
      email: alice.principal.email,
    })

    const rejected = () => metricValue(server.metrics.rejectedFrames, { reason: 'awareness' })
    const before = await rejected()
    // Mallory: overwrite and remove Alice's id, claim to be Alice, oversize, too many ids.
    m.send(frames.awareness([{ clientId: 1001, clock: 5, state: { name: 'mallory-as-alice' } }]))
    m.send(frames.awareness([{ clientId: 1001, clock: 6, state: null }]))
    m.send(
      frames.awareness([
        { clientId: 2001, clock: 1, state: { name: 'm', user: { id: alice.principal.userId } } },
      ]),
    )
    m.send(frames.awareness([{ clientId: 2002, clock: 1, state: { blob: 'x'.repeat(5000) } }]))
    m.send(
      frames.awareness(
        [2003, 2004, 2005, 2006].map((clientId) => ({
          clientId,
          clock: 1,
          state: { n: clientId },
        })),
      ),
    )
    await waitFor(async () => (await rejected()) >= before + 4, 'rejections counted')
    await waitFor(() => states().has(2005), 'mallory ids up to the cap')
    expect(states().get(1001)?.name).toBe('alice')
    expect(states().get(2001)?.user).toEqual({
      id: mallory.principal.userId,
      email: mallory.principal.email,
    })
    expect(states().has(2002)).toBe(false) // oversized
    expect(states().has(2006)).toBe(false) // fifth id
    expect(m.closed).toBeNull() // policy drops, it does not disconnect

    // Closing removes the owner's states for everyone.
    m.close()
    await waitFor(() => !states().has(2001) && !states().has(2003), 'removal on close')
    expect(states().get(1001)?.name).toBe('alice')
    a.close()
    await waitFor(() => !states().has(1001), 'alice removed on close')
    watcher.destroy()
  })

  it('forwards a burst of presence changes as one batch, never echoing a state to its owner', async () => {
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const mover = connect(server, id, token)
    const watcher = connect(server, id, token)
    await Promise.all([mover.synced(), watcher.synced()])
    await waitFor(() => watcher.provider.awareness.getStates().has(mover.doc.clientID), 'presence')
    const framesAt = (client: typeof watcher) => {
      let count = 0
      const handler = client.provider.messageHandlers[1]!
      client.provider.messageHandlers[1] = (...args) => {
        count++
        handler(...args)
      }
      return () => count
    }
    const watcherFrames = framesAt(watcher)
    const moverFrames = framesAt(mover)
    for (let x = 0; x < 20; x++) mover.provider.awareness.setLocalStateField('cursor', { x, y: 0 })
    await waitFor(
      () =>
        (watcher.provider.awareness.getStates().get(mover.doc.clientID) as any)?.cursor?.x === 19,
      'last cursor position',
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    // Twenty changes arrive as a batch or two, not twenty frames.
    expect(watcherFrames()).toBeLessThanOrEqual(3)
    // The mover is sent nothing of its own (only the watcher's echo would come back, and that
    // is dropped as stale).
    expect(moverFrames()).toBe(0)
    mover.destroy()
    watcher.destroy()
  })

  it('closes a slow consumer with 4508 and resyncs it on reconnect', async () => {
    const slowServer = await startRelayServer(store, { limits: { sendQueueBytes: 256 << 10 } })
    try {
      const { id } = await slowServer.pipeline()
      const { token } = await slowServer.user('editor')
      const writer = connect(slowServer, id, token)
      const reader = connect(slowServer, id, token)
      await Promise.all([writer.synced(), reader.synced()])
      const slow = new RawClient(slowServer.url, id, ['weft', `weft-token.${token}`])
      await slow.opened
      await waitFor(() => slow.messages.length > 0, 'slow client got the sync step 1')
      ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause()
      const chunk = 'y'.repeat(200 << 10)
      for (let i = 0; i < 200; i++) {
        if ((await metricValue(slowServer.metrics.slowConsumers)) > 0) break
        writer.doc.getText('source').insert(0, chunk)
        await waitFor(() => sourceOf(reader.doc).length === sourceOf(writer.doc).length, 'reader')
      }
      expect(await metricValue(slowServer.metrics.slowConsumers)).toBe(1)
      // Healthy clients were not held back.
      writer.doc.getText('source').insert(0, '# end\n')
      await waitFor(() => sourceOf(reader.doc) === sourceOf(writer.doc), 'reader caught up')
      // The slow socket is gone; a reconnect resyncs from its sync step 1.
      ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
      await slow.whenClosed()
      const again = new RawClient(slowServer.url, id, ['weft', `weft-token.${token}`])
      await again.opened
      again.send(frames.syncStep1(Y.encodeStateVector(new Y.Doc())))
      const resynced = new Y.Doc()
      await waitFor(() => {
        applyRawSync(resynced, again.messages.splice(0))
        return sourceOf(resynced) === sourceOf(writer.doc)
      }, 'resync')
      again.close()
      writer.destroy()
      reader.destroy()
    } finally {
      await slowServer.close()
    }
  })
})

describe('stock client compatibility', () => {
  it('a client without weft-ack never sees an unknown message', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const c = connect(server, id, token)
      await c.synced()
      c.doc.getText('source').insert(0, '# stock\n')
      await waitFor(async () => sourceOf(await storedDoc(store, id)).includes('# stock'), 'stored')
      c.destroy()
      expect(errors).not.toHaveBeenCalled()
    } finally {
      errors.mockRestore()
    }
  })
})
