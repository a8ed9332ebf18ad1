/** Two server processes on one Postgres serve the same pipeline, through LISTEN/NOTIFY. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  connectClient,
  createPipeline,
  createUser,
  pipelineYaml,
  startServerProcess,
  tokenFor,
  waitFor,
  type ServerProcess,
} from './harness.js'

let one: ServerProcess
let two: ServerProcess
let admin: string

beforeAll(async () => {
  const DATABASE_URL = await freshDatabaseUrl()
  one = await startServerProcess({ DATABASE_URL })
  two = await startServerProcess({ DATABASE_URL })
  admin = await tokenFor(one.url, ADMIN)
})
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()])
})

describe('two server processes', () => {
  it('relay each other’s edits both ways', async () => {
    const id = await createPipeline(one.url, admin, pipelineYaml('cluster'))
    const a = connectClient(one.wsUrl, id, admin)
    const b = connectClient(two.wsUrl, id, admin)
    try {
      await waitFor('both synced', () => a.provider.synced && b.provider.synced)
      a.doc.getMap('root').set('from-one', 'a')
      await waitFor('one → two', () => b.doc.getMap('root').get('from-one') === 'a')
      b.doc.getMap('root').set('from-two', 'b')
      await waitFor('two → one', () => a.doc.getMap('root').get('from-two') === 'b')
      // A REST write on one process reaches a socket on the other.
      const put = await api(one.url, 'PUT', `/api/pipelines/${id}/yaml`, {
        token: admin,
        body: pipelineYaml('cluster renamed'),
      })
      expect(put.status).toBe(200)
      await waitFor('REST on one → socket on two', async () => {
        const text = await api(two.url, 'GET', `/api/pipelines/${id}/yaml`, { token: admin })
        return text.text.includes('cluster renamed')
      })
    } finally {
      a.destroy()
      b.destroy()
    }
  })

  it('apply an access change made on one process to sockets on the other within 5 s', async () => {
    const id = await createPipeline(one.url, admin, pipelineYaml('revoked'))
    const guest = await createUser(one.url, admin, 'guest@example.com')
    await api(one.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: admin,
      json: { email: guest.email, role: 'editor' },
    })
    const client = connectClient(two.wsUrl, id, guest.token)
    try {
      await waitFor('synced', () => client.provider.synced)
      const removedAt = Date.now()
      await api(one.url, 'PUT', `/api/pipelines/${id}/access`, {
        token: admin,
        json: { email: guest.email, role: null },
      })
      await waitFor(
        'closed with 4403',
        () => client.closeEvents.some((e) => e.code === 4403),
        10_000,
      )
      expect(Date.now() - removedAt).toBeLessThan(5_000 + 1_000)
    } finally {
      client.destroy()
    }
  })
})
