/**
 * Keyboard-first shell: command palette, shortcut sheet, themes (system default, toggle, kept
 * across reloads), rename through the palette, and the tablet layout with panes behind tabs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiUser } from './harness/api.js'
import {
  expectStepShown,
  openPipeline,
  runCommand,
  signIn,
  docSteps,
  until,
} from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let desk: Device
let tablet: Device
let api: ApiUser
let id: string

beforeAll(async () => {
  server = await startServer()
  api = await ApiUser.login(server.url, admin.email, admin.password)
  id = await api.createPipeline(twoSteps)
  desk = await openDevice()
  tablet = await openDevice({ viewport: { width: 820, height: 1180 } })
  await signIn(desk, server, admin.email, admin.password)
  await signIn(tablet, server, admin.email, admin.password)
})

afterAll(async () => {
  await desk?.dispose()
  await tablet?.dispose()
  await server?.dispose()
})

const theme = (d: Device) => d.page.evaluate(() => document.documentElement.dataset.theme)

describe('shell', () => {
  it('exports and validates the open pipeline in a worker, not on the page', async () => {
    await openPipeline(desk.page, server, id)
    await desk.page.locator('[data-testid="yaml-pane"] .cm-content').waitFor()
    // The pane starts from the worker's export (editor/diagnostics.ts), which needs the worker.
    await until(
      () =>
        desk.page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .some((e) => /\/assets\/diagnostics\.worker-[^/]+\.js$/.test(e.name)),
        ),
      true,
      'the validation worker loaded',
    )
    const text = await desk.page.locator('[data-testid="yaml-pane"] .cm-content').innerText()
    expect(text).toContain('workflow:')
  })

  it('follows the system theme, toggles by shortcut and keeps the choice', async () => {
    await desk.page.emulateMedia({ colorScheme: 'dark' })
    await openPipeline(desk.page, server, id)
    await expect.poll(() => theme(desk)).toBe('dark')
    await desk.page.keyboard.press('Control+Shift+L')
    await expect.poll(() => theme(desk)).toBe('light')
    await desk.page.reload()
    await desk.page.locator('[data-testid="editor-panes"]').waitFor()
    await expect.poll(() => theme(desk)).toBe('light')
    const bg = await desk.page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    await runCommand(desk.page, 'view.toggleTheme', 'theme')
    await expect.poll(() => theme(desk)).toBe('dark')
    expect(
      await desk.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
    ).not.toBe(bg)
  })

  it('lists shortcuts on ?', async () => {
    await desk.page.locator('.topbar').click({ position: { x: 400, y: 10 } })
    await desk.page.keyboard.press('?')
    const sheet = desk.page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await sheet.waitFor()
    const text = await sheet.innerText()
    for (const want of ['Undo', 'Ctrl+Z', 'Redo', 'Ctrl+Shift+Z', 'Show all commands', 'Ctrl+K']) {
      expect(text).toContain(want)
    }
    await desk.page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })
  })

  it('runs commands from the palette with the keyboard alone', async () => {
    const page = desk.page
    const before = new Set(await docSteps(page))
    await page.keyboard.press('Control+k')
    await page.keyboard.type('add data_transform')
    await page.keyboard.press('Enter')
    await until(
      async () => (await docSteps(page)).some((n) => !before.has(n)),
      true,
      'a data_transform step added',
    )
    // The new step is selected: rename it through the palette (the canvas renames in place).
    await runCommand(page, 'step.rename', 'rename')
    const rename = page.locator(
      '[data-testid="rename-input"], [role="dialog"][aria-label="Rename step"] input',
    )
    await rename.first().waitFor()
    await rename.first().fill('reshape')
    await page.keyboard.press('Enter')
    await expectStepShown(page, 'reshape')
    await until(async () => (await api.yaml(id)).includes('name: reshape'), true, 'rename saved')
  })

  it('shows one pane at a time behind tabs at tablet width', async () => {
    const page = tablet.page
    await openPipeline(page, server, id)
    const tabs = page.getByRole('tablist', { name: 'Panes' })
    await tabs.waitFor()
    const visible = (pane: string) => page.locator(`.pane-${pane}`).isVisible()
    expect(await visible('canvas')).toBe(true)
    expect(await visible('inspector')).toBe(false)
    await tabs.getByRole('tab', { name: 'YAML' }).click()
    expect(await visible('yaml')).toBe(true)
    expect(await visible('canvas')).toBe(false)
    await tabs.getByRole('tab', { name: 'Inspector' }).click()
    expect(await visible('inspector')).toBe(true)
    expect(await visible('yaml')).toBe(false)
    // Nothing overflows the screen sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820)
  })
})
