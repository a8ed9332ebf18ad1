/**
 * Ways in: sign-up as WEFT_SIGNUP allows (open, invite-only, closed), the invites admins hand
 * out, the admins' user list, and the one-time setup of a fresh install. Invite and setup codes
 * travel in request bodies and in the fragment of the links the web app opens (`/join#<code>`,
 * `/setup#<code>`), never in a URL path or query a proxy would log. See decision 0010.
 */
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import { hashPassword, hashSecret, newSecret } from '../auth/index.js'
import { StoreError, type Invite, type User } from '@weft/storage'
import { SignupRateLimiter } from '../auth/rate-limit.js'
import {
  clientAddress,
  Email,
  NewPassword,
  PublicUser,
  publicUser,
  startSession,
  tooMany,
} from './accounts.js'
import { body, requireCaller, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

const DAY_MS = 24 * 60 * 60 * 1000
const DEFAULT_INVITE_DAYS = 7
const INVITE_ID = /^[A-Za-z0-9_-]{1,64}$/

const Code = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.maxLength(200, 'is not a code Weft made'),
)
const Name = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.maxLength(100, 'must be at most 100 characters'),
)
const SignUp = v.object({
  email: Email,
  password: NewPassword,
  name: v.optional(Name),
  /** The code from an invite link; required when WEFT_SIGNUP=invite. */
  invite: v.optional(Code),
})
const NewInvite = v.object({
  /** Only this email may use the invite. */
  email: v.optional(Email),
  role: v.optional(v.picklist(['member', 'admin'], 'must be member or admin')),
  expiresInDays: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number of days'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(90, 'must be at most 90'),
    ),
  ),
})
const SetUp = v.object({
  code: Code,
  email: Email,
  password: NewPassword,
  name: v.optional(Name),
})

const SignupInfo = v.object({ mode: v.picklist(['open', 'invite', 'closed']) })
const InviteInfo = v.object({
  id: v.string(),
  email: v.nullable(v.string()),
  role: v.picklist(['member', 'admin']),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  expiresAt: v.pipe(v.string(), v.isoTimestamp()),
})
const CreatedInvite = v.object({
  ...InviteInfo.entries,
  code: v.string(),
  /** Relative to the server: prefix with its address. The code is in the fragment. */
  link: v.string(),
})

export const signupOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/auth/signup',
    tag: 'Accounts',
    summary: 'How this server takes sign-ups: open, invite or closed (WEFT_SIGNUP)',
    access: 'public',
    responses: { 200: { description: 'The mode', schema: SignupInfo } },
  },
  {
    method: 'post',
    path: '/api/auth/signup',
    tag: 'Accounts',
    summary: 'Make an account and sign in (sets the session cookie)',
    description:
      'Open mode: anyone. Invite mode: with `invite`, the code of an unused, unexpired invite (for this email, when the invite names one); the invite is spent. Closed: refused. An invite is honoured in open mode too (it may make an admin). Attempts are counted per client address; after 10 in an hour the route answers 429 with Retry-After.',
    access: 'public',
    body: [{ type: 'application/json', schema: SignUp }],
    responses: { 201: { description: 'Signed up and signed in', schema: PublicUser } },
    errors: {
      403: [errorCodes.SIGNUP_CLOSED, errorCodes.INVITE_REQUIRED, errorCodes.INVITE_INVALID],
      409: [errorCodes.EMAIL_TAKEN],
      429: [errorCodes.RATE_LIMITED],
    },
  },
  {
    method: 'get',
    path: '/api/invites',
    tag: 'Accounts',
    summary: 'Pending invites: not used, revoked or expired (admins)',
    access: 'admin',
    responses: { 200: { description: 'The invites', schema: v.array(InviteInfo) } },
  },
  {
    method: 'post',
    path: '/api/invites',
    tag: 'Accounts',
    summary: 'Create an invite (admins); its code is in this answer only',
    description: `Expires after \`expiresInDays\` (default ${DEFAULT_INVITE_DAYS}). Share \`link\` prefixed with the server's address; the code is in the fragment, which browsers never send to a server.`,
    access: 'admin',
    body: [{ type: 'application/json', schema: NewInvite }],
    responses: { 201: { description: 'The invite, with its code', schema: CreatedInvite } },
    errors: { 403: [errorCodes.SIGNUP_CLOSED] },
  },
  {
    method: 'delete',
    path: '/api/invites/{id}',
    tag: 'Accounts',
    summary: 'Revoke a pending invite (admins)',
    access: 'admin',
    params: { id: 'The invite id from the list' },
    responses: { 204: { description: 'Revoked' } },
    errors: { 404: [errorCodes.INVITE_NOT_FOUND] },
  },
  {
    method: 'get',
    path: '/api/users',
    tag: 'Accounts',
    summary: 'Every user (admins)',
    access: 'admin',
    responses: {
      200: {
        description: 'The users',
        schema: v.array(
          v.object({
            ...PublicUser.entries,
            name: v.string(),
            createdAt: v.pipe(v.string(), v.isoTimestamp()),
          }),
        ),
      },
    },
  },
  {
    method: 'get',
    path: '/api/setup',
    tag: 'Accounts',
    summary: 'Whether this server still needs its first admin',
    access: 'public',
    responses: { 200: { description: 'Setup state', schema: v.object({ needed: v.boolean() }) } },
  },
  {
    method: 'post',
    path: '/api/setup',
    tag: 'Accounts',
    summary: 'Create the first admin with the code of the setup link, and sign in',
    description:
      'Works once, only while the server has no user, with the code from the newest setup link in the server log (valid 24 hours or until the next restart).',
    access: 'public',
    body: [{ type: 'application/json', schema: SetUp }],
    responses: { 201: { description: 'The first admin, signed in', schema: PublicUser } },
    errors: { 403: [errorCodes.SETUP_CODE_INVALID], 409: [errorCodes.SETUP_DONE] },
  },
]

export function signupRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth, now } = options
  const app = new Hono<Env>()
  const limiter = new SignupRateLimiter(now)
  const admin = [
    requireCaller(auth),
    async (c: Context<Env>, next: () => Promise<void>) => {
      if (!c.get('caller').user.isAdmin) {
        throw new ApiError(403, errorCodes.FORBIDDEN, 'Only an admin can do this')
      }
      await next()
    },
  ] as const

  app.get('/api/auth/signup', (c) => c.json({ mode: options.signup }))

  app.post('/api/auth/signup', async (c) => {
    const input = await body(c, SignUp)
    if (options.signup === 'closed') {
      throw new ApiError(
        403,
        errorCodes.SIGNUP_CLOSED,
        'Sign-up is closed on this server: ask an admin to create your account',
      )
    }
    if (options.signup === 'invite' && input.invite === undefined) {
      throw new ApiError(
        403,
        errorCodes.INVITE_REQUIRED,
        'Sign-up on this server is by invitation: ask an admin for an invite link',
      )
    }
    // Counted before the invite is looked up, so guessing invite codes is limited as well.
    const wait = limiter.attempt(clientAddress(c))
    if (wait > 0) return tooMany(c, wait, 'Too many sign-ups from this address')
    const badInvite = () =>
      new ApiError(
        403,
        errorCodes.INVITE_INVALID,
        'invite: this invite was used, revoked, has expired, or is for another email',
      )
    const invite = input.invite === undefined ? undefined : hashSecret(input.invite)
    // Refuse a made-up code before spending a password hash on it.
    if (
      invite !== undefined &&
      !(await store.accounts.isInviteUsable(invite, input.email, now()))
    ) {
      throw badInvite()
    }
    const account = {
      email: input.email,
      name: input.name ?? '',
      passwordHash: await hashPassword(input.password),
    }
    const user = await emailTaken(input.email, async () => {
      if (invite === undefined) return store.accounts.signUp(account, false)
      try {
        return await store.accounts.signUpWithInvite(invite, account, now())
      } catch (error) {
        if (error instanceof StoreError && error.code === 'NOT_FOUND') throw badInvite()
        throw error
      }
    })
    await startSession(c, options, user.id)
    return c.json(publicUser(user), 201)
  })

  app.get('/api/invites', ...admin, async (c) => {
    return c.json((await store.accounts.listInvites(now())).map(publicInvite))
  })

  app.post('/api/invites', ...admin, async (c) => {
    const input = await body(c, NewInvite)
    if (options.signup === 'closed') {
      throw new ApiError(
        403,
        errorCodes.SIGNUP_CLOSED,
        'Sign-up is closed on this server (WEFT_SIGNUP=closed), so no one could use an invite: create the user instead',
      )
    }
    const code = newSecret()
    const invite = await store.accounts.createInvite({
      id: options.newId(),
      hash: hashSecret(code),
      email: input.email ?? null,
      isAdmin: input.role === 'admin',
      createdBy: c.get('caller').user.id,
      expiresAt: new Date(now().getTime() + (input.expiresInDays ?? DEFAULT_INVITE_DAYS) * DAY_MS),
    })
    return c.json({ ...publicInvite(invite), code, link: `/join#${code}` }, 201)
  })

  app.delete('/api/invites/:id', ...admin, async (c) => {
    const id = c.req.param('id')
    if (!INVITE_ID.test(id) || !(await store.accounts.revokeInvite(id, now()))) {
      throw new ApiError(404, errorCodes.INVITE_NOT_FOUND, 'No such pending invite')
    }
    return c.body(null, 204)
  })

  app.get('/api/users', ...admin, async (c) => {
    const users = await store.accounts.listUsers()
    return c.json(
      users.map((u) => ({ ...publicUser(u), name: u.name, createdAt: u.createdAt.toISOString() })),
    )
  })

  app.get('/api/setup', async (c) => c.json({ needed: (await store.countUsers()) === 0 }))

  app.post('/api/setup', async (c) => {
    const input = await body(c, SetUp)
    const code = hashSecret(input.code)
    // The cheap checks first, so a guess costs no password hash; setUp repeats them atomically.
    if (!(await store.accounts.isSetupOpen(code, now()))) {
      if ((await store.countUsers()) > 0) throw setupDone()
      throw setupCodeInvalid()
    }
    const account = {
      email: input.email,
      name: input.name ?? '',
      passwordHash: await hashPassword(input.password),
    }
    let user: User
    try {
      user = await store.accounts.setUp(code, account, now())
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CONFLICT') throw setupDone()
      if (error instanceof StoreError && error.code === 'NOT_FOUND') throw setupCodeInvalid()
      throw error
    }
    options.logger.info('created the first admin with the setup link', { email: user.email })
    await startSession(c, options, user.id)
    return c.json(publicUser(user), 201)
  })

  return app
}

const setupDone = () =>
  new ApiError(409, errorCodes.SETUP_DONE, 'This server is set up already: sign in')
const setupCodeInvalid = () =>
  new ApiError(
    403,
    errorCodes.SETUP_CODE_INVALID,
    'code: this setup link is not valid (a restart replaces it): use the newest one in the server log',
  )

async function emailTaken(email: string, create: () => Promise<User>): Promise<User> {
  try {
    return await create()
  } catch (error) {
    if (error instanceof StoreError && error.code === 'EMAIL_TAKEN') {
      throw new ApiError(409, errorCodes.EMAIL_TAKEN, `email: ${email} already has an account`)
    }
    throw error
  }
}

function publicInvite(invite: Invite) {
  return {
    id: invite.id,
    email: invite.email,
    role: invite.isAdmin ? 'admin' : 'member',
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
  }
}
