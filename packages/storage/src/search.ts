/**
 * Full-text search over the pipelines a user has a role on (issue 5, point 3). The vector is
 * `pipelines.search_vector` (name weighted A, description B, step names and prompt text C;
 * migration 4), matched with `websearch_to_tsquery('simple', q)` and ranked by `ts_rank`. Step
 * types live in `pipelines.step_types` (GIN-indexed), kept with the other summary columns.
 */
import type { Queryable } from './sql.js'
import type { Role } from './store.js'

export interface SearchQuery {
  /** websearch syntax: words, "quoted phrases", `or`, `-excluded`. */
  readonly q: string
  /** Only pipelines with a step of this type. */
  readonly type?: string
  /** Only pipelines owned by the user with this email. */
  readonly ownerEmail?: string
  readonly limit: number
}

export interface SearchHit {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly role: Role
  readonly updatedAt: Date
  readonly rank: number
  /** The pipeline's YAML as of its last compaction, for naming the matching step. */
  readonly yaml: string
}

export interface SearchStore {
  /** Best first (ts_rank, then updated_at desc, then id); never a pipeline without a role. */
  search(userId: string, query: SearchQuery): Promise<SearchHit[]>
}

interface HitRow {
  id: string
  name: string
  description: string
  role: Role
  updated_at: Date
  rank: unknown
  yaml: string
}

export class SqlSearchStore implements SearchStore {
  constructor(private readonly db: Queryable) {}

  async search(userId: string, query: SearchQuery): Promise<SearchHit[]> {
    const rows = await this.db.query<HitRow>(
      `select p.id, p.name, p.description, a.role, p.updated_at, p.yaml,
         ts_rank(p.search_vector, q.query) as rank
       from (select websearch_to_tsquery('simple'::regconfig, $2::text) as query) q
       join pipelines p on p.search_vector @@ q.query
       join pipeline_access a on a.pipeline_id = p.id and a.user_id = $1::text
       where p.deleted_at is null
         and ($3::text is null or p.step_types @> array[$3::text])
         and ($4::text is null or p.owner_id = (select u.id from users u where u.email = $4::text))
       order by rank desc, p.updated_at desc, p.id
       limit $5::int`,
      [userId, query.q, query.type ?? null, query.ownerEmail?.toLowerCase() ?? null, query.limit],
    )
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      role: row.role,
      updatedAt: row.updated_at,
      rank: Number(row.rank),
      yaml: row.yaml,
    }))
  }
}
