/**
 * Who is calling. A request carries one of: the session cookie (the web app), a bearer token in
 * `Authorization` (scripts, the CLI), or, on the sync socket, a token in the subprotocol list
 * (`weft-token.<token>`), because browsers cannot set headers on a WebSocket and a token in the
 * URL would end up in proxy logs.
 */
import { createHash } from 'node:crypto'
import type { CredentialKind, Store, User } from '@weft/storage'
import type { Logger } from '../logging/index.js'
import {
  decoyPasswordHash,
  hashPassword,
  hashSecret,
  newSecret,
  verifyPassword,
} from './secrets.js'

export const SESSION_COOKIE = 'weft_session'
export const TOKEN_PROTOCOL_PREFIX = 'weft-token.'
/** How long the setup link of a fresh install works (a restart makes a new one). */
export const SETUP_TTL_MS = 24 * 60 * 60 * 1000

export interface Credential {
  readonly kind: CredentialKind
  /** SHA-256 of the secret; the secret itself is never kept. */
  readonly hash: string
}

/** An API token as its owner sees it: a public id derived from the hash, never the hash. */
export interface PublicToken {
  id: string
  name: string
  createdAt: Date
  expiresAt: Date | null
}

/** A token's public id: a hash of its hash, so it reveals nothing that could be looked up. */
export function tokenId(hash: string): string {
  return createHash('sha256').update(`weft-token-id:${hash}`).digest('base64url').slice(0, 22)
}

export interface Caller {
  readonly user: User
  readonly credential: Credential
}

export interface AuthOptions {
  readonly store: Store
  readonly now: () => Date
  readonly sessionTtlMs: number
}

export class Auth {
  constructor(private readonly options: AuthOptions) {}

  /** Creates the configured admin on a database without users; a no-op otherwise. */
  async ensureAdmin(
    admin: { email: string; password: string } | undefined,
    logger: Logger,
  ): Promise<void> {
    const { store } = this.options
    if (admin === undefined || (await store.countUsers()) > 0) return
    const user = await store.createUser({
      email: admin.email,
      passwordHash: await hashPassword(admin.password),
      isAdmin: true,
    })
    logger.info('created the admin user', { email: user.email })
  }

  /**
   * On a database without users, logs a one-time link whose holder creates the first admin. The
   * code is in the URL's fragment, which browsers never send, so it reaches no proxy or access
   * log; only its hash is stored, and a restart replaces it (only the newest link works).
   */
  async offerSetup(baseUrl: string, logger: Logger): Promise<void> {
    const { store, now } = this.options
    if ((await store.countUsers()) > 0) return
    const code = newSecret()
    const expiresAt = new Date(now().getTime() + SETUP_TTL_MS)
    await store.accounts.replaceSetupCode(hashSecret(code), expiresAt)
    logger.warn('no users yet: open this one-time link to create the first admin', {
      url: `${baseUrl}/setup#${code}`,
      expiresAt: expiresAt.toISOString(),
    })
  }

  /** The user with this email and password, or null; takes the same time either way. */
  async checkPassword(email: string, password: string): Promise<User | null> {
    const found = await this.options.store.findUserByEmail(email)
    const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyPasswordHash))
    if (!found || !ok) return null
    const { passwordHash: _, ...user } = found
    return user
  }

  async createUser(input: {
    email: string
    password: string
    isAdmin?: boolean | undefined
  }): Promise<User> {
    return this.options.store.createUser({
      email: input.email,
      passwordHash: await hashPassword(input.password),
      isAdmin: input.isAdmin ?? false,
    })
  }

  /** A new session for the web app; returns the secret for the cookie and when it expires. */
  async startSession(userId: string): Promise<{ secret: string; expiresAt: Date }> {
    const secret = newSecret()
    const expiresAt = new Date(this.options.now().getTime() + this.options.sessionTtlMs)
    await this.options.store.createCredential({
      kind: 'session',
      hash: hashSecret(secret),
      userId,
      expiresAt,
    })
    return { secret, expiresAt }
  }

  async issueToken(userId: string, name: string, expiresAt: Date | null = null): Promise<string> {
    const secret = newSecret()
    await this.options.store.createCredential({
      kind: 'token',
      hash: hashSecret(secret),
      userId,
      name,
      expiresAt,
    })
    return secret
  }

  /** The user's live API tokens, each with its public id; never the secret or its hash. */
  async listTokens(userId: string): Promise<PublicToken[]> {
    const tokens = await this.options.store.listTokens(userId, this.options.now())
    return tokens.map(({ hash, ...rest }) => ({ id: tokenId(hash), ...rest }))
  }

  /** Revokes the user's live token with this public id; false when they have none such. */
  async revokeToken(userId: string, id: string): Promise<boolean> {
    const tokens = await this.options.store.listTokens(userId, this.options.now())
    const found = tokens.find((t) => tokenId(t.hash) === id)
    return found ? this.revoke({ kind: 'token', hash: found.hash }) : false
  }

  /**
   * Sets a new password when `currentPassword` is right (false otherwise), then ends every other
   * session of the user: `keep` (the caller's own session) stays. API tokens are left alone.
   */
  async changePassword(
    user: User,
    currentPassword: string,
    newPassword: string,
    keep: Credential,
  ): Promise<boolean> {
    if (!(await this.checkPassword(user.email, currentPassword))) return false
    await this.options.store.setPasswordHash(user.id, await hashPassword(newPassword))
    await this.options.store.revokeSessions(
      user.id,
      this.options.now(),
      keep.kind === 'session' ? keep.hash : undefined,
    )
    return true
  }

  async revoke(credential: Credential): Promise<boolean> {
    return this.options.store.revokeCredential(credential.kind, credential.hash, this.options.now())
  }

  /** Resolves a secret of the given kind to its user, or null when unknown, expired or revoked. */
  async resolve(kind: CredentialKind, secret: string | undefined): Promise<Caller | null> {
    if (secret === undefined || secret === '' || secret.length > 200) return null
    const credential = { kind, hash: hashSecret(secret) }
    const user = await this.options.store.findCredential(kind, credential.hash, this.options.now())
    return user ? { user, credential } : null
  }

  /** A bearer token wins over the cookie, so a script is never mistaken for a browser session. */
  async fromHeaders(headers: {
    authorization?: string | undefined
    cookie?: string | undefined
    protocols?: readonly string[]
  }): Promise<Caller | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1]
    if (bearer !== undefined) return this.resolve('token', bearer)
    const fromProtocol = headers.protocols
      ?.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
      ?.slice(TOKEN_PROTOCOL_PREFIX.length)
    if (fromProtocol !== undefined) return this.resolve('token', fromProtocol)
    return this.resolve('session', readCookie(headers.cookie, SESSION_COOKIE))
  }
}

/** The offered WebSocket subprotocols, from the `Sec-WebSocket-Protocol` request header. */
export function offeredProtocols(header: string | null | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
