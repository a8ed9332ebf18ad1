/**
 * Where a warm open of the 100-step pipeline spends its time: a Chromium trace (CDP Tracing) of
 * opens timed as web.bench.test.ts times them, reduced to the renderer main thread's work between
 * navigation start and the click's selection, by phase. Only runs with BENCH_TRACE set:
 *
 *   BENCH_TRACE=1 pnpm --filter @weft/web bench
 *
 * BENCH_TRACE_STEPS (100) and BENCH_TRACE_RUNS (3) choose the pipeline and how many warm opens to
 * trace; BENCH_TRACE_KIND=cold traces first opens instead, BENCH_TRACE_KIND=hot third opens. Each trace is written to
 * bench/results/trace-<steps>-<kind>-<n>.json (load it in DevTools' performance panel); the
 * printed breakdown is the p50 of each line over the runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { admin, startServer } from '../e2e/harness/server.js'
import type { TestServer } from '../e2e/harness/server.js'
import { generatePipeline } from './generate.js'
import { firstPage, launchBrowser, ms, summarize, TokenClient } from './lib.js'
import { afterFirstOpen, measureOpen, openContext, openOnceAndSave } from './open.js'
import type { Open } from './open.js'
import { startProfile, stopProfile } from './profile.js'

const here = dirname(fileURLToPath(import.meta.url))
const steps = Number(process.env.BENCH_TRACE_STEPS ?? 100)
const runs = Number(process.env.BENCH_TRACE_RUNS ?? 3)
const kind = (['cold', 'hot'] as const).find((k) => k === process.env.BENCH_TRACE_KIND) ?? 'warm'

const categories = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'disabled-by-default-v8.compile',
  'blink.user_timing',
  'loading',
  'toplevel',
]

interface TraceEvent {
  name: string
  cat: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  args?: { name?: string; data?: Record<string, unknown> } & Record<string, unknown>
}

describe.skipIf(!process.env.BENCH_TRACE)('trace of an open', () => {
  let server: TestServer
  let browser: Browser
  let url = ''

  beforeAll(async () => {
    // BENCH_WEB_DIR: another build of the app (vite build --outDir), to compare two builds.
    const web = process.env.BENCH_WEB_DIR
    server = await startServer(web ? { env: { WEFT_WEB_DIR: web } } : {})
    const api = await TokenClient.signIn(server.url, admin.email, admin.password)
    const id = await api.createPipeline(generatePipeline(steps))
    url = `${server.url}/#/p/${id}`
    browser = await launchBrowser()
    await openOnceAndSave(browser, server.url, admin, url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.dispose()
  })

  test(`breakdown of a ${kind} open, ${steps} steps`, async () => {
    const rows = new Map<string, number[]>()
    const add = (k: string, v: number) => rows.set(k, [...(rows.get(k) ?? []), v])
    const interactive: number[] = []
    mkdirSync(join(here, 'results'), { recursive: true })
    for (let run = 0; run < runs; run++) {
      const context = await openContext(browser, server.url, admin)
      const page = await firstPage(context)
      // Warm: opened once before in this profile; hot: twice (V8 has cached the code by then).
      for (let before = 0; before < (kind === 'cold' ? 0 : kind === 'warm' ? 1 : 2); before++) {
        await measureOpen(page, url)
        await afterFirstOpen(page)
        await page.goto('about:blank')
      }
      if (process.env.BENCH_TRACE_PROFILE) {
        // A CPU profile instead of a trace: self time by package and function.
        const cdp = await startProfile(page)
        const open = await measureOpen(page, url)
        const p = await stopProfile(cdp, 25)
        await context.close()
        interactive.push(open.interactive)
        console.log(
          `run ${run}: interactive ${ms(open.interactive)} ms; profile ${ms(p.totalMs)} ms`,
        )
        for (const c of [...p.byPackage, ...p.top, ...p.appInclusive])
          console.log(`  ${ms(c.selfMs).padStart(8)}  ${c.where}`)
        continue
      }
      await browser.startTracing(page, { categories })
      const open = await measureOpen(page, url)
      const buffer = await browser.stopTracing()
      await context.close()
      writeFileSync(join(here, 'results', `trace-${steps}-${kind}-${run}.json`), buffer)
      const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] })
        .traceEvents
      const b = breakdown(events, open)
      interactive.push(open.interactive)
      for (const [k, v] of b) add(k, v)
      console.log(`run ${run}: interactive ${ms(open.interactive)} ms`)
      for (const [k, v] of b) console.log(`  ${ms(v).padStart(8)}  ${k}`)
    }
    console.log(
      `\n${kind} open, ${steps} steps, ${runs} runs, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; p50 of each line (ms):`,
    )
    for (const [k, v] of rows) console.log(`  ${ms(summarize(v).p50).padStart(8)}  ${k}`)
    expect(interactive.length).toBe(runs)
  })
})

/** Main-thread time by phase, and the moments that bound the phases, relative to navigation. */
function breakdown(events: TraceEvent[], open: Open): [string, number][] {
  const entry = events.find((e) => e.name === 'weft:entry' && e.cat.includes('blink.user_timing'))
  if (!entry) throw new Error('no weft:entry mark in the trace')
  const main = events.filter((e) => e.pid === entry.pid && e.tid === entry.tid)
  const navStart = [...main]
    .filter((e) => e.name === 'navigationStart' && e.ts <= entry.ts)
    .sort((a, b) => b.ts - a.ts)[0]
  if (!navStart) throw new Error('no navigationStart before weft:entry')
  const t0 = navStart.ts
  const at = (e: TraceEvent) => (e.ts - t0) / 1000
  const end = t0 + open.interactive * 1000
  const out: [string, number][] = []
  const moment = (label: string, e: TraceEvent | undefined) => {
    if (e) out.push([label, at(e)])
  }
  const resources = events.filter((e) => e.name === 'ResourceSendRequest' && e.ts >= t0)
  const url = (e: TraceEvent) => String((e.args?.data as { url?: string } | undefined)?.url ?? '')
  const finishOf = (re: RegExp) => {
    const send = resources.find((e) => re.test(url(e)))
    const id = (send?.args?.data as { requestId?: string } | undefined)?.requestId
    return events.find(
      (e) =>
        e.name === 'ResourceFinish' &&
        (e.args?.data as { requestId?: string } | undefined)?.requestId === id,
    )
  }
  moment('at: HTML received', finishOf(/\/#\/p\/|\/$/))
  moment('at: entry chunk received', finishOf(/\/assets\/index-[^/]+\.js$/))
  moment('at: weft:entry (entry chunk running)', entry)
  moment('at: app chunk received', finishOf(/\/assets\/boot-[^/]+\.js$/))
  for (const mark of ['weft:idb-open', 'weft:idb-synced', 'weft:ws-synced'])
    moment(
      `at: ${mark}`,
      main.find((e) => e.name === mark && e.ts >= t0),
    )
  out.push(['at: first node in the DOM (probe)', open.nodes])
  out.push(['at: node painted (probe)', open.painted])
  out.push(['at: pointerdown', open.click])
  out.push(['at: selected (interactive)', open.interactive])

  // Self time of the main thread's trace events between navigation and interactive, by name.
  const slices = main
    .filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts >= t0 && e.ts < end)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const self = new Map<string, number>()
  const stack: { e: TraceEvent; child: number }[] = []
  const close = (until: number) => {
    while (
      stack.length &&
      stack[stack.length - 1]!.e.ts + stack[stack.length - 1]!.e.dur! <= until
    ) {
      const top = stack.pop()!
      const key = label(top.e)
      self.set(key, (self.get(key) ?? 0) + (top.e.dur! - top.child) / 1000)
      if (stack.length) stack[stack.length - 1]!.child += top.e.dur!
    }
  }
  for (const e of slices) {
    close(e.ts)
    stack.push({ e, child: 0 })
  }
  close(Number.POSITIVE_INFINITY)
  let busy = 0
  let busyUntil = 0
  for (const e of slices) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue
    const to = Math.min(e.ts + e.dur!, end)
    if (to > busyUntil) busy += (to - Math.max(e.ts, busyUntil)) / 1000
    busyUntil = Math.max(busyUntil, to)
  }
  out.push(['main thread: busy in tasks', busy])
  const top = [...self].filter(([k]) => !/RunTask/.test(k)).sort((a, b) => b[1] - a[1])
  for (const [k, v] of top.slice(0, 18)) out.push([`self: ${k}`, v])
  return out
}

/** An event's name, with the script for compile and evaluate events. */
function label(e: TraceEvent): string {
  const data = (e.args?.data ?? {}) as { url?: string; fileName?: string; type?: string }
  const file = (data.url ?? data.fileName ?? '')
    .split('/')
    .pop()
    ?.replace(/-[\w-]{8}\.js$/, '.js')
  if (/compile|evaluate|EvaluateScript|FunctionCall|Cache/i.test(e.name) && file)
    return `${e.name} ${file}`
  if (e.name === 'EventDispatch' && data.type) return `EventDispatch ${data.type}`
  return e.name
}
