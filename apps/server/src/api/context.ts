/**
 * What every route module shares: the dependencies, the request context, and the small helpers
 * that authorise a caller, check their role on a pipeline, and read a validated JSON body.
 */
import type { Context, MiddlewareHandler } from 'hono'
import * as v from 'valibot'
import type * as Y from 'yjs'
import { applyAccess, type Auth, type Caller } from '../auth/index.js'
import type { SignupMode } from '../config/index.js'
import type { Logger } from '../logging/index.js'
import type { Metrics } from '../metrics/index.js'
import type { Actor, CredentialKind, Role, Store } from '@weft/storage'
import type { ShippedTemplate } from '../templates/index.js'
import { ApiError, errorCodes } from './errors.js'

/** What the API needs from the relay: the live documents, and the sockets on them. */
export interface DocumentHost {
  read<T>(pipelineId: string, fn: (doc: Y.Doc) => T): Promise<T | null>
  change(pipelineId: string, fn: (doc: Y.Doc) => void, origin?: unknown): Promise<void>
  connections(): Iterable<{
    readonly pipelineId: string
    readonly principal: {
      readonly userId: string
      readonly role: Role
      readonly credential: { kind: CredentialKind; hash: string }
    }
    setRole(role: Role): void
    close(code: number, reason: string): void
  }>
}

export interface ApiOptions {
  readonly store: Store
  readonly auth: Auth
  readonly documents: DocumentHost
  readonly metrics: Metrics
  readonly logger: Logger
  readonly secureCookies: boolean
  /** Who may make an account (WEFT_SIGNUP). */
  readonly signup: SignupMode
  readonly newId: () => string
  /** The clock (injected, so tests can move it): token expiry and login rate limits. */
  readonly now: () => Date
  /** The templates shipped with Weft, read at start-up. */
  readonly shippedTemplates: readonly ShippedTemplate[]
}

export type Env = { Variables: { caller: Caller } }

export const PIPELINE_ID = /^[A-Za-z0-9_-]{1,64}$/
const rank: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 }

/** Resolves the caller from the session cookie or a bearer token; 401 without one. */
export function requireCaller(auth: Auth): MiddlewareHandler<Env> {
  return async (c, next) => {
    const caller = await auth.fromHeaders({
      authorization: c.req.header('authorization'),
      cookie: c.req.header('cookie'),
    })
    if (!caller) throw new ApiError(401, errorCodes.UNAUTHENTICATED, 'Sign in or send a token')
    c.set('caller', caller)
    await next()
  }
}

/**
 * The caller's role on the pipeline named by the `:id` parameter, if it is at least `minimum`.
 * A pipeline the caller cannot see does not exist for them (404, never 403).
 */
export async function roleOn(
  store: Store,
  c: Context<Env>,
  minimum: Role,
): Promise<{ id: string; role: Role }> {
  const id = c.req.param('id') ?? ''
  const role = PIPELINE_ID.test(id) ? await store.getRole(id, c.get('caller').user.id) : null
  if (role === null) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
  if (rank[role] < rank[minimum]) {
    throw new ApiError(403, errorCodes.FORBIDDEN, `This needs the ${minimum} role; you are ${role}`)
  }
  return { id, role }
}

/** The JSON body checked against `schema`; a 400 naming the first bad field otherwise. */
export async function body<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S>> {
  let json: unknown
  try {
    json = await c.req.json()
  } catch {
    throw new ApiError(400, errorCodes.BAD_REQUEST, 'The body must be JSON')
  }
  const result = v.safeParse(schema, json)
  if (!result.success) {
    const issues = result.issues.map((i) => ({
      field: v.getDotPath(i) ?? '',
      message: i.message,
    }))
    const first = issues[0]
    throw new ApiError(
      400,
      errorCodes.BAD_REQUEST,
      first ? `${first.field || 'body'}: ${first.message}` : 'Bad request',
      { issues },
    )
  }
  return result.output
}

/** The signed-in caller as the audit log records them. */
export function actorOf(c: Context<Env>): Actor {
  const { id, email } = c.get('caller').user
  return { id, email }
}

/**
 * After an access change made here, re-checks at once the open sockets on this process that it
 * may affect (`affects`), with the same query as the access sweep; the sweep covers the other
 * processes within WEFT_ACCESS_RECHECK_MS.
 */
export async function recheckSockets(
  options: ApiOptions,
  affects: (connection: { pipelineId: string; principal: { userId: string } }) => boolean,
): Promise<void> {
  const affected = [...options.documents.connections()].filter(affects)
  await applyAccess(options.store, affected, options.now())
}
