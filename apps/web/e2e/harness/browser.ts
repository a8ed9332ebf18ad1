/**
 * Headless Debian Chromium through playwright-core, one persistent profile per simulated device,
 * so IndexedDB, the service worker and cookies survive a browser restart like on a real machine.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { chromiumPath } from './paths.js'

export interface Device {
  readonly dir: string
  context: BrowserContext
  page: Page
  /** Console errors and page errors, for failure messages. */
  readonly errors: string[]
  /** Closes the browser, keeping the profile. */
  close(): Promise<void>
  /** Closes and relaunches the browser on the same profile (a browser restart). */
  restart(options?: { offline?: boolean }): Promise<void>
  dispose(): Promise<void>
}

const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

async function launch(dir: string, offline: boolean, viewport: { width: number; height: number }) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport,
    offline,
    acceptDownloads: true,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return { context, page }
}

export async function openDevice(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Device> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-profile-'))
  const viewport = options.viewport ?? { width: 1400, height: 900 }
  const errors: string[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
  }
  const first = await launch(dir, false, viewport)
  watch(first.page)
  const device: Device = {
    dir,
    context: first.context,
    page: first.page,
    errors,
    close: async () => {
      await device.context.close()
    },
    restart: async ({ offline = false } = {}) => {
      await device.context.close().catch(() => undefined)
      const next = await launch(dir, offline, viewport)
      device.context = next.context
      device.page = next.page
      watch(next.page)
    },
    dispose: async () => {
      await device.context.close().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return device
}
