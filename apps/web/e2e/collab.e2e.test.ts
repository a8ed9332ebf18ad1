/**
 * Two people on one pipeline, each in their own browser: they see each other (avatars) and each
 * other's edits, the status reaches "saved", and undo only ever reverts your own change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiUser } from './harness/api.js'
import type { Device } from './harness/browser.js'
import { addStep, avatars, expectStepDrawn, expectStatus, expectStepShown } from './harness/app.js'
import { twoSteps } from './harness/fixtures.js'
import { openPair } from './harness/pair.js'
import type { Pair } from './harness/pair.js'

let ada: Device
let bob: Device
let adaApi: ApiUser
let pipelineId: string
let gemini = ''
let smart = ''

let pair: Pair

beforeAll(async () => {
  pair = await openPair(twoSteps)
  ;({ ada, bob, adaApi, pipelineId } = pair)
})

afterAll(async () => {
  await pair?.dispose()
})

describe('two browsers on one pipeline', () => {
  it('show both people as avatars in each browser', async () => {
    for (const d of [ada, bob]) {
      await expect.poll(() => avatars(d.page), { timeout: 20_000 }).toEqual(['ada', 'bob'])
    }
    await expect(ada.page.locator('.avatar[aria-label="ada (you)"]').count()).resolves.toBe(1)
  })

  it("see each other's cursor on the canvas, with a name", async () => {
    const box = await ada.page.locator('.pane-canvas').boundingBox()
    expect(box).not.toBeNull()
    for (let i = 0; i < 5; i++) {
      await ada.page.mouse.move(box!.x + box!.width / 2 + i * 10, box!.y + box!.height / 2)
    }
    const cursor = bob.page.locator('[data-testid="remote-cursor-ada"]')
    await cursor.waitFor({ timeout: 20_000 })
    expect(await cursor.innerText()).toContain('ada')
  })

  it("see each other's edits, and both end saved on the server", async () => {
    await expectStepShown(bob.page, 'gather')
    gemini = await addStep(ada.page, 'gemini')
    await expectStepShown(bob.page, gemini)

    smart = await addStep(bob.page, 'claude_smart')
    await expectStepShown(ada.page, smart)
    // …and drawn on each other's canvas.
    await expectStepDrawn(bob.page, gemini)
    await expectStepDrawn(ada.page, smart)

    await expectStatus(ada.page, 'saved')
    await expectStatus(bob.page, 'saved')
    // `WEFT_SCREENSHOT=path.png` keeps a picture of the editor with two people (for the README).
    if (process.env.WEFT_SCREENSHOT)
      await ada.page.screenshot({ path: process.env.WEFT_SCREENSHOT })
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain(`name: ${gemini}`)
    expect(yaml).toContain(`name: ${smart}`)
  })

  it("undo reverts only your own change, never another user's", async () => {
    const setVar = await addStep(ada.page, 'set_variable')
    await expectStepShown(bob.page, setVar)
    const fileOps = await addStep(bob.page, 'file_ops')
    await expectStepShown(ada.page, fileOps)

    // Ada undoes: her set_variable step goes, Bob's later file_ops step stays.
    await ada.page
      .locator('body')
      .click({ position: { x: 5, y: 5 } })
      .catch(() => undefined)
    await ada.page.keyboard.press('Control+z')
    await expectStepShown(ada.page, setVar, false)
    await expectStepShown(bob.page, setVar, false)
    await expectStepShown(ada.page, fileOps)
    await expectStepShown(bob.page, fileOps)

    // Undo again reverts Ada's earlier gemini step, still not Bob's claude_smart one.
    await ada.page.keyboard.press('Control+z')
    await expectStepShown(bob.page, gemini, false)
    await expectStepShown(bob.page, smart)

    // Redo (Ctrl+Shift+Z and Ctrl+Y) brings Ada's steps back.
    await ada.page.keyboard.press('Control+Shift+Z')
    await expectStepShown(bob.page, gemini)
    await ada.page.keyboard.press('Control+y')
    await expectStepShown(bob.page, setVar)

    // Bob's undo reverts his file_ops step only.
    await bob.page.keyboard.press('Control+z')
    await expectStepShown(ada.page, fileOps, false)
    await expectStepShown(ada.page, setVar)

    await expectStatus(ada.page, 'saved')
    await expectStatus(bob.page, 'saved')
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain(`name: ${setVar}`)
    expect(yaml).not.toContain(`name: ${fileOps}`)
  })

  it('logged no page errors', () => {
    expect([...ada.errors, ...bob.errors].filter((e) => e.startsWith('pageerror'))).toEqual([])
  })
})
