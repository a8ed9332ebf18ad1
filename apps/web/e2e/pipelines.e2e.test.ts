/**
 * The pipelines page through the real UI: sign in, create, search, open, delete with confirmation;
 * import by file chooser and by drag-and-drop, where a refused file shows its diagnostics with
 * line:column and creates nothing; and an imported file exports exactly as `weft export` does.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateYaml } from '@weft/core'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiUser } from './harness/api.js'
import { downloadYaml, expectStatus, expectStepShown, until } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { weftExport } from './harness/cli.js'
import { twoSteps } from './harness/fixtures.js'
import { corpusDir } from './harness/paths.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let api: ApiUser

beforeAll(async () => {
  server = await startServer()
  api = await ApiUser.login(server.url, admin.email, admin.password)
  ada = await openDevice()
})

afterAll(async () => {
  await ada?.dispose()
  await server?.dispose()
})

const listed = async () =>
  (await api.json<{ id: string; name: string }[]>('GET', '/api/pipelines'))
    .map((p) => p.name)
    .sort()

async function dropFiles(page: Page, files: { name: string; text: string }[]): Promise<void> {
  const data = await page.evaluateHandle((list) => {
    const dt = new DataTransfer()
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'application/yaml' }))
    return dt
  }, files)
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: data })
  await page.locator('.drop-overlay').waitFor()
  await page.dispatchEvent('body', 'drop', { dataTransfer: data })
}

/** A corpus file with comments when the corpus is there, else a fixture with comments. */
function sample(): { name: string; text: string } {
  const file = join(corpusDir, 'claude_features_showcase.yaml')
  if (existsSync(file))
    return { name: 'claude_features_showcase.yaml', text: readFileSync(file, 'utf8') }
  console.log(`[e2e] ${corpusDir} is absent: importing a fixture instead of a corpus file`)
  return { name: 'research.yaml', text: twoSteps }
}

describe('pipelines page', () => {
  it('signs in through the form, refusing a wrong password', async () => {
    const page = ada.page
    await page.goto(server.url)
    await page.getByLabel('Email').fill(admin.email)
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor()
    await page.getByLabel('Password').fill(admin.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor()
    await page.getByText('No pipelines yet').waitFor()
  })

  it('creates an empty pipeline that pipeline_ex loads and opens it', async () => {
    const page = ada.page
    await page.getByRole('button', { name: 'New pipeline' }).click()
    const name = page.getByRole('dialog').getByLabel('Name')
    await name.fill('Nightly <b>digest</b>')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="editor-panes"]').waitFor()
    await expectStepShown(page, 'first_step')
    // Rendered as text, never as markup.
    await expect(page.locator('.pipeline-name').innerText()).resolves.toBe('Nightly <b>digest</b>')
    await expectStatus(page, 'saved')
    const [created] = await api.json<{ id: string }[]>('GET', '/api/pipelines')
    const yaml = await api.yaml(created!.id)
    expect(yaml).toContain('first_step')
    expect(validateYaml(yaml).diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('imports a chosen .yaml file; its export equals `weft export`', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor()
    const file = sample()
    await page.locator('[data-testid="import-input"]').setInputFiles({
      name: file.name,
      mimeType: 'application/yaml',
      buffer: Buffer.from(file.text),
    })
    await page.locator('[data-testid="editor-panes"]').waitFor()
    await expectStatus(page, 'saved')
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/p/', ''))
    const expected = weftExport(file.text)
    expect(await api.yaml(id)).toBe(expected)
    expect(await downloadYaml(page)).toBe(expected)
  })

  it('refuses files that do not parse or are not pipelines, with line:column, creating nothing', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor()
    const before = await listed()
    await dropFiles(page, [
      { name: 'broken.yaml', text: 'workflow:\n  name: x\n  steps: [unclosed\n' },
      { name: 'notes.txt', text: 'hello' },
      { name: 'list.yaml', text: '- just\n- a list\n' },
    ])
    const refused = page.getByRole('alert', { name: 'Refused files' })
    await refused.waitFor()
    const text = await refused.innerText()
    expect(text).toMatch(/broken\.yaml:\d+:\d+ error YAML_/)
    expect(text).toContain('notes.txt: Only .yaml and .yml files can be imported.')
    expect(text).toContain('list.yaml')
    expect(await listed()).toEqual(before)
  })

  it('imports a file dropped anywhere on the page', async () => {
    const page = ada.page
    await dropFiles(page, [{ name: 'dropped.yaml', text: twoSteps.replace('research', 'dropped') }])
    await page.locator('[data-testid="editor-panes"]').waitFor()
    await expectStepShown(page, 'gather')
    await until(async () => (await listed()).includes('dropped'), true, 'dropped pipeline created')
  })

  it('searches, and deletes only after confirmation', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    const rows = page.locator('.pipeline-row')
    await until(() => rows.count(), 3, 'three pipelines listed')
    await page.getByLabel('Search pipelines').fill('dropp')
    await until(() => rows.count(), 1, 'search narrows the list')
    await page.getByLabel('Search pipelines').fill('no such thing')
    await page.getByText('No pipeline matches.').waitFor()
    await page.getByLabel('Search pipelines').fill('dropped')

    await page.getByRole('button', { name: 'Delete dropped' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
    expect(await listed()).toContain('dropped')

    await page.getByRole('button', { name: 'Delete dropped' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await until(async () => (await listed()).includes('dropped'), false, 'deleted on the server')
    await page.getByLabel('Search pipelines').fill('')
    await until(() => rows.count(), 2, 'two pipelines listed')
  })
})
