/**
 * Accounts: sign-in (rate limited), sign-out, password change, API tokens by password, users.
 * Token management (list, create, revoke) is in `tokens.ts`.
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import { Hono, type Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import * as v from 'valibot'
import { SESSION_COOKIE } from '../auth/index.js'
import { LoginRateLimiter } from '../auth/rate-limit.js'
import { isEmail } from '../config/index.js'
import { StoreError, type User } from '@weft/storage'
import { body, requireCaller, type ApiOptions, type Env } from './context.js'
import { ApiError, errorBody, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

/** An email address, trimmed; stored lower-cased. */
export const Email = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.check(isEmail, 'must be an email address, like ann@example.com'),
)
/** A new password: long enough to resist guessing, short enough to hash quickly. */
export const NewPassword = v.pipe(
  v.string('must be a string'),
  v.minLength(8, 'must be at least 8 characters'),
  v.maxLength(1024, 'must be at most 1024 characters'),
)
const Credentials = v.object({
  email: Email,
  password: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(1024)),
})
const NewUser = v.object({
  email: Email,
  password: NewPassword,
  isAdmin: v.optional(v.boolean()),
})
const PasswordChange = v.object({
  currentPassword: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(1024)),
  newPassword: NewPassword,
})
const TokenRequest = v.object({
  ...Credentials.entries,
  name: v.optional(v.pipe(v.string(), v.maxLength(100))),
})

export const PublicUser = v.object({ id: v.string(), email: v.string(), isAdmin: v.boolean() })

export const accountOperations: readonly Operation[] = [
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'Accounts',
    summary: 'Sign in: sets the HttpOnly session cookie',
    description:
      'Failed attempts are counted per email and per client address; after 5 the route answers 429 with Retry-After, without checking the password.',
    access: 'public',
    body: [{ type: 'application/json', schema: Credentials }],
    responses: { 200: { description: 'Signed in; the cookie is set', schema: PublicUser } },
    errors: { 401: [errorCodes.INVALID_CREDENTIALS], 429: [errorCodes.RATE_LIMITED] },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'Accounts',
    summary: 'Sign out: ends this session and clears the cookie',
    access: 'signed-in',
    responses: { 204: { description: 'Signed out' } },
  },
  {
    method: 'post',
    path: '/api/auth/token',
    tag: 'Accounts',
    summary: 'Trade an email and password for a new API token (for scripts and `weft login`)',
    access: 'public',
    body: [{ type: 'application/json', schema: TokenRequest }],
    responses: {
      201: {
        description: 'The token, shown only this once',
        schema: v.object({ token: v.string() }),
      },
    },
    errors: { 401: [errorCodes.INVALID_CREDENTIALS], 429: [errorCodes.RATE_LIMITED] },
  },
  {
    method: 'post',
    path: '/api/auth/password',
    tag: 'Accounts',
    summary: 'Change your password; ends your other sessions (API tokens stay)',
    access: 'signed-in',
    body: [{ type: 'application/json', schema: PasswordChange }],
    responses: { 204: { description: 'Changed' } },
    errors: { 403: [errorCodes.WRONG_PASSWORD] },
  },
  {
    method: 'get',
    path: '/api/me',
    tag: 'Accounts',
    summary: 'Who you are',
    access: 'signed-in',
    responses: { 200: { description: 'The caller', schema: PublicUser } },
  },
  {
    method: 'post',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'Create a user (admins)',
    access: 'admin',
    body: [{ type: 'application/json', schema: NewUser }],
    responses: { 201: { description: 'The new user', schema: PublicUser } },
    errors: { 409: [errorCodes.EMAIL_TAKEN] },
  },
]

export function accountRoutes(options: ApiOptions): Hono<Env> {
  const { auth } = options
  const app = new Hono<Env>()
  const signedIn = requireCaller(auth)
  const limiter = new LoginRateLimiter(options.now)

  /**
   * The user with this email and password, counting failures per email and per client address;
   * null with a 429 response when too many failed recently (the password is then not checked).
   */
  const signIn = async (
    c: Context<Env>,
    email: string,
    password: string,
  ): Promise<User | Response> => {
    const address = clientAddress(c)
    const wait = limiter.retryAfter(email, address)
    if (wait > 0) return tooMany(c, wait, 'Too many failed sign-ins')
    const user = await auth.checkPassword(email, password)
    if (!user) {
      limiter.failed(email, address)
      throw new ApiError(401, errorCodes.INVALID_CREDENTIALS, 'Wrong email or password')
    }
    limiter.succeeded(email)
    return user
  }

  app.post('/api/auth/login', async (c) => {
    const { email, password } = await body(c, Credentials)
    const user = await signIn(c, email, password)
    if (user instanceof Response) return user
    await startSession(c, options, user.id)
    return c.json(publicUser(user))
  })

  app.post('/api/auth/logout', signedIn, async (c) => {
    const { credential } = c.get('caller')
    if (credential.kind === 'session') await auth.revoke(credential)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })

  app.post('/api/auth/token', async (c) => {
    const { email, password, name } = await body(c, TokenRequest)
    const user = await signIn(c, email, password)
    if (user instanceof Response) return user
    return c.json({ token: await auth.issueToken(user.id, name ?? 'api') }, 201)
  })

  app.post('/api/auth/password', signedIn, async (c) => {
    const { currentPassword, newPassword } = await body(c, PasswordChange)
    const { user, credential } = c.get('caller')
    if (!(await auth.changePassword(user, currentPassword, newPassword, credential))) {
      throw new ApiError(403, errorCodes.WRONG_PASSWORD, 'The current password is wrong')
    }
    return c.body(null, 204)
  })

  app.get('/api/me', signedIn, (c) => c.json(publicUser(c.get('caller').user)))

  app.post('/api/users', signedIn, async (c) => {
    if (!c.get('caller').user.isAdmin) {
      throw new ApiError(403, errorCodes.FORBIDDEN, 'Only an admin can create users')
    }
    const input = await body(c, NewUser)
    try {
      return c.json(publicUser(await auth.createUser(input)), 201)
    } catch (error) {
      if (error instanceof StoreError && error.code === 'EMAIL_TAKEN') {
        throw new ApiError(409, errorCodes.EMAIL_TAKEN, `${input.email} already has an account`)
      }
      throw error
    }
  })

  return app
}

/** Starts a session for the user and sets its cookie: HttpOnly, SameSite=Strict. */
export async function startSession(
  c: Context,
  options: Pick<ApiOptions, 'auth' | 'secureCookies'>,
  userId: string,
): Promise<void> {
  const session = await options.auth.startSession(userId)
  setCookie(c, SESSION_COOKIE, session.secret, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: options.secureCookies,
    path: '/',
    expires: session.expiresAt,
  })
}

/** The peer's address as the socket sees it (no proxy headers: they are the client's to forge). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** 429 with Retry-After, for a rate limit that says how many seconds remain. */
export function tooMany(c: Context, wait: number, what: string): Response {
  return c.json(errorBody(errorCodes.RATE_LIMITED, `${what}; try again in ${wait} seconds`), 429, {
    'Retry-After': String(wait),
  })
}

export function publicUser(user: { id: string; email: string; isAdmin: boolean }) {
  return { id: user.id, email: user.email, isAdmin: user.isAdmin }
}
