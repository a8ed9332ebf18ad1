/**
 * How the editor opens a pipeline it has opened before.
 *
 * It runs from V8's code cache (docs/decisions/0013-web-startup-code.md): after the first open,
 * once the service worker has cached the app, the page runs the app's chunks once from that cache
 * in a hidden frame, which fetches nothing but those chunks; the next open then compiles the app
 * chunk from a code cache instead of from source, as a Chromium trace shows (`v8.compileModule`
 * with `consumedCacheSize`).
 *
 * Its canvas starts at the viewport it keeps (docs/decisions/0016-web-open-path.md).
 */
import type { CDPSession, Page, Request } from 'playwright-core'
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

interface TraceEvent {
  name: string
  args?: { data?: { url?: string; consumedCacheSize?: number } }
}

async function startTrace(page: Page): Promise<{ cdp: CDPSession; events: TraceEvent[] }> {
  const cdp = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown as TraceEvent[]))
  })
  await cdp.send('Tracing.start', {
    categories: 'v8,devtools.timeline',
    transferMode: 'ReportEvents',
  })
  return { cdp, events }
}

async function stopTrace(t: { cdp: CDPSession; events: TraceEvent[] }): Promise<TraceEvent[]> {
  const complete = new Promise<void>((resolve) =>
    t.cdp.once('Tracing.tracingComplete', () => resolve()),
  )
  await t.cdp.send('Tracing.end')
  await complete
  await t.cdp.detach()
  return t.events
}

describe('startup', () => {
  it('caches the compiled app after the first open, so the second open uses it', async () => {
    // A new profile for every attempt: a retry on the same one would be a third open.
    const ada: Device = await openDevice()
    try {
      await signIn(ada, server, adminAccount.email, adminAccount.password)
      await firstAndSecondOpen(ada.page)
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

/** Opens the pipeline, waits for the priming, then opens it again under a trace. */
async function firstAndSecondOpen(page: Page): Promise<void> {
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
  // In one full run at load 9 to 14, a second open made at once did not use the cache (both
  // tries). Chromium writes the cache beside the cached copy asynchronously, which is the likely
  // reason; a user's next open comes later than this pause.
  await page.waitForTimeout(2000)
  // The hidden frame ran the app's chunks and nothing else: no API request, no socket.
  expect(fromFrames.length).toBeGreaterThan(0)
  expect(fromFrames.filter((p) => !p.startsWith('/assets/'))).toEqual([])
  expect(fromFrames.some((p) => /^\/assets\/boot-[^/]+\.js$/.test(p))).toBe(true)
  expect(await page.locator('iframe').count()).toBe(0)

  await page.goto('about:blank')
  const trace = await startTrace(page)
  await openPipeline(page, server, id)
  await page.locator('[data-testid^="step-node-"]').first().waitFor()
  const events = await stopTrace(trace)
  const boot = events.find(
    (e) =>
      e.name === 'v8.compileModule' && /\/assets\/boot-[^/]+\.js$/.test(e.args?.data?.url ?? ''),
  )
  expect(boot, 'the app chunk was compiled').toBeDefined()
  expect(boot!.args!.data!.consumedCacheSize ?? 0).toBeGreaterThan(0)
}
