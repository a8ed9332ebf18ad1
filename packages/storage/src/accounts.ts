/**
 * Ways in (migration 7): invites an admin hands out, the one-time setup code of a fresh install,
 * and the user list admins see. Codes are stored as SHA-256 hashes only, like session ids and
 * tokens: they are 256 random bits, so a fast hash is enough. Using a code and creating the user
 * happen in one transaction, so a code is spent exactly when an account is made with it.
 */
import { randomUUID } from 'node:crypto'
import { StoreError, sqlState } from './errors.js'
import type { Db, Queryable } from './sql.js'
import type { User } from './store.js'

export interface Invite {
  /** Public id, for listing and revoking; not the code. */
  readonly id: string
  /** When set, only this email may sign up with it. */
  readonly email: string | null
  readonly isAdmin: boolean
  readonly createdBy: string | null
  readonly createdAt: Date
  readonly expiresAt: Date
}

export interface UserSummary extends User {
  readonly name: string
}

export interface NewAccount {
  readonly email: string
  readonly name: string
  readonly passwordHash: string
}

export interface AccountStore {
  createInvite(input: {
    id: string
    hash: string
    email: string | null
    isAdmin: boolean
    createdBy: string
    expiresAt: Date
  }): Promise<Invite>
  /** Invites not used, revoked or expired at `now`, newest first. */
  listInvites(now: Date): Promise<Invite[]>
  /** False when there is no such pending invite. */
  revokeInvite(id: string, now: Date): Promise<boolean>
  /**
   * Creates the account and spends the invite (hash) in one go. StoreError 'NOT_FOUND' when the
   * invite is unknown, used, revoked, expired or for another email; 'EMAIL_TAKEN' leaves it unspent.
   */
  signUpWithInvite(hash: string, account: NewAccount, now: Date): Promise<User>
  /**
   * Whether the invite could be spent by this email now: a cheap check before the caller hashes a
   * password, so a made-up code costs no scrypt. `signUpWithInvite` checks again, atomically.
   */
  isInviteUsable(hash: string, email: string, now: Date): Promise<boolean>
  /** Whether the setup code is current and no user exists yet (the same cheap pre-check). */
  isSetupOpen(hash: string, now: Date): Promise<boolean>
  /** An account without an invite (open sign-up). StoreError 'EMAIL_TAKEN' on a duplicate. */
  signUp(account: NewAccount, isAdmin: boolean): Promise<User>
  /** Forgets every setup code and keeps this one: only the newest link in the log works. */
  replaceSetupCode(hash: string, expiresAt: Date): Promise<void>
  /**
   * Creates the first admin with a setup code. StoreError 'CONFLICT' when any user exists (the
   * check and the insert hold one lock, so two racing setups make one admin), 'NOT_FOUND' when
   * the code is unknown, used or expired.
   */
  setUp(hash: string, account: NewAccount, now: Date): Promise<User>
  listUsers(): Promise<UserSummary[]>
}

interface InviteRow {
  id: string
  email: string | null
  is_admin: boolean
  created_by: string | null
  created_at: Date
  expires_at: Date
}

interface UserRow {
  id: string
  email: string
  name: string
  is_admin: boolean
  created_at: Date
}

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  email: row.email,
  isAdmin: row.is_admin,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
})

const INVITE_COLUMNS = 'id, email, is_admin, created_by, created_at, expires_at'
/** Names "weft first-admin setup" among advisory locks. */
const SETUP_LOCK = 0x77656675

async function insertUser(db: Queryable, account: NewAccount, isAdmin: boolean): Promise<User> {
  const rows = await db.query<UserRow>(
    `insert into users (id, email, name, password_hash, is_admin) values ($1, $2, $3, $4, $5)
     on conflict (email) do nothing
     returning id, email, name, is_admin, created_at`,
    [randomUUID(), account.email.toLowerCase(), account.name, account.passwordHash, isAdmin],
  )
  const row = rows[0]
  if (!row) throw new StoreError('EMAIL_TAKEN', 'A user with this email already exists.')
  return { id: row.id, email: row.email, isAdmin: row.is_admin, createdAt: row.created_at }
}

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Db) {}

  async createInvite(input: {
    id: string
    hash: string
    email: string | null
    isAdmin: boolean
    createdBy: string
    expiresAt: Date
  }): Promise<Invite> {
    try {
      const [row] = await this.db.query<InviteRow>(
        `insert into invites (id, hash, email, is_admin, created_by, expires_at)
         values ($1, $2, $3, $4, $5, $6) returning ${INVITE_COLUMNS}`,
        [
          input.id,
          input.hash,
          input.email?.toLowerCase() ?? null,
          input.isAdmin,
          input.createdBy,
          input.expiresAt,
        ],
      )
      return toInvite(row!)
    } catch (error) {
      if (sqlState(error) === '23505') throw new StoreError('CONFLICT', 'Invite exists.')
      throw error
    }
  }

  async listInvites(now: Date): Promise<Invite[]> {
    const rows = await this.db.query<InviteRow>(
      `select ${INVITE_COLUMNS} from invites
       where used_at is null and revoked_at is null and expires_at > $1
       order by created_at desc, id`,
      [now],
    )
    return rows.map(toInvite)
  }

  async revokeInvite(id: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update invites set revoked_at = $2
       where id = $1 and used_at is null and revoked_at is null and expires_at > $2
       returning id`,
      [id, now],
    )
    return rows.length > 0
  }

  signUpWithInvite(hash: string, account: NewAccount, now: Date): Promise<User> {
    return this.db.transaction(async (tx) => {
      const [invite] = await tx.query<{ id: string; is_admin: boolean }>(
        `select id, is_admin from invites
         where hash = $1 and used_at is null and revoked_at is null and expires_at > $2
           and (email is null or email = $3)
         for update`,
        [hash, now, account.email.toLowerCase()],
      )
      if (!invite) throw new StoreError('NOT_FOUND', 'No such invite.')
      const user = await insertUser(tx, account, invite.is_admin)
      await tx.query(`update invites set used_at = $2, used_by = $3 where id = $1`, [
        invite.id,
        now,
        user.id,
      ])
      return user
    })
  }

  async isInviteUsable(hash: string, email: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 as one from invites
       where hash = $1 and used_at is null and revoked_at is null and expires_at > $2
         and (email is null or email = $3)`,
      [hash, now, email.toLowerCase()],
    )
    return rows.length > 0
  }

  async isSetupOpen(hash: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 as one from setup_codes
       where hash = $1 and expires_at > $2 and not exists (select 1 from users)`,
      [hash, now],
    )
    return rows.length > 0
  }

  signUp(account: NewAccount, isAdmin: boolean): Promise<User> {
    return insertUser(this.db, account, isAdmin)
  }

  async replaceSetupCode(hash: string, expiresAt: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('delete from setup_codes')
      await tx.query('insert into setup_codes (hash, expires_at) values ($1, $2)', [
        hash,
        expiresAt,
      ])
    })
  }

  setUp(hash: string, account: NewAccount, now: Date): Promise<User> {
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK])
      const [count] = await tx.query<{ n: unknown }>('select count(*) as n from users')
      if (Number(count?.n) > 0) throw new StoreError('CONFLICT', 'Setup is done.')
      const used = await tx.query(
        `delete from setup_codes where hash = $1 and expires_at > $2 returning hash`,
        [hash, now],
      )
      if (used.length === 0) throw new StoreError('NOT_FOUND', 'No such setup code.')
      const user = await insertUser(tx, account, true)
      await tx.query('delete from setup_codes')
      return user
    })
  }

  async listUsers(): Promise<UserSummary[]> {
    const rows = await this.db.query<UserRow>(
      'select id, email, name, is_admin, created_at from users order by email',
    )
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      isAdmin: row.is_admin,
      createdAt: row.created_at,
    }))
  }
}
