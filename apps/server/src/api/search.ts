/**
 * Search (issue 5, point 3): `GET /api/search?q=…&type=…&owner=…&limit=…` over the pipelines the
 * caller has a role on, ranked, each hit naming the step whose name or prompt matched. The
 * pipeline_ex format has no tags, so there is no tag filter.
 */
import { readYaml } from '@weft/core'
import { Hono } from 'hono'
import * as v from 'valibot'
import { requireCaller, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

export const MAX_QUERY_LENGTH = 200
const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100

export const searchOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/search',
    tag: 'Search',
    summary: 'Full-text search over the pipelines you can see, best first',
    access: 'signed-in',
    query: {
      q: {
        description: 'Words to find (websearch syntax: "a phrase", -not, or)',
        schema: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH },
      },
      type: { description: 'Only pipelines with a step of this type', schema: { type: 'string' } },
      owner: { description: "Only pipelines of this owner's email", schema: { type: 'string' } },
      limit: {
        description: `How many hits (default ${DEFAULT_LIMIT})`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
      },
    },
    responses: {
      200: {
        description: 'The hits',
        schema: v.array(
          v.object({
            id: v.string(),
            name: v.string(),
            description: v.string(),
            role: v.picklist(['owner', 'editor', 'viewer']),
            updatedAt: v.pipe(v.string(), v.isoTimestamp()),
            rank: v.number(),
            matchedStep: v.optional(v.object({ name: v.string() })),
          }),
        ),
      },
    },
    errors: { 400: [errorCodes.BAD_REQUEST] },
  },
]

export function searchRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth } = options
  const app = new Hono<Env>()

  app.get('/api/search', requireCaller(auth), async (c) => {
    const q = (c.req.query('q') ?? '').trim()
    if (q === '') throw bad('q: give something to search for')
    if (q.length > MAX_QUERY_LENGTH) {
      throw bad(`q: at most ${MAX_QUERY_LENGTH} characters, not ${q.length}`)
    }
    const type = c.req.query('type')?.trim() || undefined
    if (type !== undefined && type.length > 100) throw bad('type: at most 100 characters')
    const owner = c.req.query('owner')?.trim() || undefined
    if (owner !== undefined && owner.length > 320) throw bad('owner: at most 320 characters')
    const rawLimit = c.req.query('limit')
    const limit = rawLimit === undefined || rawLimit === '' ? DEFAULT_LIMIT : Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw bad(`limit: a whole number from 1 to ${MAX_LIMIT}`)
    }
    const hits = await store.search.search(c.get('caller').user.id, {
      q,
      limit,
      ...(type === undefined ? {} : { type }),
      ...(owner === undefined ? {} : { ownerEmail: owner }),
    })
    const terms = queryTerms(q)
    return c.json(
      hits.map((hit) => {
        const step = matchedStep(hit.yaml, terms)
        return {
          id: hit.id,
          name: hit.name,
          description: hit.description,
          role: hit.role,
          updatedAt: hit.updatedAt.toISOString(),
          rank: hit.rank,
          ...(step === null ? {} : { matchedStep: { name: step } }),
        }
      }),
    )
  })

  return app
}

function bad(message: string): ApiError {
  return new ApiError(400, errorCodes.BAD_REQUEST, message)
}

/** Lower-cased words of a websearch query, leaving out `-excluded` words and the `or` keyword. */
export function queryTerms(q: string): Set<string> {
  const terms = new Set<string>()
  for (const match of q.matchAll(/(-?)"([^"]*)"|(-?)([^\s"]+)/g)) {
    if (match[1] === '-' || match[3] === '-') continue
    const text = match[2] ?? match[4] ?? ''
    if (match[4] !== undefined && text.toLowerCase() === 'or') continue
    for (const word of words(text)) terms.add(word)
  }
  return terms
}

/** Keys whose strings make up a step's searched text (as in `pipelines/summary.ts`). */
const STEP_TEXT = new Set([
  'content',
  'prompt',
  'system_prompt',
  'append_system_prompt',
  'new_prompt',
])

/**
 * The name of the top-level step whose name or prompt text holds the most query words (a name
 * match counts double), or null when none does.
 */
export function matchedStep(yaml: string, terms: ReadonlySet<string>): string | null {
  if (terms.size === 0) return null
  const { value } = readYaml(yaml)
  const workflow = isRecord(value) && isRecord(value.workflow) ? value.workflow : null
  const steps = workflow && Array.isArray(workflow.steps) ? workflow.steps : []
  let best: string | null = null
  let bestScore = 0
  for (const step of steps) {
    if (!isRecord(step) || typeof step.name !== 'string') continue
    const nameWords = new Set(words(step.name))
    const texts: string[] = []
    collect(step, undefined, texts)
    const textWords = new Set(texts.flatMap(words))
    let score = 0
    for (const term of terms) {
      if (nameWords.has(term)) score += 2
      else if (textWords.has(term)) score += 1
    }
    if (score > bestScore) {
      best = step.name
      bestScore = score
    }
  }
  return best
}

/** Roughly what the 'simple' text search configuration makes of text: lower-cased words. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []
}

function collect(value: unknown, key: string | undefined, out: string[]): void {
  if (typeof value === 'string') {
    if (key !== undefined && STEP_TEXT.has(key)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out)
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) collect(v, k, out)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
