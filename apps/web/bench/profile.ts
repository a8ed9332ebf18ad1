/**
 * CPU profiles through CDP (`Profiler`), with the built bundle's positions mapped back to the app's
 * sources through dist/assets/*.js.map, summed by self time per source file and function.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { CDPSession, Page } from 'playwright-core'
import { repoRoot, webDist } from '../e2e/harness/paths.js'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface Cost {
  /** `path/in/repo.ts:line functionName` (the source position of the function's first sample). */
  where: string
  selfMs: number
  share: number
}

export async function startProfile(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  return cdp
}

export interface ProfileSummary {
  totalMs: number
  /** Self time per function. */
  top: Cost[]
  /** Self time per npm package, or per file of the app. */
  byPackage: Cost[]
  /** Inclusive time of functions in apps/web/src and packages/core/src. */
  appInclusive: Cost[]
}

export async function stopProfile(cdp: CDPSession, top = 15): Promise<ProfileSummary> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
  await cdp.detach().catch(() => undefined)
  return summarizeProfile(profile, top)
}

export function summarizeProfile(profile: Profile, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + dt)
  }
  const total = (profile.endTime - profile.startTime) / 1000
  const names = new Map<number, string>()
  const name = (id: number) => {
    let n = names.get(id)
    if (n === undefined) names.set(id, (n = describeFrame(byId.get(id)!.callFrame)))
    return n
  }
  const bySelf = new Map<string, number>()
  const byPkg = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t)
  for (const [id, t] of self) {
    const key = name(id)
    add(bySelf, key, t)
    add(byPkg, packageOf(key), t)
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(cur)
      if (/^(apps\/web\/src|packages\/core\/src)\//.test(k) && !seen.has(k)) {
        seen.add(k)
        add(inclusive, k, t)
      }
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, selfMs]) => ({ where, selfMs, share: selfMs / total }))
  return {
    totalMs: total,
    top: rank(bySelf),
    byPackage: rank(byPkg),
    appInclusive: rank(inclusive),
  }
}

function packageOf(where: string): string {
  const file = where.split(' ')[0]!.replace(/:\d+$/, '')
  if (/^(apps|packages)\//.test(file)) return file
  if (file.startsWith('(') || file.startsWith('http'))
    return file.startsWith('http') ? '(unmapped bundle code)' : file
  const parts = file.split('/')
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
}

function describeFrame(f: CallFrame): string {
  if (!f.url) return f.functionName || '(program)'
  const m = /\/assets\/([^/?#]+\.js)/.exec(f.url)
  if (m) {
    const mapped = sourceMap(m[1]!)?.lookup(f.lineNumber, f.columnNumber)
    if (mapped)
      return `${mapped.source}:${mapped.line + 1} ${mapped.name ?? f.functionName ?? '(anonymous)'}`
  }
  return `${f.url}:${f.lineNumber + 1} ${f.functionName || '(anonymous)'}`
}

// --- source maps (v3, VLQ mappings) -----------------------------------------------------------

interface Mapped {
  source: string
  line: number
  name: string | undefined
}

class SourceMap {
  /** Per generated line: segments [column, source, line, name?] sorted by column. */
  private readonly lines: number[][][]
  constructor(
    private readonly sources: string[],
    private readonly names: string[],
    mappings: string,
  ) {
    this.lines = decodeMappings(mappings)
  }

  lookup(line: number, column: number): Mapped | undefined {
    const segs = this.lines[line]
    if (!segs?.length) return undefined
    let lo = 0
    let hi = segs.length - 1
    let best = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (segs[mid]![0]! <= column) {
        best = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    const s = segs[Math.max(0, best)]!
    if (s.length < 4) return undefined
    const name = s.length >= 5 ? this.names[s[4]!] : undefined
    return { source: this.sources[s[1]!]!, line: s[2]!, name }
  }
}

const maps = new Map<string, SourceMap | undefined>()

function sourceMap(file: string): SourceMap | undefined {
  if (maps.has(file)) return maps.get(file)
  const path = join(webDist, 'assets', `${file}.map`)
  let map: SourceMap | undefined
  if (existsSync(path)) {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as {
      sources: string[]
      names: string[]
      mappings: string
      sourceRoot?: string
    }
    const sources = raw.sources.map((s) => {
      const abs = join(webDist, 'assets', raw.sourceRoot ?? '', s)
      const rel = relative(repoRoot, abs)
      // node_modules/.pnpm/<pkg@ver>/node_modules/<pkg>/… → <pkg>/…
      return rel.replace(/^(?:\.\.\/)*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    })
    map = new SourceMap(sources, raw.names, raw.mappings)
  }
  maps.set(file, map)
  return map
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]))

function decodeMappings(mappings: string): number[][][] {
  const out: number[][][] = []
  let source = 0
  let line = 0
  let col = 0
  let name = 0
  for (const lineText of mappings.split(';')) {
    const segs: number[][] = []
    let genCol = 0
    for (const seg of lineText.split(',')) {
      if (!seg) continue
      const v = decodeVlq(seg)
      genCol += v[0]!
      if (v.length >= 4) {
        source += v[1]!
        line += v[2]!
        col += v[3]!
        if (v.length >= 5) {
          name += v[4]!
          segs.push([genCol, source, line, col, name])
        } else segs.push([genCol, source, line, col])
      } else segs.push([genCol])
    }
    out.push(segs)
  }
  return out
}

function decodeVlq(text: string): number[] {
  const out: number[] = []
  let value = 0
  let shift = 0
  for (const c of text) {
    const digit = B64_VALUE.get(c)!
    value += (digit & 31) << shift
    if (digit & 32) shift += 5
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
  }
  return out
}

/**
 * The profile as a timeline: consecutive samples grouped by the innermost frame of the app's own
 * code (apps/web/src, packages/core/src) on their stack, else by package; segments shorter than
 * `minMs` are left out. Times are ms from the profile's start.
 */
export function profileTimeline(
  profile: Profile,
  minMs = 8,
): { at: number; ms: number; what: string }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const labels = new Map<number, string>()
  const label = (id: number): string => {
    let l = labels.get(id)
    if (l !== undefined) return l
    l = packageOf(describeFrame(byId.get(id)!.callFrame))
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = describeFrame(byId.get(cur)!.callFrame)
      if (/^(apps\/web\/src|packages\/core\/src)\//.test(k)) {
        l = `${k} [${l}]`
        break
      }
    }
    labels.set(id, l)
    return l
  }
  const out: { at: number; ms: number; what: string }[] = []
  let t = 0
  let cur: { at: number; ms: number; what: string } | undefined
  for (let i = 0; i < profile.samples.length; i++) {
    t += (profile.timeDeltas[i] ?? 0) / 1000
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    const what = label(profile.samples[i]!)
    if (cur && cur.what === what) cur.ms += dt
    else {
      if (cur && cur.ms >= minMs) out.push(cur)
      cur = { at: t, ms: dt, what }
    }
  }
  if (cur && cur.ms >= minMs) out.push(cur)
  return out
}

export async function stopProfileRaw(cdp: CDPSession): Promise<Profile> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
  await cdp.detach().catch(() => undefined)
  return profile
}
