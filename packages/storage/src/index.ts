export type {
  AppendItem,
  CredentialKind,
  OpenStoreOptions,
  PipelineInfo,
  PipelineOwner,
  RenderedPipeline,
  Role,
  StepText,
  Store,
  StoredDocument,
  TokenInfo,
  User,
} from './store.js'
export type {
  AutoVersionResult,
  AutoVersionRules,
  EditActivity,
  Version,
  VersionAuthor,
  VersionInfo,
  VersionKind,
  VersionStore,
} from './versions.js'
export type { AccountStore, Invite, NewAccount, UserSummary } from './accounts.js'
export type {
  Actor,
  AuditAction,
  AuditEntry,
  AuditFilter,
  EffectiveAccess,
  PipelineAccess,
  PipelineGrant,
  ShareRole,
  Team,
  TeamMember,
  TeamRole,
  TeamStore,
} from './teams.js'
export type { StoreErrorCode } from './errors.js'
export { StoreError } from './errors.js'
export { openStore } from './open.js'
export { UPDATES_CHANNEL, mergeState } from './sql-store.js'
export type { StorageLogger } from './logger.js'
export type { OpenReaderOptions, PipelineReader, ReaderPipeline } from './reader.js'
export { latestSchemaVersion, openReader } from './reader.js'
