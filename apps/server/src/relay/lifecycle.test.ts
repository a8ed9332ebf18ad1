import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { silentLogger } from '../logging/index.js'
import { openStore } from '@weft/storage'
import type { Store } from '@weft/storage'
import { freshDatabaseUrl, postgresBackend } from '@weft/storage/testing'
import {
  connect,
  metricValue,
  RawClient,
  sourceOf,
  startRelayServer,
  storedDoc,
  trackedTimers,
  waitFor,
  WatchedStore,
} from './test-support.js'

let real: Store

beforeAll(async () => {
  real = await postgresBackend.open()
})

afterAll(async () => {
  await real?.close()
})

describe('loading', () => {
  it('closes 4404 for a missing pipeline and 1011 when loading fails, creating no doc', async () => {
    const watched = new WatchedStore(real)
    const server = await startRelayServer(watched.store)
    try {
      const { token } = await server.user('editor')
      const missing = new RawClient(server.url, 'no-such-pipeline', ['weft', `weft-token.${token}`])
      await missing.opened
      expect((await missing.whenClosed()).code).toBe(4404)
      expect(missing.messages).toEqual([])

      const { id } = await server.pipeline()
      watched.failNext('loadDocument', 1)
      const failed = new RawClient(server.url, id, ['weft', `weft-token.${token}`])
      await failed.opened
      expect((await failed.whenClosed()).code).toBe(1011)
      expect(failed.messages).toEqual([])
      expect(server.relay.loadedDocuments()).toEqual([])
      expect(await metricValue(server.metrics.docsLoaded)).toBe(0)

      // The stock client retries 1011 and then loads the stored document.
      const c = connect(server, id, token)
      await c.synced()
      expect(sourceOf(c.doc)).toContain('workflow:')
      c.destroy()
    } finally {
      await server.close()
    }
  })

  it('shares one load between concurrent first connections', async () => {
    const watched = new WatchedStore(real)
    const server = await startRelayServer(watched.store)
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const release = watched.hold('loadDocument')
      const clients = Array.from({ length: 5 }, () => connect(server, id, token))
      await waitFor(() => watched.loadCalls >= 1, 'load started')
      await new Promise((resolve) => setTimeout(resolve, 100))
      release()
      await Promise.all(clients.map((c) => c.synced()))
      expect(watched.loadCalls).toBe(1)
      for (const c of clients) c.destroy()
    } finally {
      await server.close()
    }
  })
})

describe('eviction', () => {
  it('unloads after the last disconnect, compacts, leaves no timers, and loses nothing when a client reconnects during the unload', async () => {
    const watched = new WatchedStore(real)
    const timers = trackedTimers()
    const server = await startRelayServer(watched.store, {
      timers,
      limits: { evictAfterMs: 50 },
    })
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token, { acks: true })
      await a.synced()
      a.doc.getText('source').insert(0, '# before unload\n')
      await waitFor(() => a.saved(), 'saved')
      a.destroy()
      await waitFor(() => server.relay.loadedDocuments().length === 0, 'unloaded')
      await waitFor(async () => (await metricValue(server.metrics.evictions)) === 1, 'evicted')
      expect(await metricValue(server.metrics.compactions)).toBe(1)
      expect(await metricValue(server.metrics.docsLoaded)).toBe(0)
      expect(await metricValue(server.metrics.connections)).toBe(0)
      expect(timers.pending()).toBe(0)
      expect((await real.storageSize(id)).logRows).toBe(0)

      // Again, but a client arrives (with an offline edit) while the unload is compacting.
      const b = connect(server, id, token, { acks: true })
      await b.synced()
      expect(sourceOf(b.doc)).toContain('# before unload')
      b.doc.getText('source').insert(0, '# second\n')
      await waitFor(() => b.saved(), 'saved')
      const release = watched.hold('compact')
      b.provider.disconnect()
      b.doc.getText('source').insert(0, '# offline during unload\n')
      await waitFor(() => server.relay.loadedDocuments().length === 0, 'unload started')
      b.provider.connect()
      const c = connect(server, id, token)
      // They wait for the unload rather than sharing the doc being dropped.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(b.provider.synced).toBe(false)
      release()
      await Promise.all([b.synced(), c.synced()])
      await waitFor(() => b.saved(), 'offline edit saved')
      await waitFor(() => sourceOf(c.doc) === sourceOf(b.doc), 'c has everything')
      const stored = sourceOf(await storedDoc(real, id))
      for (const part of ['# before unload', '# second', '# offline during unload']) {
        expect(stored).toContain(part)
        expect(sourceOf(c.doc)).toContain(part)
      }
      b.destroy()
      c.destroy()
      await waitFor(async () => (await metricValue(server.metrics.evictions)) === 3, 'evicted')
      expect(timers.pending()).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('reopens a document that was unloaded with nothing to compact', async () => {
    const server = await startRelayServer(real, { limits: { evictAfterMs: 20 } })
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      // Opened and left without an edit: the unload has no compaction to wait for.
      const a = connect(server, id, token)
      await a.synced()
      a.destroy()
      await waitFor(async () => (await metricValue(server.metrics.evictions)) === 1, 'evicted')
      const b = connect(server, id, token, { acks: true })
      await b.synced()
      b.doc.getText('source').insert(0, '# after the unload\n')
      await waitFor(() => b.saved(), 'saved after reopening')
      expect(sourceOf(await storedDoc(real, id))).toContain('# after the unload')
      b.destroy()
    } finally {
      await server.close()
    }
  })

  it('compacts a busy document once it goes quiet, not in the middle of the burst', async () => {
    const server = await startRelayServer(real, {
      limits: { compactEvery: 5, compactIdleMs: 1_000 },
    })
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token, { acks: true })
      await a.synced()
      // 20 rows: four times the mark, below the hard cap of ten times.
      for (let i = 0; i < 20; i++) {
        a.doc.getText('source').insert(0, `<${i}>`)
        await waitFor(() => a.saved(), `edit ${i} saved`)
      }
      await waitFor(async () => (await metricValue(server.metrics.compactions)) >= 1, 'compacted')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(await metricValue(server.metrics.compactions)).toBe(1)
      expect((await real.storageSize(id)).logRows).toBe(0)
      a.destroy()
    } finally {
      await server.close()
    }
  })

  it('never evicts a doc whose updates are not stored yet', async () => {
    const watched = new WatchedStore(real)
    const server = await startRelayServer(watched.store, {
      limits: { evictAfterMs: 20, retryBaseMs: 5, retryMaxMs: 20 },
    })
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token)
      await a.synced()
      const release = watched.hold('appendUpdates')
      a.doc.getText('source').insert(0, '# pending\n')
      await waitFor(() => server.relay.queuedItems() > 0 || watched.appendCalls > 0, 'queued')
      a.destroy()
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(server.relay.loadedDocuments()).toEqual([id])
      release()
      await waitFor(() => server.relay.loadedDocuments().length === 0, 'unloaded once stored')
      expect(sourceOf(await storedDoc(real, id))).toContain('# pending')
    } finally {
      await server.close()
    }
  })
})

describe('store trouble', () => {
  it('past the unsaved-bytes cap refuses writes with 4503; the edit is kept and resent', async () => {
    const watched = new WatchedStore(real)
    const server = await startRelayServer(watched.store, { limits: { commitQueueBytes: 64 } })
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token, { acks: true })
      await a.synced()
      await waitFor(() => a.saved(), 'handshake ack')
      const release = watched.hold('appendUpdates')
      a.doc.getText('source').insert(0, '# first, over the cap: ' + 'z'.repeat(100) + '\n')
      await waitFor(() => watched.appendCalls > 0 || server.relay.queuedItems() > 0, 'queued')
      a.doc.getText('source').insert(0, '# refused while behind\n')
      await waitFor(() => a.closes.some((c) => c.code === 4503), '4503')
      expect(await metricValue(server.metrics.rejectedFrames, { reason: 'backlog' })).toBe(1)
      release()
      // The stock client reconnects; its step 2 carries the refused edit.
      await waitFor(() => a.provider.synced && a.saved(), 'resent and saved', 30_000)
      const stored = sourceOf(await storedDoc(real, id))
      expect(stored).toContain('# first, over the cap')
      expect(stored).toContain('# refused while behind')
      a.destroy()
    } finally {
      await server.close()
    }
  })

  it('closes sockets with 4404 when the pipeline is deleted', async () => {
    const server = await startRelayServer(real)
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token)
      await a.synced()
      await real.deletePipeline(id, new Date())
      a.doc.getText('source').insert(0, '# after delete\n')
      await waitFor(() => a.closes.some((c) => c.code === 4404), '4404')
      await waitFor(() => server.relay.loadedDocuments().length === 0, 'dropped')
      expect(await server.relay.read(id, () => 1)).toBeNull()
      a.destroy()
    } finally {
      await server.close()
    }
  })
})

describe('shutdown', () => {
  it('close() commits what is queued, acks it, then closes sockets with 1001', async () => {
    const watched = new WatchedStore(real)
    const server = await startRelayServer(watched.store)
    const { id } = await server.pipeline()
    const { token } = await server.user('editor')
    const a = connect(server, id, token, { acks: true })
    await a.synced()
    await waitFor(() => a.saved(), 'handshake ack')
    const release = watched.hold('appendUpdates')
    a.doc.getText('source').insert(0, '# at shutdown\n')
    await waitFor(() => watched.appendCalls > 0 || server.relay.queuedItems() > 0, 'queued')
    const closing = server.close()
    release()
    await closing
    expect(sourceOf(await storedDoc(real, id))).toContain('# at shutdown')
    await waitFor(() => a.closes.some((c) => c.code === 1001), '1001')
    expect(a.saved()).toBe(true)
    a.destroy()
  })
})

describe('several processes on one PostgreSQL (LISTEN/NOTIFY)', () => {
  it("delivers each relay's updates to the other's sockets", async () => {
    const url = await freshDatabaseUrl()
    const stores = [
      await openStore({ databaseUrl: url, logger: silentLogger }),
      await openStore({ databaseUrl: url, logger: silentLogger }),
    ] as const
    const one = await startRelayServer(stores[0], { limits: { compactEvery: 7 } })
    const two = await startRelayServer(stores[1], { limits: { compactEvery: 7 } })
    try {
      const { id } = await one.pipeline()
      const { token } = await one.user('editor')
      const { token: token2 } = await two.user('editor')
      const a = connect(one, id, token, { acks: true })
      const b = connect(two, id, token2, { acks: true })
      await Promise.all([a.synced(), b.synced()])
      for (let i = 0; i < 10; i++) {
        a.doc.getText('source').insert(0, `<a${i}>`)
        b.doc.getText('source').insert(0, `<b${i}>`)
        // One row per edit (no batching), so both processes pass compactEvery.
        await waitFor(() => a.saved() && b.saved(), `round ${i} saved`)
      }
      await two.relay.change(id, (doc) => doc.getText('source').insert(0, '<rest>'))
      await waitFor(
        () => sourceOf(a.doc) === sourceOf(b.doc) && sourceOf(a.doc).includes('<rest>'),
        'convergence across processes',
      )
      await waitFor(() => a.saved() && b.saved(), 'both saved')
      const text = sourceOf(a.doc)
      for (let i = 0; i < 10; i++) {
        expect(text.split(`<a${i}>`).length).toBe(2)
        expect(text.split(`<b${i}>`).length).toBe(2)
      }
      expect(sourceOf(await storedDoc(stores[0], id))).toBe(text)
      // 21+ rows with compactEvery 7: both processes compacted along the way.
      await waitFor(
        async () =>
          (await metricValue(one.metrics.compactions)) > 0 &&
          (await metricValue(two.metrics.compactions)) > 0,
        'compactions',
      )
      // Each process stored its own writers' updates once: nothing read back was re-appended.
      const stored = await stores[0].loadDocument(id)
      const merged = new Y.Doc()
      for (const u of stored!.updates) Y.applyUpdate(merged, u)
      expect(sourceOf(merged)).toBe(text)
      a.destroy()
      b.destroy()
    } finally {
      await one.close()
      await two.close()
      await Promise.all(stores.map((s) => s.close()))
    }
  })

  it('closes sockets with 4409 when the stored history is replaced (epoch change)', async () => {
    const url = await freshDatabaseUrl()
    const store = await openStore({ databaseUrl: url, logger: silentLogger })
    const server = await startRelayServer(store)
    try {
      const { id } = await server.pipeline()
      const { token } = await server.user('editor')
      const a = connect(server, id, token)
      await a.synced()
      // Simulates a restore: same id, another history. The relay notices on its next read.
      const { default: postgres } = await import('postgres')
      const sql = postgres(url, { onnotice: () => {} })
      await sql`update pipelines set epoch = 'restored' where id = ${id}`
      await sql.end()
      await store.appendUpdates([{ pipelineId: id, updates: [Y.encodeStateAsUpdate(new Y.Doc())] }])
      await waitFor(() => a.closes.some((c) => c.code === 4409), '4409')
      a.destroy()
    } finally {
      await server.close()
      await store.close()
    }
  })
})
