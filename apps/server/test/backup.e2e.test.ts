/**
 * Backup and restore, done the way docs/operations.md tells operators to do it, against the built
 * server:
 *
 * - PostgreSQL: `pg_dump -Fc` of a live database A (clients connected, edits acknowledged), then
 *   `pg_restore` into a new database B. A server on B serves the same pipelines to the same
 *   people, byte for byte, the same users sign in, and clients connect and edit.
 * - Embedded PGlite: stop the server (SIGTERM), copy its data directory, start a server on the
 *   copy.
 */
import { spawn } from 'node:child_process'
import { closeSync, cpSync, existsSync, openSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  addStep,
  exportYaml,
  getStepPosition,
  readPipeline,
  renameStep,
  setStepField,
  setStepPosition,
} from '@weft/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { createDatabase, findPostgresBin, postgresAdminUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  connectClient,
  createPipeline,
  createUser,
  startServerProcess,
  tempDir,
  tokenFor,
  waitFor,
  type Client,
  type ServerProcess,
} from './harness.js'

const isRoot = () => process.getuid?.() === 0
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Runs a PostgreSQL client program (pg_dump, pg_restore) from the directory the harness took the
 * server from, so client and server versions match. As root it runs as the `postgres` OS user,
 * like the harness's initdb. stdin and stdout are files opened here, so that user needs no access
 * to our temporary directory.
 */
async function pgTool(
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  io: { stdin?: string; stdout?: string } = {},
): Promise<void> {
  const dir = findPostgresBin()
  if (!dir) throw new Error('PostgreSQL binaries not found (the test setup installs them)')
  const command = [join(dir, tool), ...args]
  const [file, argv] = isRoot()
    ? ['su', ['postgres', '-s', '/bin/sh', '-c', command.map(quote).join(' ')]]
    : [command[0]!, command.slice(1)]
  const stdin = io.stdin === undefined ? 'ignore' : openSync(io.stdin, 'r')
  const stdout = io.stdout === undefined ? 'ignore' : openSync(io.stdout, 'w')
  try {
    const child = spawn(file, argv, { stdio: [stdin, stdout, 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    })
    if (code !== 0) throw new Error(`${tool} exited with ${code}: ${stderr}`)
  } finally {
    if (typeof stdin === 'number') closeSync(stdin)
    if (typeof stdout === 'number') closeSync(stdout)
  }
}

const researchYaml = `# Research pipeline: owned by the platform team.
# Edit in Weft; the comments stay.
workflow:
  name: research # shown on the canvas
  steps:
    # Ask first.
    - name: ask
      type: claude
      prompt:
        - type: static
          content: "Find sources on CRDTs"
    - name: summarise
      type: gemini
      prompt:
        - type: previous_response
          step: ask
`

const reviewYaml = `workflow:
  name: review
  # One step for now.
  steps:
    - name: read_diff
      type: claude
      prompt:
        - type: static
          content: Read the diff # and nothing else
`

const doomedYaml = `workflow:
  name: doomed
  steps:
    - name: only
      type: claude
      prompt:
        - type: static
          content: Deleted before the backup
`

type User = { email: string; password: string; token: string }

async function signIn(base: string, user: { email: string; password: string }) {
  const res = await api(base, 'POST', '/api/auth/login', { json: user })
  const cookie = res.headers.get('set-cookie')?.split(';')[0]
  return { status: res.status, cookie }
}

async function listFor(base: string, token: string) {
  const res = await api(base, 'GET', '/api/pipelines', { token })
  expect(res.status).toBe(200)
  return (res.json as Array<{ id: string }>).sort((x, y) => x.id.localeCompare(y.id))
}

async function yamlOf(base: string, token: string, id: string) {
  const res = await api(base, 'GET', `/api/pipelines/${id}/yaml`, { token })
  expect(res.status).toBe(200)
  return res.text
}

async function saved(client: Client, what: string) {
  await waitFor(`${what} acknowledged as saved`, () => client.saved(), 30_000)
}

describe('PostgreSQL: pg_dump of a live database, pg_restore into a new one', () => {
  let a: ServerProcess | undefined
  let b: ServerProcess | undefined
  let admin: User
  let bob: User
  let carol: User
  let research: string
  let review: string
  let doomed: string
  /** Per user: the pipeline list on A at the time of the dump. */
  const lists = new Map<string, unknown>()
  /** Per pipeline: its YAML on A at the time of the dump. */
  const yamls = new Map<string, string>()
  /** A client's document that holds an edit made on A after the dump. */
  let lateDoc: Y.Doc
  const clients: Client[] = []

  beforeAll(async () => {
    const adminUrl = postgresAdminUrl()
    const urlA = await createDatabase(adminUrl, 'weft_backup_a')
    // Compact often, so the dump holds snapshots as well as update-log rows.
    a = await startServerProcess({ DATABASE_URL: urlA, WEFT_COMPACT_EVERY: '3' })
    admin = { ...ADMIN, token: await tokenFor(a.url, ADMIN) }
    bob = await createUser(a.url, admin.token, 'bob@example.com')
    carol = await createUser(a.url, admin.token, 'carol@example.com')

    research = await createPipeline(a.url, admin.token, researchYaml)
    review = await createPipeline(a.url, bob.token, reviewYaml)
    doomed = await createPipeline(a.url, admin.token, doomedYaml)
    const share = await api(a.url, 'PUT', `/api/pipelines/${review}/access`, {
      token: bob.token,
      json: { email: carol.email, role: 'viewer' },
    })
    expect(share.status).toBe(200)
    expect(
      (await api(a.url, 'DELETE', `/api/pipelines/${doomed}`, { token: admin.token })).status,
    ).toBeLessThan(300)

    // Live edits through stock y-websocket clients, each acknowledged as saved.
    const c1 = connectClient(a.wsUrl, research, admin.token)
    const c2 = connectClient(a.wsUrl, review, bob.token)
    clients.push(c1, c2)
    await waitFor('clients synced', () => c1.provider.synced && c2.provider.synced)
    const [ask] = readPipeline(c1.doc).steps
    expect(renameStep(c1.doc, ask!.id, 'ask_sources').ok).toBe(true)
    expect(
      setStepField(c1.doc, ask!.id, ['prompt', 0, 'content'], 'Find sources on CRDTs and OT').ok,
    ).toBe(true)
    expect(
      addStep(c1.doc, {
        name: 'critique',
        type: 'claude',
        prompt: [{ type: 'previous_response', step: 'summarise' }],
      }).ok,
    ).toBe(true)
    setStepPosition(c1.doc, ask!.id, { x: 120, y: 40 })
    await saved(c1, 'research edits')
    const put = await api(a.url, 'PUT', `/api/pipelines/${review}/yaml`, {
      token: bob.token,
      body: reviewYaml.replace('Read the diff', 'Read the whole diff'),
    })
    expect(put.status).toBe(200)
    await waitFor('the REST edit reaches the live client', () =>
      exportYaml(c2.doc).includes('Read the whole diff'),
    )
    const [readDiff] = readPipeline(c2.doc).steps
    expect(setStepField(c2.doc, readDiff!.id, ['type'], 'claude_smart').ok).toBe(true)
    await saved(c2, 'review edit')

    for (const user of [admin, bob, carol]) lists.set(user.email, await listFor(a.url, user.token))
    yamls.set(research, await yamlOf(a.url, admin.token, research))
    yamls.set(review, await yamlOf(a.url, bob.token, review))
    expect(yamls.get(research)).toContain('ask_sources')
    expect(yamls.get(research)).toContain('critique')
    expect(yamls.get(review)).toContain('claude_smart')

    // The backup, taken while A serves its clients.
    const dump = join(tempDir('backup'), 'weft.dump')
    await pgTool('pg_dump', ['--format=custom', '--dbname', urlA], { stdout: dump })
    expect(statSync(dump).size).toBeGreaterThan(0)

    // An edit after the dump: not in the backup, but still in this client's document.
    const critique = readPipeline(c1.doc).steps.find((s) => s.parentId === '' && s.index === 2)
    expect(renameStep(c1.doc, critique!.id, 'critique_after_backup').ok).toBe(true)
    await saved(c1, 'the edit after the dump')
    lateDoc = c1.doc
    c1.provider.destroy()
    expect(await a.stop()).toBe(0)

    const urlB = await createDatabase(adminUrl, 'weft_backup_b')
    await pgTool(
      'pg_restore',
      [
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        '--single-transaction',
        '--dbname',
        urlB,
      ],
      { stdin: dump },
    )
    b = await startServerProcess({ DATABASE_URL: urlB })
  }, 240_000)

  afterAll(async () => {
    for (const c of clients) c.destroy()
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('serves the same pipeline list to each user', async () => {
    for (const user of [admin, bob, carol]) {
      expect(await listFor(b!.url, user.token), user.email).toEqual(lists.get(user.email))
    }
    expect((lists.get(carol.email) as unknown[]).length).toBe(1)
    // Deleted before the dump: still deleted.
    const gone = await api(b!.url, 'GET', `/api/pipelines/${doomed}`, { token: admin.token })
    expect(gone.status).toBe(404)
  })

  it('serves byte-identical YAML, comments and live edits included', async () => {
    expect(await yamlOf(b!.url, admin.token, research)).toBe(yamls.get(research))
    expect(await yamlOf(b!.url, bob.token, review)).toBe(yamls.get(review))
    expect(await yamlOf(b!.url, carol.token, review)).toBe(yamls.get(review))
    expect(yamls.get(research)).toContain('# Research pipeline: owned by the platform team.')
    expect(yamls.get(research)).toContain('name: research # shown on the canvas')
    expect(yamls.get(review)).toContain('# and nothing else')
    expect(yamls.get(research)).not.toContain('critique_after_backup')
  })

  it('lets the same users sign in, and keeps the tokens issued before the dump', async () => {
    for (const user of [admin, bob, carol]) {
      const session = await signIn(b!.url, user)
      expect(session.status, user.email).toBe(200)
      const me = await api(b!.url, 'GET', '/api/me', { cookie: session.cookie! })
      expect(me.json.email).toBe(user.email)
      const byToken = await api(b!.url, 'GET', '/api/me', { token: user.token })
      expect(byToken.json.email).toBe(user.email)
    }
    expect((await signIn(b!.url, { ...bob, password: 'not bob’s password' })).status).toBe(401)
  })

  it('accepts clients that connect and edit', async () => {
    const editor = connectClient(b!.wsUrl, research, admin.token)
    const viewer = connectClient(b!.wsUrl, review, carol.token)
    clients.push(editor, viewer)
    await waitFor('synced to B', () => editor.provider.synced && viewer.provider.synced)
    expect(exportYaml(editor.doc)).toBe(yamls.get(research))
    expect(exportYaml(viewer.doc)).toBe(yamls.get(review))
    // Canvas positions (never in the YAML) came through too.
    const ask = readPipeline(editor.doc).steps[0]!
    expect(getStepPosition(editor.doc, ask.id)).toEqual({ x: 120, y: 40 })

    expect(renameStep(editor.doc, ask.id, 'ask_on_b').ok).toBe(true)
    await saved(editor, 'an edit on B')
    expect(await yamlOf(b!.url, admin.token, research)).toContain('- name: ask_on_b')
  })

  it('takes back an edit made after the dump from a client that still holds it', async () => {
    // The restored pipelines keep their epochs, so a client holding newer history merges it in:
    // documented in docs/operations.md ("What a restore brings back").
    const late = connectClient(b!.wsUrl, research, admin.token, { doc: lateDoc })
    clients.push(late)
    await waitFor('the late edit reaches B', async () =>
      (await yamlOf(b!.url, admin.token, research)).includes('critique_after_backup'),
    )
    const text = await yamlOf(b!.url, admin.token, research)
    expect(text).toContain('- name: ask_on_b')
    expect(text).toContain('# Research pipeline: owned by the platform team.')
  })
})

describe('embedded PGlite: stop the server, copy the data directory', () => {
  it('serves the same pipelines and users from the copy', async () => {
    const dir = tempDir('backup-pglite')
    const one = await startServerProcess({ WEFT_DATA_DIR: dir })
    let two: ServerProcess | undefined
    try {
      const token = await tokenFor(one.url, ADMIN)
      const id = await createPipeline(one.url, token, researchYaml)
      const client = connectClient(one.wsUrl, id, token)
      try {
        await waitFor('synced', () => client.provider.synced)
        const [ask] = readPipeline(client.doc).steps
        expect(renameStep(client.doc, ask!.id, 'ask_embedded').ok).toBe(true)
        await saved(client, 'the embedded edit')
      } finally {
        client.destroy()
      }
      const list = await listFor(one.url, token)
      const yaml = await yamlOf(one.url, token, id)
      expect(yaml).toContain('ask_embedded')

      expect(await one.stop('SIGTERM')).toBe(0)
      // A clean stop releases the directory: the copy carries no lock.
      expect(existsSync(join(dir, 'weft.lock'))).toBe(false)
      const copy = join(tempDir('restore-pglite'), 'data')
      cpSync(dir, copy, { recursive: true })

      two = await startServerProcess({ WEFT_DATA_DIR: copy })
      expect(await listFor(two.url, token)).toEqual(list)
      expect(await yamlOf(two.url, token, id)).toBe(yaml)
      expect((await signIn(two.url, ADMIN)).status).toBe(200)
    } finally {
      await Promise.all([one.stop(), two?.stop()])
    }
  }, 180_000)
})
