/**
 * A throwaway PostgreSQL server for tests, started from the machine's own binaries. fsync stays
 * on (the kill -9 tests need real durability); only initdb skips its sync.
 */
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'

const run = promisify(execFile)

export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string
  stop(): Promise<void>
}

const isRoot = () => process.getuid?.() === 0

/** The directory with initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/N/bin, or PATH. */
export function findPostgresBin(): string | null {
  const base = '/usr/lib/postgresql'
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0] !== undefined) return join(base, versions[0], 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  }
  return null
}

/** Finds the binaries, installing the distribution's PostgreSQL when they are missing. */
export function ensurePostgresBin(): string {
  const found = findPostgresBin()
  if (found) return found
  if (!isRoot()) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin ' +
        'or on PATH, and this user is not root so they cannot be installed automatically. ' +
        'Install them (Debian: `sudo apt-get install -y postgresql`) and run the tests again.',
    )
  }
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  try {
    apt(['install', '-y', 'postgresql'])
  } catch {
    apt(['update'])
    apt(['install', '-y', 'postgresql'])
  }
  const installed = findPostgresBin()
  if (!installed) throw new Error('apt-get installed postgresql but initdb is still missing.')
  return installed
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

export async function startPostgres(): Promise<PostgresServer> {
  const bin = ensurePostgresBin()
  const root = isRoot()
  const dir = mkdtempSync(join(tmpdir(), 'weft-pg-'))
  // initdb and postgres refuse to run as root: as root, the cluster belongs to `postgres`.
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0)
  const exec = async (args: string[]) => {
    const command = [join(bin, args[0] ?? ''), ...args.slice(1)]
    try {
      if (root)
        return await run('su', ['postgres', '-s', '/bin/sh', '-c', command.map(quote).join(' ')])
      return await run(command[0] ?? '', command.slice(1))
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`${args[0]} failed: ${e.stderr || e.message}`, { cause: error })
    }
  }
  const data = join(dir, 'data')
  let port = 0
  let started = false
  try {
    await exec(['initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
    for (let attempt = 0; ; attempt++) {
      port = await freePort()
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`
      try {
        await exec(['pg_ctl', '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start'])
        started = true
        break
      } catch (error) {
        // Someone may have taken the port between our probe and the start; try another.
        if (attempt >= 2) throw error
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (started) await exec(['pg_ctl', '-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {})
      started = false
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A fresh, uniquely named database on the server; returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'weft_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    // An identifier cannot be a bind parameter; the name is ours (prefix, pid, hex), never input.
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`)
    await sql.unsafe(`create database ${name}`)
  } finally {
    await sql.end({ timeout: 5 })
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
