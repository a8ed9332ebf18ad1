/** What the web benchmark needs beside the browser-test harness: a token client, stats, machine. */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromiumPath } from '../e2e/harness/paths.js'

/** The REST API with a bearer token (`POST /api/auth/token`), as a script would use it. */
export class TokenClient {
  private constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  static async signIn(base: string, email: string, password: string): Promise<TokenClient> {
    const r = await fetch(`${base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, name: 'web-bench' }),
    })
    if (r.status !== 201) throw new Error(`token for ${email}: ${r.status} ${await r.text()}`)
    return new TokenClient(base, ((await r.json()) as { token: string }).token)
  }

  async send(method: string, path: string, body?: string, type?: string): Promise<string> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` }
    if (type) headers['content-type'] = type
    const r = await fetch(`${this.base}${path}`, { method, headers, body: body ?? null })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`)
    return text
  }

  async createPipeline(yaml: string): Promise<string> {
    const text = await this.send('POST', '/api/pipelines', yaml, 'application/yaml')
    return (JSON.parse(text) as { id: string }).id
  }

  async createUser(email: string, password: string): Promise<void> {
    await this.send('POST', '/api/users', JSON.stringify({ email, password }), 'application/json')
  }

  async share(id: string, email: string, role: 'editor' | 'viewer'): Promise<void> {
    await this.send(
      'PUT',
      `/api/pipelines/${id}/access`,
      JSON.stringify({ email, role }),
      'application/json',
    )
  }
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
}

export const viewport = { width: 1440, height: 900 }

/** A fresh context (empty cache, IndexedDB and service worker), signed in through the API. */
export async function signedInContext(
  browser: Browser,
  base: string,
  email: string,
  password: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, colorScheme: 'light' })
  const r = await context.request.post(`${base}/api/auth/login`, { data: { email, password } })
  if (r.status() >= 300) throw new Error(`sign-in ${email}: ${r.status()} ${await r.text()}`)
  return context
}

export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage())
}

export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentiles. */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b)
  const at = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
  return {
    n: s.length,
    min: s[0]!,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: s[s.length - 1]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  }
}

export const ms = (v: number) => v.toFixed(1)

export interface Machine {
  cpu: string
  cores: number
  ramGiB: number
  node: string
  chromium: string
  load: string
}

export function describeMachine(): Machine {
  let chromiumVersion = 'unknown'
  try {
    chromiumVersion = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    // reported as unknown
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: chromiumVersion,
    load: '',
  }
}
