/**
 * Sharing through the UI: Ada shares her pipeline with Bob in the Share dialog; Bob, who could
 * not see it before, finds it in his list (owned by Ada), opens it and sees Ada's edits live.
 * Then a team: Ada creates one on the Teams page and adds Bob as a viewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import type { ApiUser } from './harness/api.js'
import { addStep, expectStepShown, openPipeline, signIn, until } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

const BOB = 'bob@example.com'

let server: TestServer
let ada: Device
let bob: Device
let adaApi: ApiUser
let id: string

beforeAll(async () => {
  server = await startServer()
  const { admin: a, password } = await users(server, [BOB])
  adaApi = a
  id = await adaApi.createPipeline(twoSteps)
  ada = await openDevice()
  bob = await openDevice()
  await signIn(ada, server, admin.email, admin.password)
  await signIn(bob, server, BOB, password(BOB))
})

afterAll(async () => {
  await ada?.dispose()
  await bob?.dispose()
  await server?.dispose()
})

const row = (device: Device) => device.page.locator(`[data-pipeline-id="${id}"]`)

describe('sharing a pipeline', () => {
  it('is invisible to Bob before Ada shares it', async () => {
    await bob.page.goto(`${server.url}/#/`)
    await bob.page.getByRole('list', { name: 'Pipelines' }).or(bob.page.locator('.empty')).waitFor()
    await expect(row(bob).count()).resolves.toBe(0)
  })

  it('Ada shares it with Bob as editor in the Share dialog', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await row(ada).getByRole('button', { name: 'Share research' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('User email').fill(BOB)
    await dialog.getByLabel('Role to give').selectOption('editor')
    await dialog.getByRole('button', { name: 'Share', exact: true }).click()
    const grant = dialog.locator(`[data-grant="${BOB}"]`)
    await grant.waitFor()
    await expect(grant.getByLabel(`Role of ${BOB}`).inputValue()).resolves.toBe('editor')
    // The owner's own row has no controls: an owner cannot change their own role.
    await expect(
      dialog.locator(`[data-grant="${admin.email}"]`).getByRole('combobox').count(),
    ).resolves.toBe(0)
    await dialog.getByRole('button', { name: 'Done' }).click()
    const access = await adaApi.json<{ grants: { email?: string; role: string }[] }>(
      'GET',
      `/api/pipelines/${id}/access`,
    )
    expect(access.grants.find((g) => g.email === BOB)?.role).toBe('editor')
  })

  it('Bob sees it in his list, owned by Ada, and opens it', async () => {
    const page = bob.page
    await page.goto(`${server.url}/#/`)
    await page.reload()
    await row(bob).waitFor()
    await expect(row(bob).locator('[data-owner]').innerText()).resolves.toBe(admin.email)
    await expect(row(bob).locator('.role').innerText()).resolves.toBe('editor')
    // Editors see who has access, but get no sharing controls.
    await expect(row(bob).getByRole('button', { name: 'Share research' }).count()).resolves.toBe(0)
    await page.getByLabel('Show pipelines owned by').selectOption('me')
    await expect(row(bob).count()).resolves.toBe(0)
    await page.getByLabel('Show pipelines owned by').selectOption('shared')
    await row(bob).locator('a.pipeline-link').click()
    await page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
    await expectStepShown(page, 'gather')
  })

  it('Bob sees Ada’s edits live', async () => {
    await openPipeline(ada.page, server, id)
    const added = await addStep(ada.page, 'gemini')
    await expectStepShown(bob.page, added)
  })
})

describe('teams', () => {
  it('Ada creates a team and adds Bob as a viewer; Bob sees it with his role', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/teams`)
    await page.getByLabel('New team name').fill('Research')
    await page.getByRole('button', { name: 'Create team' }).click()
    const team = page.getByRole('region', { name: 'Team Research' })
    await team.waitFor()
    await team.getByLabel('Add by email').fill(BOB)
    await team.getByLabel("New member's role").selectOption('viewer')
    await team.getByRole('button', { name: 'Add member' }).click()
    await team.locator(`[data-member="${BOB}"]`).waitFor()
    await expect(team.getByLabel(`Role of ${BOB}`).inputValue()).resolves.toBe('viewer')

    await bob.page.goto(`${server.url}/#/teams`)
    await bob.page.getByRole('link', { name: 'Research' }).click()
    const bobsView = bob.page.getByRole('region', { name: 'Team Research' })
    await bobsView.waitFor()
    await until(
      () => bobsView.locator(`[data-member="${BOB}"] .role`).innerText(),
      'viewer',
      'Bob listed as viewer',
    )
    // A viewer gets no member controls.
    await expect(bobsView.getByRole('combobox').count()).resolves.toBe(0)
    await expect(bobsView.getByRole('button', { name: 'Add member' }).count()).resolves.toBe(0)
  })

  it('Ada creates a pipeline in the team; Bob sees it as a viewer', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('button', { name: 'New pipeline' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Name', { exact: true }).fill('team plan')
    await dialog.getByLabel('Owner').selectOption({ label: 'Team Research' })
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
    const teamPipeline = decodeURIComponent(page.url().split('#/p/')[1] ?? '')

    await bob.page.goto(`${server.url}/#/`)
    const bobsRow = bob.page.locator(`[data-pipeline-id="${teamPipeline}"]`)
    await bobsRow.waitFor()
    await expect(bobsRow.locator('[data-owner]').innerText()).resolves.toBe('Team Research')
    await expect(bobsRow.locator('.role').innerText()).resolves.toBe('viewer')
    await expect(bobsRow.getByRole('button', { name: 'Share team plan' }).count()).resolves.toBe(0)
  })
})
