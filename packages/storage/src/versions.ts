/**
 * Version history (issue 5, point 4; docs/decisions/0009-version-history.md). A version is the
 * pipeline's Yjs state (as one update) and its YAML at a log position, with who edited since the
 * version before and when. `pipeline_edit_activity` holds the edits no version covers yet: when
 * they started, when the last one was made and by whom, written by every server process, so that
 * the decision "is an automatic version due" is taken in the database under one lock and two
 * processes never write two versions for one burst of edits (migration 6).
 */
import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import { StoreError } from './errors.js'
import type { Db, Queryable } from './sql.js'
import type { RenderedPipeline } from './store.js'

export type VersionKind = 'auto' | 'named' | 'restore'

export interface VersionAuthor {
  readonly id: string
  readonly email: string
}

export interface VersionInfo {
  readonly id: string
  /** 1, 2, 3… per pipeline, in the order the versions were taken. */
  readonly number: number
  readonly kind: VersionKind
  /** Set for named versions and restores ("Restored from …"); null for automatic ones. */
  readonly name: string | null
  /** Who edited since the version before (deleted users are left out). */
  readonly authors: readonly VersionAuthor[]
  /** Who named or restored it; null for automatic versions. */
  readonly createdBy: VersionAuthor | null
  readonly createdAt: Date
  /** The version a restore brought back. */
  readonly restoredFrom: string | null
  /** The log position it covers (pipelines.head_seq when it was taken). */
  readonly headSeq: number
}

export interface Version extends VersionInfo {
  readonly yaml: string
  /** Y.encodeStateAsUpdate form of the document. */
  readonly state: Uint8Array
}

export interface EditActivity {
  readonly authors: readonly string[]
  readonly firstAt: Date
  readonly lastAt: Date
}

export interface AutoVersionRules {
  /** A version is due once no edit was made for this long… */
  readonly idleMs: number
  /** …or once the oldest unversioned edit is this old, however busy the pipeline is. */
  readonly maxMs: number
  /**
   * Automatic versions younger than this are all kept; older ones are thinned to the last of each
   * UTC day when the next automatic version is taken. Named versions, restores, the "Created"
   * version and any version a restore came from are always kept. Unset: nothing is thinned.
   */
  readonly keepAllMs?: number
}

export type AutoVersionResult =
  | { readonly outcome: 'taken'; readonly version: VersionInfo }
  /** Edits are pending but no version is due before `due`. */
  | { readonly outcome: 'wait'; readonly due: Date }
  /** Nothing to version: no pending edits, or a version (another process's) covers them. */
  | { readonly outcome: 'none' }

export interface VersionStore {
  /**
   * Adds edits to the pipeline's unversioned activity (earliest first, latest last, authors
   * merged). A missing or deleted pipeline is ignored.
   */
  recordEdits(pipelineId: string, edits: EditActivity): Promise<void>
  /**
   * Takes an automatic version if the activity says one is due at `now`. Under a per-pipeline
   * lock: when the newest version already covers the log head (another process took it), the
   * pending authors join that version instead. StoreError 'NOT_FOUND' when the pipeline is
   * missing or deleted.
   */
  takeAuto(
    pipelineId: string,
    input: AutoVersionRules & {
      readonly now: Date
      readonly render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<AutoVersionResult>
  /**
   * A named version of the current state, or the record of a restore. Naming the state an
   * automatic version already holds names that version rather than adding a copy.
   * StoreError 'NOT_FOUND' when the pipeline is missing or deleted.
   */
  create(
    pipelineId: string,
    input: {
      readonly kind: 'named' | 'restore'
      readonly name: string
      readonly createdBy: string
      readonly at: Date
      readonly restoredFrom?: string
      readonly render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<VersionInfo>
  /**
   * The first version, "Created", of a pipeline just created, so that the state it started from
   * can be seen and restored whatever happens next. Nothing when it has a version already.
   * StoreError 'NOT_FOUND' when the pipeline is missing or deleted.
   */
  recordCreation(
    pipelineId: string,
    input: {
      readonly createdBy: string
      readonly at: Date
      readonly render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<VersionInfo | null>
  /** Newest first; `before` (a version number) pages back. */
  list(
    pipelineId: string,
    page: { readonly limit: number; readonly before?: number },
  ): Promise<VersionInfo[]>
  /** null when the version is not one of this pipeline's. */
  get(pipelineId: string, versionId: string): Promise<Version | null>
  /** Sets the name (an automatic version becomes a named one); null when there is no such version. */
  rename(pipelineId: string, versionId: string, name: string): Promise<VersionInfo | null>
  /** Pipelines whose pending edits have waited at least `idleMs` by `now` (for a start-up sweep). */
  overdue(now: Date, idleMs: number, limit: number): Promise<string[]>
}

interface VersionRow {
  id: string
  number: unknown
  kind: VersionKind
  name: string | null
  created_at: Date
  restored_from: string | null
  head_seq: unknown
  authors_json: string
  created_by_json: string | null
}

const num = (value: unknown): number => Number(value)
const ids = (n: number) => `array(select jsonb_array_elements_text($${n}::text::jsonb))`

/** Authors as JSON text: both drivers hand text back unchanged, whatever their json parsing. */
const INFO_COLUMNS = `v.id, v.number, v.kind, v.name, v.created_at, v.restored_from, v.head_seq,
  coalesce((select json_agg(json_build_object('id', u.id, 'email', u.email) order by u.email)
    from users u where u.id = any(v.authors)), '[]')::text as authors_json,
  (select json_build_object('id', u.id, 'email', u.email) from users u
    where u.id = v.created_by)::text as created_by_json`

const toInfo = (row: VersionRow): VersionInfo => ({
  id: row.id,
  number: num(row.number),
  kind: row.kind,
  name: row.name,
  authors: JSON.parse(row.authors_json) as VersionAuthor[],
  createdBy:
    row.created_by_json === null ? null : (JSON.parse(row.created_by_json) as VersionAuthor),
  createdAt: row.created_at,
  restoredFrom: row.restored_from,
  headSeq: num(row.head_seq),
})

/** The name of the version `recordCreation` takes. */
export const CREATED = 'Created'

/** Names "version history of pipeline X" among advisory locks (with hashtext of the id). */
const LOCK_SPACE = 0x76657273

interface Current {
  epoch: string
  headSeq: number
  state: Uint8Array
}

interface Latest {
  id: string
  kind: VersionKind
  epoch: string
  head_seq: unknown
}

interface ActivityRow {
  authors_json: string
  first_at: Date
  last_at: Date
}

const ACTIVITY = `select array_to_json(authors)::text as authors_json, first_at, last_at
  from pipeline_edit_activity where pipeline_id = $1`

export class SqlVersionStore implements VersionStore {
  constructor(private readonly db: Db) {}

  async recordEdits(pipelineId: string, edits: EditActivity): Promise<void> {
    await this.db.query(
      `insert into pipeline_edit_activity (pipeline_id, first_at, last_at, authors)
       select p.id, $2, $3, ${ids(4)} from pipelines p where p.id = $1 and p.deleted_at is null
       on conflict (pipeline_id) do update set
         first_at = least(pipeline_edit_activity.first_at, excluded.first_at),
         last_at = greatest(pipeline_edit_activity.last_at, excluded.last_at),
         authors = array(select distinct a from unnest(pipeline_edit_activity.authors
           || excluded.authors) as a order by a)`,
      [pipelineId, edits.firstAt, edits.lastAt, JSON.stringify([...new Set(edits.authors)])],
    )
  }

  async takeAuto(
    pipelineId: string,
    input: AutoVersionRules & {
      now: Date
      render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<AutoVersionResult> {
    // Cheap check first: most calls find nothing due, and need not read the document.
    const [pending] = await this.db.query<ActivityRow>(ACTIVITY, [pipelineId])
    if (pending !== undefined) {
      const due = dueAt(pending, input)
      if (due > input.now.getTime()) return { outcome: 'wait', due: new Date(due) }
    }
    // Read and render outside the lock: rendering costs milliseconds.
    const current = await this.#current(pipelineId)
    const text = input.render(current.state)
    return this.db.transaction(async (tx) => {
      await lock(tx, pipelineId)
      const [activity] = await tx.query<ActivityRow>(ACTIVITY, [pipelineId])
      if (activity !== undefined) {
        const due = dueAt(activity, input)
        if (due > input.now.getTime()) return { outcome: 'wait', due: new Date(due) }
      }
      const authors = activity === undefined ? [] : (JSON.parse(activity.authors_json) as string[])
      const latest = await this.#latest(tx, pipelineId)
      if (covers(latest, current)) {
        if (latest !== null && authors.length > 0) await addAuthors(tx, latest.id, authors)
        await clearActivity(tx, pipelineId)
        return { outcome: 'none' }
      }
      const id = await this.#insert(tx, pipelineId, current, text.yaml, {
        kind: 'auto',
        name: null,
        authors,
        createdBy: null,
        at: input.now,
        restoredFrom: null,
      })
      await clearActivity(tx, pipelineId)
      if (input.keepAllMs !== undefined) {
        await thin(tx, pipelineId, new Date(input.now.getTime() - input.keepAllMs))
      }
      return { outcome: 'taken', version: await this.#info(tx, pipelineId, id) }
    })
  }

  async create(
    pipelineId: string,
    input: {
      kind: 'named' | 'restore'
      name: string
      createdBy: string
      at: Date
      restoredFrom?: string
      render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<VersionInfo> {
    const current = await this.#current(pipelineId)
    const text = input.render(current.state)
    return this.db.transaction(async (tx) => {
      await lock(tx, pipelineId)
      const [activity] = await tx.query<ActivityRow>(ACTIVITY, [pipelineId])
      const authors = activity === undefined ? [] : (JSON.parse(activity.authors_json) as string[])
      const latest = await this.#latest(tx, pipelineId)
      await clearActivity(tx, pipelineId)
      if (input.kind === 'named' && latest !== null && latest.kind === 'auto') {
        if (covers(latest, current)) {
          await tx.query(
            `update pipeline_versions set kind = 'named', name = $2, created_by = $3 where id = $1`,
            [latest.id, input.name, input.createdBy],
          )
          if (authors.length > 0) await addAuthors(tx, latest.id, authors)
          return this.#info(tx, pipelineId, latest.id)
        }
      }
      // A restore is an edit by the person restoring, whoever else edited since.
      if (input.kind === 'restore' && !authors.includes(input.createdBy)) {
        authors.push(input.createdBy)
      }
      const id = await this.#insert(tx, pipelineId, current, text.yaml, {
        kind: input.kind,
        name: input.name,
        authors,
        createdBy: input.createdBy,
        at: input.at,
        restoredFrom: input.restoredFrom ?? null,
      })
      return this.#info(tx, pipelineId, id)
    })
  }

  async recordCreation(
    pipelineId: string,
    input: {
      createdBy: string
      at: Date
      render: (state: Uint8Array) => RenderedPipeline
    },
  ): Promise<VersionInfo | null> {
    const current = await this.#current(pipelineId)
    const text = input.render(current.state)
    return this.db.transaction(async (tx) => {
      await lock(tx, pipelineId)
      if ((await this.#latest(tx, pipelineId)) !== null) return null
      const id = await this.#insert(tx, pipelineId, current, text.yaml, {
        kind: 'auto',
        name: CREATED,
        authors: [input.createdBy],
        createdBy: input.createdBy,
        at: input.at,
        restoredFrom: null,
      })
      return this.#info(tx, pipelineId, id)
    })
  }

  async list(pipelineId: string, page: { limit: number; before?: number }): Promise<VersionInfo[]> {
    const rows = await this.db.query<VersionRow>(
      `select ${INFO_COLUMNS} from pipeline_versions v
       where v.pipeline_id = $1 and ($2::bigint is null or v.number < $2::bigint)
       order by v.number desc limit $3`,
      [pipelineId, page.before ?? null, page.limit],
    )
    return rows.map(toInfo)
  }

  async get(pipelineId: string, versionId: string): Promise<Version | null> {
    const [row] = await this.db.query<VersionRow & { yaml: string; state: Uint8Array }>(
      `select ${INFO_COLUMNS}, v.yaml, v.state from pipeline_versions v
       where v.pipeline_id = $1 and v.id = $2`,
      [pipelineId, versionId],
    )
    return row ? { ...toInfo(row), yaml: row.yaml, state: row.state } : null
  }

  async rename(pipelineId: string, versionId: string, name: string): Promise<VersionInfo | null> {
    const rows = await this.db.query<{ id: string }>(
      `update pipeline_versions
       set name = $3, kind = case when kind = 'auto' then 'named' else kind end
       where pipeline_id = $1 and id = $2 returning id`,
      [pipelineId, versionId, name],
    )
    if (rows.length === 0) return null
    return this.#info(this.db, pipelineId, versionId)
  }

  async overdue(now: Date, idleMs: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ pipeline_id: string }>(
      `select a.pipeline_id from pipeline_edit_activity a
       join pipelines p on p.id = a.pipeline_id and p.deleted_at is null
       where a.last_at <= $1 order by a.last_at limit $2`,
      [new Date(now.getTime() - idleMs), limit],
    )
    return rows.map((r) => r.pipeline_id)
  }

  /** The document as stored now, read in one statement (consistent with compaction). */
  async #current(pipelineId: string): Promise<Current> {
    const rows = await this.db.query<{
      epoch: string
      head_seq: unknown
      snapshot: Uint8Array | null
      data: Uint8Array | null
    }>(
      `select p.epoch, p.head_seq, p.snapshot, u.data
       from pipelines p
       left join pipeline_updates u on u.pipeline_id = p.id and u.seq > p.snapshot_seq
       where p.id = $1 and p.deleted_at is null
       order by u.seq`,
      [pipelineId],
    )
    const [head] = rows
    if (!head) throw new StoreError('NOT_FOUND', 'No such pipeline.')
    const updates: Uint8Array[] = []
    if (head.snapshot) updates.push(head.snapshot)
    for (const row of rows) if (row.data) updates.push(row.data)
    return { epoch: head.epoch, headSeq: num(head.head_seq), state: mergeUpdates(updates) }
  }

  async #latest(tx: Queryable, pipelineId: string): Promise<Latest | null> {
    const [row] = await tx.query<Latest>(
      `select id, kind, epoch, head_seq from pipeline_versions
       where pipeline_id = $1 order by number desc limit 1`,
      [pipelineId],
    )
    return row ?? null
  }

  async #insert(
    tx: Queryable,
    pipelineId: string,
    current: Current,
    yaml: string,
    v: {
      kind: VersionKind
      name: string | null
      authors: readonly string[]
      createdBy: string | null
      at: Date
      restoredFrom: string | null
    },
  ): Promise<string> {
    const id = randomUUID()
    await tx.query(
      `insert into pipeline_versions (id, pipeline_id, number, kind, name, epoch, head_seq,
         state, yaml, authors, created_by, created_at, restored_from)
       select $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5, $6, $7, $8, ${ids(9)}, $10, $11,
         $12
       from pipeline_versions where pipeline_id = $2`,
      [
        id,
        pipelineId,
        v.kind,
        v.name,
        current.epoch,
        current.headSeq,
        current.state,
        yaml,
        JSON.stringify([...new Set(v.authors)]),
        v.createdBy,
        v.at,
        v.restoredFrom,
      ],
    )
    return id
  }

  async #info(tx: Queryable, pipelineId: string, versionId: string): Promise<VersionInfo> {
    const [row] = await tx.query<VersionRow>(
      `select ${INFO_COLUMNS} from pipeline_versions v where v.pipeline_id = $1 and v.id = $2`,
      [pipelineId, versionId],
    )
    if (!row) throw new StoreError('NOT_FOUND', 'No such version.')
    return toInfo(row)
  }
}

function lock(tx: Queryable, pipelineId: string): Promise<unknown> {
  return tx.query(`select pg_advisory_xact_lock($1::integer, hashtext($2))`, [
    LOCK_SPACE,
    pipelineId,
  ])
}

function dueAt(activity: ActivityRow, rules: AutoVersionRules): number {
  return Math.min(
    activity.last_at.getTime() + rules.idleMs,
    activity.first_at.getTime() + rules.maxMs,
  )
}

/** The newest version holds everything up to the current head (same history, same position). */
function covers(latest: Latest | null, current: Current): boolean {
  return (
    latest !== null && latest.epoch === current.epoch && num(latest.head_seq) >= current.headSeq
  )
}

async function addAuthors(tx: Queryable, versionId: string, authors: readonly string[]) {
  await tx.query(
    `update pipeline_versions set authors = array(select distinct a from unnest(authors
       || ${ids(2)}) as a order by a) where id = $1`,
    [versionId, JSON.stringify(authors)],
  )
}

/**
 * Deletes the automatic versions older than `before` that are not the last of their UTC day,
 * handing each one's authors to the next version kept, so that "who edited since the version
 * before" stays true of what remains. Version numbers are not reused: the list shows the gaps.
 */
async function thin(tx: Queryable, pipelineId: string, before: Date): Promise<void> {
  const doomed = await tx.query<{ id: string; number: unknown; authors_json: string }>(
    `select id, number, authors_json from (
       select id, number, array_to_json(authors)::text as authors_json,
         row_number() over (partition by date_trunc('day', created_at at time zone 'UTC')
           order by number desc) as later
       from pipeline_versions v
       where pipeline_id = $1 and kind = 'auto' and name is null and created_at < $2
         and not exists (select 1 from pipeline_versions r
           where r.pipeline_id = $1 and r.restored_from = v.id)
     ) days where later > 1 order by number`,
    [pipelineId, before],
  )
  if (doomed.length === 0) return
  const gone = new Set(doomed.map((d) => d.id))
  // The version kept after each doomed one is at the latest the last of its day, also < before.
  const kept = (
    await tx.query<{ id: string; number: unknown }>(
      `select id, number from pipeline_versions
       where pipeline_id = $1 and number > $2 and created_at < $3 order by number`,
      [pipelineId, num(doomed[0]!.number), before],
    )
  ).filter((v) => !gone.has(v.id))
  const heirs = new Map<string, Set<string>>()
  for (const d of doomed) {
    const heir = kept.find((v) => num(v.number) > num(d.number))
    if (heir === undefined) continue
    const authors = heirs.get(heir.id) ?? new Set<string>()
    for (const a of JSON.parse(d.authors_json) as string[]) authors.add(a)
    heirs.set(heir.id, authors)
  }
  for (const [id, authors] of heirs) if (authors.size > 0) await addAuthors(tx, id, [...authors])
  await tx.query(`delete from pipeline_versions where id = any(${ids(1)})`, [
    JSON.stringify([...gone]),
  ])
}

function clearActivity(tx: Queryable, pipelineId: string): Promise<unknown> {
  return tx.query(`delete from pipeline_edit_activity where pipeline_id = $1`, [pipelineId])
}

function mergeUpdates(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
