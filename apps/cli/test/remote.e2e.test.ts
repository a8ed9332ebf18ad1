/**
 * The remote commands of the BUILT `weft` against the REAL built server (embedded database),
 * started once for this file. Needs `pnpm --filter @weft/cli build` and
 * `pnpm --filter @weft/server build` (turbo: @weft/cli#test depends on @weft/server#build).
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, api, createUser, share, startServer, tokenFor, type TestServer } from './server.js'
import { assertBuilt, weftWith, type WeftResult } from './weft.js'

const pipeline = `# Two steps; each person edits one
workflow:
  name: merge-me
  steps:
    - name: draft
      type: claude
      prompt:
        - type: static
          content: Draft it.
    - name: review
      type: gemini   # cheaper
      prompt:
        - type: static
          content: Review it.
`

let server: TestServer
let adminToken = ''
const dirs: string[] = []

beforeAll(async () => {
  assertBuilt()
  server = await startServer()
  adminToken = await tokenFor(server.url, ADMIN)
}, 60_000)

afterAll(async () => {
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A user's machine: a working directory and a config file of its own. */
function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-remote-e2e-'))
  dirs.push(dir)
  const config = join(dir, 'cfg', 'weft', 'config.json')
  const env = { HOME: dir, WEFT_CONFIG: config }
  return {
    dir,
    config,
    write: (name: string, text: string) => writeFileSync(join(dir, name), text),
    read: (name: string) => readFileSync(join(dir, name), 'utf8'),
    weft: (...args: string[]) => weftWith({ cwd: dir, env }, ...args),
    weftEnv: (extra: Record<string, string>, ...args: string[]) =>
      weftWith({ cwd: dir, env: { ...env, ...extra } }, ...args),
    login: (user: { email: string; password: string }) =>
      weftWith(
        { cwd: dir, env, input: `${user.password}\n` },
        'login',
        '--server',
        server.url,
        '--email',
        user.email,
      ),
  }
}

async function ok(run: Promise<WeftResult>): Promise<WeftResult> {
  const r = await run
  expect(r.stderr).not.toContain('    at ')
  expect(r.status, r.stderr).toBe(0)
  return r
}

async function yamlOf(id: string): Promise<string> {
  const res = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: adminToken })
  expect(res.status).toBe(200)
  return res.text
}

describe('weft login, pull and push against the real server', () => {
  it('login stores a token readable only by the user, and pull/push work with it', async () => {
    const m = machine()
    const r = await ok(m.login(ADMIN))
    expect(r.stderr).toContain(`Logged in to ${server.url} as ${ADMIN.email}`)
    expect(statSync(m.config).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(m.config)).mode & 0o777).toBe(0o700)
    const stored = JSON.parse(readFileSync(m.config, 'utf8')) as { server: string; token: string }
    expect(stored.server).toBe(server.url)
    expect(stored.token.length).toBeGreaterThan(10)
    expect(r.stdout + r.stderr).not.toContain(stored.token)
    // The stored token is a real one.
    expect((await api(server.url, 'GET', '/api/me', { token: stored.token })).json.email).toBe(
      ADMIN.email,
    )

    m.write('p.yaml', pipeline)
    const id = (await ok(m.weft('push', 'p.yaml'))).stdout.trim()
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(await yamlOf(id)).toBe(pipeline)
    expect((await ok(m.weft('pull', id))).stdout).toBe(pipeline)
    await ok(m.weft('pull', id, '-o', 'copy.yaml'))
    expect(m.read('copy.yaml')).toBe(pipeline)
    expect((await ok(m.weft('pipelines'))).stdout).toMatch(
      new RegExp(`^${id}\\s+owner\\s+\\S+ \\S+\\s+merge-me$`, 'm'),
    )

    await ok(m.weft('logout'))
    expect(existsSync(m.config)).toBe(false)
    const after = await m.weft('pull', id)
    expect(after.status, after.stderr).toBe(2)
    expect(after.stderr).toBe(
      "weft: CLI_NOT_LOGGED_IN not logged in: run 'weft login --server URL' first (or set WEFT_SERVER and WEFT_TOKEN)\n",
    )
  })

  it('push with a base merges with a change someone else made meanwhile: both are kept', async () => {
    const m = machine()
    await ok(m.login(ADMIN))
    m.write('p.yaml', pipeline)
    const id = (await ok(m.weft('push', 'p.yaml'))).stdout.trim()
    await ok(m.weft('pull', id, '-o', 'p.yaml'))

    // Bob, an editor, changes the first step through the API while the file is being edited.
    const bob = await createUser(server.url, adminToken, 'bob@example.com')
    await share(server.url, adminToken, id, bob.email, 'editor')
    const bobBase = (
      await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: bob.token })
    ).text
    const bobs = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: bob.token,
      json: { base: bobBase, yaml: bobBase.replace('Draft it.', 'Draft it, Bob says.') },
    })
    expect(bobs.status).toBe(200)

    // The file still has the old first step; its own edit is to the second one.
    m.write('p.yaml', m.read('p.yaml').replace('Review it.', 'Review it twice.'))
    const r = await ok(m.weft('push', 'p.yaml', '--id', id))
    expect(r.stderr).toContain(`Pushed p.yaml to ${id}: merged`)
    const merged = await yamlOf(id)
    expect(merged).toContain('Draft it, Bob says.')
    expect(merged).toContain('Review it twice.')
    expect(merged).toContain('# cheaper')

    // Without a base (another machine that never pulled), the pipeline becomes the file.
    const other = machine()
    await ok(other.login(ADMIN))
    other.write('mine.yaml', pipeline)
    const plain = await ok(other.weft('push', 'mine.yaml', '--id', id))
    expect(plain.stderr).toContain('imported (no base')
    expect(await yamlOf(id)).toBe(pipeline)
  })

  it('push of a broken file prints its diagnostics with line:column and changes nothing', async () => {
    const m = machine()
    await ok(m.login(ADMIN))
    m.write('p.yaml', pipeline)
    const id = (await ok(m.weft('push', 'p.yaml'))).stdout.trim()
    m.write('broken.yaml', 'workflow:\n  name: broken\n  steps: [unclosed\n')
    const r = await m.weft('push', 'broken.yaml', '--id', id)
    expect(r.status, r.stderr).toBe(1)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^broken\.yaml:\d+:\d+: error YAML_[A-Z_]+ \S/)
    expect(lines.at(-1)).toMatch(
      /^weft: CLI_INVALID_PIPELINE broken\.yaml was refused, nothing changed: /,
    )
    expect(await yamlOf(id)).toBe(pipeline)

    m.write('nopipe.yaml', 'name: no workflow here\n')
    const created = await m.weft('push', 'nopipe.yaml')
    expect(created.status, created.stderr).toBe(1)
    expect(created.stderr).toMatch(/^nopipe\.yaml:1:1: error LOADER_MISSING_WORKFLOW /)
    expect(created.stdout).toBe('')
  })

  it('a garbage or unknown token gets the 401 message; 404 and 403 say what is wrong', async () => {
    const m = machine()
    await ok(m.login(ADMIN))
    m.write('p.yaml', pipeline)
    const id = (await ok(m.weft('push', 'p.yaml'))).stdout.trim()

    writeFileSync(m.config, JSON.stringify({ server: server.url, token: 'wft_revoked0000' }))
    const stored = await m.weft('pull', id)
    expect(stored.status, stored.stderr).toBe(1)
    expect(stored.stderr).toBe(
      `weft: CLI_UNAUTHORIZED ${server.url} refused your token (revoked or expired): run 'weft login --server ${server.url}' again\n`,
    )
    const env = await m.weftEnv({ WEFT_SERVER: server.url, WEFT_TOKEN: 'garbage' }, 'pull', id)
    expect(env.status, env.stderr).toBe(1)
    expect(env.stderr).toMatch(/^weft: CLI_UNAUTHORIZED WEFT_TOKEN was refused by /)

    await ok(m.login(ADMIN))
    const missing = await m.weft('pull', 'no-such-id')
    expect(missing.status, missing.stderr).toBe(1)
    expect(missing.stderr).toBe(
      `weft: CLI_PIPELINE_NOT_FOUND no pipeline no-such-id on ${server.url}, or you have no access to it\n`,
    )

    const carol = await createUser(server.url, adminToken, 'carol@example.com')
    await share(server.url, adminToken, id, carol.email, 'viewer')
    const viewer = machine()
    await ok(viewer.login(carol))
    await ok(viewer.weft('pull', id, '-o', 'p.yaml'))
    const denied = await viewer.weft('push', 'p.yaml', '--id', id)
    expect(denied.status, denied.stderr).toBe(1)
    expect(denied.stderr).toMatch(
      /^weft: CLI_FORBIDDEN your role does not allow this on pipeline \S+: .*viewer/,
    )
  })

  it('names the server it cannot reach', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const url = `http://127.0.0.1:${port}`
    const m = machine()
    const r = await m.weftEnv({ WEFT_SERVER: url, WEFT_TOKEN: 'x' }, 'pull', 'abc')
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toBe(
      `weft: CLI_SERVER_UNREACHABLE cannot reach the Weft server at ${url} (ECONNREFUSED)\n`,
    )
  })
})

// ---------------------------------------------------------------------------------------------
// weft import of the pipeline_ex corpus

const corpus = fileURLToPath(new URL('../../../../shared/corpus/pipeline_ex/', import.meta.url))
const present = existsSync(corpus)
if (!present) console.warn(`corpus import test skipped: ${corpus} is absent`)

/**
 * What MANIFEST.tsv says Weft's server must refuse: text pipeline_ex cannot read as YAML, or YAML
 * that is not a pipeline (no `workflow` section, or a workflow that is not a map). Every other
 * file is kept, flagged with errors when pipeline_ex's loader rejects it (verdict `no`, or
 * `unsure`: accepted only under Mix.env() == :test, which the server does not assume).
 */
const NOT_A_PIPELINE =
  /^YAML parse error|missing required 'workflow' section|workflow value is an? \w+, not a map/

function manifest() {
  const [header, ...rows] = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n')
  const columns = header!.split('\t')
  const at = (name: string) => {
    const i = columns.indexOf(name)
    if (i < 0) throw new Error(`MANIFEST.tsv has no column ${name}`)
    return i
  }
  const [fileCol, validCol, reasonCol] = [at('file'), at('valid_per_pipeline_ex'), at('reason')]
  const refused = new Set<string>()
  const flagged = new Set<string>()
  const all = new Set<string>()
  for (const row of rows) {
    const cells = row.split('\t')
    const file = cells[fileCol]!
    const verdict = cells[validCol]
    all.add(file)
    if (verdict === 'yes') continue
    if (verdict === 'no' && NOT_A_PIPELINE.test(cells[reasonCol] ?? '')) refused.add(file)
    else flagged.add(file)
  }
  return { all, refused, flagged }
}

/** The file names listed under a summary heading that starts with `title`. */
function section(stderr: string, title: string): string[] {
  const lines = stderr.split('\n')
  const start = lines.findIndex((l) => l.startsWith(title))
  if (start < 0) return []
  const items: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break
    items.push(line.slice(2))
  }
  return items
}

const sorted = (s: Iterable<string>) => [...s].sort()

describe.skipIf(!present)('weft import of the pipeline_ex corpus', () => {
  it("refuses exactly MANIFEST.tsv's unreadable and not-a-pipeline files, and flags the loader-invalid ones", async () => {
    const expected = manifest()
    expect(readdirSync(corpus).filter((f) => f.endsWith('.yaml'))).toHaveLength(expected.all.size)

    const m = machine()
    const dave = await createUser(server.url, adminToken, 'dave@example.com')
    await ok(m.login(dave))
    const r = await weftWith(
      { cwd: corpus, env: { HOME: m.dir, WEFT_CONFIG: m.config } },
      'import',
      '.',
    )
    expect(r.stderr).not.toContain('    at ')
    expect(r.status, r.stderr).toBe(1)

    // Progress: stderr is a pipe here, so one [n/total] line per file.
    expect(r.stderr.match(/^\[\d+\/108\] \S+\.yaml /gm)).toHaveLength(108)

    const refusedLines = section(r.stderr, 'Refused (')
    for (const line of refusedLines)
      expect(line).toMatch(/^\S+\.yaml:\d+:\d+ (YAML|LOADER)_[A-Z_]+ \S/)
    const refused = refusedLines.map((l) => l.split(':', 1)[0]!)
    const flagged = section(r.stderr, 'Imported with errors flagged (').map(
      (l) => l.split(':', 1)[0]!,
    )
    const imported = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t')[1]!)

    expect(sorted(refused)).toEqual(sorted(expected.refused))
    expect(sorted(flagged)).toEqual(sorted(expected.flagged))
    expect(sorted(imported)).toEqual(
      sorted([...expected.all].filter((f) => !expected.refused.has(f))),
    )
    const summary = r.stderr.trimEnd().split('\n').at(-1)
    expect(summary).toBe(
      `${expected.all.size - expected.refused.size} files imported (${expected.flagged.size} with errors flagged), ${expected.refused.size} refused, of ${expected.all.size}`,
    )
    console.log(`corpus import: ${summary}`)

    // What the server now holds for this user is what was imported, and round-trips the text.
    const list = await api(server.url, 'GET', '/api/pipelines', { token: dave.token })
    expect(list.json).toHaveLength(imported.length)
    const [firstId, firstFile] = r.stdout.split('\n', 1)[0]!.split('\t')
    const yaml = await api(server.url, 'GET', `/api/pipelines/${firstId}/yaml`, {
      token: dave.token,
    })
    expect(yaml.text).toBe(readFileSync(join(corpus, firstFile!), 'utf8'))
  })
})
