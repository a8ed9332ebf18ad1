import { readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configPath, writeLogin } from '../remote/config.js'
import { basePath, readBase } from '../remote/bases.js'
import { fakeServer, TOKEN, USER, type FakeServer } from '../testing/fake-server.js'
import { validPipeline, workspace, type WorkspaceOptions } from '../testing/workspace.js'

/** A workspace logged in to a fresh fake server. */
async function session(options: WorkspaceOptions = {}) {
  const server = fakeServer()
  const w = workspace({ fetch: server.fetch, ...options })
  await writeLogin(w.io, { server: server.url, token: TOKEN })
  return { w, server }
}

function seed(server: FakeServer, id: string, yaml: string, role: 'owner' | 'viewer' = 'owner') {
  server.pipelines.set(id, { yaml, role })
}

describe('weft login / logout', () => {
  it('trades email and password from stdin for a token, stored 0600 and never printed', async () => {
    const server = fakeServer()
    const w = workspace({ fetch: server.fetch, stdin: [USER.email, USER.password] })
    expect(await w.weft('login', '--server', `${server.url}/`)).toBe(0)
    const request = server.requests[0]!
    expect(request.path).toBe('/api/auth/token')
    expect(JSON.parse(request.body)).toEqual({ ...USER, name: 'weft-cli@testhost' })
    const path = configPath(w.io)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ server: server.url, token: TOKEN })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(w.out.stdout + w.out.stderr).not.toContain(TOKEN)
    expect(w.out.stderr).toContain(`Logged in to ${server.url} as ${USER.email}`)

    expect(await w.weft('logout')).toBe(0)
    expect(() => statSync(path)).toThrow()
    expect(await w.weft('pull', 'p1')).toBe(2)
    expect(w.out.stderr).toMatch(
      /^weft: CLI_NOT_LOGGED_IN not logged in: run 'weft login --server URL' first/,
    )
  })

  it('takes --email and reads only the password from stdin', async () => {
    const server = fakeServer()
    const w = workspace({ fetch: server.fetch, stdin: [USER.password] })
    expect(await w.weft('login', '--server', server.url, '--email', USER.email)).toBe(0)
  })

  it('refuses a wrong password with CLI_LOGIN_FAILED and stores nothing', async () => {
    const server = fakeServer()
    const w = workspace({ fetch: server.fetch, stdin: [USER.email, 'wrong'] })
    expect(await w.weft('login', '--server', server.url)).toBe(1)
    expect(w.out.stderr).toBe(
      `weft: CLI_LOGIN_FAILED ${server.url} refused the email or password\n`,
    )
    expect(() => statSync(configPath(w.io))).toThrow()
  })

  it('needs a password on stdin, has no password flag, and needs a server', async () => {
    const server = fakeServer()
    const w = workspace({ fetch: server.fetch, stdin: [] })
    expect(await w.weft('login', '--server', server.url, '--email', USER.email)).toBe(2)
    expect(w.out.stderr).toMatch(/^weft: CLI_NO_CREDENTIALS login needs a password/)
    expect(await w.weft('login', '--server', server.url, '--password', 'x')).toBe(2)
    expect(w.out.stderr).toContain("unknown option '--password'")
    expect(await w.weft('login')).toBe(2)
    expect(w.out.stderr).toContain('no server given')
    expect(server.requests).toHaveLength(0)
  })

  it('names the server it cannot reach', async () => {
    const w = workspace({ stdin: [USER.email, USER.password] })
    expect(await w.weft('login', '--server', 'http://127.0.0.1:9')).toBe(2)
    expect(w.out.stderr).toBe(
      'weft: CLI_SERVER_UNREACHABLE cannot reach the Weft server at http://127.0.0.1:9 (ECONNREFUSED)\n',
    )
  })
})

describe('weft pull', () => {
  it('prints the YAML, or writes it with -o, and records it as the base', async () => {
    const { w, server } = await session()
    seed(server, 'p1', validPipeline)
    expect(await w.weft('pull', 'p1')).toBe(0)
    expect(w.out.stdout).toBe(validPipeline)
    expect(server.requests[0]!.authorization).toBe(`Bearer ${TOKEN}`)
    expect(await readBase(w.io, server.url, 'p1')).toBe(validPipeline)
    expect(await w.weft('pull', 'p1', '-o', 'p1.yaml')).toBe(0)
    expect(w.read('p1.yaml')).toBe(validPipeline)
    expect(w.out.stdout).toBe('')
  })

  it('maps 404, 401 and 5xx to one line with a stable code', async () => {
    const { w, server } = await session()
    expect(await w.weft('pull', 'nope')).toBe(1)
    expect(w.out.stderr).toBe(
      `weft: CLI_PIPELINE_NOT_FOUND no pipeline nope on ${server.url}, or you have no access to it\n`,
    )
    server.failures.set('/api/pipelines/p1/yaml', 503)
    expect(await w.weft('pull', 'p1')).toBe(2)
    expect(w.out.stderr).toBe(
      `weft: CLI_SERVER_ERROR ${server.url} failed: 503 INTERNAL: Internal server error\n`,
    )
    server.failures.clear()
    await writeLogin(w.io, { server: server.url, token: 'revoked' })
    expect(await w.weft('pull', 'p1')).toBe(1)
    expect(w.out.stderr).toBe(
      `weft: CLI_UNAUTHORIZED ${server.url} refused your token (revoked or expired): run 'weft login --server ${server.url}' again\n`,
    )
  })

  it('says so when it was WEFT_TOKEN that was refused', async () => {
    const { w } = await session({ env: { WEFT_TOKEN: 'bad' } })
    expect(await w.weft('pull', 'p1')).toBe(1)
    expect(w.out.stderr).toMatch(/^weft: CLI_UNAUTHORIZED WEFT_TOKEN was refused by/)
  })

  it('refuses ids that are not ids before any request', async () => {
    const { w, server } = await session()
    expect(await w.weft('pull', '../admin')).toBe(2)
    expect(await w.weft('pull', 'p1', '-o', 'p1.ydoc')).toBe(2)
    expect(server.requests).toHaveLength(0)
  })
})

describe('weft push', () => {
  it('without --id creates a pipeline, prints its id and records the base', async () => {
    const { w, server } = await session()
    w.write('p.yaml', validPipeline)
    expect(await w.weft('push', 'p.yaml')).toBe(0)
    expect(w.out.stdout).toBe('p1\n')
    const request = server.requests[0]!
    expect([request.method, request.path, request.contentType]).toEqual([
      'POST',
      '/api/pipelines',
      'application/yaml',
    ])
    expect(request.body).toBe(validPipeline)
    expect(await readBase(w.io, server.url, 'p1')).toBe(validPipeline)
  })

  it('with --id sends the pulled base, says it merged, and the pushed text becomes the base', async () => {
    const { w, server } = await session()
    seed(server, 'p1', validPipeline)
    expect(await w.weft('pull', 'p1', '-o', 'p.yaml')).toBe(0)
    const edited = validPipeline.replace('Say hello.', 'Say hi.')
    w.write('p.yaml', edited)
    expect(await w.weft('push', 'p.yaml', '--id', 'p1')).toBe(0)
    const put = server.requests.at(-1)!
    expect(put.method).toBe('PUT')
    expect(put.contentType).toBe('application/json')
    expect(JSON.parse(put.body)).toEqual({ yaml: edited, base: validPipeline })
    expect(w.out.stderr).toContain('Pushed p.yaml to p1: merged')
    expect(await readBase(w.io, server.url, 'p1')).toBe(edited)
  })

  it('with --id but no base sends the YAML alone and says the pipeline now equals the file', async () => {
    const { w, server } = await session()
    seed(server, 'p1', validPipeline)
    w.write('p.yaml', validPipeline)
    expect(await w.weft('push', 'p.yaml', '--id', 'p1')).toBe(0)
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ yaml: validPipeline })
    expect(w.out.stderr).toContain('imported (no base')
  })

  it('prints the diagnostics of a refused file as file:line:column and keeps the old base', async () => {
    const { w, server } = await session()
    seed(server, 'p1', validPipeline)
    expect(await w.weft('pull', 'p1')).toBe(0)
    w.write('broken.yaml', 'workflow:\n  name: [unclosed\n')
    expect(await w.weft('push', 'broken.yaml', '--id', 'p1')).toBe(1)
    const lines = w.out.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^broken\.yaml:\d+:\d+: error YAML_\w+ /)
    expect(lines.at(-1)).toBe(
      'weft: CLI_INVALID_PIPELINE broken.yaml was refused, nothing changed: The YAML does not parse',
    )
    expect(server.pipelines.get('p1')!.yaml).toBe(validPipeline)
    expect(await readBase(w.io, server.url, 'p1')).toBe(validPipeline)
  })

  it('reports what it kept but flagged, and a viewer gets CLI_FORBIDDEN', async () => {
    const { w, server } = await session()
    w.write('flagged.yaml', 'workflow:\n  name: x\n')
    expect(await w.weft('push', 'flagged.yaml')).toBe(0)
    expect(w.out.stderr).toMatch(/flagged\.yaml:\d+:\d+: error LOADER_\w+/)
    expect(w.out.stderr).toContain('pipeline_ex would reject it; Weft keeps it')
    seed(server, 'v1', validPipeline, 'viewer')
    expect(await w.weft('push', 'flagged.yaml', '--id', 'v1')).toBe(1)
    expect(w.out.stderr).toBe(
      'weft: CLI_FORBIDDEN your role does not allow this on pipeline v1: This needs the editor role; you are viewer\n',
    )
  })
})

describe('weft import', () => {
  function folder(w: ReturnType<typeof workspace>, count: number) {
    for (let i = 0; i < count; i++) w.write(`ok${String(i).padStart(2, '0')}.yaml`, validPipeline)
    w.write('flagged.yml', 'workflow:\n  name: x\n')
    w.write('nope.yaml', 'name: not a workflow\n')
    w.write('notes.txt', 'not yaml')
  }

  it('imports every YAML file, 4 at a time, and summarises refused and flagged files', async () => {
    const { w, server } = await session()
    folder(w, 10)
    expect(await w.weft('import', '.')).toBe(1)
    expect(server.maxInFlight).toBe(4)
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(12)
    expect(w.out.stdout.trimEnd().split('\n')).toHaveLength(11)
    expect(w.out.stdout).toMatch(/^p\d+\tflagged\.yml\n/)
    const stderr = w.out.stderr
    expect(stderr.match(/^\[\d+\/12\] /gm)).toHaveLength(12)
    expect(stderr).toContain(
      'Refused (1), nothing was created for these:\n  nope.yaml:1:1 LOADER_MISSING_WORKFLOW ',
    )
    expect(stderr).toMatch(
      /Imported with errors flagged \(1\).*\n {2}flagged\.yml:\d+:\d+ LOADER_\w+ /,
    )
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      '11 files imported (1 with errors flagged), 1 refused, of 12',
    )
    const id = /^(p\d+)\tok00\.yaml$/m.exec(w.out.stdout)![1]!
    expect(statSync(basePath(w.io, server.url, id)).isFile()).toBe(true)
  })

  it('exits 0 when nothing is refused, and goes into subfolders only with --recursive', async () => {
    const { w } = await session()
    w.write('a.yaml', validPipeline)
    w.write('x', '')
    await import('node:fs').then((fs) => fs.mkdirSync(`${w.dir}/sub`))
    w.write('sub/b.yaml', validPipeline)
    expect(await w.weft('import', '.')).toBe(0)
    expect(w.out.stdout).not.toContain('sub/b.yaml')
    expect(await w.weft('import', '.', '--recursive')).toBe(0)
    expect(w.out.stdout).toContain('\tsub/b.yaml\n')
  })

  it('stops at a refused token and says how far it got', async () => {
    const { w } = await session({ env: { WEFT_TOKEN: 'revoked' } })
    folder(w, 10)
    expect(await w.weft('import', '.')).toBe(1)
    const lines = w.out.stderr.trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(/^weft: CLI_UNAUTHORIZED WEFT_TOKEN was refused/)
    expect(lines.at(-2)).toMatch(/^0 files imported .*, \d+ not attempted, of 12$/)
  })

  it('a 5xx on one file is a failure of that file, exit 2', async () => {
    const { w, server } = await session()
    w.write('a.yaml', validPipeline)
    server.failures.set('/api/pipelines', 500)
    expect(await w.weft('import', '.')).toBe(2)
    expect(w.out.stderr).toContain(
      'Failed (1), the server could not take these; try them again:\n  a.yaml INTERNAL ',
    )
  })

  it('names a folder it cannot list', async () => {
    const { w } = await session()
    expect(await w.weft('import', 'missing')).toBe(2)
    expect(w.out.stderr).toBe('weft: missing: cannot list it: no such file or directory\n')
  })
})

describe('weft pipelines', () => {
  it('lists id, role, updated and name, newest first', async () => {
    const { w, server } = await session()
    seed(server, 'p1', validPipeline)
    seed(server, 'p22', validPipeline, 'viewer')
    expect(await w.weft('pipelines')).toBe(0)
    expect(w.out.stdout).toBe(
      [
        'ID   ROLE    UPDATED           NAME',
        'p22  viewer  2026-01-02 10:00  pipeline p22',
        'p1   owner   2026-01-01 10:00  pipeline p1',
        '',
      ].join('\n'),
    )
  })
})
