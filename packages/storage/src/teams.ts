/**
 * Teams, sharing and the audit log (issue 5, point 2; migration 5; docs/decisions/0008).
 *
 * A team has members with a team role (owner, admin, member, viewer). A pipeline belongs to a
 * user or to a team, and is shared with users or teams as editor or viewer. What that grants is
 * the `pipeline_grants` view (see visibility.ts). Every change of access, membership, ownership
 * or existence is written to `audit_log` in the same transaction as the change itself, so the log
 * can never miss one; the table refuses UPDATE, DELETE and TRUNCATE.
 */
import { StoreError, sqlState } from './errors.js'
import type { Db, Param, Queryable } from './sql.js'
import type { Role } from './store.js'

export type TeamRole = 'owner' | 'admin' | 'member' | 'viewer'
export type ShareRole = 'editor' | 'viewer'

/** Who made a change, as the audit log records it. */
export interface Actor {
  readonly id: string
  readonly email: string
}

export interface Team {
  readonly id: string
  readonly name: string
  readonly createdAt: Date
  /** The asking user's role in the team. */
  readonly role: TeamRole
  readonly memberCount: number
}

export interface TeamMember {
  readonly userId: string
  readonly email: string
  readonly role: TeamRole
  readonly addedAt: Date
}

/** One thing that gives access to a pipeline, as set by its owners. */
export type PipelineGrant =
  | { readonly kind: 'user'; readonly userId: string; readonly email: string; readonly role: Role }
  | {
      readonly kind: 'team'
      readonly teamId: string
      readonly name: string
      /** 'owner' for the team that owns the pipeline, else the share's role. */
      readonly role: Role
    }

/** Why a user has their effective role on a pipeline. */
export interface EffectiveAccess {
  readonly userId: string
  readonly email: string
  readonly role: Role
  readonly reasons: ReadonlyArray<{
    readonly via: 'owner' | 'direct' | 'team' | 'team-share'
    readonly role: Role
    readonly teamId: string | null
    readonly teamName: string | null
  }>
}

export interface PipelineAccess {
  /** null for a personal pipeline. */
  readonly ownerTeam: { readonly id: string; readonly name: string } | null
  readonly grants: readonly PipelineGrant[]
  readonly effective: readonly EffectiveAccess[]
}

export type AuditAction =
  | 'team.create'
  | 'team.rename'
  | 'team.delete'
  | 'team.member.add'
  | 'team.member.role'
  | 'team.member.remove'
  | 'pipeline.share'
  | 'pipeline.unshare'
  | 'pipeline.transfer'
  | 'pipeline.delete'
  | 'token.create'
  | 'token.revoke'

export interface AuditEntry {
  /** Increasing; the paging cursor. */
  readonly id: string
  readonly at: Date
  readonly actorId: string | null
  readonly actorEmail: string
  readonly action: AuditAction
  readonly teamId: string | null
  readonly pipelineId: string | null
  /** Whom or what the change was about: an email, a team or pipeline name. */
  readonly subject: string | null
  readonly details: Readonly<Record<string, unknown>>
}

export interface AuditFilter {
  readonly teamId?: string
  readonly pipelineId?: string
  readonly actorEmail?: string
  readonly action?: string
  readonly since?: Date
  readonly until?: Date
  /** Entries older than this id (the previous page's last id). */
  readonly before?: string
  readonly limit: number
}

export interface NewAuditEntry {
  readonly at: Date
  readonly actor: Actor
  readonly action: AuditAction
  readonly teamId?: string | null
  readonly pipelineId?: string | null
  readonly subject?: string | null
  readonly details?: Record<string, unknown>
}

export interface TeamStore {
  /** The new team with `actor` as its only owner. */
  createTeam(input: { id: string; name: string }, actor: Actor, now: Date): Promise<Team>
  /** The teams the user is a member of, by name. */
  listTeams(userId: string): Promise<Team[]>
  /** null when the team does not exist or the user is not a member. */
  getTeam(teamId: string, userId: string): Promise<Team | null>
  /** null when the team does not exist or the user is not a member. */
  memberRole(teamId: string, userId: string): Promise<TeamRole | null>
  /** StoreError 'NOT_FOUND' when the team does not exist. */
  renameTeam(teamId: string, name: string, actor: Actor, now: Date): Promise<void>
  /** StoreError 'NOT_FOUND'; 'TEAM_NOT_EMPTY' while it owns pipelines that are not deleted. */
  deleteTeam(teamId: string, actor: Actor, now: Date): Promise<void>
  /** Owners first, then admins, members, viewers; by email within a role. */
  listMembers(teamId: string): Promise<TeamMember[]>
  /**
   * Adds, changes (role) or removes (null) a member; a no-op when nothing changes. StoreError
   * 'NOT_FOUND' when the team or user does not exist, 'LAST_OWNER' when it would leave the team
   * without an owner. Returns the previous role.
   */
  setMember(
    teamId: string,
    userId: string,
    role: TeamRole | null,
    actor: Actor,
    now: Date,
  ): Promise<TeamRole | null>

  /**
   * A user's direct role on a pipeline (null removes it). StoreError 'NOT_FOUND' when the
   * pipeline (not deleted) or user does not exist. Returns the previous direct role.
   */
  shareWithUser(
    pipelineId: string,
    userId: string,
    role: Role | null,
    actor: Actor,
    now: Date,
  ): Promise<Role | null>
  /** A team's share of a pipeline (null removes it); as shareWithUser. */
  shareWithTeam(
    pipelineId: string,
    teamId: string,
    role: ShareRole | null,
    actor: Actor,
    now: Date,
  ): Promise<ShareRole | null>
  /**
   * Gives the pipeline to a team (its personal owner rows go; the team's owners and admins own
   * it) or to a user (who becomes its personal owner). StoreError 'NOT_FOUND'.
   */
  transferPipeline(
    pipelineId: string,
    to: { teamId: string } | { userId: string },
    actor: Actor,
    now: Date,
  ): Promise<void>
  /** What gives access to the pipeline and who ends up with which role. null when missing. */
  pipelineAccess(pipelineId: string): Promise<PipelineAccess | null>
  /** The owning team's id, or null for a personal (or missing) pipeline. */
  pipelineTeam(pipelineId: string): Promise<string | null>

  /** Appends one entry (for changes made outside this store, e.g. tokens). */
  audit(entry: NewAuditEntry): Promise<void>
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>
}

interface TeamRow {
  id: string
  name: string
  created_at: Date
  role: TeamRole
  member_count: unknown
}

const toTeam = (row: TeamRow): Team => ({
  id: row.id,
  name: row.name,
  createdAt: new Date(row.created_at),
  role: row.role,
  memberCount: Number(row.member_count),
})

const TEAM_COLUMNS = `t.id, t.name, t.created_at, m.role,
  (select count(*) from team_members c where c.team_id = t.id) as member_count`

const ROLE_ORDER = `case m.role when 'owner' then 0 when 'admin' then 1 when 'member' then 2 else 3 end`

/** The audit row insert, inside the caller's transaction. */
export async function appendAudit(db: Queryable, entry: NewAuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (at, actor_id, actor_email, action, team_id, pipeline_id, subject,
       details)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.at,
      entry.actor.id,
      entry.actor.email,
      entry.action,
      entry.teamId ?? null,
      entry.pipelineId ?? null,
      entry.subject ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  )
}

/** The live pipeline's name and owning team, locked against concurrent changes of its access. */
async function lockPipeline(
  tx: Queryable,
  pipelineId: string,
): Promise<{ name: string; teamId: string | null; ownerId: string }> {
  const [row] = await tx.query<{ name: string; owner_team_id: string | null; owner_id: string }>(
    `select name, owner_team_id, owner_id from pipelines
     where id = $1 and deleted_at is null for no key update`,
    [pipelineId],
  )
  if (!row) throw new StoreError('NOT_FOUND', 'No such pipeline.')
  return { name: row.name, teamId: row.owner_team_id, ownerId: row.owner_id }
}

async function userEmail(tx: Queryable, userId: string): Promise<string> {
  const [row] = await tx.query<{ email: string }>('select email from users where id = $1', [userId])
  if (!row) throw new StoreError('NOT_FOUND', 'No such user.')
  return row.email
}

async function teamName(tx: Queryable, teamId: string, lock = false): Promise<string> {
  const [row] = await tx.query<{ name: string }>(
    `select name from teams where id = $1${lock ? ' for update' : ''}`,
    [teamId],
  )
  if (!row) throw new StoreError('NOT_FOUND', 'No such team.')
  return row.name
}

export class SqlTeamStore implements TeamStore {
  constructor(private readonly db: Db) {}

  async createTeam(input: { id: string; name: string }, actor: Actor, now: Date): Promise<Team> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('insert into teams (id, name, created_at) values ($1, $2, $3)', [
          input.id,
          input.name,
          now,
        ])
        await tx.query(
          `insert into team_members (team_id, user_id, role, added_at) values ($1, $2, 'owner', $3)`,
          [input.id, actor.id, now],
        )
        await appendAudit(tx, {
          at: now,
          actor,
          action: 'team.create',
          teamId: input.id,
          subject: input.name,
        })
      })
    } catch (error) {
      if (sqlState(error) === '23505')
        throw new StoreError('CONFLICT', 'A team with this id exists.', { cause: error })
      if (sqlState(error) === '23503')
        throw new StoreError('NOT_FOUND', 'No such user.', { cause: error })
      throw error
    }
    return { id: input.id, name: input.name, createdAt: now, role: 'owner', memberCount: 1 }
  }

  async listTeams(userId: string): Promise<Team[]> {
    const rows = await this.db.query<TeamRow>(
      `select ${TEAM_COLUMNS} from team_members m join teams t on t.id = m.team_id
       where m.user_id = $1 order by lower(t.name), t.id`,
      [userId],
    )
    return rows.map(toTeam)
  }

  async getTeam(teamId: string, userId: string): Promise<Team | null> {
    const [row] = await this.db.query<TeamRow>(
      `select ${TEAM_COLUMNS} from team_members m join teams t on t.id = m.team_id
       where m.team_id = $1 and m.user_id = $2`,
      [teamId, userId],
    )
    return row ? toTeam(row) : null
  }

  async memberRole(teamId: string, userId: string): Promise<TeamRole | null> {
    const [row] = await this.db.query<{ role: TeamRole }>(
      'select role from team_members where team_id = $1 and user_id = $2',
      [teamId, userId],
    )
    return row?.role ?? null
  }

  async renameTeam(teamId: string, name: string, actor: Actor, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const previous = await teamName(tx, teamId, true)
      if (previous === name) return
      await tx.query('update teams set name = $2 where id = $1', [teamId, name])
      await appendAudit(tx, {
        at: now,
        actor,
        action: 'team.rename',
        teamId,
        subject: name,
        details: { previousName: previous },
      })
    })
  }

  async deleteTeam(teamId: string, actor: Actor, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The row lock makes a concurrent "create in this team" wait (its foreign key check needs
      // a KEY SHARE lock), so the count below cannot go stale before the delete.
      const name = await teamName(tx, teamId, true)
      const [row] = await tx.query<{ n: unknown }>(
        `select count(*) as n from pipelines where owner_team_id = $1 and deleted_at is null`,
        [teamId],
      )
      const owned = Number(row?.n ?? 0)
      if (owned > 0) {
        throw new StoreError(
          'TEAM_NOT_EMPTY',
          `The team owns ${owned} pipeline(s): delete or transfer them first.`,
        )
      }
      const members = await tx.query<{ email: string; role: TeamRole }>(
        `select u.email, m.role from team_members m join users u on u.id = m.user_id
         where m.team_id = $1 order by u.email`,
        [teamId],
      )
      await tx.query('delete from teams where id = $1', [teamId])
      await appendAudit(tx, {
        at: now,
        actor,
        action: 'team.delete',
        teamId,
        subject: name,
        details: { members: members.map((m) => ({ email: m.email, role: m.role })) },
      })
    })
  }

  async listMembers(teamId: string): Promise<TeamMember[]> {
    const rows = await this.db.query<{
      user_id: string
      email: string
      role: TeamRole
      added_at: Date
    }>(
      `select m.user_id, u.email, m.role, m.added_at
       from team_members m join users u on u.id = m.user_id
       where m.team_id = $1 order by ${ROLE_ORDER}, u.email`,
      [teamId],
    )
    return rows.map((r) => ({
      userId: r.user_id,
      email: r.email,
      role: r.role,
      addedAt: new Date(r.added_at),
    }))
  }

  async setMember(
    teamId: string,
    userId: string,
    role: TeamRole | null,
    actor: Actor,
    now: Date,
  ): Promise<TeamRole | null> {
    return this.db.transaction(async (tx) => {
      // Locking the team row serialises membership changes of one team, so two owners demoting
      // each other at once cannot both succeed and leave it without an owner.
      const name = await teamName(tx, teamId, true)
      const email = await userEmail(tx, userId)
      const [current] = await tx.query<{ role: TeamRole }>(
        'select role from team_members where team_id = $1 and user_id = $2',
        [teamId, userId],
      )
      const previous = current?.role ?? null
      if (previous === role) return previous
      if (previous === 'owner') {
        const [row] = await tx.query<{ n: unknown }>(
          `select count(*) as n from team_members where team_id = $1 and role = 'owner'`,
          [teamId],
        )
        if (Number(row?.n ?? 0) <= 1) {
          throw new StoreError(
            'LAST_OWNER',
            'A team needs an owner: make someone else owner first, or delete the team.',
          )
        }
      }
      if (role === null) {
        await tx.query('delete from team_members where team_id = $1 and user_id = $2', [
          teamId,
          userId,
        ])
      } else {
        await tx.query(
          `insert into team_members (team_id, user_id, role, added_at) values ($1, $2, $3, $4)
           on conflict (team_id, user_id) do update set role = excluded.role`,
          [teamId, userId, role, now],
        )
      }
      await appendAudit(tx, {
        at: now,
        actor,
        action:
          previous === null
            ? 'team.member.add'
            : role === null
              ? 'team.member.remove'
              : 'team.member.role',
        teamId,
        subject: email,
        details: { team: name, role, previousRole: previous },
      })
      return previous
    })
  }

  async shareWithUser(
    pipelineId: string,
    userId: string,
    role: Role | null,
    actor: Actor,
    now: Date,
  ): Promise<Role | null> {
    return this.db.transaction(async (tx) => {
      const pipeline = await lockPipeline(tx, pipelineId)
      const email = await userEmail(tx, userId)
      const [current] = await tx.query<{ role: Role }>(
        'select role from pipeline_access where pipeline_id = $1 and user_id = $2',
        [pipelineId, userId],
      )
      const previous = current?.role ?? null
      if (previous === role) return previous
      if (role === null) {
        await tx.query('delete from pipeline_access where pipeline_id = $1 and user_id = $2', [
          pipelineId,
          userId,
        ])
      } else {
        await tx.query(
          `insert into pipeline_access (pipeline_id, user_id, role) values ($1, $2, $3)
           on conflict (pipeline_id, user_id) do update set role = excluded.role`,
          [pipelineId, userId, role],
        )
      }
      await appendAudit(tx, {
        at: now,
        actor,
        action: role === null ? 'pipeline.unshare' : 'pipeline.share',
        teamId: pipeline.teamId,
        pipelineId,
        subject: email,
        details: { pipeline: pipeline.name, with: 'user', role, previousRole: previous },
      })
      return previous
    })
  }

  async shareWithTeam(
    pipelineId: string,
    teamId: string,
    role: ShareRole | null,
    actor: Actor,
    now: Date,
  ): Promise<ShareRole | null> {
    return this.db.transaction(async (tx) => {
      const pipeline = await lockPipeline(tx, pipelineId)
      const name = await teamName(tx, teamId)
      const [current] = await tx.query<{ role: ShareRole }>(
        'select role from pipeline_team_shares where pipeline_id = $1 and team_id = $2',
        [pipelineId, teamId],
      )
      const previous = current?.role ?? null
      if (previous === role) return previous
      if (role === null) {
        await tx.query('delete from pipeline_team_shares where pipeline_id = $1 and team_id = $2', [
          pipelineId,
          teamId,
        ])
      } else {
        await tx.query(
          `insert into pipeline_team_shares (pipeline_id, team_id, role) values ($1, $2, $3)
           on conflict (pipeline_id, team_id) do update set role = excluded.role`,
          [pipelineId, teamId, role],
        )
      }
      await appendAudit(tx, {
        at: now,
        actor,
        action: role === null ? 'pipeline.unshare' : 'pipeline.share',
        // The owning team's admins see changes to their pipelines; a personal pipeline's share
        // with a team shows in that team's log.
        teamId: pipeline.teamId ?? teamId,
        pipelineId,
        subject: name,
        details: { pipeline: pipeline.name, with: 'team', teamId, role, previousRole: previous },
      })
      return previous
    })
  }

  async transferPipeline(
    pipelineId: string,
    to: { teamId: string } | { userId: string },
    actor: Actor,
    now: Date,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const pipeline = await lockPipeline(tx, pipelineId)
      const from =
        pipeline.teamId === null
          ? { user: await userEmail(tx, pipeline.ownerId) }
          : { team: await teamName(tx, pipeline.teamId) }
      let subject: string
      if ('teamId' in to) {
        subject = await teamName(tx, to.teamId)
        if (pipeline.teamId === to.teamId) return
        await tx.query(`update pipelines set owner_team_id = $2 where id = $1`, [
          pipelineId,
          to.teamId,
        ])
        // The personal owners step back; they keep what their team membership gives them.
        await tx.query(`delete from pipeline_access where pipeline_id = $1 and role = 'owner'`, [
          pipelineId,
        ])
      } else {
        subject = await userEmail(tx, to.userId)
        if (pipeline.teamId === null && pipeline.ownerId === to.userId) return
        await tx.query(`update pipelines set owner_team_id = null, owner_id = $2 where id = $1`, [
          pipelineId,
          to.userId,
        ])
        await tx.query(
          `insert into pipeline_access (pipeline_id, user_id, role) values ($1, $2, 'owner')
           on conflict (pipeline_id, user_id) do update set role = 'owner'`,
          [pipelineId, to.userId],
        )
      }
      await appendAudit(tx, {
        at: now,
        actor,
        action: 'pipeline.transfer',
        teamId: 'teamId' in to ? to.teamId : pipeline.teamId,
        pipelineId,
        subject,
        details: { pipeline: pipeline.name, from, to: 'teamId' in to ? 'team' : 'user' },
      })
    })
  }

  async pipelineAccess(pipelineId: string): Promise<PipelineAccess | null> {
    const [pipeline] = await this.db.query<{ team_id: string | null; team_name: string | null }>(
      `select p.owner_team_id as team_id, t.name as team_name
       from pipelines p left join teams t on t.id = p.owner_team_id
       where p.id = $1 and p.deleted_at is null`,
      [pipelineId],
    )
    if (!pipeline) return null
    const users = await this.db.query<{ user_id: string; email: string; role: Role }>(
      `select a.user_id, u.email, a.role from pipeline_access a join users u on u.id = a.user_id
       where a.pipeline_id = $1
       order by case a.role when 'owner' then 0 when 'editor' then 1 else 2 end, u.email`,
      [pipelineId],
    )
    const teams = await this.db.query<{ team_id: string; name: string; role: ShareRole }>(
      `select s.team_id, t.name, s.role from pipeline_team_shares s join teams t on t.id = s.team_id
       where s.pipeline_id = $1 order by lower(t.name), t.id`,
      [pipelineId],
    )
    const reasons = await this.db.query<{
      user_id: string
      email: string
      rank: unknown
      via: 'owner' | 'direct' | 'team' | 'team-share'
      team_id: string | null
      team_name: string | null
    }>(
      `select g.user_id, u.email, g.rank, g.via, g.team_id, t.name as team_name
       from pipeline_grants g join users u on u.id = g.user_id
       left join teams t on t.id = g.team_id
       where g.pipeline_id = $1
       order by u.email, g.rank desc, g.via`,
      [pipelineId],
    )
    const roleOf = (rank: unknown): Role =>
      Number(rank) >= 3 ? 'owner' : Number(rank) === 2 ? 'editor' : 'viewer'
    const byUser = new Map<string, EffectiveAccess & { reasons: EffectiveAccess['reasons'][0][] }>()
    for (const r of reasons) {
      const role = roleOf(r.rank)
      let entry = byUser.get(r.user_id)
      if (!entry) {
        // Rows come highest rank first per user: the first is the effective role.
        entry = { userId: r.user_id, email: r.email, role, reasons: [] }
        byUser.set(r.user_id, entry)
      }
      entry.reasons.push({ via: r.via, role, teamId: r.team_id, teamName: r.team_name })
    }
    return {
      ownerTeam:
        pipeline.team_id === null ? null : { id: pipeline.team_id, name: pipeline.team_name ?? '' },
      grants: [
        ...(pipeline.team_id === null
          ? []
          : [
              {
                kind: 'team' as const,
                teamId: pipeline.team_id,
                name: pipeline.team_name ?? '',
                role: 'owner' as const,
              },
            ]),
        ...users.map((u) => ({
          kind: 'user' as const,
          userId: u.user_id,
          email: u.email,
          role: u.role,
        })),
        ...teams.map((t) => ({
          kind: 'team' as const,
          teamId: t.team_id,
          name: t.name,
          role: t.role,
        })),
      ],
      effective: [...byUser.values()],
    }
  }

  async pipelineTeam(pipelineId: string): Promise<string | null> {
    const [row] = await this.db.query<{ owner_team_id: string | null }>(
      'select owner_team_id from pipelines where id = $1',
      [pipelineId],
    )
    return row?.owner_team_id ?? null
  }

  audit(entry: NewAuditEntry): Promise<void> {
    return appendAudit(this.db, entry)
  }

  async listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    const params: Param[] = []
    const where: string[] = []
    // Only placeholders are generated here; every value is a bind parameter.
    const add = (sql: (n: string) => string, value: Param) => {
      params.push(value)
      where.push(sql(`$${params.length}`))
    }
    if (filter.teamId !== undefined) add((n) => `team_id = ${n}`, filter.teamId)
    if (filter.pipelineId !== undefined) add((n) => `pipeline_id = ${n}`, filter.pipelineId)
    if (filter.actorEmail !== undefined)
      add((n) => `actor_email = ${n}`, filter.actorEmail.toLowerCase())
    if (filter.action !== undefined)
      add((n) => `(action = ${n} or action like ${n} || '.%')`, filter.action)
    if (filter.since !== undefined) add((n) => `at >= ${n}`, filter.since)
    if (filter.until !== undefined) add((n) => `at < ${n}`, filter.until)
    if (filter.before !== undefined) add((n) => `id < ${n}::bigint`, filter.before)
    params.push(filter.limit)
    const rows = await this.db.query<{
      id: unknown
      at: Date
      actor_id: string | null
      actor_email: string
      action: AuditAction
      team_id: string | null
      pipeline_id: string | null
      subject: string | null
      details: string
    }>(
      `select id, at, actor_id, actor_email, action, team_id, pipeline_id, subject, details
       from audit_log ${where.length ? `where ${where.join(' and ')}` : ''}
       order by id desc limit $${params.length}::int`,
      params,
    )
    return rows.map((r) => ({
      id: String(r.id),
      at: new Date(r.at),
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      action: r.action,
      teamId: r.team_id,
      pipelineId: r.pipeline_id,
      subject: r.subject,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }))
  }
}
