/**
 * What a user does in the app, as steps the tests read like a script. Everything goes through the
 * real UI (keyboard and clicks); only sign-in for setup uses the API, which sets the same cookie.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import type { Device } from './browser.js'
import type { TestServer } from './server.js'

export async function signIn(device: Device, server: TestServer, email: string, password: string) {
  const r = await device.context.request.post(`${server.url}/api/auth/login`, {
    data: { email, password },
  })
  expect(r.status(), await r.text()).toBeLessThan(300)
}

export async function openPipeline(page: Page, server: TestServer, id: string): Promise<void> {
  await page.goto(`${server.url}/#/p/${id}`)
  await page.locator('[data-testid="editor-panes"]').waitFor({ timeout: 30_000 })
}

/**
 * Where a page stands, for a failure message: its URL, the save status, how many canvas nodes it
 * has, the app's performance marks and the start of its text.
 */
export async function pageState(page: Page): Promise<string> {
  try {
    const state = await page.evaluate(() => ({
      url: location.href,
      status: document.querySelector('.status-chip')?.getAttribute('data-status') ?? null,
      nodes: document.querySelectorAll('.react-flow__node').length,
      hiddenNodes: [...document.querySelectorAll<HTMLElement>('.react-flow__node')].filter(
        (n) => getComputedStyle(n).visibility === 'hidden',
      ).length,
      marks: performance
        .getEntriesByType('mark')
        .map((m) => `${m.name}@${Math.round(m.startTime)}`),
      text: document.body.innerText.slice(0, 400),
    }))
    return JSON.stringify(state)
  } catch (error) {
    return `(page state unavailable: ${String(error)})`
  }
}

/** The editor's panes' visible text (canvas, YAML pane, inspector). */
export function panesText(page: Page): Promise<string> {
  return page.locator('[data-testid="editor-panes"]').innerText()
}

/**
 * Waits until `read()` gives `want` (compared as JSON). Unlike expect.poll it also works in
 * beforeAll hooks; the error says what was expected and what was last seen.
 */
export async function until<T>(
  read: () => Promise<T>,
  want: T,
  what: string,
  timeout = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeout
  let last: T | undefined
  for (;;) {
    try {
      last = await read()
      if (JSON.stringify(last) === JSON.stringify(want)) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}: wanted ${JSON.stringify(want)}, last saw ${JSON.stringify(last)}`,
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Names of the steps drawn on the canvas (its nodes carry `data-testid="step-node-<name>"`). */
export async function stepNodes(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="editor-panes"] [data-testid^="step-node-"]')
    .evaluateAll((els) =>
      els.map((e) => (e.getAttribute('data-testid') ?? '').slice('step-node-'.length)),
    )
}

/**
 * Step names in the browser's open document (through the editor's read-only `window.__weft`
 * hook): the canvas culls nodes outside the viewport, so what it renders cannot prove absence.
 */
export async function docSteps(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__weft?.stepNames() ?? [])
}

export async function expectStepShown(page: Page, name: string, shown = true): Promise<void> {
  await until(
    async () => (await docSteps(page)).includes(name),
    shown,
    `step "${name}" ${shown ? 'present' : 'gone'} in the editor`,
  )
}

/** Zooms the canvas to fit and waits until the step's node is drawn. */
export async function expectStepDrawn(page: Page, name: string): Promise<void> {
  await runCommand(page, 'view.zoomToFit', 'zoom to fit')
  await until(async () => (await stepNodes(page)).includes(name), true, `node "${name}" drawn`)
}

/**
 * Adds a step of `type` through the command palette and returns the name the editor gave it.
 */
export async function addStep(page: Page, type: string): Promise<string> {
  const before = new Set(await docSteps(page))
  await runCommand(page, `step.add.${type}`, `add ${type}`)
  let added: string | undefined
  await until(
    async () => {
      added = (await docSteps(page)).find((n) => !before.has(n))
      return added !== undefined
    },
    true,
    `a new ${type} step`,
  )
  return added!
}

export async function status(page: Page): Promise<string | null> {
  return page.locator('.status-chip').getAttribute('data-status')
}

export async function expectStatus(page: Page, want: string, timeout = 20_000): Promise<void> {
  await until(() => status(page), want, `status ${want}`, timeout)
}

/** Ctrl+K, search, and run the command with this id (by click: it is in the filtered list). */
export async function runCommand(page: Page, id: string, search: string): Promise<void> {
  await page.keyboard.press('Control+k')
  const input = page.getByRole('combobox', { name: 'Search commands' })
  await input.waitFor()
  await input.fill(search)
  await page.locator(`[data-command="${id}"]`).click()
  await input.waitFor({ state: 'detached' })
}

export async function avatars(page: Page): Promise<string[]> {
  return page
    .locator('.avatars [data-user]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-user') ?? '').sort())
}

/** Step names in document order, read from the editor's shared document via the YAML export. */
export async function downloadYaml(page: Page): Promise<string> {
  const download = page.waitForEvent('download')
  await runCommand(page, 'pipeline.exportYaml', 'download yaml')
  const file = await download
  const stream = await file.createReadStream()
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
