import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CliError } from '../errors.js'
import { workspace } from '../testing/workspace.js'
import {
  configPath,
  normalizeServer,
  readLogin,
  removeLogin,
  resolveRemote,
  writeLogin,
} from './config.js'

const mode = (path: string) => statSync(path).mode & 0o777

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CliError)
  return error as CliError
}

describe('configPath', () => {
  it('is WEFT_CONFIG, else $XDG_CONFIG_HOME/weft/config.json, else ~/.config/weft/config.json', () => {
    const home = workspace().io
    expect(configPath(home)).toBe(join(home.homedir, '.config', 'weft', 'config.json'))
    const xdg = { ...home, env: { XDG_CONFIG_HOME: '/x/cfg' } }
    expect(configPath(xdg)).toBe('/x/cfg/weft/config.json')
    // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    expect(configPath({ ...home, env: { XDG_CONFIG_HOME: 'rel' } })).toBe(configPath(home))
    const both = { ...home, env: { XDG_CONFIG_HOME: '/x/cfg', WEFT_CONFIG: '/t/c.json' } }
    expect(configPath(both)).toBe('/t/c.json')
  })
})

describe('writeLogin', () => {
  it('creates the file 0600 in a new 0700 directory, and reads it back', async () => {
    const w = workspace()
    const path = await writeLogin(w.io, { server: 'https://a.test', token: 't1' })
    expect(path).toBe(configPath(w.io))
    expect(mode(path)).toBe(0o600)
    expect(mode(dirname(path))).toBe(0o700)
    expect(await readLogin(w.io)).toEqual({ server: 'https://a.test', token: 't1' })
  })

  it('makes an existing world-readable file 0600 when it replaces it', async () => {
    const w = workspace()
    const path = configPath(w.io)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, '{}')
    chmodSync(path, 0o644)
    await writeLogin(w.io, { server: 'https://a.test', token: 't2' })
    expect(mode(path)).toBe(0o600)
  })

  it('removeLogin deletes it and reports whether there was one', async () => {
    const w = workspace()
    await writeLogin(w.io, { server: 'https://a.test', token: 't' })
    expect(await removeLogin(w.io)).toBe(true)
    expect(await readLogin(w.io)).toBeUndefined()
    expect(await removeLogin(w.io)).toBe(false)
  })

  it('refuses a damaged file with CLI_CONFIG_UNREADABLE instead of treating it as logged out', async () => {
    const w = workspace()
    mkdirSync(dirname(configPath(w.io)), { recursive: true })
    writeFileSync(configPath(w.io), 'not json')
    const error = await failure(readLogin(w.io))
    expect(error.code).toBe('CLI_CONFIG_UNREADABLE')
    expect(error.exitCode).toBe(2)
  })
})

describe('normalizeServer', () => {
  it('drops trailing slashes and refuses what is not an http(s) URL', () => {
    expect(normalizeServer('https://weft.example.com/')).toBe('https://weft.example.com')
    expect(normalizeServer('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
    expect(normalizeServer('https://example.com/weft//')).toBe('https://example.com/weft')
    for (const bad of ['weft.example.com', 'ftp://x', 'https://x/?a=1', 'https://u:p@x']) {
      expect(() => normalizeServer(bad)).toThrow(/is not a server URL/)
    }
  })
})

describe('resolveRemote', () => {
  async function loggedIn(env: Record<string, string> = {}) {
    const w = workspace({ env })
    await writeLogin(w.io, { server: 'https://stored.test', token: 'stored-token' })
    return w.io
  }

  it('uses the stored login when nothing overrides it', async () => {
    expect(await resolveRemote(await loggedIn(), {})).toEqual({
      server: 'https://stored.test',
      token: 'stored-token',
      tokenSource: 'config',
    })
  })

  it('takes --server over WEFT_SERVER over the stored server', async () => {
    const io = await loggedIn({ WEFT_SERVER: 'https://env.test', WEFT_TOKEN: 'env-token' })
    expect((await resolveRemote(io, {})).server).toBe('https://env.test')
    expect((await resolveRemote(io, { server: 'https://flag.test/' })).server).toBe(
      'https://flag.test',
    )
  })

  it('takes WEFT_TOKEN over the stored token', async () => {
    const io = await loggedIn({ WEFT_TOKEN: 'env-token' })
    expect(await resolveRemote(io, {})).toEqual({
      server: 'https://stored.test',
      token: 'env-token',
      tokenSource: 'env',
    })
  })

  it('never sends the stored token to another server', async () => {
    const io = await loggedIn()
    const error = await failure(resolveRemote(io, { server: 'https://other.test' }))
    expect(error.code).toBe('CLI_NOT_LOGGED_IN')
    expect(error.message).toContain("weft login --server https://other.test' first")
    // The same server written differently is still the same server.
    expect((await resolveRemote(io, { server: 'https://stored.test/' })).token).toBe('stored-token')
  })

  it('says to log in first when there is no login at all', async () => {
    const error = await failure(resolveRemote(workspace().io, {}))
    expect(error.code).toBe('CLI_NOT_LOGGED_IN')
    expect(error.exitCode).toBe(2)
    expect(error.message).toMatch(/^CLI_NOT_LOGGED_IN not logged in: run 'weft login --server URL'/)
  })
})
