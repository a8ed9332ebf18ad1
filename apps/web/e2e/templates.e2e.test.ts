/**
 * The template gallery through the real UI: search it, pick a shipped template with the keyboard,
 * and the new pipeline opens in the editor with the template's steps; its export (download and
 * server YAML) is the template byte for byte. An owner marks a pipeline as a template on the
 * pipelines page and it shows up in the gallery as a team template.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiUser } from './harness/api.js'
import { docSteps, downloadYaml, expectStatus, signIn, until } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { repoRoot } from './harness/paths.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

const template = readFileSync(join(repoRoot, 'apps/server/templates/code-review.yaml'), 'utf8')

let server: TestServer
let ada: Device
let api: ApiUser

beforeAll(async () => {
  server = await startServer()
  api = await ApiUser.login(server.url, admin.email, admin.password)
  ada = await openDevice()
  await signIn(ada, server, admin.email, admin.password)
})

afterAll(async () => {
  await ada?.dispose()
  await server?.dispose()
})

const pipelineId = (url: string) => decodeURIComponent(new URL(url).hash.replace('#/p/', ''))

describe('template gallery', () => {
  it('creates a pipeline from a shipped template, by keyboard; its export is the template', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor()
    await page.getByRole('button', { name: 'New pipeline' }).click()
    const dialog = page.getByRole('dialog')
    const cards = dialog.getByRole('option')
    // Blank first, then every shipped template.
    await until(async () => (await cards.count()) >= 6, true, 'the gallery loaded')
    expect(await cards.first().getAttribute('data-template-id')).toBe('blank')
    expect(await cards.first().getAttribute('aria-selected')).toBe('true')
    await dialog.locator('[data-template-id="weft.code-review"]').waitFor()
    expect(await dialog.locator('[data-template-id="weft.code-review"]').innerText()).toContain(
      'parallel_claude',
    )

    await dialog.getByLabel('Search templates').fill('diff review')
    await until(
      () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-template-id'))),
      ['weft.code-review'],
      'search narrows the gallery to the code review',
    )
    await page.keyboard.press('ArrowDown')
    const card = dialog.locator('[data-template-id="weft.code-review"]')
    await until(() => card.evaluate((e) => e === document.activeElement), true, 'card focused')
    expect(await card.getAttribute('aria-selected')).toBe('true')
    // The name follows the chosen template until you type one.
    expect(await dialog.getByLabel('Name').inputValue()).toBe('Code review of a diff')
    await page.keyboard.press('Enter')

    await page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
    await until(
      async () => (await docSteps(page)).sort(),
      ['review', 'reviewers'],
      'the template’s steps in the editor',
    )
    await expectStatus(page, 'saved')
    const id = pipelineId(page.url())
    expect(await api.yaml(id)).toBe(template)
    expect(await downloadYaml(page)).toBe(template)
  })

  it('the arrow keys move through the cards and a typed name replaces the template’s', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('button', { name: 'New pipeline' }).click()
    const dialog = page.getByRole('dialog')
    const cards = dialog.getByRole('option')
    await until(async () => (await cards.count()) >= 6, true, 'the gallery loaded')
    await dialog.getByLabel('Name').fill('My review')
    await dialog.getByLabel('Search templates').focus()
    await page.keyboard.press('ArrowDown') // Blank
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-template-id')))
    const third = dialog.locator(`[data-template-id="${ids[2]}"]`)
    expect(await third.getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('ArrowLeft')
    const second = dialog.locator(`[data-template-id="${ids[1]}"]`)
    expect(await second.getAttribute('aria-selected')).toBe('true')
    expect(await dialog.getByLabel('Name').inputValue()).toBe('My review')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
    await expectStatus(page, 'saved')
    const info = await api.json<{ name: string }>('GET', `/api/pipelines/${pipelineId(page.url())}`)
    expect(info.name).toBe('My review')
  })

  it('an owner marks a pipeline as a template and it appears in the gallery', async () => {
    const id = await api.createPipeline(twoSteps.replace('research', 'Team research'))
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    const toggle = page.getByRole('button', { name: 'Mark Team research as template' })
    await toggle.click()
    await page.getByRole('button', { name: 'Unmark Team research as template' }).waitFor()
    const listed = await api.json<{ id: string; source: string }[]>('GET', '/api/templates')
    expect(listed).toContainEqual(expect.objectContaining({ id: `team.${id}`, source: 'team' }))

    await page.getByRole('button', { name: 'New pipeline' }).click()
    const teamCard = page.getByRole('dialog').locator(`[data-template-id="team.${id}"]`)
    await teamCard.waitFor()
    expect(await teamCard.innerText()).toContain(`Team · ${admin.email}`)
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Unmark Team research as template' }).click()
    await page.getByRole('button', { name: 'Mark Team research as template' }).waitFor()
    const after = await api.json<{ id: string }[]>('GET', '/api/templates')
    expect(after.some((t) => t.id === `team.${id}`)).toBe(false)
  })
})
