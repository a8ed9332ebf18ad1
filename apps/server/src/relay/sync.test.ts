import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresBackend } from '../../test/support/stores.js'
import type { Store } from '../storage/index.js'
import type { RelayServer } from './test-support.js'
import { connect, sourceOf, startRelayServer, waitFor } from './test-support.js'

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
})
