/** A viewer sees everything live and cannot change anything, by any route the UI offers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import type { ApiUser } from './harness/api.js'
import { expectStatus, expectStepShown, openPipeline, panesText, signIn } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let carol: Device
let owner: ApiUser
let id: string

beforeAll(async () => {
  server = await startServer()
  const { admin, password } = await users(server, ['carol@example.com'])
  owner = admin
  id = await admin.createPipeline(twoSteps)
  await admin.share(id, 'carol@example.com', 'viewer')
  carol = await openDevice()
  await signIn(carol, server, 'carol@example.com', password('carol@example.com'))
  await openPipeline(carol.page, server, id)
})

afterAll(async () => {
  await carol?.dispose()
  await server?.dispose()
})

describe('a viewer', () => {
  it('sees the pipeline, marked view only and up to date', async () => {
    await expectStepShown(carol.page, 'gather')
    await expect(carol.page.getByText('View only').count()).resolves.toBe(1)
    await expectStatus(carol.page, 'saved')
  })

  it('gets every editing command disabled in the palette', async () => {
    const page = carol.page
    await page.keyboard.press('Control+k')
    await page.getByRole('combobox', { name: 'Search commands' }).fill('add')
    const add = page.locator('[data-command="step.add.claude"]')
    await expect(add.getAttribute('aria-disabled')).resolves.toBe('true')
    // Playwright treats aria-disabled as disabled: force the click a user could still make.
    await add.click({ force: true })
    await page.getByRole('combobox', { name: 'Search commands' }).fill('undo')
    await expect(
      page.locator('[data-command="edit.undo"]').getAttribute('aria-disabled'),
    ).resolves.toBe('true')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog').count()).resolves.toBe(0)
  })

  it('has no enabled text field or editable region in the panes', async () => {
    const editable = await carol.page.locator('[data-testid="editor-panes"]').evaluate((root) =>
      [...root.querySelectorAll<HTMLElement>('input, textarea, select, [contenteditable]')]
        .filter((el) => {
          // A read-only code editor keeps a caret for reading and copying, and says so.
          if (el.getAttribute('aria-readonly') === 'true') return false
          if (el.isContentEditable) return true
          const field = el as HTMLInputElement
          if (field.disabled) return false
          if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && field.readOnly) return false
          if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(field.type))
            return !field.disabled
          return true
        })
        .map((el) => el.outerHTML.slice(0, 400)),
    )
    expect(editable).toEqual([])
  })

  it('changes nothing with the keyboard, and still sees others’ edits live', async () => {
    const page = carol.page
    const before = await owner.yaml(id)
    await page.getByText('gather', { exact: false }).first().click()
    for (const key of ['Delete', 'Backspace', 'Control+d', 'F2', 'Control+z', 'Control+Shift+Z']) {
      await page.keyboard.press(key)
    }
    await page.keyboard.type('xyz')
    await page.keyboard.press('Escape')
    const code = page.locator('[data-testid="editor-panes"] .cm-content')
    if ((await code.count()) > 0) {
      await code.first().click()
      await page.keyboard.press('Control+End')
      await page.keyboard.type('\n    - name: xyz\n      type: claude\n')
      await page.keyboard.press('Backspace')
    }
    await page.waitForTimeout(1000)
    expect(await owner.yaml(id)).toBe(before)
    await expectStepShown(page, 'gather')

    const changed = before
      .replace('name: write', 'name: publish')
      .replace('step: gather', 'step: gather')
    const r = await owner.request('PUT', `/api/pipelines/${id}/yaml`, changed, 'application/yaml')
    expect(r.status).toBe(200)
    await expectStepShown(page, 'publish')
    expect(await panesText(page)).not.toContain('xyz')
  })
})
