/**
 * Offline-first: a browser taken offline keeps editing while another edits the same pipeline, and
 * after reconnecting both have all edits; a pipeline opened once opens, and is editable, after a
 * browser restart with no network at all (the server is even stopped), and syncs when back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import type { ApiUser } from './harness/api.js'
import {
  addStep,
  expectStatus,
  expectStepShown,
  openPipeline,
  signIn,
  until,
} from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { admin as adminAccount, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let bob: Device
let api: ApiUser
let id: string
let gemini = ''
let claude = ''

beforeAll(async () => {
  server = await startServer()
  const { admin, password } = await users(server, ['bob@example.com'])
  api = admin
  id = await admin.createPipeline(twoSteps)
  await admin.share(id, 'bob@example.com', 'editor')
  ada = await openDevice()
  bob = await openDevice()
  await signIn(ada, server, adminAccount.email, adminAccount.password)
  await signIn(bob, server, 'bob@example.com', password('bob@example.com'))
  await openPipeline(ada.page, server, id)
  await openPipeline(bob.page, server, id)
  await expectStatus(ada.page, 'saved')
  await expectStatus(bob.page, 'saved')
})

afterAll(async () => {
  await ada?.dispose()
  await bob?.dispose()
  await server?.dispose()
})

describe('offline', () => {
  it('merges edits made offline with edits others made meanwhile', async () => {
    await ada.context.setOffline(true)
    await expectStatus(ada.page, 'offline')

    gemini = await addStep(ada.page, 'gemini')
    await until(
      async () =>
        (await ada.page.locator('.status-chip').innerText()).includes('kept on this device'),
      true,
      'offline chip says the change is kept on this device',
    )
    claude = await addStep(bob.page, 'claude')
    await expectStatus(bob.page, 'saved')
    // Neither has the other's edit while Ada is offline.
    await expectStepShown(ada.page, claude, false)
    await expectStepShown(bob.page, gemini, false)

    await ada.context.setOffline(false)
    await expectStepShown(ada.page, claude)
    await expectStepShown(bob.page, gemini)
    await expectStatus(ada.page, 'saved')
    const yaml = await api.yaml(id)
    expect(yaml).toContain(`name: ${gemini}`)
    expect(yaml).toContain(`name: ${claude}`)
  })

  it('opens a pipeline opened before after a browser restart with no network, and syncs later', async () => {
    // The app's files are kept by its service worker once it controls the page.
    await expect
      .poll(() => ada.page.evaluate(() => !!navigator.serviceWorker?.controller), {
        timeout: 20_000,
      })
      .toBe(true)

    await server.stop()
    await ada.restart({ offline: true })
    await openPipeline(ada.page, server, id)
    for (const name of ['gather', 'write', gemini, claude]) {
      await expectStepShown(ada.page, name)
    }
    await expectStatus(ada.page, 'offline')

    // Editable offline; the edit waits on this device.
    const setVar = await addStep(ada.page, 'set_variable')

    // Another browser restart, still offline: the offline edit is still there.
    await ada.restart({ offline: true })
    await openPipeline(ada.page, server, id)
    await expectStepShown(ada.page, setVar)

    await server.restart()
    await ada.context.setOffline(false)
    await expectStatus(ada.page, 'saved', 30_000)
    await expectStepShown(bob.page, setVar)
    expect(await api.yaml(id)).toContain(`name: ${setVar}`)
  })
})
