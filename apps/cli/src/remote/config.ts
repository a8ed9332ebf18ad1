/**
 * The user's Weft login: `{ server, token }` in a JSON file only its owner can read, and the rule
 * that picks the server and token a command uses (flag, then environment, then the file).
 */
import { dirname, join } from 'node:path'
import { CliError, describeFsError, exitCodes } from '../errors.js'
import type { Io } from '../io.js'
import { remoteCodes } from './codes.js'

export interface StoredLogin {
  readonly server: string
  readonly token: string
}

/** The server and credentials one command talks to, and where each came from. */
export interface Remote {
  readonly server: string
  readonly token: string
  /** `WEFT_TOKEN` or the config file: the 401 message says which one to fix. */
  readonly tokenSource: 'env' | 'config'
}

/** `WEFT_CONFIG`, else `$XDG_CONFIG_HOME/weft/config.json`, else `~/.config/weft/config.json`. */
export function configPath(io: Io): string {
  const override = io.env.WEFT_CONFIG
  if (override !== undefined && override !== '') return override
  const xdg = io.env.XDG_CONFIG_HOME
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(io.homedir, '.config')
  return join(base, 'weft', 'config.json')
}

/** The directory beside the config file where pulled bases are kept. */
export function configDir(io: Io): string {
  return dirname(configPath(io))
}

/**
 * A server URL in the one form used for storage and comparison: http(s), no trailing slash,
 * no query or fragment. Anything else is a usage error naming the value.
 */
export function normalizeServer(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw badServer(value)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw badServer(value)
  }
  if (url.username || url.password) throw badServer(value, 'must not contain a user or password')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function badServer(value: string, why = 'must be an http:// or https:// URL'): CliError {
  return new CliError(
    `'${value}' is not a server URL: it ${why} (like https://weft.example.com)`,
    exitCodes.usage,
    remoteCodes.badServerUrl,
  )
}

/** The stored login, or undefined when there is none. A damaged file is an error, not "none". */
export async function readLogin(io: Io): Promise<StoredLogin | undefined> {
  const path = configPath(io)
  let text: string
  try {
    text = new TextDecoder().decode(await io.readFile(path))
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw new CliError(
      `cannot read ${path}: ${describeFsError(error)}`,
      exitCodes.usage,
      remoteCodes.configUnreadable,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  const v = value as Partial<StoredLogin> | undefined
  if (typeof v?.server !== 'string' || typeof v.token !== 'string') {
    throw new CliError(
      `${path} is not a Weft login (expected JSON { server, token }): run 'weft logout', then 'weft login --server URL'`,
      exitCodes.usage,
      remoteCodes.configUnreadable,
    )
  }
  return { server: v.server, token: v.token }
}

/** Writes the login readable by its owner only (file 0600 in a 0700 directory), atomically. */
export async function writeLogin(io: Io, login: StoredLogin): Promise<string> {
  const path = configPath(io)
  try {
    await io.mkdir(dirname(path), 0o700)
    await io.writeFileAtomic(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 })
  } catch (error) {
    throw new CliError(
      `cannot write ${path}: ${describeFsError(error)}`,
      exitCodes.usage,
      remoteCodes.configUnwritable,
    )
  }
  return path
}

export async function removeLogin(io: Io): Promise<boolean> {
  const path = configPath(io)
  try {
    return await io.removeFile(path)
  } catch (error) {
    throw new CliError(
      `cannot remove ${path}: ${describeFsError(error)}`,
      exitCodes.usage,
      remoteCodes.configUnwritable,
    )
  }
}

/**
 * The server is `--server`, else `WEFT_SERVER`, else the stored login's. The token is
 * `WEFT_TOKEN`, else the stored one, but the stored token only for the server it was issued by:
 * `--server` pointing elsewhere must never send it to another host.
 */
export async function resolveRemote(
  io: Io,
  flags: { server?: string | undefined },
): Promise<Remote> {
  const stored = await readLogin(io)
  const chosen = flags.server ?? nonEmpty(io.env.WEFT_SERVER) ?? stored?.server
  if (chosen === undefined) {
    throw new CliError(
      "not logged in: run 'weft login --server URL' first (or set WEFT_SERVER and WEFT_TOKEN)",
      exitCodes.usage,
      remoteCodes.notLoggedIn,
    )
  }
  const server = normalizeServer(chosen)
  const envToken = nonEmpty(io.env.WEFT_TOKEN)
  if (envToken !== undefined) return { server, token: envToken, tokenSource: 'env' }
  if (stored !== undefined && normalizeServer(stored.server) === server) {
    return { server, token: stored.token, tokenSource: 'config' }
  }
  throw new CliError(
    `not logged in to ${server}: run 'weft login --server ${server}' first (or set WEFT_TOKEN)`,
    exitCodes.usage,
    remoteCodes.notLoggedIn,
  )
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
