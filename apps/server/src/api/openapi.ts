/**
 * The OpenAPI 3.1 document of the REST API, built from one `Operation` per route. Each route
 * module exports its operations beside its routes, and request bodies are the very valibot
 * schemas the routes validate with, converted to JSON Schema, so the document cannot drift from
 * what the server accepts. `openapi.test.ts` fails when a route of the app has no operation, or
 * an operation no route.
 */
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'
import { errorCodes, type ErrorCode } from './errors.js'

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Who may call a route: anyone, any signed-in caller, or admins only. */
export type Access = 'public' | 'signed-in' | 'admin'

interface Content {
  /** A valibot schema (converted) or a JSON Schema written out. */
  readonly schema?: v.GenericSchema | JsonSchema
  /** Defaults to application/json. */
  readonly type?: string
}

export interface Operation {
  readonly method: Method
  /** In OpenAPI form: `/api/pipelines/{id}`. */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  readonly access: Access
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<
    Record<string, { readonly description: string; readonly schema: JsonSchema }>
  >
  /** Request bodies by media type; JSON ones are validated with exactly these schemas. */
  readonly body?: readonly (Content & { readonly type: string })[]
  readonly responses: Readonly<Record<number, Content & { readonly description: string }>>
  /** The stable error codes the route itself answers with, by status. */
  readonly errors?: Readonly<Partial<Record<number, readonly ErrorCode[]>>>
}

/** What every error response looks like; `code` is one of the stable codes. */
const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          enum: Object.values(errorCodes),
          description: 'Stable: branch on this, never on the message.',
        },
        message: { type: 'string', description: 'For people: says what is wrong and where.' },
        details: {
          description:
            'Extra data for some codes: BAD_REQUEST has `issues` ({ field, message }[]), INVALID_PIPELINE has `diagnostics`.',
        },
      },
    },
  },
} as const satisfies JsonSchema

/** The stable error codes with what each means, for the document and the reference page. */
export const errorCodeMeanings: Readonly<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'The request is malformed or a field is invalid; `message` names the field.',
  UNAUTHENTICATED: 'No valid session cookie or bearer token.',
  CROSS_SITE_REQUEST:
    'A browser sent this state-changing request from another site (Sec-Fetch-Site or Origin); refused.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  FORBIDDEN: 'Signed in, but your role does not allow this.',
  NOT_FOUND: 'No such route.',
  PIPELINE_NOT_FOUND: 'No such pipeline, or one you cannot see.',
  TEMPLATE_NOT_FOUND: 'No such template.',
  VERSION_NOT_FOUND: 'No such version of this pipeline.',
  USER_NOT_FOUND: 'No user has that email.',
  TEAM_NOT_FOUND: 'No such team, or one you are not a member of.',
  LAST_OWNER: 'A team needs an owner: the last one cannot leave or be demoted.',
  TEAM_NOT_EMPTY: 'The team still owns pipelines: delete or transfer them first.',
  EMAIL_TAKEN: 'That email already has an account.',
  SIGNUP_CLOSED: 'This server takes no sign-ups (WEFT_SIGNUP=closed); an admin creates accounts.',
  INVITE_REQUIRED: 'Sign-up on this server needs an invite from an admin (WEFT_SIGNUP=invite).',
  INVITE_INVALID: 'The invite was used, revoked, has expired, or is for another email.',
  INVITE_NOT_FOUND: 'No such pending invite.',
  SETUP_DONE: 'The server already has users: setup is over; sign in instead.',
  SETUP_CODE_INVALID:
    'The setup link is wrong or was replaced by a restart; use the newest one in the server log.',
  INVALID_PIPELINE: 'The YAML does not parse or is not a pipeline; `details.diagnostics` says why.',
  OWN_ROLE: 'You cannot change your own role on a pipeline.',
  WRONG_PASSWORD: 'The current password is wrong.',
  TOKEN_NOT_FOUND: 'No such API token of yours.',
  RATE_LIMITED: 'Too many failed sign-ins; see the Retry-After header.',
  PAYLOAD_TOO_LARGE: 'The body is larger than 5 MiB.',
  UNSUPPORTED_MEDIA_TYPE: 'Bodies are JSON or YAML only.',
  UNAVAILABLE: 'The server cannot make the change durable right now; try again shortly.',
  INTERNAL: 'A bug in the server; it is logged.',
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported body type',
  422: 'Not a pipeline',
  429: 'Too many attempts',
}

function schemaOf(schema: v.GenericSchema | JsonSchema | undefined): JsonSchema | undefined {
  if (schema === undefined) return undefined
  if (!('kind' in schema && schema.kind === 'schema')) return schema as JsonSchema
  // Checks with no JSON Schema form (a custom email check, a trim) are left out: the document
  // says what shape to send, and the 400 message says which rule a value broke.
  const { $schema: _, ...json } = toJsonSchema(schema as v.GenericSchema, {
    target: 'draft-2020-12',
    typeMode: 'input',
    errorMode: 'ignore',
  })
  return json
}

function content(c: Content): Record<string, { schema?: JsonSchema }> {
  const schema = schemaOf(c.schema)
  return { [c.type ?? 'application/json']: schema === undefined ? {} : { schema } }
}

/** The error codes an operation can answer with, including those every route of its kind has. */
export function errorsOf(op: Operation): Map<number, Set<ErrorCode>> {
  const out = new Map<number, Set<ErrorCode>>()
  const add = (status: number, code: ErrorCode) => {
    const set = out.get(status) ?? new Set<ErrorCode>()
    set.add(code)
    out.set(status, set)
  }
  if (op.access !== 'public') add(401, errorCodes.UNAUTHENTICATED)
  if (op.access === 'admin') add(403, errorCodes.FORBIDDEN)
  if (op.method !== 'get') add(403, errorCodes.CROSS_SITE_REQUEST)
  if (op.body !== undefined) {
    add(400, errorCodes.BAD_REQUEST)
    add(413, errorCodes.PAYLOAD_TOO_LARGE)
    add(415, errorCodes.UNSUPPORTED_MEDIA_TYPE)
  }
  for (const [status, codes] of Object.entries(op.errors ?? {})) {
    for (const code of codes ?? []) add(Number(status), code)
  }
  return out
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0'
  readonly info: { title: string; version: string; description: string }
  readonly paths: Record<string, Record<string, Record<string, unknown>>>
  readonly components: Record<string, Record<string, unknown>>
  readonly tags: { name: string }[]
}

export function openApiDocument(operations: readonly Operation[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  const tags: string[] = []
  for (const op of operations) {
    if (!tags.includes(op.tag)) tags.push(op.tag)
    const parameters = [
      ...Object.entries(op.params ?? {}).map(([name, description]) => ({
        name,
        in: 'path',
        required: true,
        description,
        schema: { type: 'string' },
      })),
      ...Object.entries(op.query ?? {}).map(([name, q]) => ({
        name,
        in: 'query',
        description: q.description,
        schema: q.schema,
      })),
    ]
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema === undefined && r.type === undefined ? {} : { content: content(r) }),
      }
    }
    for (const [status, codes] of [...errorsOf(op)].sort(([a], [b]) => a - b)) {
      responses[String(status)] = {
        description: `${STATUS_TEXT[status] ?? 'Error'}: ${[...codes].join(', ')}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }
    }
    const operation = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      ...(op.description === undefined ? {} : { description: op.description }),
      security: op.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      'x-weft-access': op.access,
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(op.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: Object.assign({}, ...op.body.map(content)) as Record<string, unknown>,
            },
          }),
      responses,
    }
    const item = (paths[op.path] ??= {})
    if (item[op.method] !== undefined) throw new Error(`${op.method} ${op.path} described twice`)
    item[op.method] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Weft API',
      version: '1',
      description: [
        'The REST API of a Weft server. Send a bearer token (`Authorization: Bearer <token>`, from',
        '`POST /api/tokens` or `POST /api/auth/token`) or, from the web app, the session cookie.',
        'Live editing is not REST: it is the y-websocket protocol on `/sync/{pipelineId}`',
        '(docs/protocol.md). Every error is `{ "error": { "code", "message", "details"? } }` with a',
        'stable code:',
        '',
        ...Object.entries(errorCodeMeanings).map(([code, meaning]) => `- \`${code}\`: ${meaning}`),
      ].join('\n'),
    },
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'weft_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  }
}

/** `put /api/pipelines/{id}/yaml` → `putApiPipelinesIdYaml`. */
function operationId(op: Operation): string {
  const words = `${op.method} ${op.path}`.split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('')
}

/** Hono's `/api/pipelines/:id` in OpenAPI form, `/api/pipelines/{id}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}')
}
