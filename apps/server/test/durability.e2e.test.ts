/**
 * "Nothing you were told is saved is ever lost": writers record which of their updates the server
 * acknowledged, the server is killed with SIGKILL mid-stream, and after a restart every
 * acknowledged update must be there. Run against both backends.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  connectClient,
  createPipeline,
  pipelineYaml,
  startServerProcess,
  tempDir,
  tokenFor,
  waitFor,
  type Client,
} from './harness.js'

const WRITERS = 20

interface Writer {
  client: Client
  /** For each write n, the writer's clock after it. */
  clocks: number[]
  /** Highest n whose update the server acknowledged as durable. */
  ackedUpTo: number
  stop: boolean
}

const backends = [
  ['postgres', async () => ({ DATABASE_URL: await freshDatabaseUrl() })],
  ['pglite', async () => ({ WEFT_DATA_DIR: tempDir('kill9') })],
] as const

describe.each(backends)('kill -9 on %s', (_name, envFor) => {
  it(`keeps every acknowledged update of ${WRITERS} concurrent writers`, async () => {
    const env = await envFor()
    let server = await startServerProcess(env)
    const token = await tokenFor(server.url, ADMIN)
    const id = await createPipeline(server.url, token, pipelineYaml('durable'))

    const writers: Writer[] = Array.from({ length: WRITERS }, () => ({
      client: connectClient(server.wsUrl, id, token),
      clocks: [],
      ackedUpTo: -1,
      stop: false,
    }))
    await waitFor('writers synced', () => writers.every((w) => w.client.provider.synced))

    const loops = writers.map(async (w, i) => {
      const root = w.client.doc.getMap('root')
      for (let n = 0; !w.stop; n++) {
        root.set(`w${i}-${n}`, n)
        w.clocks.push(Y.getState(w.client.doc.store, w.client.doc.clientID))
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 8))
      }
    })
    for (const w of writers) {
      const handler = w.client.provider.messageHandlers[100]!
      w.client.provider.messageHandlers[100] = (...args) => {
        handler(...args)
        const acked = w.client.acked.get(w.client.doc.clientID) ?? 0
        while (w.ackedUpTo + 1 < w.clocks.length && w.clocks[w.ackedUpTo + 1]! <= acked) {
          w.ackedUpTo++
        }
      }
    }

    await new Promise((r) => setTimeout(r, 800 + Math.random() * 1200))
    await server.stop('SIGKILL')
    for (const w of writers) {
      w.stop = true
      w.client.provider.disconnect()
    }
    await Promise.all(loops)
    const acked = writers.reduce((sum, w) => sum + w.ackedUpTo + 1, 0)
    // The test means something only if the server acknowledged plenty before it died.
    expect(acked).toBeGreaterThan(WRITERS * 5)

    server = await startServerProcess(env)
    try {
      const reader = connectClient(server.wsUrl, id, token, { acks: false })
      await waitFor('reader synced', () => reader.provider.synced)
      const root = reader.doc.getMap('root')
      const lost: string[] = []
      writers.forEach((w, i) => {
        for (let n = 0; n <= w.ackedUpTo; n++)
          if (root.get(`w${i}-${n}`) !== n) lost.push(`w${i}-${n}`)
      })
      expect(lost).toEqual([])
      reader.destroy()
    } finally {
      for (const w of writers) w.client.destroy()
      await server.stop()
    }
  })
})
