/** Ada (the admin) and Bob (an editor), each signed in in their own browser, on one pipeline. */
import { users } from './api.js'
import type { ApiUser } from './api.js'
import { openPipeline, signIn } from './app.js'
import { openDevice } from './browser.js'
import type { Device } from './browser.js'
import { admin, startServer } from './server.js'
import type { TestServer } from './server.js'

export interface Pair {
  readonly server: TestServer
  readonly ada: Device
  readonly bob: Device
  /** Ada's API client (she owns the pipeline). */
  readonly adaApi: ApiUser
  readonly pipelineId: string
  dispose(): Promise<void>
}

export async function openPair(yaml: string): Promise<Pair> {
  const server = await startServer()
  const { admin: adaApi, password } = await users(server, ['bob@example.com'])
  const pipelineId = await adaApi.createPipeline(yaml)
  await adaApi.share(pipelineId, 'bob@example.com', 'editor')
  const ada = await openDevice()
  const bob = await openDevice()
  await signIn(ada, server, admin.email, admin.password)
  await signIn(bob, server, 'bob@example.com', password('bob@example.com'))
  await openPipeline(ada.page, server, pipelineId)
  await openPipeline(bob.page, server, pipelineId)
  return {
    server,
    ada,
    bob,
    adaApi,
    pipelineId,
    async dispose() {
      await ada.dispose()
      await bob.dispose()
      await server.dispose()
    },
  }
}
