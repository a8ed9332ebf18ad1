/**
 * How the editor opens a pipeline it has opened before.
 *
 * After the first open, once the service worker has cached the app, the page runs the app's
 * chunks once from that cache in a hidden frame, so that V8 keeps a code cache of them
 * (docs/decisions/0013-web-startup-code.md). The frame fetches nothing but those chunks. Whether
 * the next open then uses that cache is Chromium's choice, and it varies (see the decision's
 * "Since"), so it is measured by the benchmark, not asserted here.
 *
 * Its canvas starts at the viewport it keeps (docs/decisions/0016-web-open-path.md).
 */
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import { expectStatus, openPipeline, signIn } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { twoSteps } from './harness/fixtures.js'
import { admin as adminAccount, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let id: string

beforeAll(async () => {
  server = await startServer()
  const { admin } = await users(server, [])
  id = await admin.createPipeline(twoSteps)
})

afterAll(async () => {
  await server?.dispose()
})

describe('startup', () => {
  it('runs the app once more after the first open, in a hidden frame that fetches only its chunks', async () => {
    // A new profile for every attempt: a retry on the same one would be a third open.
    const ada: Device = await openDevice()
    try {
      await signIn(ada, server, adminAccount.email, adminAccount.password)
      await firstOpenAndPriming(ada.page)
    } finally {
      await ada.dispose()
    }
  })

  it('shows a reopened pipeline where it stays: the canvas does not move after its first nodes appear', async () => {
    const ada: Device = await openDevice()
    try {
      await signIn(ada, server, adminAccount.email, adminAccount.password)
      await openPipeline(ada.page, server, id)
      await expectStatus(ada.page, 'saved')
      await ada.page.goto('about:blank')
      // Every viewport transform the canvas shows from the moment its first step node is in the
      // page (a MutationObserver sees each change before it is painted).
      await ada.page.addInitScript(() => {
        const seen: string[] = []
        ;(window as unknown as { __viewports: string[] }).__viewports = seen
        new MutationObserver(() => {
          if (!document.querySelector('[data-testid^="step-node-"]')) return
          const t =
            document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? ''
          if (seen[seen.length - 1] !== t) seen.push(t)
        }).observe(document, { subtree: true, childList: true, attributes: true })
      })
      await openPipeline(ada.page, server, id)
      await ada.page.locator('[data-testid^="step-node-"]').first().waitFor()
      await expectStatus(ada.page, 'saved')
      const viewports = await ada.page.evaluate(
        () => (window as unknown as { __viewports: string[] }).__viewports,
      )
      expect(viewports).toHaveLength(1)
      expect(viewports[0]).toMatch(/^translate\(/)
    } finally {
      await ada.dispose()
    }
  })
})

/** Opens the pipeline and waits for the priming: what the hidden frame fetched, and that it went. */
async function firstOpenAndPriming(page: Page): Promise<void> {
  const fromFrames: string[] = []
  const onRequest = (r: Request) => {
    if (r.frame() !== page.mainFrame()) fromFrames.push(new URL(r.url()).pathname)
  }
  page.on('request', onRequest)
  await openPipeline(page, server, id)
  await page.waitForFunction(
    () => performance.getEntriesByName('weft:code-cache-primed', 'mark').length > 0,
    undefined,
    { timeout: 30_000 },
  )
  page.off('request', onRequest)
  // The hidden frame ran the app's chunks and nothing else: no API request, no socket.
  expect(fromFrames.length).toBeGreaterThan(0)
  expect(fromFrames.filter((p) => !p.startsWith('/assets/'))).toEqual([])
  expect(fromFrames.some((p) => /^\/assets\/boot-[^/]+\.js$/.test(p))).toBe(true)
  expect(await page.locator('iframe').count()).toBe(0)
}
