import type { StorageLogger as Logger } from './logger.js'
import type { AccountStore } from './accounts.js'
import type { SearchStore } from './search.js'
import type { Actor, TeamStore } from './teams.js'
import type { TemplateStore } from './templates.js'
import type { VersionStore } from './versions.js'

export type Role = 'owner' | 'editor' | 'viewer'

export interface User {
  id: string
  email: string
  isAdmin: boolean
  createdAt: Date
}

/** Who a pipeline belongs to: a user, or a team (then `email` is whoever created it). */
export type PipelineOwner =
  | { kind: 'user'; id: string; email: string }
  | { kind: 'team'; id: string; name: string }

export interface PipelineInfo {
  id: string
  name: string
  description: string
  /** The caller's effective role (the highest of every grant: docs/decisions/0008). */
  role: Role
  owner: PipelineOwner
  epoch: string
  createdAt: Date
  updatedAt: Date
  /** Weft's own labels (the format has none); see search.ts. */
  tags: string[]
}

export type CredentialKind = 'session' | 'token'

/** An API token as its owner may see it; `hash` stays on the server. */
export interface TokenInfo {
  hash: string
  name: string
  createdAt: Date
  expiresAt: Date | null
}

/** The snapshot (if any) first, then the log entries in seq order. */
export interface StoredDocument {
  epoch: string
  headSeq: number
  updates: Uint8Array[]
}

export interface AppendItem {
  pipelineId: string
  updates: Uint8Array[]
}

export interface RenderedPipeline {
  yaml: string
  name: string
  description: string
  search: string
  /** The step types, for the search filter (`step_types`). */
  stepTypes?: readonly string[]
  /** Each top-level step's name and searched text, to name the step a search matched. */
  stepText?: readonly StepText[]
}

/** A top-level step as search sees it: its name and its prompt text (`step_text`). */
export interface StepText {
  readonly name: string
  readonly text: string
}

export interface Store {
  readonly kind: 'postgres' | 'pglite'
  /** Team templates (pipelines marked as templates): `templates.ts`. */
  readonly templates: TemplateStore
  /** Full-text search over the pipelines a user has a role on: `search.ts`. */
  readonly search: SearchStore
  /** Version history: automatic and named versions, restores: `versions.ts`. */
  readonly versions: VersionStore
  /** Invites, the setup code and the user list: `accounts.ts`. */
  readonly accounts: AccountStore
  /** Teams, sharing with users and teams, and the audit log: `teams.ts`. */
  readonly teams: TeamStore
  close(): Promise<void>

  // users
  countUsers(): Promise<number>
  /** Emails are stored lower-cased. StoreError 'EMAIL_TAKEN' on a duplicate (case-insensitive). */
  createUser(input: { email: string; passwordHash: string; isAdmin: boolean }): Promise<User>
  findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | null>
  findUserById(id: string): Promise<User | null>

  // credentials (hash = the caller's sha-256 of the secret; secrets never reach storage)
  /** StoreError 'CONFLICT' when the hash exists, 'NOT_FOUND' when the user does not. */
  createCredential(input: {
    kind: CredentialKind
    hash: string
    userId: string
    name?: string
    expiresAt: Date | null
  }): Promise<void>
  /** null when missing, expired (expiresAt <= now) or revoked. */
  findCredential(kind: CredentialKind, hash: string, now: Date): Promise<User | null>
  /** true when a live credential was revoked now, false when missing or already revoked. */
  revokeCredential(kind: CredentialKind, hash: string, now: Date): Promise<boolean>
  /**
   * For open sockets: each item's current role on its pipeline, or null when the credential is
   * gone/expired/revoked, the pipeline is deleted, or access was removed. ONE query for the list.
   */
  resolveAccess(
    items: ReadonlyArray<{ kind: CredentialKind; hash: string; pipelineId: string }>,
    now: Date,
  ): Promise<Array<Role | null>>
  /** The user's live (not revoked, not expired) API tokens, newest first. */
  listTokens(userId: string, now: Date): Promise<TokenInfo[]>
  /** Revokes the user's live sessions except `exceptHash`; returns how many. */
  revokeSessions(userId: string, now: Date, exceptHash?: string): Promise<number>
  /** StoreError 'NOT_FOUND' when the user does not exist. */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>

  // pipelines
  /**
   * `state` (Y.encodeStateAsUpdate) becomes the first snapshot (snapshot_seq 0); the owner gets an
   * 'owner' access row, unless `teamId` names the team that owns it (then `ownerId` is only who
   * created it); one transaction. StoreError 'CONFLICT' when the id exists (even deleted),
   * 'NOT_FOUND' when the owner or team does not exist.
   */
  createPipeline(input: {
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
  }): Promise<void>
  /** Pipelines the user has any role on (visibility.ts), newest updated first, not deleted. */
  listPipelines(userId: string): Promise<PipelineInfo[]>
  /** null when missing, deleted or no access. */
  getPipeline(id: string, userId: string): Promise<PipelineInfo | null>
  /** true when the pipeline exists and is not deleted. */
  pipelineExists(id: string): Promise<boolean>
  /** null when no access, or the pipeline is missing or deleted. */
  getRole(pipelineId: string, userId: string): Promise<Role | null>
  /** Upsert; null removes. StoreError 'NOT_FOUND' when the pipeline or user does not exist. */
  setRole(pipelineId: string, userId: string, role: Role | null): Promise<void>
  /**
   * Soft delete (deleted_at = now): the pipeline disappears from every read and from
   * appendUpdates. StoreError 'NOT_FOUND' when it never existed; deleting twice is a no-op.
   * With an `actor`, the deletion is written to the audit log in the same transaction.
   */
  deletePipeline(id: string, now: Date, actor?: Actor): Promise<void>
  /** The stored yaml/name/description as of the last compaction (or creation). */
  getPipelineText(id: string): Promise<{ yaml: string; name: string; description: string } | null>

  // the document log (used by the relay)
  /** null when missing or deleted. Read in one statement, so it is consistent with compaction. */
  loadDocument(pipelineId: string): Promise<StoredDocument | null>
  /**
   * ONE transaction for the whole batch (group commit). Per pipeline (rows locked in sorted id
   * order): bump head_seq under the row lock so that seq order equals commit order, insert the
   * rows, NOTIFY 'weft_updates' with `${pipelineId} ${headSeq}`. Resolves only after COMMIT.
   * Returns the new headSeq per pipeline; pipelines that are missing or deleted are absent from
   * the map (their updates are dropped), as are items with no updates.
   */
  appendUpdates(batch: ReadonlyArray<AppendItem>): Promise<Map<string, number>>
  /**
   * Entries with seq > afterSeq; when afterSeq < snapshot_seq (rows compacted away) the snapshot
   * comes first, then the entries after it. StoreError 'NOT_FOUND' when missing or deleted.
   */
  readUpdatesSince(
    pipelineId: string,
    afterSeq: number,
  ): Promise<{ epoch: string; headSeq: number; updates: Uint8Array[] }>
  /**
   * LISTEN weft_updates. onReconnect fires after the listener re-connects (not on the first
   * connect), so the caller can re-read what it may have missed. Resolves once listening.
   */
  subscribeUpdates(
    onUpdate: (pipelineId: string, headSeq: number) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>
  /**
   * Merges snapshot + the log rows committed so far (read without a lock) and renders them,
   * then, in one short transaction with the row locked, writes the new snapshot with
   * snapshot_seq = highest merged seq, refreshes yaml/name/description/search and deletes the
   * merged rows, unless another compaction got there first (then it merges 0). Appends wait for
   * the lock only during that swap, never during the render. A crash leaves the old or the new
   * state, never a mix. StoreError 'NOT_FOUND' when the pipeline is missing or deleted. If
   * render throws, nothing changes and the error propagates.
   */
  compact(
    pipelineId: string,
    render: (state: Uint8Array) => RenderedPipeline,
  ): Promise<{ merged: number; headSeq: number }>
  storageSize(
    pipelineId: string,
  ): Promise<{ snapshotBytes: number; logBytes: number; logRows: number }>
}

export interface OpenStoreOptions {
  /** postgres://… → PostgreSQL via postgres.js. */
  databaseUrl?: string
  /** Without databaseUrl: PGlite at this directory (created on first start). Neither: in memory. */
  dataDir?: string
  logger?: Logger
  /** postgres.js pool size (default 10). The LISTEN connection is one more. */
  poolSize?: number
}
