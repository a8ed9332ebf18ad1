/**
 * Full-text search over the pipelines a user has a role on (who has one: visibility.ts, the rule
 * the pipeline list uses too; issue 5, point 3), and the tags it
 * filters by. Ranking and its cost are docs/decisions/0011-search.md; in short, a hit's tier comes
 * first, then `ts_rank` within the tier, then recency:
 *
 *   0. the name is the query (compared as `weft_name_key`: lower case, words only);
 *   1. every query word is in the name or a tag (`name_vector`);
 *   2. ... in the name, tags or description (`title_vector`);
 *   3. ... anywhere, step names and prompt text included (`search_vector`).
 *
 * A tier is only evaluated when the tiers above it left room in the page (UNION ALL under a
 * LIMIT stops early), and within a tier only the `CANDIDATES` most recently changed matches are
 * ranked (`summary_at`: creation or the last compaction, never an append, so appends stay HOT
 * updates), so a word in half the library costs a bounded amount of work. The small vectors
 * and the filter columns are in `pipelines_recent_idx`, so finding those newest matches for a
 * common word is an index-only scan; a rarer word goes through the GIN indexes instead (the
 * planner sees the actual query: plans are custom, see `search`). A user who sees few pipelines
 * gets those newest matches team by team instead (`newest`, scope `few`).
 */
import type { Db } from './sql.js'
import type { Role, StepText } from './store.js'
import {
  effectiveRole,
  sharesUpTo,
  visibleTo,
  visibleToByProbe,
  visibleUpperBound,
} from './visibility.js'

export interface SearchQuery {
  /** websearch syntax: words, "quoted phrases", `or`, `-excluded`. */
  readonly q: string
  /** Match the last word as a prefix too (type-ahead): `rev` finds `review`. */
  readonly prefix?: boolean
  /** Only pipelines with a step of this type. */
  readonly type?: string
  /** Only pipelines with this tag. */
  readonly tag?: string
  /** Only pipelines owned by the user with this email. */
  readonly ownerEmail?: string
  readonly limit: number
  /** How tier 3 finds its candidates (see TIER3_COMMON); by the planner's estimate unless set. */
  readonly tier3?: 'rare' | 'common'
  /** How visibility is tested (see FEW_VISIBLE); by the user's visible count unless set. */
  readonly scope?: 'few' | 'many'
  /** How a share is checked per row (see MANY_SHARES); by the user's share count unless set. */
  readonly shares?: 'hash' | 'probe'
}

export interface SearchHit {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly tags: readonly string[]
  readonly role: Role
  readonly updatedAt: Date
  /** 0 exact name, 1 name or tag, 2 description, 3 steps and prompts (see the file comment). */
  readonly tier: number
  /** `ts_rank` within the tier. */
  readonly rank: number
  /** Tier 3: each step's name and text as of the last summary, to name the matching step. */
  readonly steps: readonly StepText[] | null
  /** Tier 3 when `steps` is null (summarised before migration 12): the YAML; otherwise ''. */
  readonly yaml: string
}

export interface TagCount {
  readonly tag: string
  /** How many of the pipelines the user can see carry it. */
  readonly count: number
}

export interface SearchStore {
  /** Best first; never a pipeline the user has no role on. */
  search(userId: string, query: SearchQuery): Promise<SearchHit[]>
  /** Replaces a pipeline's tags (already validated: lower case, unique). False: no such pipeline. */
  setTags(pipelineId: string, tags: readonly string[]): Promise<boolean>
  /** The tags on pipelines the user can see, most used first: the facet list of the filter. */
  tagCounts(userId: string, limit: number): Promise<TagCount[]>
}

/** Per tier, at most this many of the newest matches are ranked (decision 0011). */
export const CANDIDATES = 200

interface HitRow {
  id: string
  name: string
  description: string
  tags: string[]
  role: Role
  updated_at: Date
  tier: number
  rank: unknown
  step_text: unknown
  yaml: string
}

// $1 user, $2 query text, $3 prefix, $4 step type, $5 tag, $6 owner email, $7 limit, $8 candidates
const Q = `weft_search_query($2::text, $3::boolean)`
type Scope = 'few' | 'many'

/** Everything but visibility. */
const OTHER_FILTERS = `p.deleted_at is null
  and ($4::text is null or p.step_types @> array[$4::text])
  and ($5::text is null or p.tags @> array[$5::text])
  and ($6::text is null or (p.owner_team_id is null
    and p.owner_id = (select u.id from users u where u.email = $6::text)))`
const FILTERS = `${OTHER_FILTERS} and ${visibleTo('p', '$1')}`

/**
 * `(id, recent)`: the newest `$8` pipelines the user sees that pass `where` (about `p`) and the
 * filters, newest first. `many`: one walk over every pipeline, visibility tested per row; when
 * most rows are visible it stops early. `few`, for a user who sees a small part of the library:
 * the same rule (`visibleTo`) branch by branch, the owning team's pipelines through
 * `pipelines_team_recent_idx` (one walk per team the user is in) and the direct and team shares
 * by id. Under the OR of `visibleTo` PostgreSQL cannot tell that a user sees 8 % of the library,
 * and walked the whole library in recency order for a word only hundreds hold; per team it
 * knows the team's size and picks that walk or the GIN index itself.
 */
const newest = (scope: Scope | 'index', where: string, late?: string) => {
  if (scope === 'index') {
    // Every match from the indexes first (the fence), then visibility, then the newest: see
    // TIER3_RARE and PHRASE_BY_INDEX.
    return `select m.id, m.recent from (
        select p.id, p.summary_at as recent, p.owner_team_id from pipelines p
        where ${where} and ${OTHER_FILTERS} offset 0) m
      where ${visibleTo('m', '$1')}
      order by m.recent desc limit $8::int`
  }
  // `late`: a test on the big vector, made after the fence (`offset 0`) on the rows found by
  // `where` in recency order, so that PostgreSQL cannot test it first (see TIER3_COMMON).
  const walk = (from: string, limit: string) =>
    late === undefined
      ? `select p.id, p.summary_at as recent from pipelines p
         where ${from} and ${where} and ${OTHER_FILTERS}
         order by p.summary_at desc ${limit}`
      : `select v.id, v.recent from (
           select p.id, p.summary_at as recent, p.search_vector from pipelines p
           where ${from} and ${where} and ${OTHER_FILTERS}
           order by p.summary_at desc offset 0) v
         where ${late} ${limit}`
  if (scope === 'many') return walk(visibleTo('p', '$1'), 'limit $8::int')
  return `select b.id, b.recent from (
      select t.id, t.recent from team_members m
        cross join lateral (${walk('p.owner_team_id = m.team_id', 'limit $8::int')}) t
      where m.user_id = $1::text
      union
      (${walk(
        `p.id in (select a.pipeline_id from pipeline_access a where a.user_id = $1::text
          union select s.pipeline_id from pipeline_team_shares s
            join team_members m on m.team_id = s.team_id where m.user_id = $1::text)`,
        '',
      )})) b
    order by b.recent desc limit $8::int`
}

/**
 * The newest `$8` matches of `match` that pass the filters, ranked by `vector`, best `$7`. The
 * candidates carry no vector: a hash join would detoast every match's vector to build its table,
 * so the vector is read afterwards for the candidates alone. `exact`, when given, is checked on
 * those candidates only (see tier 3).
 */
const tier = (
  scope: Scope | 'index',
  n: number,
  match: string,
  vector: string,
  normalization: number,
  exact = 'true',
) => `
  (select ${n} as tier, c.id, c.recent, ts_rank(r.${vector}, ${Q}, ${normalization}) as rank
   from (${newest(scope, match)}) c
   join pipelines r on r.id = c.id
   where ${exact}
   order by rank desc, c.recent desc, c.id limit $7::int)`

/**
 * The query with phrase operators (`<->`, `<N>`) made plain ANDs. The GIN index answers that
 * without reading a row; a phrase needs each candidate's positions, and in tier 3 those are in the
 * big out-of-line vector. So tier 3 picks its candidates by the words and checks the phrase on
 * those alone.
 */
const LOOSE = `regexp_replace(${Q}::text, '<[0-9-]+>', '&', 'g')::tsquery`

/**
 * Tier 3 when the GIN index has few matches of the words compared with the rows a walk would
 * read (see `tier3Route`): every match straight from the index, then visibility per row, then
 * the newest. The fence (`offset 0`) makes PostgreSQL collect the matches first: under the
 * `order by ... limit` it walked `pipelines_recent_idx` instead, testing the big vector on
 * every row it passed, and for a user who sees 8 % of the library it passed all 100,000 rows
 * (770 ms for a word in 4 % of pipelines) before it had 200 visible matches.
 */
const TIER3_RARE = () =>
  tier(
    'index',
    3,
    `p.search_vector @@ ${LOOSE} and not p.title_vector @@ ${Q}`,
    'search_vector',
    0,
    `r.search_vector @@ ${Q}`,
  )

/**
 * Tier 3 for a common word: walk the newest visible pipelines that pass the filters (an index
 * scan, no big vector read) and read the big vector of those alone, stopping at the candidates
 * needed. The fence (`offset 0`) keeps PostgreSQL from testing the big vector first, which it
 * would, as `@@` looks cheap: it reads 1.5 kB from the TOAST table per row.
 */
const TIER3_COMMON = (scope: Scope) => `
  (select 3 as tier, c.id, c.recent, ts_rank(r.search_vector, ${Q}, 0) as rank
   from (${newest(scope, `not p.title_vector @@ ${Q}`, `v.search_vector @@ ${LOOSE}`)}) c
   join pipelines r on r.id = c.id
   where r.search_vector @@ ${Q}
   order by rank desc, c.recent desc, c.id limit $7::int)`

/**
 * About how many buffers a walked row costs against a row found through the GIN index: the walk
 * reads each row's out-of-line vector (about 4 buffers in the benchmark), the index route one
 * heap row, mostly on pages it reads anyway.
 */
export const WALK_ROW_COST = 4

/**
 * Which tier 3 to run: `rare` reads every match of the words (`matches`, the planner's estimate)
 * once, `common` walks the newest visible pipelines until it has `CANDIDATES` matches, which at
 * the library's rate of matches is `CANDIDATES * total / matches` rows, and at most the
 * `visible` ones. The cheaper by `WALK_ROW_COST` wins. At 100,000 pipelines the line falls near
 * 9,000 matches whoever asks; a fixed line at 2,000 sent words in 2-9 % of pipelines down the
 * walk, which read a one-team user's whole team (8,000 rows, 30,000 buffers).
 */
export function tier3Route(matches: number, visible: number, total: number): 'rare' | 'common' {
  const walked = Math.min(visible, (CANDIDATES * total) / Math.max(matches, 1))
  return matches <= WALK_ROW_COST * walked ? 'rare' : 'common'
}

/**
 * A phrase in a name or description, for a user who sees most of the library (`many`): tiers 1
 * and 2 take every match from the GIN indexes (which answer the phrase's words; the phrase is
 * then checked on the small in-row vectors) rather than walking the newest pipelines. PostgreSQL
 * estimates a phrase as if it were its words, so it walked: for `"the pipeline"` it passed
 * 56,000 index entries (105 ms) before it had 200 names with the phrase. For `few`, the walk
 * is bounded by the user's teams and stays.
 */
const PHRASE_BY_INDEX = 'index'

const searchSql = (
  tier3: (scope: Scope) => string,
  scope: Scope,
  upper: Scope | typeof PHRASE_BY_INDEX = scope,
) => `
  with exact as (
    select p.id, p.summary_at as recent from pipelines p
    where weft_name_key(p.name) = weft_name_key($2::text) and p.name_vector @@ ${Q}
      and ${FILTERS}
    order by p.summary_at desc limit $7::int
  ),
  hits as (
    select h.* from (
      (select 0 as tier, e.id, e.recent, 1::real as rank from exact e
       order by e.recent desc)
      union all
      ${tier(upper, 1, `p.name_vector @@ ${Q}`, 'name_vector', 1)}
      union all
      ${tier(upper, 2, `p.title_vector @@ ${Q} and not p.name_vector @@ ${Q}`, 'title_vector', 1)}
      union all
      ${tier3(scope)}
    ) h
    -- An exact match is also a tier 1 match: room for it to come twice (deduplicated below).
    limit $7::int + (select count(*) from exact)
  )
  select h.tier, h.rank, p.id, p.name, p.description, p.tags, p.updated_at,
    -- Only a steps match needs the step text (to name the step); the others skip reading it.
    case when h.tier = 3 then p.step_text end as step_text,
    case when h.tier = 3 and p.step_text is null then p.yaml else '' end as yaml,
    ${effectiveRole('p.id', '$1::text')} as role
  from hits h join pipelines p on p.id = h.id
  order by h.tier, h.rank desc, h.recent desc, p.id`

const variants = (tier3: (scope: Scope) => string) => ({
  few: searchSql(tier3, 'few'),
  many: searchSql(tier3, 'many'),
  manyPhrase: searchSql(tier3, 'many', PHRASE_BY_INDEX),
})

/**
 * The same statement with every per-row visibility test in its probing form (`visibleToByProbe`):
 * written as a replacement so that both forms come from the one builder and cannot drift apart.
 */
const probing = (sql: string) =>
  ['p', 'm'].reduce(
    (out, alias) => out.replaceAll(visibleTo(alias, '$1'), visibleToByProbe(alias, '$1')),
    sql,
  )

const withShares = (tier3: (scope: Scope) => string) => {
  const hash = variants(tier3)
  return {
    hash,
    probe: {
      few: probing(hash.few),
      many: probing(hash.many),
      manyPhrase: probing(hash.manyPhrase),
    },
  }
}

export const SEARCH_SQL = { rare: withShares(TIER3_RARE), common: withShares(TIER3_COMMON) }

/**
 * Above this many direct and team shares, a search checks shares by index probes per row
 * (`visibleToByProbe`) rather than a hash of all of them per test: the hash costs about a
 * millisecond per thousand shares each time, the probes a few microseconds per row that is not
 * the user's team's.
 */
export const MANY_SHARES = 1_000

/**
 * At most this many visible pipelines (an upper bound, `visibleUpperBound`): visibility is
 * tested as membership of the user's visible ids (`few`), else per row (`many`).
 */
export const FEW_VISIBLE = 20_000

/** How long a user's visible count is reused (it only picks a plan; results are the same). */
export const VISIBLE_COUNT_TTL_MS = 60_000
const MAX_CACHED_COUNTS = 10_000

export class SqlSearchStore implements SearchStore {
  /** userId → the user's visible count (`visibleUpperBound`) and when it was read. */
  readonly #visible = new Map<string, { count: number; shares: number; at: number }>()

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async search(userId: string, query: SearchQuery): Promise<SearchHit[]> {
    const params = [
      userId,
      query.q,
      query.prefix ?? false,
      query.type ?? null,
      query.tag ?? null,
      query.ownerEmail?.toLowerCase() ?? null,
      query.limit,
      CANDIDATES,
    ]
    const rows = await this.db.transaction(async (tx) => {
      const cached = this.#visible.get(userId)
      const fresh = cached !== undefined && this.now() - cached.at < VISIBLE_COUNT_TTL_MS
      // The settings, the size of the library (for tier3Route) and, unless known, how many
      // pipelines the user sees (capped; counting takes 2-10 ms, so it is kept a minute).
      // A prepared statement would soon get a generic plan, made without knowing the words: the
      // same plan for a word in half the library and for a word in three pipelines. The right
      // plan differs (an index-ordered scan that stops early, or the GIN index), so plan each
      // search. Parallel workers take longer to start than a search takes to run.
      // How many pipelines hold the words, as the planner estimates it from its statistics:
      // which tier 3 to run (tier3Route). Planning only, nothing is read. Sent together with
      // the settings (postgres.js pipelines a transaction's statements, in order): one round trip.
      const [[setup], [plan]] = await Promise.all([
        tx.query<{ total: unknown; visible: unknown; shares: unknown; phrase: unknown }>(
          `select set_config('plan_cache_mode', 'force_custom_plan', true),
            set_config('max_parallel_workers_per_gather', '0', true),
            (select c.reltuples from pg_class c where c.oid = 'pipelines'::regclass) as total,
            ${Q}::text ~ '<[0-9-]+>' as phrase, $1::text as user_id,
            ${fresh ? 'null::bigint' : visibleUpperBound('$1', FEW_VISIBLE)} as visible,
            ${fresh ? 'null::bigint' : sharesUpTo('$1', MANY_SHARES)} as shares`,
          [userId, query.q, query.prefix ?? false],
        ),
        tx.query<{ 'QUERY PLAN': unknown }>(
          `explain (format json) select 1 from pipelines x
           where x.search_vector @@ regexp_replace(weft_search_query($1::text, $2::boolean)::text,
             '<[0-9-]+>', '&', 'g')::tsquery`,
          [query.q, query.prefix ?? false],
        ),
      ])
      if (!fresh) this.#remember(userId, Number(setup?.visible), Number(setup?.shares))
      const visible = fresh ? cached.count : Number(setup?.visible)
      const shares =
        query.shares ??
        ((fresh ? cached.shares : Number(setup?.shares)) > MANY_SHARES ? 'probe' : 'hash')
      const scope = query.scope ?? (visible <= FEW_VISIBLE ? 'few' : 'many')
      // Never analysed (reltuples -1), or a bound over the cap: the larger is the better guess.
      const total = Math.max(Number(setup?.total), visible)
      const tier3 =
        query.tier3 ??
        tier3Route(estimatedRows(plan?.['QUERY PLAN']), scope === 'few' ? visible : total, total)
      const variant = scope === 'many' && setup?.phrase === true ? 'manyPhrase' : scope
      return tx.query<HitRow>(SEARCH_SQL[tier3][shares][variant], params)
    })
    const seen = new Set<string>()
    const hits: SearchHit[] = []
    for (const row of rows) {
      if (seen.has(row.id) || row.role === null) continue
      seen.add(row.id)
      if (hits.length === query.limit) break
      hits.push({
        id: row.id,
        name: row.name,
        description: row.description,
        tags: row.tags,
        role: row.role,
        updatedAt: row.updated_at,
        tier: Number(row.tier),
        rank: Number(row.rank),
        steps: stepTextOf(row.step_text),
        yaml: row.yaml,
      })
    }
    return hits
  }

  #remember(userId: string, count: number, shares: number): void {
    if (this.#visible.size >= MAX_CACHED_COUNTS) this.#visible.clear()
    this.#visible.set(userId, { count, shares, at: this.now() })
  }

  async setTags(pipelineId: string, tags: readonly string[]): Promise<boolean> {
    // Bound as one JSON array: both drivers bind a JS array differently.
    const rows = await this.db.query(
      `update pipelines set tags = array(select jsonb_array_elements_text($2::text::jsonb))
       where id = $1 and deleted_at is null returning id`,
      [pipelineId, JSON.stringify(tags)],
    )
    return rows.length > 0
  }

  async tagCounts(userId: string, limit: number): Promise<TagCount[]> {
    const rows = await this.db.query<{ tag: string; count: unknown }>(
      `select t.tag, count(*) as count
       from pipelines p cross join lateral unnest(p.tags) as t(tag)
       where p.deleted_at is null and p.tags <> '{}' and ${visibleTo('p', '$1')}
       group by t.tag order by count(*) desc, t.tag limit $2::int`,
      [userId, limit],
    )
    return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }))
  }
}

/** `Plan Rows` of an `explain (format json)` result (a JSON array, parsed or as text). */
function estimatedRows(plan: unknown): number {
  const parsed: unknown = typeof plan === 'string' ? JSON.parse(plan) : plan
  const rows = (parsed as Array<{ Plan?: { 'Plan Rows'?: unknown } }> | undefined)?.[0]?.Plan?.[
    'Plan Rows'
  ]
  return typeof rows === 'number' ? rows : Number.POSITIVE_INFINITY
}

/** `step_text` as either driver returns jsonb (parsed, or as text), or null. */
function stepTextOf(value: unknown): StepText[] | null {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value
  if (!Array.isArray(parsed)) return null
  return parsed.flatMap((s: { name?: unknown; text?: unknown } | null) =>
    typeof s?.name === 'string' && typeof s.text === 'string'
      ? [{ name: s.name, text: s.text }]
      : [],
  )
}
