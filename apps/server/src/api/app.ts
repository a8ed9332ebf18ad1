/**
 * The REST API: accounts (minimal until the full account flows), pipelines, access, and the YAML
 * of a pipeline read from and written into the live document so REST writes merge with editors.
 */
import { applyYamlEdit, importYaml, readYaml, validateSource, type Diagnostic } from '@weft/core'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, setCookie } from 'hono/cookie'
import * as v from 'valibot'
import * as Y from 'yjs'
import { SESSION_COOKIE, type Auth, type Caller } from '../auth/index.js'
import { isEmail } from '../config/index.js'
import type { Logger } from '../logging/index.js'
import type { Metrics } from '../metrics/index.js'
import { summarizeDocument } from '../pipelines/index.js'
import { StoreError, type Role, type Store } from '../storage/index.js'
import { ApiError, errorBody, errorCodes, handleError } from './errors.js'

/** What the API needs from the relay: the live documents, and the sockets on them. */
export interface DocumentHost {
  read<T>(pipelineId: string, fn: (doc: Y.Doc) => T): Promise<T | null>
  change(pipelineId: string, fn: (doc: Y.Doc) => void, origin?: unknown): Promise<void>
  connections(): Iterable<{
    readonly pipelineId: string
    readonly principal: { readonly userId: string; readonly role: Role }
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
  readonly newId: () => string
}

type Env = { Variables: { caller: Caller } }

const MAX_YAML_BYTES = 5 * 1024 * 1024
const BODY_TYPES = new Set([
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
])
const PIPELINE_ID = /^[A-Za-z0-9_-]{1,64}$/
const rank: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 }

const Credentials = v.object({
  email: v.pipe(v.string(), v.trim(), v.check(isEmail, 'must be an email address')),
  password: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(1024)),
})
const NewUser = v.object({
  email: v.pipe(v.string(), v.trim(), v.check(isEmail, 'must be an email address')),
  password: v.pipe(v.string(), v.minLength(8, 'must be at least 8 characters'), v.maxLength(1024)),
  isAdmin: v.optional(v.boolean()),
})
const TokenRequest = v.object({
  ...Credentials.entries,
  name: v.optional(v.pipe(v.string(), v.maxLength(100))),
})
const AccessChange = v.object({
  email: v.pipe(v.string(), v.trim(), v.check(isEmail, 'must be an email address')),
  role: v.nullable(v.picklist(['owner', 'editor', 'viewer'])),
})
const YamlEdit = v.object({
  yaml: v.string(),
  base: v.optional(v.string()),
})
const NewPipelineJson = v.object({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  yaml: v.optional(v.string()),
})

export function createApi(options: ApiOptions): Hono<Env> {
  const { store, auth, documents, metrics, logger } = options
  const app = new Hono<Env>()
  app.onError(handleError(logger))
  app.notFound((c) => c.json(errorBody(errorCodes.NOT_FOUND, 'No such route'), 404))
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_YAML_BYTES,
      onError: () => {
        throw new ApiError(413, errorCodes.PAYLOAD_TOO_LARGE, 'The body is larger than 5 MiB')
      },
    }),
  )

  // Bodies are JSON or YAML only. Neither is a type a cross-site form can send without a CORS
  // preflight, which this server never grants: a second guard beside SameSite=Strict cookies.
  app.use('/api/*', async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== '' && !BODY_TYPES.has(type)) {
      throw new ApiError(
        415,
        errorCodes.UNSUPPORTED_MEDIA_TYPE,
        `Send JSON or YAML (application/json, application/yaml), not ${type}`,
      )
    }
    await next()
  })

  const requireCaller = async (c: Context<Env>, next: () => Promise<void>) => {
    const caller = await auth.fromHeaders({
      authorization: c.req.header('authorization'),
      cookie: c.req.header('cookie'),
    })
    if (!caller) throw new ApiError(401, errorCodes.UNAUTHENTICATED, 'Sign in or send a token')
    c.set('caller', caller)
    await next()
  }

  /** The caller's role on the pipeline; a pipeline they cannot see does not exist for them. */
  const roleOn = async (c: Context<Env>, minimum: Role): Promise<{ id: string; role: Role }> => {
    const id = c.req.param('id') ?? ''
    const role = PIPELINE_ID.test(id) ? await store.getRole(id, c.get('caller').user.id) : null
    if (role === null) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    if (rank[role] < rank[minimum]) {
      throw new ApiError(
        403,
        errorCodes.FORBIDDEN,
        `This needs the ${minimum} role; you are ${role}`,
      )
    }
    return { id, role }
  }

  app.get('/healthz', async (c) => {
    await store.countUsers()
    return c.json({ status: 'ok' })
  })

  app.get('/metrics', requireCaller, async (c) => {
    if (!c.get('caller').user.isAdmin) {
      throw new ApiError(403, errorCodes.FORBIDDEN, 'Metrics are for admins')
    }
    return c.text(await metrics.registry.metrics(), 200, {
      'content-type': metrics.registry.contentType,
    })
  })

  // accounts

  app.post('/api/auth/login', async (c) => {
    const { email, password } = await body(c, Credentials)
    const user = await auth.checkPassword(email, password)
    if (!user) throw new ApiError(401, errorCodes.INVALID_CREDENTIALS, 'Wrong email or password')
    const session = await auth.startSession(user.id)
    setCookie(c, SESSION_COOKIE, session.secret, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: options.secureCookies,
      path: '/',
      expires: session.expiresAt,
    })
    return c.json(publicUser(user))
  })

  app.post('/api/auth/logout', requireCaller, async (c) => {
    const { credential } = c.get('caller')
    if (credential.kind === 'session') await auth.revoke(credential)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })

  app.post('/api/auth/token', async (c) => {
    const { email, password, name } = await body(c, TokenRequest)
    const user = await auth.checkPassword(email, password)
    if (!user) throw new ApiError(401, errorCodes.INVALID_CREDENTIALS, 'Wrong email or password')
    return c.json({ token: await auth.issueToken(user.id, name ?? 'api') }, 201)
  })

  app.get('/api/me', requireCaller, (c) => c.json(publicUser(c.get('caller').user)))

  app.post('/api/users', requireCaller, async (c) => {
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

  // pipelines

  app.get('/api/pipelines', requireCaller, async (c) => {
    const list = await store.listPipelines(c.get('caller').user.id)
    return c.json(list.map(publicPipeline))
  })

  app.post('/api/pipelines', requireCaller, async (c) => {
    const { name, yaml } = await newPipelineInput(c)
    const doc = new Y.Doc()
    try {
      let diagnostics: readonly Diagnostic[] = []
      if (yaml !== undefined) {
        diagnostics = checkPipelineText(yaml)
        importYaml(doc, yaml)
      } else {
        importYaml(doc, emptyPipeline(name ?? 'untitled'))
      }
      const epoch = options.newId()
      doc.getMap('weft').set('epoch', epoch)
      const id = options.newId()
      await store.createPipeline({
        id,
        ownerId: c.get('caller').user.id,
        epoch,
        state: Y.encodeStateAsUpdate(doc),
        ...summarizeDocument(doc),
      })
      return c.json({ id, diagnostics }, 201)
    } finally {
      doc.destroy()
    }
  })

  app.get('/api/pipelines/:id', requireCaller, async (c) => {
    const { id } = await roleOn(c, 'viewer')
    const info = await store.getPipeline(id, c.get('caller').user.id)
    if (!info) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    return c.json(publicPipeline(info))
  })

  app.delete('/api/pipelines/:id', requireCaller, async (c) => {
    const { id } = await roleOn(c, 'owner')
    await store.deletePipeline(id, new Date())
    for (const connection of documents.connections()) {
      if (connection.pipelineId === id) connection.close(4404, 'pipeline deleted')
    }
    return c.body(null, 204)
  })

  app.get('/api/pipelines/:id/yaml', requireCaller, async (c) => {
    const { id } = await roleOn(c, 'viewer')
    const yaml = await documents.read(id, (doc) => summarizeDocument(doc).yaml)
    if (yaml === null) throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    return c.text(yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' })
  })

  /**
   * A YAML body is applied as the smallest change that makes the pipeline equal to it. With JSON
   * `{ yaml, base }`, where `base` is the YAML the writer started from, only the writer's own
   * edit (base → yaml) is applied, so whatever live editors changed meanwhile is kept.
   */
  app.put('/api/pipelines/:id/yaml', requireCaller, async (c) => {
    const { id } = await roleOn(c, 'editor')
    const type = c.req.header('content-type') ?? ''
    const { yaml, base } = type.includes('json')
      ? await body(c, YamlEdit)
      : { yaml: await c.req.text(), base: undefined }
    const diagnostics = checkPipelineText(yaml)
    let mode: 'merged' | 'imported' = 'imported'
    await documents.change(id, (doc) => {
      mode = applyYamlEdit(doc, base, yaml, { origin: 'rest' }).mode
    })
    return c.json({ mode, diagnostics })
  })

  app.put('/api/pipelines/:id/access', requireCaller, async (c) => {
    const { id } = await roleOn(c, 'owner')
    const { email, role } = await body(c, AccessChange)
    const user = await store.findUserByEmail(email)
    if (!user) throw new ApiError(404, errorCodes.USER_NOT_FOUND, `No user has the email ${email}`)
    // Only owners change access, so forbidding owners to change their own role is enough to
    // keep every pipeline owned by someone.
    if (user.id === c.get('caller').user.id) {
      throw new ApiError(409, errorCodes.OWN_ROLE, 'You cannot change your own role')
    }
    await store.setRole(id, user.id, role)
    // Sockets on this process learn at once; the sweeper covers the other processes.
    for (const connection of documents.connections()) {
      if (connection.pipelineId !== id || connection.principal.userId !== user.id) continue
      if (role === null) connection.close(4403, 'access revoked')
      else connection.setRole(role)
    }
    return c.json({ email: user.email, role })
  })

  return app
}

/** Refuses text that does not parse or is not a pipeline; anything else is kept and flagged. */
function checkPipelineText(yaml: string): readonly Diagnostic[] {
  const source = readYaml(yaml)
  const { diagnostics } = validateSource(source)
  if (!source.ok) {
    throw new ApiError(422, errorCodes.INVALID_PIPELINE, 'The YAML does not parse', {
      diagnostics,
    })
  }
  const value = source.value as { workflow?: unknown } | null
  if (
    typeof value?.workflow !== 'object' ||
    value.workflow === null ||
    Array.isArray(value.workflow)
  ) {
    throw new ApiError(422, errorCodes.INVALID_PIPELINE, 'Not a pipeline: it has no workflow map', {
      diagnostics,
    })
  }
  return diagnostics
}

function emptyPipeline(name: string): string {
  return `workflow:\n  name: ${JSON.stringify(name)}\n  steps: []\n`
}

async function newPipelineInput(c: Context): Promise<{ name?: string; yaml?: string }> {
  const type = c.req.header('content-type') ?? ''
  if (type.includes('json')) {
    const input = await body(c, NewPipelineJson)
    return {
      ...(input.name ? { name: input.name } : {}),
      ...(input.yaml ? { yaml: input.yaml } : {}),
    }
  }
  return { yaml: await c.req.text() }
}

async function body<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
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

function publicUser(user: { id: string; email: string; isAdmin: boolean }) {
  return { id: user.id, email: user.email, isAdmin: user.isAdmin }
}

function publicPipeline(p: {
  id: string
  name: string
  description: string
  role: Role
  epoch: string
  createdAt: Date
  updatedAt: Date
}) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    role: p.role,
    epoch: p.epoch,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }
}
