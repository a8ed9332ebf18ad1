/**
 * A fetch that answers like the Weft server's REST API, in memory, for the unit tests of the
 * remote commands. The real server is exercised by test/remote.e2e.test.ts; this fake exists to
 * make each refusal (401, 403, 404, 422, 5xx) and the request bodies easy to pin down.
 */
import { readYaml, validateSource } from '@weft/core'

export const USER = { email: 'me@example.com', password: 'correct horse' }
export const TOKEN = 'tok_fake_secret_1234567890'

export interface Recorded {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly contentType: string | undefined
  readonly body: string
}

export interface FakeServer {
  readonly url: string
  readonly fetch: typeof fetch
  readonly requests: Recorded[]
  /** id → { yaml, role } */
  readonly pipelines: Map<string, { yaml: string; role: 'owner' | 'editor' | 'viewer' }>
  /** Answer every request on this path with this status (a crashing server). */
  readonly failures: Map<string, number>
  /** The most requests that were in flight at once. */
  maxInFlight: number
}

export function fakeServer(url = 'https://weft.test'): FakeServer {
  let nextId = 1
  let inFlight = 0
  const server: FakeServer = {
    url,
    requests: [],
    pipelines: new Map(),
    failures: new Map(),
    maxInFlight: 0,
    fetch: async (input, init) => {
      inFlight++
      server.maxInFlight = Math.max(server.maxInFlight, inFlight)
      try {
        // Let other requests start, so concurrency is observable.
        await new Promise((resolve) => setTimeout(resolve, 2))
        const href = String(input)
        if (!href.startsWith(`${url}/`)) {
          throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } })
        }
        const headers = new Headers(init?.headers)
        const req: Recorded = {
          method: init?.method ?? 'GET',
          path: href.slice(url.length),
          authorization: headers.get('authorization') ?? undefined,
          contentType: headers.get('content-type') ?? undefined,
          body: typeof init?.body === 'string' ? init.body : '',
        }
        server.requests.push(req)
        return answer(server, req, () => `p${nextId++}`)
      } finally {
        inFlight--
      }
    },
  }
  return server
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

function error(status: number, code: string, message: string, details?: unknown): Response {
  return json(status, {
    error: details === undefined ? { code, message } : { code, message, details },
  })
}

/** As the server: 422 for YAML that does not parse or has no workflow map, else the diagnostics. */
function check(yaml: string): { refused?: Response; diagnostics: readonly unknown[] } {
  const source = readYaml(yaml)
  const { diagnostics } = validateSource(source)
  const workflow = (source.value as { workflow?: unknown } | null)?.workflow
  if (!source.ok) {
    return {
      diagnostics,
      refused: error(422, 'INVALID_PIPELINE', 'The YAML does not parse', { diagnostics }),
    }
  }
  if (typeof workflow !== 'object' || workflow === null || Array.isArray(workflow)) {
    return {
      diagnostics,
      refused: error(422, 'INVALID_PIPELINE', 'Not a pipeline: it has no workflow map', {
        diagnostics,
      }),
    }
  }
  return { diagnostics }
}

function answer(server: FakeServer, req: Recorded, newId: () => string): Response {
  const failure = server.failures.get(req.path)
  if (failure !== undefined) return error(failure, 'INTERNAL', 'Internal server error')
  if (req.method === 'POST' && req.path === '/api/auth/token') {
    const body = JSON.parse(req.body) as { email: string; password: string }
    if (body.email !== USER.email || body.password !== USER.password) {
      return error(401, 'INVALID_CREDENTIALS', 'Wrong email or password')
    }
    return json(201, { token: TOKEN })
  }
  if (req.authorization !== `Bearer ${TOKEN}`) {
    return error(401, 'UNAUTHENTICATED', 'Sign in or send a token')
  }
  if (req.method === 'GET' && req.path === '/api/pipelines') {
    return json(
      200,
      [...server.pipelines].map(([id, p], i) => ({
        id,
        name: `pipeline ${id}`,
        description: '',
        role: p.role,
        epoch: 'e',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: `2026-01-0${i + 1}T10:00:00.000Z`,
      })),
    )
  }
  if (req.method === 'POST' && req.path === '/api/pipelines') {
    const { refused, diagnostics } = check(req.body)
    if (refused) return refused
    const id = newId()
    server.pipelines.set(id, { yaml: req.body, role: 'owner' })
    return json(201, { id, diagnostics })
  }
  const match = /^\/api\/pipelines\/([^/]+)\/yaml$/.exec(req.path)
  const pipeline = match ? server.pipelines.get(match[1]!) : undefined
  if (!match) return error(404, 'NOT_FOUND', 'No such route')
  if (!pipeline) return error(404, 'PIPELINE_NOT_FOUND', 'No such pipeline')
  if (req.method === 'GET') {
    return new Response(pipeline.yaml, { headers: { 'content-type': 'application/yaml' } })
  }
  if (req.method === 'PUT') {
    if (pipeline.role === 'viewer') {
      return error(403, 'FORBIDDEN', 'This needs the editor role; you are viewer')
    }
    const body = JSON.parse(req.body) as { yaml: string; base?: string }
    const { refused, diagnostics } = check(body.yaml)
    if (refused) return refused
    pipeline.yaml = body.yaml
    return json(200, { mode: body.base === undefined ? 'imported' : 'merged', diagnostics })
  }
  return error(404, 'NOT_FOUND', 'No such route')
}
