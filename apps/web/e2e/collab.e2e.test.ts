/**
 * Two people on one pipeline, each in their own browser: they see each other (avatars) and each
 * other's edits, the status reaches "saved", and undo only ever reverts your own change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import type { ApiUser } from './harness/api.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import {
  avatars,
  expectStatus,
  expectStepShown,
  openPipeline,
  runCommand,
  signIn,
} from './harness/app.js'
import { twoSteps } from './harness/fixtures.js'
import { admin as adminAccount, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let bob: Device
let adaApi: ApiUser
let pipelineId: string

beforeAll(async () => {
  server = await startServer()
  const { admin, password } = await users(server, ['bob@example.com'])
  adaApi = admin
  pipelineId = await admin.createPipeline(twoSteps)
  await admin.share(pipelineId, 'bob@example.com', 'editor')
  ada = await openDevice()
  bob = await openDevice()
  await signIn(ada, server, adminAccount.email, adminAccount.password)
  await signIn(bob, server, 'bob@example.com', password('bob@example.com'))
  await openPipeline(ada.page, server, pipelineId)
  await openPipeline(bob.page, server, pipelineId)
})

afterAll(async () => {
  await ada?.dispose()
  await bob?.dispose()
  await server?.dispose()
})

describe('two browsers on one pipeline', () => {
  it('show both people as avatars in each browser', async () => {
    for (const d of [ada, bob]) {
      await expect.poll(() => avatars(d.page), { timeout: 20_000 }).toEqual(['ada', 'bob'])
    }
    await expect(ada.page.locator('.avatar[aria-label="ada (you)"]').count()).resolves.toBe(1)
  })

  it("see each other's edits, and both end saved on the server", async () => {
    await expectStepShown(bob.page, 'gather')
    await runCommand(ada.page, 'step.add.gemini', 'add gemini')
    await expectStepShown(ada.page, 'gemini_1')
    await expectStepShown(bob.page, 'gemini_1')

    await runCommand(bob.page, 'step.add.claude_smart', 'add claude_smart')
    await expectStepShown(ada.page, 'claude_smart_1')

    await expectStatus(ada.page, 'saved')
    await expectStatus(bob.page, 'saved')
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain('name: gemini_1')
    expect(yaml).toContain('name: claude_smart_1')
  })

  it("undo reverts only your own change, never another user's", async () => {
    await runCommand(ada.page, 'step.add.set_variable', 'add set_variable')
    await expectStepShown(bob.page, 'set_variable_1')
    await runCommand(bob.page, 'step.add.file_ops', 'add file_ops')
    await expectStepShown(ada.page, 'file_ops_1')

    // Ada undoes: her set_variable step goes, Bob's later file_ops step stays.
    await ada.page
      .locator('body')
      .click({ position: { x: 5, y: 5 } })
      .catch(() => undefined)
    await ada.page.keyboard.press('Control+z')
    await expectStepShown(ada.page, 'set_variable_1', false)
    await expectStepShown(bob.page, 'set_variable_1', false)
    await expectStepShown(ada.page, 'file_ops_1')
    await expectStepShown(bob.page, 'file_ops_1')

    // Undo again reverts Ada's earlier gemini step, still not Bob's claude_smart one.
    await ada.page.keyboard.press('Control+z')
    await expectStepShown(bob.page, 'gemini_1', false)
    await expectStepShown(bob.page, 'claude_smart_1')

    // Redo (Ctrl+Shift+Z and Ctrl+Y) brings Ada's steps back.
    await ada.page.keyboard.press('Control+Shift+Z')
    await expectStepShown(bob.page, 'gemini_1')
    await ada.page.keyboard.press('Control+y')
    await expectStepShown(bob.page, 'set_variable_1')

    // Bob's undo reverts his file_ops step only.
    await bob.page.keyboard.press('Control+z')
    await expectStepShown(ada.page, 'file_ops_1', false)
    await expectStepShown(ada.page, 'set_variable_1')

    await expectStatus(ada.page, 'saved')
    await expectStatus(bob.page, 'saved')
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain('name: set_variable_1')
    expect(yaml).not.toContain('name: file_ops_1')
  })

  it('logged no page errors', () => {
    expect([...ada.errors, ...bob.errors].filter((e) => e.startsWith('pageerror'))).toEqual([])
  })
})
