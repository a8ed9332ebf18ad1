/**
 * The server's whole configuration, read once from the environment at the composition root and
 * validated up front: a bad value stops the start with one line per problem, naming the variable,
 * instead of failing later at the first request that happens to need it.
 */
import { isAbsolute, resolve } from 'node:path'
import type { LogLevel } from '../logging/index.js'

export interface Config {
  readonly port: number
  readonly host: string
  /** Postgres connection string; absent means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly databasePoolSize: number
  readonly admin: { readonly email: string; readonly password: string } | undefined
  /** Who may make an account: anyone, holders of an admin's invite, or nobody (admins do). */
  readonly signup: SignupMode
  /** Static files of the web app, served at `/`; absent means an API-only server. */
  readonly webDir: string | undefined
  /** Directory of the shipped templates (`*.yaml`); absent means the one next to the build. */
  readonly templatesDir: string | undefined
  readonly logLevel: LogLevel
  /** Marks the session cookie `Secure`; turn on whenever the server is reached over HTTPS. */
  readonly secureCookies: boolean
  readonly sessionTtlMs: number
  /** How long a document stays loaded after its last socket closes. */
  readonly evictAfterMs: number
  /** How often open sockets are re-authorised, so revocations apply within this time. */
  readonly accessRecheckMs: number
  /** Update-log rows per document between compactions. */
  readonly compactEvery: number
  /** An automatic version is taken once a pipeline has had no edit for this long… */
  readonly historyIdleMs: number
  /** …or once its oldest unversioned edit is this old, however busy it is. */
  readonly historyMaxMs: number
  /** Automatic versions older than this are thinned to the last of each day. */
  readonly historyKeepAllMs: number
}

export type SignupMode = 'open' | 'invite' | 'closed'
export const SIGNUP_MODES: readonly SignupMode[] = ['open', 'invite', 'closed']

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID'
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

export function readConfig(env: Env, cwd: string): Config {
  const problems: string[] = []
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name}: expected a whole number from ${min} to ${max}, got '${raw}'`)
      return fallback
    }
    return value
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase()
    if (raw === undefined) return fallback
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true
    if (['0', 'false', 'no', 'off'].includes(raw)) return false
    problems.push(`${name}: expected true or false, got '${env[name]}'`)
    return fallback
  }
  const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value))

  const databaseUrl = text('DATABASE_URL')
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL: expected a postgres:// or postgresql:// URL`)
  }
  if (text('REDIS_URL') !== undefined) {
    problems.push(
      'REDIS_URL: not supported; server processes share updates through Postgres LISTEN/NOTIFY, so unset it',
    )
  }

  const adminEmail = text('WEFT_ADMIN_EMAIL')
  const adminPassword = env.WEFT_ADMIN_PASSWORD
  let admin: Config['admin']
  if (adminEmail !== undefined || (adminPassword ?? '') !== '') {
    if (adminEmail === undefined || !isEmail(adminEmail)) {
      problems.push(
        'WEFT_ADMIN_EMAIL: expected an email address (it is set with WEFT_ADMIN_PASSWORD)',
      )
    }
    if (adminPassword === undefined || adminPassword.length < 8) {
      problems.push('WEFT_ADMIN_PASSWORD: expected at least 8 characters')
    }
    if (adminEmail !== undefined && adminPassword !== undefined) {
      admin = { email: adminEmail, password: adminPassword }
    }
  }

  const signup = (text('WEFT_SIGNUP')?.toLowerCase() ?? 'invite') as SignupMode
  if (!SIGNUP_MODES.includes(signup)) {
    problems.push(`WEFT_SIGNUP: expected open, invite or closed, got '${text('WEFT_SIGNUP')}'`)
  }

  const logLevel = (text('WEFT_LOG_LEVEL') ?? 'info') as LogLevel
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`WEFT_LOG_LEVEL: expected debug, info, warn or error, got '${logLevel}'`)
  }

  const webDir = text('WEFT_WEB_DIR')
  const templatesDir = text('WEFT_TEMPLATES_DIR')
  if (templatesDir !== undefined && /[\0\n]/.test(templatesDir)) {
    problems.push('WEFT_TEMPLATES_DIR: expected a directory path')
  }
  const config: Config = {
    port: int('PORT', 4000, 0, 65535),
    host: text('HOST') ?? '127.0.0.1',
    databaseUrl,
    dataDir: path(text('WEFT_DATA_DIR') ?? '.weft-data'),
    databasePoolSize: int('WEFT_DB_POOL_SIZE', 10, 1, 100),
    admin,
    signup,
    webDir: webDir === undefined ? undefined : path(webDir),
    templatesDir: templatesDir === undefined ? undefined : path(templatesDir),
    logLevel,
    secureCookies: bool('WEFT_SECURE_COOKIES', false),
    sessionTtlMs: int('WEFT_SESSION_TTL_HOURS', 24 * 30, 1, 24 * 365) * 3_600_000,
    evictAfterMs: int('WEFT_EVICT_AFTER_MS', 10_000, 0, 30_000),
    accessRecheckMs: int('WEFT_ACCESS_RECHECK_MS', 2_000, 100, 5_000),
    compactEvery: int('WEFT_COMPACT_EVERY', 500, 1, 1_000_000),
    historyIdleMs: int('WEFT_HISTORY_IDLE_MS', 45_000, 1_000, 3_600_000),
    historyMaxMs: int('WEFT_HISTORY_MAX_MS', 300_000, 1_000, 86_400_000),
    historyKeepAllMs: int('WEFT_HISTORY_KEEP_ALL_DAYS', 14, 1, 36_500) * 86_400_000,
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value) && value.length <= 254
}
