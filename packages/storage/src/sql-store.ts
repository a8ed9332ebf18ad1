import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import type { StorageLogger as Logger } from './logger.js'
import { StoreError, sqlState } from './errors.js'
import type { Db, Param, Queryable } from './sql.js'
import type {
  AppendItem,
  CredentialKind,
  PipelineInfo,
  RenderedPipeline,
  Role,
  Store,
  StepText,
  StoredDocument,
  TokenInfo,
  User,
} from './store.js'
import { SqlAccountStore } from './accounts.js'
import { SqlSearchStore } from './search.js'
import { appendAudit, SqlTeamStore, type Actor } from './teams.js'
import { SqlTemplateStore } from './templates.js'
import { SqlVersionStore } from './versions.js'
import { effectiveRole, visiblePipelines } from './visibility.js'

/** The NOTIFY channel; the payload is `${pipelineId} ${headSeq}`. */
export const UPDATES_CHANNEL = 'weft_updates'

/** Rows per multi-row INSERT: keeps the bind-parameter count far below PostgreSQL's 65535. */
const INSERT_CHUNK = 500

interface UserRow {
  id: string
  email: string
  is_admin: boolean
  created_at: Date
}

interface PipelineRow {
  id: string
  name: string
  description: string
  role: Role
  owner_id: string
  owner_email: string
  team_id: string | null
  team_name: string | null
  epoch: string
  created_at: Date
  updated_at: Date
  tags: string[] | null
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  isAdmin: row.is_admin,
  createdAt: row.created_at,
})

const toPipeline = (row: PipelineRow): PipelineInfo => ({
  id: row.id,
  name: row.name,
  description: row.description,
  role: row.role,
  owner:
    row.team_id === null
      ? { kind: 'user', id: row.owner_id, email: row.owner_email }
      : { kind: 'team', id: row.team_id, name: row.team_name ?? '' },
  epoch: row.epoch,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  tags: row.tags ?? [],
})

/** bigint columns come back as string (postgres.js) or number/bigint (PGlite). */
const num = (value: unknown): number => Number(value)

/** A text[] bound as one JSON-array parameter (the Param type has no arrays). */
const STEP_TYPES_PARAM = (n: number) =>
  `array(select jsonb_array_elements_text($${n}::text::jsonb))`

/** `step_text` as one JSON text (both drivers bind it alike); null when the renderer gave none. */
const stepTextParam = (steps: readonly StepText[] | undefined): string | null =>
  steps === undefined ? null : JSON.stringify(steps.map((s) => ({ name: s.name, text: s.text })))

const PIPELINE_COLUMNS = `p.id, p.name, p.description, a.role, p.owner_id, o.email as owner_email,
  p.owner_team_id as team_id, t.name as team_name, p.epoch, p.created_at, p.updated_at, p.tags`

/** The pipelines visible to the user bound at $1, with their owners (alias p, a, o, t). */
const VISIBLE_PIPELINES = `${visiblePipelines('$1')} a join pipelines p on p.id = a.pipeline_id
  join users o on o.id = p.owner_id left join teams t on t.id = p.owner_team_id`

export class SqlStore implements Store {
  readonly kind: 'postgres' | 'pglite'
  readonly #db: Db
  readonly #logger: Logger
  readonly templates: SqlTemplateStore
  readonly search: SqlSearchStore
  readonly versions: SqlVersionStore
  readonly accounts: SqlAccountStore
  readonly teams: SqlTeamStore

  constructor(db: Db, logger: Logger) {
    this.#db = db
    this.teams = new SqlTeamStore(db)
    this.templates = new SqlTemplateStore(db)
    this.search = new SqlSearchStore(db)
    this.versions = new SqlVersionStore(db)
    this.accounts = new SqlAccountStore(db)
    this.kind = db.kind
    this.#logger = logger
  }

  close(): Promise<void> {
    return this.#db.close()
  }

  // ---- users ----

  async countUsers(): Promise<number> {
    const [row] = await this.#db.query<{ n: unknown }>('select count(*) as n from users')
    return num(row?.n)
  }

  async createUser(input: {
    email: string
    passwordHash: string
    isAdmin: boolean
  }): Promise<User> {
    const rows = await this.#db.query<UserRow>(
      `insert into users (id, email, password_hash, is_admin) values ($1, $2, $3, $4)
       on conflict (email) do nothing
       returning id, email, is_admin, created_at`,
      [randomUUID(), input.email.toLowerCase(), input.passwordHash, input.isAdmin],
    )
    const row = rows[0]
    if (!row) throw new StoreError('EMAIL_TAKEN', 'A user with this email already exists.')
    return toUser(row)
  }

  async findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | null> {
    const [row] = await this.#db.query<UserRow & { password_hash: string }>(
      'select id, email, is_admin, created_at, password_hash from users where email = $1',
      [email.toLowerCase()],
    )
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null
  }

  async findUserById(id: string): Promise<User | null> {
    const [row] = await this.#db.query<UserRow>(
      'select id, email, is_admin, created_at from users where id = $1',
      [id],
    )
    return row ? toUser(row) : null
  }

  // ---- credentials ----

  async createCredential(input: {
    kind: CredentialKind
    hash: string
    userId: string
    name?: string
    expiresAt: Date | null
  }): Promise<void> {
    try {
      const rows = await this.#db.query(
        `insert into credentials (hash, kind, user_id, name, expires_at) values ($1, $2, $3, $4, $5)
         on conflict (hash) do nothing returning hash`,
        [input.hash, input.kind, input.userId, input.name ?? null, input.expiresAt],
      )
      if (rows.length === 0) throw new StoreError('CONFLICT', 'This credential already exists.')
    } catch (error) {
      if (sqlState(error) === '23503')
        throw new StoreError('NOT_FOUND', 'No such user.', { cause: error })
      throw error
    }
  }

  async findCredential(kind: CredentialKind, hash: string, now: Date): Promise<User | null> {
    const [row] = await this.#db.query<UserRow>(
      `select u.id, u.email, u.is_admin, u.created_at
       from credentials c join users u on u.id = c.user_id
       where c.kind = $1 and c.hash = $2 and c.revoked_at is null
         and (c.expires_at is null or c.expires_at > $3)`,
      [kind, hash, now],
    )
    return row ? toUser(row) : null
  }

  async revokeCredential(kind: CredentialKind, hash: string, now: Date): Promise<boolean> {
    const rows = await this.#db.query(
      `update credentials set revoked_at = $3
       where kind = $1 and hash = $2 and revoked_at is null returning hash`,
      [kind, hash, now],
    )
    return rows.length > 0
  }

  async resolveAccess(
    items: ReadonlyArray<{ kind: CredentialKind; hash: string; pipelineId: string }>,
    now: Date,
  ): Promise<Array<Role | null>> {
    if (items.length === 0) return []
    // The list travels as one JSON parameter, so the whole check is one round trip. It is typed
    // text: postgres.js would JSON-encode a string bound to a jsonb parameter a second time.
    const list = JSON.stringify(
      items.map((it, i) => ({ i, k: it.kind, h: it.hash, p: it.pipelineId })),
    )
    const rows = await this.#db.query<{ i: number; role: Role | null }>(
      `select x.i, ${effectiveRole('p.id', 'c.user_id')} as role
       from jsonb_to_recordset($1::text::jsonb) as x(i int, k text, h text, p text)
       left join credentials c on c.kind = x.k and c.hash = x.h and c.revoked_at is null
         and (c.expires_at is null or c.expires_at > $2)
       left join pipelines p on p.id = x.p and p.deleted_at is null`,
      [list, now],
    )
    const roles: Array<Role | null> = items.map(() => null)
    for (const row of rows) roles[num(row.i)] = row.role ?? null
    return roles
  }

  async listTokens(userId: string, now: Date): Promise<TokenInfo[]> {
    const rows = await this.#db.query<{
      hash: string
      name: string | null
      created_at: Date
      expires_at: Date | null
    }>(
      `select hash, name, created_at, expires_at from credentials
       where user_id = $1 and kind = 'token' and revoked_at is null
         and (expires_at is null or expires_at > $2)
       order by created_at desc, hash`,
      [userId, now],
    )
    return rows.map((r) => ({
      hash: r.hash,
      name: r.name ?? '',
      createdAt: new Date(r.created_at),
      expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    }))
  }

  async revokeSessions(userId: string, now: Date, exceptHash?: string): Promise<number> {
    const rows = await this.#db.query(
      `update credentials set revoked_at = $2
       where user_id = $1 and kind = 'session' and revoked_at is null and hash <> $3
       returning hash`,
      [userId, now, exceptHash ?? ''],
    )
    return rows.length
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const rows = await this.#db.query(
      'update users set password_hash = $2 where id = $1 returning id',
      [userId, passwordHash],
    )
    if (rows.length === 0) throw new StoreError('NOT_FOUND', 'No such user.')
  }

  // ---- pipelines ----

  async createPipeline(input: {
    id: string
    ownerId: string
    teamId?: string
    name: string
    description: string
    epoch: string
    state: Uint8Array
    yaml: string
    search: string
    stepTypes?: readonly string[]
    stepText?: readonly StepText[]
  }): Promise<void> {
    try {
      await this.#db.transaction(async (tx) => {
        const rows = await tx.query(
          `insert into pipelines (id, owner_id, name, description, epoch, snapshot, snapshot_seq,
             head_seq, yaml, search, step_types, owner_team_id, step_text)
           values ($1, $2, $3, $4, $5, $6, 0, 0, $7, $8, ${STEP_TYPES_PARAM(9)}, $10,
             $11::text::jsonb)
           on conflict (id) do nothing returning id`,
          [
            input.id,
            input.ownerId,
            input.name,
            input.description,
            input.epoch,
            input.state,
            input.yaml,
            input.search,
            JSON.stringify(input.stepTypes ?? []),
            input.teamId ?? null,
            stepTextParam(input.stepText),
          ],
        )
        if (rows.length === 0) throw new StoreError('CONFLICT', 'A pipeline with this id exists.')
        // A team's pipeline is owned through the team (its owners and admins), not personally.
        if (input.teamId !== undefined) return
        await tx.query(
          `insert into pipeline_access (pipeline_id, user_id, role) values ($1, $2, 'owner')`,
          [input.id, input.ownerId],
        )
      })
    } catch (error) {
      if (sqlState(error) === '23503')
        throw new StoreError('NOT_FOUND', 'No such owner or team.', { cause: error })
      throw error
    }
  }

  async listPipelines(userId: string): Promise<PipelineInfo[]> {
    const rows = await this.#db.query<PipelineRow>(
      `select ${PIPELINE_COLUMNS} from ${VISIBLE_PIPELINES}
       where p.deleted_at is null
       order by p.updated_at desc, p.id`,
      [userId],
    )
    return rows.map(toPipeline)
  }

  async getPipeline(id: string, userId: string): Promise<PipelineInfo | null> {
    const [row] = await this.#db.query<PipelineRow>(
      `select ${PIPELINE_COLUMNS} from ${VISIBLE_PIPELINES}
       where p.id = $2 and p.deleted_at is null`,
      [userId, id],
    )
    return row ? toPipeline(row) : null
  }

  async pipelineExists(id: string): Promise<boolean> {
    const rows = await this.#db.query(
      'select 1 as one from pipelines where id = $1 and deleted_at is null',
      [id],
    )
    return rows.length > 0
  }

  async getRole(pipelineId: string, userId: string): Promise<Role | null> {
    const [row] = await this.#db.query<{ role: Role | null }>(
      `select ${effectiveRole('p.id', '$2::text')} as role from pipelines p
       where p.id = $1 and p.deleted_at is null`,
      [pipelineId, userId],
    )
    return row?.role ?? null
  }

  async setRole(pipelineId: string, userId: string, role: Role | null): Promise<void> {
    if (role === null) {
      await this.#db.query('delete from pipeline_access where pipeline_id = $1 and user_id = $2', [
        pipelineId,
        userId,
      ])
      return
    }
    try {
      await this.#db.query(
        `insert into pipeline_access (pipeline_id, user_id, role) values ($1, $2, $3)
         on conflict (pipeline_id, user_id) do update set role = excluded.role`,
        [pipelineId, userId, role],
      )
    } catch (error) {
      if (sqlState(error) === '23503')
        throw new StoreError('NOT_FOUND', 'No such pipeline or user.', { cause: error })
      throw error
    }
  }

  async deletePipeline(id: string, now: Date, actor?: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{ name: string; team_id: string | null; was: Date | null }>(
        `select name, owner_team_id as team_id, deleted_at as was from pipelines
         where id = $1 for no key update`,
        [id],
      )
      if (!row) throw new StoreError('NOT_FOUND', 'No such pipeline.')
      if (row.was !== null) return
      await tx.query('update pipelines set deleted_at = $2 where id = $1', [id, now])
      if (actor) {
        await appendAudit(tx, {
          at: now,
          actor,
          action: 'pipeline.delete',
          teamId: row.team_id,
          pipelineId: id,
          subject: row.name,
        })
      }
    })
  }

  async getPipelineText(
    id: string,
  ): Promise<{ yaml: string; name: string; description: string } | null> {
    const [row] = await this.#db.query<{ yaml: string; name: string; description: string }>(
      'select yaml, name, description from pipelines where id = $1 and deleted_at is null',
      [id],
    )
    return row ?? null
  }

  // ---- the document log ----

  async loadDocument(pipelineId: string): Promise<StoredDocument | null> {
    const result = await this.#readLog(pipelineId, -1)
    if (!result) return null
    return { epoch: result.epoch, headSeq: result.headSeq, updates: result.updates }
  }

  async readUpdatesSince(
    pipelineId: string,
    afterSeq: number,
  ): Promise<{ epoch: string; headSeq: number; updates: Uint8Array[] }> {
    const result = await this.#readLog(pipelineId, afterSeq)
    if (!result) throw new StoreError('NOT_FOUND', 'No such pipeline.')
    return result
  }

  /**
   * One statement, hence one MVCC snapshot: the pipeline row and its log rows can never come
   * from either side of a concurrent compaction. Row 0 carries head/snapshot; its data is the
   * snapshot when the reader is behind snapshot_seq (afterSeq < 0 always is).
   */
  async #readLog(
    pipelineId: string,
    afterSeq: number,
  ): Promise<{ epoch: string; headSeq: number; updates: Uint8Array[] } | null> {
    const rows = await this.#db.query<{
      part: number
      epoch: string | null
      head_seq: unknown
      data: Uint8Array | null
    }>(
      `select 0 as part, 0::bigint as seq, p.epoch, p.head_seq,
         case when $2::bigint < p.snapshot_seq or $2::bigint < 0 then p.snapshot end as data
       from pipelines p where p.id = $1 and p.deleted_at is null
       union all
       select 1 as part, u.seq, null, null, u.data
       from pipeline_updates u join pipelines p on p.id = u.pipeline_id
       where u.pipeline_id = $1 and p.deleted_at is null
         and u.seq > greatest($2::bigint, p.snapshot_seq)
       order by part, seq`,
      [pipelineId, afterSeq],
    )
    const head = rows[0]
    if (!head || num(head.part) !== 0 || head.epoch === null) return null
    const updates: Uint8Array[] = []
    for (const row of rows) if (row.data) updates.push(row.data)
    return { epoch: head.epoch, headSeq: num(head.head_seq), updates }
  }

  async appendUpdates(batch: ReadonlyArray<AppendItem>): Promise<Map<string, number>> {
    // Items for one pipeline are concatenated in batch order; pipelines are locked in sorted id
    // order so two processes appending to overlapping sets can never deadlock.
    const grouped = new Map<string, Uint8Array[]>()
    for (const item of batch) {
      if (item.updates.length === 0) continue
      const list = grouped.get(item.pipelineId)
      if (list) list.push(...item.updates)
      else grouped.set(item.pipelineId, [...item.updates])
    }
    const heads = new Map<string, number>()
    if (grouped.size === 0) return heads
    const ids = [...grouped.keys()].sort()
    const appendTo = async (db: Queryable, id: string) => {
      const updates = grouped.get(id) ?? []
      const head = await appendStatement(db, id, updates)
      if (head === null) {
        this.#logger.warn('append to a missing or deleted pipeline dropped', {
          pipelineId: id,
          updates: updates.length,
        })
      } else heads.set(id, head)
    }
    const [only] = ids
    if (ids.length === 1 && only !== undefined && grouped.get(only)!.length <= INSERT_CHUNK) {
      // The common case, one document: one statement in its own transaction, one round trip.
      await appendTo(this.#db, only)
    } else {
      await this.#db.transaction(async (tx) => {
        for (const id of ids) await appendTo(tx, id)
      })
    }
    return heads
  }

  async subscribeUpdates(
    onUpdate: (pipelineId: string, headSeq: number) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#db.listen(
      UPDATES_CHANNEL,
      (payload) => {
        const space = payload.lastIndexOf(' ')
        const headSeq = Number(payload.slice(space + 1))
        if (space <= 0 || !Number.isSafeInteger(headSeq)) {
          this.#logger.warn('ignored malformed notification', { payload })
          return
        }
        onUpdate(payload.slice(0, space), headSeq)
      },
      onReconnect,
    )
  }

  async compact(
    pipelineId: string,
    render: (state: Uint8Array) => RenderedPipeline,
  ): Promise<{ merged: number; headSeq: number }> {
    // 1. Read without a lock, in one statement (one consistent snapshot). Appends commit in seq
    //    order under the row lock, so the rows visible here are a gap-free prefix of the log.
    const rows = await this.#db.query<{
      snapshot: Uint8Array | null
      snapshot_seq: unknown
      head_seq: unknown
      seq: unknown
      data: Uint8Array | null
    }>(
      `select p.snapshot, p.snapshot_seq, p.head_seq, u.seq, u.data
       from pipelines p
       left join pipeline_updates u on u.pipeline_id = p.id and u.seq > p.snapshot_seq
       where p.id = $1 and p.deleted_at is null
       order by u.seq`,
      [pipelineId],
    )
    const [head] = rows
    if (!head) throw new StoreError('NOT_FOUND', 'No such pipeline.')
    const headSeq = num(head.head_seq)
    const log = rows.filter((r) => r.seq !== null && r.data !== null)
    if (log.length === 0) return { merged: 0, headSeq }
    const base = num(head.snapshot_seq)
    const last = num(log[log.length - 1]?.seq)
    // 2. Merge and render outside any transaction: rendering YAML costs milliseconds, and appends
    //    to this pipeline would wait for the row lock all that time.
    const state = mergeState([
      ...(head.snapshot ? [head.snapshot] : []),
      ...log.map((r) => r.data as Uint8Array),
    ])
    const text = render(state)
    // 3. Swap in one short transaction, only if no one compacted meanwhile. A crash leaves the old
    //    or the new state, never a mix. NO KEY: role changes (their foreign key takes KEY SHARE
    //    on the row) need not wait for us.
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{ snapshot_seq: unknown }>(
        `select snapshot_seq from pipelines
         where id = $1 and deleted_at is null for no key update`,
        [pipelineId],
      )
      if (!row) throw new StoreError('NOT_FOUND', 'No such pipeline.')
      if (num(row.snapshot_seq) !== base) return { merged: 0, headSeq }
      await tx.query(
        `update pipelines set snapshot = $2, snapshot_seq = $3, yaml = $4, name = $5,
           description = $6, search = $7, step_types = ${STEP_TYPES_PARAM(8)},
           step_text = $9::text::jsonb, summary_at = now()
         where id = $1`,
        [
          pipelineId,
          state,
          last,
          text.yaml,
          text.name,
          text.description,
          text.search,
          JSON.stringify(text.stepTypes ?? []),
          stepTextParam(text.stepText),
        ],
      )
      await tx.query('delete from pipeline_updates where pipeline_id = $1 and seq <= $2', [
        pipelineId,
        last,
      ])
      return { merged: log.length, headSeq }
    })
  }

  async storageSize(
    pipelineId: string,
  ): Promise<{ snapshotBytes: number; logBytes: number; logRows: number }> {
    const [row] = await this.#db.query<{
      snapshot_bytes: unknown
      log_bytes: unknown
      log_rows: unknown
    }>(
      `select coalesce(octet_length(p.snapshot), 0) as snapshot_bytes,
         (select coalesce(sum(octet_length(u.data)), 0) from pipeline_updates u
           where u.pipeline_id = p.id) as log_bytes,
         (select count(*) from pipeline_updates u where u.pipeline_id = p.id) as log_rows
       from pipelines p where p.id = $1`,
      [pipelineId],
    )
    if (!row) throw new StoreError('NOT_FOUND', 'No such pipeline.')
    return {
      snapshotBytes: num(row.snapshot_bytes),
      logBytes: num(row.log_bytes),
      logRows: num(row.log_rows),
    }
  }
}

/**
 * Appends a pipeline's updates in one statement: bumping head_seq takes the row lock, which is
 * held until the transaction commits, so seqs are handed out in commit order; the rows and the
 * notification commit with it. Returns the new head, or null when the pipeline is missing or
 * deleted. Large batches go through insertUpdates in chunks instead.
 */
async function appendStatement(
  db: Queryable,
  pipelineId: string,
  updates: Uint8Array[],
): Promise<number | null> {
  if (updates.length > INSERT_CHUNK) {
    const [row] = await db.query<{ head_seq: unknown }>(
      `update pipelines set head_seq = head_seq + $2, updated_at = now()
       where id = $1 and deleted_at is null returning head_seq`,
      [pipelineId, updates.length],
    )
    if (!row) return null
    const head = num(row.head_seq)
    await insertUpdates(db, pipelineId, head - updates.length + 1, updates)
    await db.query('select pg_notify($1, $2)', [UPDATES_CHANNEL, `${pipelineId} ${head}`])
    return head
  }
  // Only placeholders and row offsets are generated here; every value is a bind parameter.
  const params: Param[] = [pipelineId, updates.length, UPDATES_CHANNEL]
  const rows = updates.map((data, i) => {
    params.push(data)
    return `($1::text, h.head_seq - $2::bigint + ${i + 1}, $${params.length}::bytea)`
  })
  // Prepared: this runs for every group commit, and unprepared it took two round trips.
  const [row] = await db.query<{ head_seq: unknown }>(
    `with h as (
       update pipelines set head_seq = head_seq + $2::bigint, updated_at = now()
       where id = $1::text and deleted_at is null returning head_seq
     ), inserted as (
       insert into pipeline_updates (pipeline_id, seq, data)
       select v.pipeline_id, v.seq, v.data
       from h cross join lateral (values ${rows.join(', ')}) as v(pipeline_id, seq, data)
     )
     select h.head_seq, pg_notify($3::text, $1::text || ' ' || h.head_seq::text) from h`,
    params,
    { prepare: true },
  )
  return row ? num(row.head_seq) : null
}

async function insertUpdates(
  tx: Queryable,
  pipelineId: string,
  firstSeq: number,
  updates: Uint8Array[],
): Promise<void> {
  for (let start = 0; start < updates.length; start += INSERT_CHUNK) {
    const chunk = updates.slice(start, start + INSERT_CHUNK)
    // Only placeholders are generated here; every value is a bind parameter.
    const params: Param[] = [pipelineId]
    const values = chunk.map((data, i) => {
      params.push(firstSeq + start + i, data)
      return `($1, $${params.length - 1}::bigint, $${params.length}::bytea)`
    })
    await tx.query(
      `insert into pipeline_updates (pipeline_id, seq, data) values ${values.join(', ')}`,
      params,
    )
  }
}

/**
 * The merged state of a snapshot and log entries. It goes through a Y.Doc rather than
 * Y.mergeUpdates because a Doc garbage-collects deleted content, so the snapshot does not keep
 * the text of every deleted character forever. Updates that wait on missing dependencies stay
 * pending and are kept in the encoded state.
 */
export function mergeState(updates: Uint8Array[]): Uint8Array {
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
