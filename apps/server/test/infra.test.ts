/**
 * The deployment files in infra/ checked without Docker: they parse, they agree with each other
 * (ports, paths, volumes, the pnpm version), and every environment variable they name is one the
 * server reads (src/config) or one the postgres image reads. A renamed setting, a moved build
 * output or a new pnpm pin fails here instead of in someone's deployment.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readYaml } from '@weft/core'
import { describe, expect, it } from 'vitest'

const serverRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const repo = resolve(serverRoot, '..', '..')
const infra = join(repo, 'infra')
const read = (...path: string[]) => readFileSync(join(repo, ...path), 'utf8')

/** Variables the official postgres image reads (https://hub.docker.com/_/postgres). */
const POSTGRES_IMAGE_VARS = new Set([
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'POSTGRES_DB',
  'POSTGRES_INITDB_ARGS',
  'POSTGRES_HOST_AUTH_METHOD',
  'PGDATA',
])

/** What the server reads from its environment, from the source of its config reader. */
function serverEnv(): { reads: Set<string>; rejects: Set<string> } {
  const files = [
    ...readdirSync(join(serverRoot, 'src', 'config'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => join(serverRoot, 'src', 'config', f)),
    join(serverRoot, 'src', 'main.ts'),
  ]
  const reads = new Set<string>()
  const rejects = new Set<string>()
  for (const file of files) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/\b(?:text|int|bool)\(\s*'([A-Z][A-Z0-9_]*)'/g))
      reads.add(m[1]!)
    for (const m of source.matchAll(
      /\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*'([A-Z][A-Z0-9_]*)'\s*\])/g,
    )) {
      reads.add((m[1] ?? m[2])!)
    }
    // Read only to refuse a start with it (REDIS_URL): naming it in infra/ would be a bug.
    for (const m of source.matchAll(/'([A-Z][A-Z0-9_]*): not supported/g)) rejects.add(m[1]!)
  }
  for (const name of rejects) reads.delete(name)
  return { reads, rejects }
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}`: the variables a text interpolates. */
const interpolated = (text: string) =>
  [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!)

/** Compose merge keys (`<<: *anchor`), which readYaml keeps as plain keys, as Compose does them. */
function expandMerges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandMerges)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  const own = value as Record<string, unknown>
  const merged = own['<<']
  for (const source of Array.isArray(merged) ? merged : merged === undefined ? [] : [merged]) {
    Object.assign(out, expandMerges(source))
  }
  for (const [key, v] of Object.entries(own)) if (key !== '<<') out[key] = expandMerges(v)
  return out
}

interface DockerInstruction {
  stage: number
  op: string
  args: string
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = []
  let stage = -1
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' '
      continue
    }
    const full = (pending + line).trim()
    pending = ''
    const space = full.indexOf(' ')
    const op = full.slice(0, space).toUpperCase()
    if (op === 'FROM') stage++
    out.push({ stage, op, args: full.slice(space + 1).trim() })
  }
  return out
}

/** `NAME=value` pairs of an ENV instruction (values without spaces, optionally quoted). */
const envPairs = (args: string) =>
  [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map(
    (m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')] as const,
  )

/** The subset of TOML fly.toml uses: [table], [[array.of.tables]], key = string | number | bool. */
function flyToml(text: string): Array<{ table: string; key: string; value: unknown }> {
  const out: Array<{ table: string; key: string; value: unknown }> = []
  let table = ''
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[\[?([A-Za-z0-9_.]+)\]\]?$/.exec(line)
    if (header) {
      table = header[1]!
      continue
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line)
    if (!kv) throw new Error(`fly.toml: cannot read '${raw}'`)
    const v = kv[2]!
    const value = /^".*"$/.test(v)
      ? v.slice(1, -1)
      : v === 'true' || v === 'false'
        ? v === 'true'
        : /^\d+$/.test(v)
          ? Number(v)
          : (() => {
              throw new Error(`fly.toml: unexpected value '${v}'`)
            })()
    out.push({ table, key: kv[1]!, value })
  }
  return out
}

const { reads: SERVER_VARS, rejects: REJECTED_VARS } = serverEnv()

describe('the server’s environment, as read from src/config', () => {
  it('is found (so the checks below mean something)', () => {
    for (const name of ['PORT', 'HOST', 'DATABASE_URL', 'WEFT_DATA_DIR', 'WEFT_WEB_DIR']) {
      expect(SERVER_VARS, name).toContain(name)
    }
    expect(REJECTED_VARS).toContain('REDIS_URL')
  })
})

describe('infra/Dockerfile', () => {
  const text = read('infra', 'Dockerfile')
  const steps = dockerfile(text)
  const last = Math.max(...steps.map((s) => s.stage))
  const final = steps.filter((s) => s.stage === last)
  const env = new Map(final.filter((s) => s.op === 'ENV').flatMap((s) => envPairs(s.args)))

  it('builds on Node 20 bookworm-slim in every stage, with more than one stage', () => {
    const froms = steps.filter((s) => s.op === 'FROM')
    expect(froms.length).toBeGreaterThanOrEqual(2)
    for (const from of froms) expect(from.args).toMatch(/^node:20-bookworm-slim\b/)
  })

  it('installs the pnpm that package.json pins, from the lockfile, and builds with turbo', () => {
    const pinned = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager
    expect(pinned).toMatch(/^pnpm@/)
    const runs = steps.filter((s) => s.op === 'RUN').map((s) => s.args)
    expect(runs).toContain(`npm install -g ${pinned}`)
    expect(runs.some((r) => /pnpm install\b.*--frozen-lockfile/.test(r))).toBe(true)
    expect(runs.some((r) => /turbo run build\b/.test(r))).toBe(true)
    expect(runs.some((r) => /pnpm deploy --filter @weft\/server --prod\b/.test(r))).toBe(true)
  })

  it('copies from the build context only files that exist and .dockerignore lets through', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
    for (const must of ['**/node_modules', '**/dist', '.git', '**/.weft-data']) {
      expect(ignore, `.dockerignore should exclude ${must}`).toContain(must)
    }
    const sources = steps
      .filter((s) => s.op === 'COPY' && !/--from=/.test(s.args))
      .flatMap((s) => {
        const words = s.args.split(/\s+/).filter((w) => !w.startsWith('--'))
        return words.slice(0, -1)
      })
      .filter((src) => src !== '.')
    expect(sources.length).toBeGreaterThan(0)
    for (const src of sources) {
      expect(existsSync(join(repo, src)), `${src} exists`).toBe(true)
      const top = src.split('/')[0]!
      expect(ignore, `${src} is not ignored`).not.toContain(src)
      expect(ignore, `${src} is not ignored`).not.toContain(top)
    }
  })

  it('puts the CLI’s own bin on the PATH as `weft`, from a production deploy of @weft/cli', () => {
    const runs = steps.map((s) => s.args)
    expect(runs.some((r) => /turbo run build\b.*--filter=@weft\/cli\b/.test(r))).toBe(true)
    const deploy = runs.find((r) => /pnpm deploy --filter @weft\/cli --prod\b/.test(r))
    const out = /--prod(?: --legacy)? (\S+)/.exec(deploy ?? '')?.[1]
    expect(out, 'a deploy of @weft/cli').toBeDefined()
    const copy = final.find((s) => s.op === 'COPY' && s.args.startsWith(`--from=build ${out} `))
    const appDir = copy?.args.split(/\s+/).at(-1)
    expect(appDir, 'the deployed CLI copied into the image').toBeDefined()
    const pkg = JSON.parse(read('apps', 'cli', 'package.json')) as { bin: Record<string, string> }
    const bin = pkg.bin['weft']!.replace(/^\.\//, '')
    expect(existsSync(join(repo, 'apps', 'cli', bin))).toBe(true)
    expect(
      final.some((s) => s.op === 'RUN' && s.args === `ln -s ${appDir}/${bin} /usr/local/bin/weft`),
    ).toBe(true)
  })

  it('serves on 0.0.0.0:4000 with the embedded database in the /data volume', () => {
    expect(env.get('HOST')).toBe('0.0.0.0')
    expect(env.get('PORT')).toBe('4000')
    expect(env.get('WEFT_DATA_DIR')).toBe('/data')
    const expose = final.find((s) => s.op === 'EXPOSE')
    expect(expose?.args).toBe(env.get('PORT'))
    const volume = final.find((s) => s.op === 'VOLUME')
    expect(volume?.args).toBe(env.get('WEFT_DATA_DIR'))
  })

  it('serves the built web app from WEFT_WEB_DIR', () => {
    const webDir = env.get('WEFT_WEB_DIR')
    expect(webDir).toBeDefined()
    const copy = final.find((s) => s.op === 'COPY' && s.args.endsWith(` ${webDir}`))
    expect(copy?.args).toMatch(/--from=build \S*apps\/web\/dist /)
    // …which is where apps/web builds to (vite's outDir; 'dist' when the config leaves it out).
    const outDir = /outDir:\s*'([^']*)'/.exec(read('apps', 'web', 'vite.config.ts'))?.[1] ?? 'dist'
    expect(copy?.args).toContain(` /src/apps/web/${outDir} `)
  })

  it('runs the server’s own bin, as the unprivileged node user, stopping on SIGTERM', () => {
    const pkg = JSON.parse(read('apps', 'server', 'package.json')) as {
      bin: Record<string, string>
    }
    const bin = pkg.bin['weft-server']!.replace(/^\.\//, '')
    const cmd = JSON.parse(final.find((s) => s.op === 'CMD')!.args) as string[]
    expect(cmd[0]).toBe('node')
    expect(cmd[1]).toMatch(new RegExp(`/${bin.replace(/\./g, '\\.')}$`))
    expect(final.find((s) => s.op === 'STOPSIGNAL')?.args).toBe('SIGTERM')
    expect(final.find((s) => s.op === 'HEALTHCHECK')?.args).toMatch(/\/healthz/)

    // The image may start as root (to hand a root-owned volume over); the entrypoint then runs
    // the server as `node`.
    expect(final.filter((s) => s.op === 'USER').map((s) => s.args)).not.toContain('root')
    const entrypoint = JSON.parse(final.find((s) => s.op === 'ENTRYPOINT')!.args) as string[]
    const installed =
      final.find((s) => s.op === 'COPY' && s.args.endsWith(` ${entrypoint[0]}`)) ??
      final.find((s) => s.op === 'COPY' && s.args.endsWith(`/${entrypoint[0]}`))
    expect(installed?.args).toMatch(/infra\/docker-entrypoint\.sh /)
    const script = read('infra', 'docker-entrypoint.sh')
    expect(script).toMatch(/exec setpriv --reuid=node --regid=node --init-groups -- "\$@"/)
    execFileSync('sh', ['-n', join(infra, 'docker-entrypoint.sh')])
  })

  it('names only environment variables the server reads', () => {
    const names = [
      ...final.filter((s) => s.op === 'ENV').flatMap((s) => envPairs(s.args).map(([k]) => k)),
      ...interpolated(read('infra', 'docker-entrypoint.sh')),
    ]
    for (const name of names) expect(SERVER_VARS, `${name} in infra/Dockerfile`).toContain(name)
  })
})

describe('infra/docker-compose.yml', () => {
  const text = read('infra', 'docker-compose.yml')
  const source = readYaml(text)
  const compose = expandMerges(source.value) as any
  const services = compose?.services as Record<string, any>
  const weftServices = Object.keys(services ?? {}).filter((n) => /^weft(-\d+)?$/.test(n))

  it('is YAML without errors or duplicate keys', () => {
    expect(source.ok).toBe(true)
    // readYaml reads as pipeline_ex does and warns about merge keys; Compose does merge them.
    expect(source.diagnostics.filter((d) => d.code !== 'YAML_MERGE_KEY')).toEqual([])
  })

  it('has PostgreSQL 15 with a volume and a health check, and Weft processes that wait for it', () => {
    const db = services.db
    expect(db.image).toMatch(/^postgres:15\b/)
    expect(db.healthcheck.test.join(' ')).toMatch(/pg_isready/)
    const [volume, mount] = (db.volumes[0] as string).split(':')
    expect(mount).toBe('/var/lib/postgresql/data')
    expect(Object.keys(compose.volumes)).toContain(volume)

    expect(weftServices.length).toBeGreaterThanOrEqual(1)
    for (const name of weftServices) {
      const s = services[name]
      expect(s.build.dockerfile).toBe('infra/Dockerfile')
      expect(existsSync(join(infra, s.build.context, s.build.dockerfile))).toBe(true)
      expect(s.depends_on.db.condition).toBe('service_healthy')
      expect(Number.parseInt(s.stop_grace_period, 10)).toBeGreaterThanOrEqual(10)
      // DATABASE_URL points at the db service, with the user and database it creates.
      const url = new URL(
        (s.environment.DATABASE_URL as string).replace(/\$\{[^}]*\}/g, 'password'),
      )
      expect(url.protocol).toBe('postgres:')
      expect(url.hostname).toBe('db')
      expect(url.port).toBe('5432')
      expect(url.username).toBe(db.environment.POSTGRES_USER)
      expect(url.pathname).toBe(`/${db.environment.POSTGRES_DB}`)
      expect(interpolated(s.environment.DATABASE_URL)).toEqual(
        interpolated(db.environment.POSTGRES_PASSWORD),
      )
      expect(s.environment).toHaveProperty('WEFT_ADMIN_EMAIL')
      expect(s.environment).toHaveProperty('WEFT_ADMIN_PASSWORD')
      expect(s.environment).toHaveProperty('WEFT_SECURE_COOKIES')
    }
  })

  it('puts the proxy in front of exactly the Weft services, on the port the image serves', () => {
    const proxy = services.proxy
    expect(proxy.ports.some((p: string) => /:80$/.test(p))).toBe(true)
    const caddyMount = (proxy.volumes as string[]).find((v) => v.includes('/etc/caddy/Caddyfile'))
    const caddyfile = readFileSync(join(infra, caddyMount!.split(':')[0]!), 'utf8')
    const upstreams = /reverse_proxy\s+([^{\n]+)\{/.exec(caddyfile)![1]!.trim().split(/\s+/)
    const port = new Map(
      dockerfile(read('infra', 'Dockerfile'))
        .filter((s) => s.op === 'ENV')
        .flatMap((s) => envPairs(s.args)),
    ).get('PORT')
    expect(upstreams.sort()).toEqual(weftServices.map((n) => `${n}:${port}`).sort())
    expect(caddyfile).toMatch(/health_uri \/healthz/)
    expect(proxy.depends_on.sort()).toEqual(weftServices.sort())
  })

  it('declares every named volume it mounts', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of (s.volumes ?? []) as string[]) {
        const from = v.split(':')[0]!
        if (from.startsWith('.') || from.startsWith('/')) {
          expect(existsSync(join(infra, from)), `${name}: ${from}`).toBe(true)
        } else {
          expect(Object.keys(compose.volumes), `${name}: ${from}`).toContain(from)
        }
      }
    }
  })

  it('names only environment variables the server or the postgres image reads', () => {
    for (const name of weftServices) {
      for (const key of Object.keys(services[name].environment)) {
        expect(SERVER_VARS, `${key} in ${name}`).toContain(key)
      }
    }
    for (const key of Object.keys(services.db.environment)) {
      expect(POSTGRES_IMAGE_VARS, `${key} in db`).toContain(key)
    }
    const allowed = new Set([...SERVER_VARS, ...POSTGRES_IMAGE_VARS])
    const example = read('infra', 'env.example')
    const exampleNames = [...example.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!)
    for (const name of [...interpolated(text), ...exampleNames]) {
      expect(allowed, `${name}`).toContain(name)
    }
    // Every variable the compose file needs from .env is in the example.
    for (const name of interpolated(text)) expect(exampleNames, name).toContain(name)
  })
})

describe('infra/fly.toml', () => {
  const entries = flyToml(read('infra', 'fly.toml'))
  const get = (table: string, key: string) =>
    entries.filter((e) => e.table === table && e.key === key).map((e) => e.value)
  const imageEnv = new Map(
    dockerfile(read('infra', 'Dockerfile'))
      .filter((s) => s.op === 'ENV')
      .flatMap((s) => envPairs(s.args)),
  )

  it('stops with SIGTERM and leaves time to flush', () => {
    expect(get('', 'kill_signal')).toEqual(['SIGTERM'])
    const timeout = get('', 'kill_timeout')[0]
    expect(typeof timeout).toBe('number')
    expect(timeout as number).toBeGreaterThanOrEqual(10)
    expect(timeout as number).toBeLessThanOrEqual(300) // Fly's maximum
  })

  it('routes to the image’s port, checks /healthz, and mounts the volume at WEFT_DATA_DIR', () => {
    expect(get('http_service', 'internal_port')).toEqual([Number(imageEnv.get('PORT'))])
    expect(get('http_service.checks', 'path')).toEqual(['/healthz'])
    expect(get('mounts', 'destination')).toEqual([imageEnv.get('WEFT_DATA_DIR')])
    const dockerfilePath = get('build', 'dockerfile')[0] as string
    expect(existsSync(join(infra, dockerfilePath))).toBe(true)
  })

  it('names only environment variables the server reads', () => {
    const text = read('infra', 'fly.toml')
    const names = [
      ...entries.filter((e) => e.table === 'env').map((e) => e.key),
      // `fly secrets set NAME=…` in the comments
      ...[...text.matchAll(/\b([A-Z][A-Z0-9_]{2,})=/g)].map((m) => m[1]!),
    ]
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(SERVER_VARS, name).toContain(name)
  })
})

describe('docs/operations.md', () => {
  it('names only settings the server reads, and links the configuration table', () => {
    const text = read('docs', 'operations.md')
    for (const m of text.matchAll(/\bWEFT_[A-Z0-9_]+\b/g)) expect(SERVER_VARS, m[0]).toContain(m[0])
    expect(text).toContain('../apps/server/README.md#configuration')
  })
})
