/**
 * Comments between two people in two browsers: a thread started on a step shows up live for the
 * other person, with its author and a badge on the step's node; replies and resolving travel
 * back; everything survives a reload (it is in the document); none of it reaches the YAML.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiUser } from './harness/api.js'
import {
  expectStatus,
  expectStepDrawn,
  openPipeline,
  runCommand,
  signIn,
  until,
} from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { openPair } from './harness/pair.js'
import type { Pair } from './harness/pair.js'
import { admin as adminAccount } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let bob: Device
let adaApi: ApiUser
let pipelineId: string
let threadId = ''

const question = 'Should gather use a cheaper model? (q-71c)'
const answer = 'Yes, haiku is enough here (a-93e)'

const panel = (page: Page) => page.locator('[data-testid="comments-panel"]')
const thread = (page: Page) => panel(page).locator(`[data-testid="thread-${threadId}"]`)
const badge = (page: Page) => page.locator('[data-testid="step-comment-badge-gather"]')

/** Opens the comments panel (it remembers being open across reloads, so only when closed). */
async function showComments(page: Page): Promise<void> {
  if ((await panel(page).count()) === 0)
    await page.locator('[data-testid="comments-toggle"]').click()
  await panel(page).waitFor()
}

async function showStatus(page: Page, status: 'Open' | 'Resolved' | 'All'): Promise<void> {
  await panel(page).locator('[data-testid="comments-status"] button', { hasText: status }).click()
}

let pair: Pair

beforeAll(async () => {
  pair = await openPair(twoSteps)
  ;({ server, ada, bob, adaApi, pipelineId } = pair)
})

afterAll(async () => {
  await pair?.dispose()
})

describe('comments between two browsers', () => {
  it('a thread Ada starts on a step shows up live for Bob, with her name and a node badge', async () => {
    await expectStepDrawn(bob.page, 'gather')
    await expect(badge(bob.page).count()).resolves.toBe(0)
    await showComments(bob.page)

    // Ada selects the step on the canvas and comments on it from the palette.
    await expectStepDrawn(ada.page, 'gather')
    await ada.page.locator('[data-testid="step-node-gather"]').click()
    await runCommand(ada.page, 'comments.add', 'comment on the selected step')
    const input = panel(ada.page).locator('[data-testid="comment-input"]')
    await until(
      () => input.evaluate((el) => el === document.activeElement),
      true,
      'the comment box focused',
    )
    await input.fill(question)
    await panel(ada.page).locator('[data-testid="comment-send"]').click()
    const card = panel(ada.page).locator('article[data-testid^="thread-"]')
    await card.waitFor()
    threadId = ((await card.getAttribute('data-testid')) ?? '').slice('thread-'.length)
    expect(threadId).toMatch(/^[0-9a-z]+$/)
    await expect(card.innerText()).resolves.toContain('On step gather')

    // Bob: the thread, live, with Ada's name; and the count on the gather node.
    await thread(bob.page).waitFor({ timeout: 20_000 })
    const text = await thread(bob.page).innerText()
    expect(text).toContain(question)
    expect(text).toContain('ada')
    expect(text).toContain('On step gather')
    await badge(bob.page).waitFor({ timeout: 20_000 })
    await expect(badge(bob.page).innerText()).resolves.toContain('1')
    await expect(badge(ada.page).innerText()).resolves.toContain('1')
  })

  it('Bob replies and resolves; Ada sees the reply and the resolved state', async () => {
    await thread(bob.page).locator('[data-testid="reply-input"]').fill(answer)
    await thread(bob.page).locator('[data-testid="reply-send"]').click()
    await until(
      async () => (await thread(ada.page).innerText()).includes(answer),
      true,
      "Bob's reply in Ada's panel",
    )
    expect(await thread(ada.page).innerText()).toContain('bob')

    await thread(bob.page).locator('[data-testid="thread-resolve"]').click()
    // Resolved threads leave the (default) open list, and the node badge goes.
    await thread(ada.page).waitFor({ state: 'detached', timeout: 20_000 })
    await badge(ada.page).waitFor({ state: 'detached', timeout: 20_000 })
    await badge(bob.page).waitFor({ state: 'detached', timeout: 20_000 })
    await showStatus(ada.page, 'Resolved')
    await expect(thread(ada.page).getAttribute('data-resolved')).resolves.toBe('true')
    await expect(
      thread(ada.page).locator('[data-testid="thread-state"]').innerText(),
    ).resolves.toBe('Resolved by bob')
    await expect(
      thread(ada.page).locator('[data-testid="thread-resolve"]').innerText(),
    ).resolves.toBe('Reopen')
    await expectStatus(ada.page, 'saved')
    await expectStatus(bob.page, 'saved')
  })

  it('after a reload both still see the thread, its reply and its state', async () => {
    for (const d of [ada, bob]) {
      await d.page.reload()
      await d.page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
      await showComments(d.page)
      await showStatus(d.page, 'All')
      await thread(d.page).waitFor({ timeout: 20_000 })
      const text = await thread(d.page).innerText()
      expect(text).toContain(question)
      expect(text).toContain(answer)
      await expect(thread(d.page).getAttribute('data-resolved')).resolves.toBe('true')
    }
    // A browser with no local copy gets it from the server: it is in the stored document.
    const fresh = await openDevice()
    try {
      await signIn(fresh, server, adminAccount.email, adminAccount.password)
      await openPipeline(fresh.page, server, pipelineId)
      await showComments(fresh.page)
      await showStatus(fresh.page, 'All')
      await thread(fresh.page).waitFor({ timeout: 20_000 })
      expect(await thread(fresh.page).innerText()).toContain(answer)
    } finally {
      await fresh.dispose()
    }
  })

  it('keeps comments out of the exported YAML', async () => {
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain('name: gather')
    expect(yaml).not.toContain('q-71c')
    expect(yaml).not.toContain('a-93e')
    expect(yaml).not.toContain('cheaper model')
  })

  it('logged no page errors', () => {
    expect([...ada.errors, ...bob.errors].filter((e) => e.startsWith('pageerror'))).toEqual([])
  })
})
