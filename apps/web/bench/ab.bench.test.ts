/**
 * Two builds of the app, opened in turns in the same run, so that a change to the open path is
 * judged against the build before it on the same machine at the same moment (a shared machine's
 * drift between two runs is larger than most such changes). Only runs with BENCH_AB_DIR set:
 *
 *   pnpm --filter @weft/web exec vite build --outDir /tmp/weft-before   # on the old commit
 *   BENCH_AB_DIR=/tmp/weft-before pnpm --filter @weft/web bench          # on the new one
 *
 * B is this checkout's dist/, A is BENCH_AB_DIR. Each round opens the pipeline cold and then warm
 * (as web.bench.test.ts does) in a fresh profile, A then B or B then A by turns. BENCH_AB_RUNS
 * (12) rounds, BENCH_AB_STEPS (100) steps.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { admin, startServer } from '../e2e/harness/server.js'
import type { TestServer } from '../e2e/harness/server.js'
import { generatePipeline } from './generate.js'
import { firstPage, launchBrowser, ms, summarize, TokenClient } from './lib.js'
import { afterFirstOpen, measureOpen, openContext, openOnceAndSave } from './open.js'

const dirA = process.env.BENCH_AB_DIR
const runs = Number(process.env.BENCH_AB_RUNS ?? 12)
const steps = Number(process.env.BENCH_AB_STEPS ?? 100)

describe.skipIf(!dirA)('A/B of two builds', () => {
  const variants: { name: string; server?: TestServer; url: string }[] = [
    { name: `A (${dirA})`, url: '' },
    { name: 'B (dist/)', url: '' },
  ]
  let browser: Browser

  beforeAll(async () => {
    browser = await launchBrowser()
    for (const [i, v] of variants.entries()) {
      v.server = await startServer(i === 0 ? { env: { WEFT_WEB_DIR: dirA } } : {})
      const api = await TokenClient.signIn(v.server.url, admin.email, admin.password)
      v.url = `${v.server.url}/#/p/${await api.createPipeline(generatePipeline(steps))}`
      await openOnceAndSave(browser, v.server.url, admin, v.url)
    }
  })

  afterAll(async () => {
    await browser?.close()
    for (const v of variants) await v.server?.dispose()
  })

  test(`interactive, ${steps} steps`, async () => {
    const cold = variants.map(() => [] as number[])
    const warm = variants.map(() => [] as number[])
    for (let run = 0; run < runs; run++) {
      for (const i of run % 2 ? [1, 0] : [0, 1]) {
        const v = variants[i]!
        const context = await openContext(browser, v.server!.url, admin)
        const page = await firstPage(context)
        cold[i]!.push((await measureOpen(page, v.url)).interactive)
        await afterFirstOpen(page)
        await page.goto('about:blank')
        warm[i]!.push((await measureOpen(page, v.url)).interactive)
        await context.close()
      }
    }
    for (const [i, v] of variants.entries()) {
      const c = summarize(cold[i]!)
      const w = summarize(warm[i]!)
      console.log(
        `${v.name}: warm p50 ${ms(w.p50)} p95 ${ms(w.p95)}; cold p50 ${ms(c.p50)} p95 ${ms(c.p95)} (${runs} each)`,
      )
    }
    expect(warm[0]!.length).toBe(runs)
  })
})
