/**
 * `weft export ID --database-url URL | --data-dir DIR`: the BUILT `weft` reads pipelines straight
 * from the database of the REAL built server (PostgreSQL from @weft/storage/testing's global
 * setup, or its embedded database) and must print exactly what the server's
 * `GET /api/pipelines/:id/yaml` gives, whether the edits are still in the update log or
 * compacted into the snapshot. Needs `pnpm --filter @weft/cli build` and
 * `pnpm --filter @weft/server build`.
 */
import { latestSchemaVersion, openReader, openStore } from '@weft/storage'
import { createDatabase, freshDatabaseUrl, postgresAdminUrl } from '@weft/storage/testing'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, api, startServer, tokenFor, type TestServer } from './server.js'
import { assertBuilt, weftWith, type WeftResult } from './weft.js'

const yamlNamed = (name: string, extra = '') => `# Reviewed by the café team — naïve drafts first
workflow:
  name: ${name}
  description: exported from the database
  steps:
    - name: draft
      type: claude   # the careful one
      prompt:
        - type: static
          content: Draft it.
${extra}`

const reviewStep = `    - name: review
      type: gemini
      prompt:
        - type: static
          content: Review it.
`

const dirs: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** The user's shell: no DATABASE_URL, PGPASSWORD or anything else of the test runner's. */
const weft = (cwd: string, ...args: string[]) => weftWith({ cwd, env: {} }, ...args)

async function create(server: TestServer, token: string, yaml: string): Promise<string> {
  const res = await api(server.url, 'POST', '/api/pipelines', { token, yaml })
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`)
  return res.json.id as string
}

async function edit(server: TestServer, token: string, id: string, yaml: string): Promise<void> {
  const res = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, { token, yaml })
  if (res.status !== 200) throw new Error(`edit: ${res.status} ${res.text}`)
}

async function served(server: TestServer, token: string, id: string): Promise<string> {
  const res = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token })
  if (res.status !== 200) throw new Error(`get: ${res.status} ${res.text}`)
  return res.text
}

/** How many stored parts the document has: 1 = the snapshot alone, more = log rows after it. */
async function storedParts(databaseUrl: string, id: string): Promise<number> {
  const reader = await openReader({ databaseUrl })
  try {
    return (await reader.loadDocument(id))?.updates.length ?? 0
  } finally {
    await reader.close()
  }
}

function refused(r: WeftResult, code: string, exit: number): void {
  expect(r.stdout).toBe('')
  expect(r.stderr).toMatch(new RegExp(`^weft: ${code} `))
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.status).toBe(exit)
}

beforeAll(() => assertBuilt())
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('weft export --database-url (PostgreSQL)', () => {
  let server: TestServer
  let token = ''
  let databaseUrl = ''
  let cwd = ''

  beforeAll(async () => {
    databaseUrl = await freshDatabaseUrl()
    cwd = tempDir('weft-db-export-')
    // Compact after 3 log rows (once idle for 2 s), and keep documents loaded meanwhile.
    server = await startServer({
      databaseUrl,
      env: { WEFT_COMPACT_EVERY: '3', WEFT_EVICT_AFTER_MS: '30000' },
    })
    token = await tokenFor(server.url, ADMIN)
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('prints what the server serves, from the update log and after compaction', async () => {
    const id = await create(server, token, yamlNamed('from-the-log'))
    await edit(server, token, id, yamlNamed('from-the-log', reviewStep))
    await edit(server, token, id, yamlNamed('renamed', reviewStep))

    // The two edits are still log rows after the snapshot: the export must merge them.
    expect(await storedParts(databaseUrl, id)).toBe(3)
    const live = await served(server, token, id)
    expect(live).toContain('name: renamed')
    expect(live).toContain('# the careful one')
    const fromLog = await weft(cwd, 'export', id, '--database-url', databaseUrl)
    expect(fromLog.stderr).toBe('')
    expect(fromLog.status).toBe(0)
    expect(fromLog.stdout).toBe(live)

    // A third row reaches WEFT_COMPACT_EVERY: the server folds the log into the snapshot.
    await edit(server, token, id, yamlNamed('compacted', reviewStep.replace('gemini', 'claude')))
    const deadline = Date.now() + 30_000
    while ((await storedParts(databaseUrl, id)) !== 1) {
      if (Date.now() > deadline) throw new Error('the server did not compact within 30 s')
      await new Promise((r) => setTimeout(r, 200))
    }
    const compacted = await served(server, token, id)
    expect(compacted).toContain('name: compacted')
    const out = await weft(cwd, 'export', id, '--database-url', databaseUrl, '-o', 'saved.yaml')
    expect(out.status).toBe(0)
    expect(readFileSync(join(cwd, 'saved.yaml'), 'utf8')).toBe(compacted)
  })

  it('exports every pipeline with --all, each as the server serves it', async () => {
    const a = await create(server, token, yamlNamed('all-a'))
    const b = await create(server, token, yamlNamed('all-b', reviewStep))
    await edit(server, token, b, yamlNamed('all-b-edited', reviewStep))
    const gone = await create(server, token, yamlNamed('deleted'))
    expect((await api(server.url, 'DELETE', `/api/pipelines/${gone}`, { token })).status).toBe(204)

    const r = await weft(cwd, 'export', '--all', '--database-url', databaseUrl, '-o', 'backup')
    expect(r.status).toBe(0)
    const listed = await api(server.url, 'GET', '/api/pipelines', { token })
    const ids = (listed.json as Array<{ id: string }>).map((p) => p.id).sort()
    expect(ids).toEqual(expect.arrayContaining([a, b]))
    expect(ids).not.toContain(gone)
    expect(readdirSync(join(cwd, 'backup')).sort()).toEqual(ids.map((id) => `${id}.yaml`).sort())
    for (const id of ids) {
      expect(readFileSync(join(cwd, 'backup', `${id}.yaml`), 'utf8')).toBe(
        await served(server, token, id),
      )
    }
    expect(r.stdout.trim().split('\n').sort()).toEqual(
      ids.map((id) => `${id}\t${join('backup', `${id}.yaml`)}`).sort(),
    )
    expect(r.stderr).toBe(`${ids.length} pipelines exported to backup\n`)
  })

  it('needs no more than SELECT on three tables (a read-only role)', async () => {
    const id = await create(server, token, yamlNamed('for-the-reader'))
    await edit(server, token, id, yamlNamed('for-the-reader', reviewStep))
    const role = `weft_reader_${process.pid}`
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      // A role name cannot be a bind parameter; this one is ours (a prefix and a pid).
      await sql.unsafe(`create role ${role} login`)
      await sql.unsafe(`grant select on schema_migrations, pipelines, pipeline_updates to ${role}`)
    } finally {
      await sql.end()
    }
    const asReader = new URL(databaseUrl)
    asReader.username = role
    const r = await weft(cwd, 'export', id, '--database-url', asReader.toString())
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(await served(server, token, id))

    // One grant fewer: the read fails with a code and the database's reason, not a stack.
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      await admin.unsafe(`revoke select on pipeline_updates from ${role}`)
    } finally {
      await admin.end()
    }
    const denied = await weft(cwd, 'export', id, '--database-url', asReader.toString())
    refused(denied, 'CLI_DATABASE_ERROR', 2)
    expect(denied.stderr).toContain('permission denied for table pipeline_updates (42501)')
  })

  it('says CLI_PIPELINE_NOT_FOUND for an unknown or deleted pipeline', async () => {
    refused(
      await weft(cwd, 'export', 'no_such_pipeline', '--database-url', databaseUrl),
      'CLI_PIPELINE_NOT_FOUND',
      1,
    )
    const id = await create(server, token, yamlNamed('short-lived'))
    expect((await api(server.url, 'DELETE', `/api/pipelines/${id}`, { token })).status).toBe(204)
    const r = await weft(cwd, 'export', id, '--database-url', databaseUrl)
    refused(r, 'CLI_PIPELINE_NOT_FOUND', 1)
    expect(r.stderr).toContain(`No pipeline '${id}' in the database`)
  })

  it('refuses a bad URL and an unreachable database with a code, never showing the password', async () => {
    const bad = await weft(cwd, 'export', 'abc', '--database-url', 'mysql://admin:s3cret@db/weft')
    refused(bad, 'CLI_BAD_DATABASE_URL', 2)
    expect(bad.stderr).not.toContain('s3cret')

    const closed = new URL(databaseUrl)
    closed.port = '1'
    closed.password = 's3cret'
    const down = await weft(cwd, 'export', 'abc', '--database-url', closed.toString())
    refused(down, 'CLI_DATABASE_UNREACHABLE', 2)
    expect(down.stderr).toContain(`${closed.hostname}:1${closed.pathname}`)
    expect(down.stderr).not.toContain('s3cret')

    const missing = new URL(databaseUrl)
    missing.pathname = '/weft_no_such_database'
    const noDb = await weft(cwd, 'export', 'abc', '--database-url', missing.toString())
    refused(noDb, 'CLI_DATABASE_UNREACHABLE', 2)
    expect(noDb.stderr).toContain('weft_no_such_database')
  })

  it('refuses a database without the Weft schema, and creates nothing in it', async () => {
    const empty = await createDatabase(postgresAdminUrl(), 'weft_not_weft')
    const r = await weft(cwd, 'export', 'abc', '--database-url', empty)
    refused(r, 'CLI_NOT_A_WEFT_DATABASE', 1)
    const sql = postgres(empty, { max: 1, onnotice: () => {} })
    try {
      const tables = await sql`select tablename from pg_tables where schemaname = 'public'`
      expect(tables).toHaveLength(0)
    } finally {
      await sql.end()
    }
  })

  it('refuses a schema newer than it knows and leaves it alone', async () => {
    const newer = await freshDatabaseUrl()
    await (await openStore({ databaseUrl: newer })).close()
    const sql = postgres(newer, { max: 1, onnotice: () => {} })
    try {
      await sql`insert into schema_migrations (version, name) values (${latestSchemaVersion + 1}, 'from the future')`
      const r = await weft(cwd, 'export', 'abc', '--database-url', newer)
      refused(r, 'CLI_DATABASE_TOO_NEW', 1)
      expect(r.stderr).toContain(`schema version ${latestSchemaVersion + 1}`)
      const [row] = await sql`select max(version) as v from schema_migrations`
      expect(row!.v).toBe(latestSchemaVersion + 1)
    } finally {
      await sql.end()
    }
  })
})

describe('weft export --data-dir (the embedded database)', () => {
  it('refuses while the server holds it, and exports what it served once it stopped', async () => {
    const cwd = tempDir('weft-dir-export-')
    const dataDir = join(cwd, 'weft-data')
    const server = await startServer({ dataDir })
    let id = ''
    let live = ''
    try {
      const token = await tokenFor(server.url, ADMIN)
      id = await create(server, token, yamlNamed('embedded'))
      await edit(server, token, id, yamlNamed('embedded', reviewStep))
      live = await served(server, token, id)
      const busy = await weft(cwd, 'export', id, '--data-dir', 'weft-data')
      refused(busy, 'CLI_DATABASE_IN_USE', 2)
      expect(busy.stderr).toContain('Stop the server')
    } finally {
      await server.stop()
    }
    const r = await weft(cwd, 'export', id, '--data-dir', 'weft-data')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(live)

    refused(await weft(cwd, 'export', id, '--data-dir', 'nowhere'), 'CLI_NO_DATABASE', 2)
    expect(readdirSync(cwd)).not.toContain('nowhere')
  })
})
