/**
 * Version history in two browsers: Ada edits, names a version, edits more, sees the change in the
 * version's diff, and restores it; her canvas and the server go back to the named version, while
 * an edit Bob made at the same time (offline, so the server had not seen it) survives.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStep, docSteps, expectStatus, expectStepShown, until } from './harness/app.js'
import { twoSteps } from './harness/fixtures.js'
import { openPair } from './harness/pair.js'
import type { Pair } from './harness/pair.js'

let pair: Pair

const panel = (page: Page) => page.locator('[data-testid="history-panel"]')
const sorted = (names: string[]) => [...names].sort()

beforeAll(async () => {
  pair = await openPair(twoSteps)
  await expectStatus(pair.ada.page, 'saved')
  await expectStatus(pair.bob.page, 'saved')
})

afterAll(async () => {
  await pair?.dispose()
})

describe('version history', () => {
  it('restores a named version as a new change, keeping a concurrent edit from another browser', async () => {
    const { ada, bob, adaApi, pipelineId } = pair
    const kept = await addStep(ada.page, 'claude')
    await expectStatus(ada.page, 'saved')

    // Name this version.
    await ada.page.locator('[data-testid="history-toggle"]').click()
    await panel(ada.page).waitFor()
    await panel(ada.page).locator('[data-testid="version-name-input"]').fill('Reviewed <draft>')
    await panel(ada.page).locator('[data-testid="version-name-save"]').click()
    // Saving opens the version: go back to the list.
    await panel(ada.page).locator('[data-testid="version-detail"]').waitFor()
    await panel(ada.page).getByRole('button', { name: '← All versions' }).click()
    // Version 1 is the pipeline as it was created.
    const named = panel(ada.page).locator('[data-testid="version-2"]')
    await named.waitFor()
    expect(await named.getAttribute('data-kind')).toBe('named')
    // The name is text, not markup.
    expect(await named.locator('.version-title').innerText()).toBe('Reviewed <draft>')

    // Edit more, then look at what changed since the named version.
    const dropped = await addStep(ada.page, 'gemini')
    await expectStatus(ada.page, 'saved')
    await named.click()
    const diff = panel(ada.page).locator('[data-testid="version-diff"]')
    await diff.waitFor()
    const added = await diff.locator('tr[data-kind="add"]').allInnerTexts()
    expect(added.join('\n')).toContain(`name: ${dropped}`)
    expect(await diff.locator('tr[data-kind="remove"]').count()).toBe(0)

    // Bob edits at the same time, offline: the server has not seen it when Ada restores.
    await bob.context.setOffline(true)
    await expectStatus(bob.page, 'offline')
    const concurrent = await addStep(bob.page, 'set_variable')

    await panel(ada.page).locator('[data-testid="version-restore"]').click()
    await ada.page.locator('[data-testid="restore-confirm"]').click()
    await expectStepShown(ada.page, dropped, false)
    expect(sorted(await docSteps(ada.page))).toEqual(sorted(['gather', 'write', kept]))
    // The canvas shows it too.
    await until(
      () => ada.page.locator(`[data-testid="step-node-${dropped}"]`).count(),
      0,
      'the restored-away step gone from the canvas',
    )

    await bob.context.setOffline(false)
    const all = sorted(['gather', 'write', kept, concurrent])
    await until(
      async () => sorted(await docSteps(bob.page)),
      all,
      'Bob has the restore and his edit',
    )
    await until(async () => sorted(await docSteps(ada.page)), all, 'Ada has Bob’s edit')
    await expectStatus(bob.page, 'saved')
    const yaml = await adaApi.yaml(pipelineId)
    expect(yaml).toContain(`name: ${kept}`)
    expect(yaml).toContain(`name: ${concurrent}`)
    expect(yaml).not.toContain(`name: ${dropped}`)
    expect(yaml).toContain('# Research, then write')

    // The history records the restore, and kept what it replaced.
    const restore = panel(ada.page).locator('[data-testid="version-4"]')
    await restore.waitFor()
    expect(await restore.getAttribute('data-kind')).toBe('restore')
    expect(await restore.locator('.version-title').innerText()).toBe(
      'Restored from “Reviewed <draft>” (version 2)',
    )
    // What the restore replaced, kept first.
    expect(
      await panel(ada.page).locator('[data-testid="version-3"]').getAttribute('data-kind'),
    ).toBe('auto')
    expect(await panel(ada.page).locator('[data-testid="version-1"]').innerText()).toContain(
      'Created',
    )
  })

  it('lets Bob see the versions and their YAML', async () => {
    const { bob } = pair
    await bob.page.locator('[data-testid="history-toggle"]').click()
    await panel(bob.page).locator('[data-testid="version-2"]').click()
    await panel(bob.page).getByRole('tab', { name: 'YAML' }).click()
    const yaml = panel(bob.page).locator('[data-testid="version-yaml"]')
    await until(
      async () => (await yaml.innerText()).includes('name: research'),
      true,
      'the version’s YAML',
    )
  })

  it('shows a viewer the history but not the controls that change it', async () => {
    const { bob, adaApi, pipelineId } = pair
    await adaApi.share(pipelineId, 'bob@example.com', 'viewer')
    await bob.page.reload()
    await bob.page.locator('[data-testid="editor-panes"]').waitFor()
    if ((await panel(bob.page).count()) === 0) {
      await bob.page.locator('[data-testid="history-toggle"]').click()
    }
    expect(await panel(bob.page).locator('[data-testid="version-name-input"]').isDisabled()).toBe(
      true,
    )
    await panel(bob.page).locator('[data-testid="version-2"]').click()
    await panel(bob.page).locator('[data-testid="version-diff"]').waitFor()
    const restore = panel(bob.page).locator('[data-testid="version-restore"]')
    expect(await restore.isDisabled()).toBe(true)
    expect(await restore.getAttribute('title')).toMatch(/only editors/)
  })
})
