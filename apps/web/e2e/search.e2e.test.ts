/**
 * Search and tags on the pipelines page through the real UI and server: words go to the server's
 * full-text search and each hit names the step that matched; the step type and tag filters
 * narrow it; an editor sets tags in a dialog that names a refused tag before sending, the chips
 * appear on the row, and a click on a chip filters by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiUser } from './harness/api.js'
import { signIn, until } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let api: ApiUser
const ids: Record<string, string> = {}

const pipeline = (name: string, step: string, type: string, prompt: string) =>
  `workflow:
  name: ${name}
  steps:
    - name: ${step}
      type: ${type}
      prompt:
        - type: static
          content: ${prompt}
`

beforeAll(async () => {
  server = await startServer()
  api = await ApiUser.login(server.url, admin.email, admin.password)
  ids.triage = await api.createPipeline(
    pipeline('invoice_triage', 'sort_mail', 'claude', 'Sort the mail'),
  )
  ids.ledger = await api.createPipeline(
    pipeline('ledger', 'extract_totals', 'gemini', 'Find the invoice total and due date'),
  )
  ids.other = await api.createPipeline(pipeline('weather', 'fetch', 'claude', 'Get the forecast'))
  await api.json('PUT', `/api/pipelines/${ids.ledger}/tags`, { tags: ['finance'] })
  ada = await openDevice()
  await signIn(ada, server, admin.email, admin.password)
})

afterAll(async () => {
  await ada?.dispose()
  await server?.dispose()
})

describe('search on the pipelines page', () => {
  it('searches on the server, names the matching step, and filters by type and tag', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor()
    const list = page.getByRole('list', { name: 'Pipelines' })
    const names = () =>
      list.locator('.pipeline-title').evaluateAll((els) => els.map((e) => e.textContent))
    await page.getByLabel('Search pipelines').fill('invoice')
    await until(async () => await list.getAttribute('data-results'), 'search', 'server search')
    await until(names, ['invoice_triage', 'ledger'], 'name match first, then the prompt match')
    const ledger = list.locator(`[data-pipeline-id="${ids.ledger}"]`)
    expect(await ledger.locator('.matched').innerText()).toBe('matched in step extract_totals')
    expect(await ledger.locator('.tag-chip').allInnerTexts()).toEqual(['finance'])

    const filters = page.getByRole('group', { name: 'Search filters' })
    await filters.getByLabel('Filter by step type').selectOption('gemini')
    await until(names, ['ledger'], 'the gemini filter')
    await filters.getByLabel('Filter by step type').selectOption('')
    await until(names, ['invoice_triage', 'ledger'], 'filter cleared')
    await filters.getByLabel('Filter by tag').selectOption('finance')
    await until(names, ['ledger'], 'the tag filter')
    // With no words, the tag filter still narrows the whole list.
    await page.getByLabel('Search pipelines').fill('')
    await until(names, ['ledger'], 'tag filter without words')
    await filters.getByRole('button', { name: 'Clear filters' }).click()
    await until(async () => (await names()).length, 3, 'every pipeline again')
  })

  it('lets an editor tag a pipeline; a refused tag is named; a chip filters by its tag', async () => {
    const page = ada.page
    const list = page.getByRole('list', { name: 'Pipelines' })
    await page.getByRole('button', { name: 'Edit tags of weather' }).click()
    const dialog = page.getByRole('dialog')
    const input = dialog.getByLabel('Tags, separated by commas or spaces')
    await input.fill('Outdoor, no way!')
    expect(await dialog.getByRole('alert').innerText()).toContain(
      // Commas and spaces both separate tags: the third, "way!", is the bad one.
      'tags[2]: "way!" may only hold lower case letters',
    )
    expect(await dialog.getByRole('button', { name: 'Save tags' }).isDisabled()).toBe(true)
    await input.fill('Outdoor, nightly')
    await dialog.getByRole('button', { name: 'Save tags' }).click()
    const weather = list.locator(`[data-pipeline-id="${ids.other}"]`)
    await until(
      () => weather.locator('.tag-chip').allInnerTexts(),
      ['outdoor', 'nightly'],
      'the chips on the row',
    )
    const saved = await api.json<{ tags: string[] }>('GET', `/api/pipelines/${ids.other}`)
    expect(saved.tags).toEqual(['outdoor', 'nightly'])
    await weather.getByRole('button', { name: 'nightly' }).click()
    await until(
      () => list.locator('.pipeline-title').allInnerTexts(),
      ['weather'],
      'filtered by the clicked tag',
    )
    const filters = page.getByRole('group', { name: 'Search filters' })
    expect(await filters.getByLabel('Filter by tag').inputValue()).toBe('nightly')
  })
})
