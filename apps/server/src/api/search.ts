/**
 * Search and tags (issue 5, point 3). `GET /api/search?q=…&type=…&tag=…&owner=…&limit=…` over
 * the pipelines the caller has a role on, ranked (docs/decisions/0011-search.md), each hit naming
 * the step whose name or prompt matched (for a match in the steps). The last word of the query also matches as a prefix, so
 * the box can search as people type. The pipeline_ex format has no tags, so tags are Weft's own:
 * editors set them with `PUT /api/pipelines/:id/tags`; `GET /api/tags` lists those on the
 * pipelines the caller can see, for the filter.
 */
import { checkTags, MAX_TAG_LENGTH, MAX_TAGS, normalizeTag, readYaml, tagProblem } from '@weft/core'
import { Hono } from 'hono'
import * as v from 'valibot'
import type { StepText } from '@weft/storage'
import { stepTexts } from '../pipelines/index.js'
import { body, requireCaller, roleOn, type ApiOptions, type Env } from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

export const MAX_QUERY_LENGTH = 200
const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100
const MAX_FACETS = 200

const TagList = v.object({
  tags: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(200))),
    v.maxLength(100, 'at most 100 entries'),
  ),
})
const Tags = v.array(v.string())

export const searchOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/search',
    tag: 'Search',
    summary: 'Full-text search over the pipelines you can see, best first',
    description:
      'Matches names, tags, descriptions, step names and prompt text. Order: the name is the query, then every word in the name or a tag, then in the description, then anywhere; within each, by text rank (of the 200 most recently updated matches), then recency. The last word also matches as a prefix.',
    access: 'signed-in',
    query: {
      q: {
        description: 'Words to find (websearch syntax: "a phrase", -not, or)',
        schema: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH },
      },
      type: { description: 'Only pipelines with a step of this type', schema: { type: 'string' } },
      tag: { description: 'Only pipelines with this tag', schema: { type: 'string' } },
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
            tags: Tags,
            role: v.picklist(['owner', 'editor', 'viewer']),
            updatedAt: v.pipe(v.string(), v.isoTimestamp()),
            matchedIn: v.picklist(['exact-name', 'name', 'description', 'steps']),
            rank: v.number(),
            matchedStep: v.optional(v.object({ name: v.string() })),
          }),
        ),
      },
    },
    errors: { 400: [errorCodes.BAD_REQUEST] },
  },
  {
    method: 'put',
    path: '/api/pipelines/{id}/tags',
    tag: 'Search',
    summary: 'Replace the tags of a pipeline (editors)',
    description: `Each tag is lower-cased, inner spaces become -, then it must be letters, digits, - and _ (at most ${MAX_TAG_LENGTH} characters, ${MAX_TAGS} tags); duplicates are dropped.`,
    access: 'signed-in',
    params: { id: 'The pipeline id' },
    body: [{ type: 'application/json', schema: TagList }],
    responses: { 200: { description: 'The tags as kept', schema: v.object({ tags: Tags }) } },
    errors: { 403: [errorCodes.FORBIDDEN], 404: [errorCodes.PIPELINE_NOT_FOUND] },
  },
  {
    method: 'get',
    path: '/api/tags',
    tag: 'Search',
    summary: 'The tags on pipelines you can see, most used first',
    access: 'signed-in',
    responses: {
      200: {
        description: 'Tags with how many of your visible pipelines carry each',
        schema: v.array(v.object({ tag: v.string(), count: v.number() })),
      },
    },
  },
]

const MATCHED_IN = ['exact-name', 'name', 'description', 'steps'] as const

export function searchRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth } = options
  const app = new Hono<Env>()
  const signedIn = requireCaller(auth)

  app.get('/api/search', signedIn, async (c) => {
    const q = (c.req.query('q') ?? '').trim()
    if (q === '') throw bad('q: give something to search for')
    if (q.length > MAX_QUERY_LENGTH) {
      throw bad(`q: at most ${MAX_QUERY_LENGTH} characters, not ${q.length}`)
    }
    const type = c.req.query('type')?.trim() || undefined
    if (type !== undefined && type.length > 100) throw bad('type: at most 100 characters')
    const owner = c.req.query('owner')?.trim() || undefined
    if (owner !== undefined && owner.length > 320) throw bad('owner: at most 320 characters')
    const rawTag = c.req.query('tag')?.trim() || undefined
    const tag = rawTag === undefined ? undefined : normalizeTag(rawTag)
    const tagError = tag === undefined ? null : tagProblem(tag)
    if (tagError !== null) throw bad(`tag: ${tagError}`)
    const rawLimit = c.req.query('limit')
    const limit = rawLimit === undefined || rawLimit === '' ? DEFAULT_LIMIT : Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw bad(`limit: a whole number from 1 to ${MAX_LIMIT}`)
    }
    const prefix = prefixWord(q)
    const hits = await store.search.search(c.get('caller').user.id, {
      q,
      limit,
      prefix: prefix !== null,
      ...(type === undefined ? {} : { type }),
      ...(tag === undefined ? {} : { tag }),
      ...(owner === undefined ? {} : { ownerEmail: owner }),
    })
    const terms = queryTerms(q)
    return c.json(
      hits.map((hit) => {
        // A name, tag or description match is named by matchedIn; only a steps match is parsed.
        const step = hit.tier === 3 ? matchedStep(hit.steps ?? hit.yaml, terms, prefix) : null
        return {
          id: hit.id,
          name: hit.name,
          description: hit.description,
          tags: hit.tags,
          role: hit.role,
          updatedAt: hit.updatedAt.toISOString(),
          matchedIn: MATCHED_IN[hit.tier] ?? 'steps',
          rank: hit.rank,
          ...(step === null ? {} : { matchedStep: { name: step } }),
        }
      }),
    )
  })

  app.put('/api/pipelines/:id/tags', signedIn, async (c) => {
    const { id } = await roleOn(store, c, 'editor')
    const input = await body(c, TagList)
    const checked = checkTags(input.tags)
    if (!checked.ok) throw bad(checked.message)
    if (!(await store.search.setTags(id, checked.tags))) {
      throw new ApiError(404, errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline')
    }
    return c.json({ tags: checked.tags })
  })

  app.get('/api/tags', signedIn, async (c) => {
    return c.json(await store.search.tagCounts(c.get('caller').user.id, MAX_FACETS))
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

/**
 * The word the query ends in, lower-cased, when it should also match as a prefix: the query ends
 * in a word (not a closing quote or a space) that is not excluded, not `or`, and 2+ characters.
 */
export function prefixWord(q: string): string | null {
  if ((q.match(/"/g) ?? []).length % 2 === 1 || /["\s]$/.test(q)) return null
  const last = q.split(/\s+/).at(-1) ?? ''
  if (last.startsWith('-') || last.toLowerCase() === 'or') return null
  const word = words(last).at(-1)
  if (word === undefined || word.length < 2 || !last.toLowerCase().endsWith(word)) return null
  return word
}

/**
 * The name of the top-level step whose name or prompt text holds the most query words (a name
 * match counts double; `prefix`, the query's last word, also matches words it starts), or null.
 * `steps` as the summary stores them (`stepTexts`), or a YAML text to read them from.
 */
export function matchedStep(
  steps: readonly StepText[] | string,
  terms: ReadonlySet<string>,
  prefix: string | null = null,
): string | null {
  if (terms.size === 0) return null
  const list = typeof steps === 'string' ? stepTexts(readYaml(steps).value) : steps
  let best: string | null = null
  let bestScore = 0
  for (const step of list) {
    const nameWords = new Set(words(step.name))
    const textWords = new Set(words(step.text))
    const has = (set: ReadonlySet<string>, term: string) =>
      set.has(term) || (term === prefix && [...set].some((w) => w.startsWith(term)))
    let score = 0
    for (const term of terms) {
      if (has(nameWords, term)) score += 2
      else if (has(textWords, term)) score += 1
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
