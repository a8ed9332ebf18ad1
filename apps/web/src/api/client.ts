/**
 * The server's REST API (issue 3), same origin, cookie session. Every call returns parsed JSON or
 * throws an ApiError; a failed network (offline) is an ApiError with status 0, so callers can
 * tell "the server said no" from "the server could not be reached".
 */

import type { DiffHunk } from '@weft/core'

export type Role = 'owner' | 'editor' | 'viewer'

export interface Me {
  readonly id: string
  readonly email: string
  readonly isAdmin: boolean
}

export type SignupMode = 'open' | 'invite' | 'closed'

export interface Invite {
  readonly id: string
  readonly email: string | null
  readonly role: 'member' | 'admin'
  readonly createdAt: string
  readonly expiresAt: string
}

export interface UserSummary extends Me {
  readonly name: string
  readonly createdAt: string
}

export interface ApiToken {
  readonly id: string
  readonly name: string
  readonly createdAt: string
  readonly expiresAt: string | null
}

/** Who a pipeline belongs to: a user, or a team. */
export type PipelineOwner =
  | { readonly kind: 'user'; readonly id: string; readonly email: string }
  | { readonly kind: 'team'; readonly id: string; readonly name: string }

export interface PipelineSummary {
  readonly id: string
  readonly name: string
  readonly description?: string | null
  readonly role: Role
  /** Absent only in a list cached by an older version of the app. */
  readonly owner?: PipelineOwner
  readonly updatedAt: string
  /** Weft's own labels (absent from a list cached by an older version). */
  readonly tags?: readonly string[]
}

/** One `GET /api/search` hit: where it matched, and the step that did, if one did. */
export interface SearchHit extends PipelineSummary {
  readonly matchedIn: 'exact-name' | 'name' | 'description' | 'steps'
  readonly matchedStep?: { readonly name: string }
}

export interface SearchFilters {
  readonly type?: string | undefined
  readonly tag?: string | undefined
  readonly owner?: string | undefined
}

export type TeamRole = 'owner' | 'admin' | 'member' | 'viewer'

export interface Team {
  readonly id: string
  readonly name: string
  /** Your role in it. */
  readonly role: TeamRole
  readonly memberCount: number
  readonly createdAt: string
}

export interface TeamMember {
  readonly userId: string
  readonly email: string
  readonly role: TeamRole
  readonly addedAt: string
}

/** Who has access to a pipeline and why (`GET /api/pipelines/:id/access`). */
export interface PipelineAccess {
  /** Your effective role. */
  readonly role: Role
  readonly ownerTeam: { readonly id: string; readonly name: string } | null
  readonly grants: ReadonlyArray<
    | {
        readonly kind: 'user'
        readonly userId: string
        readonly email: string
        readonly role: Role
      }
    | { readonly kind: 'team'; readonly teamId: string; readonly name: string; readonly role: Role }
  >
  readonly effective: ReadonlyArray<{
    readonly userId: string
    readonly email: string
    readonly role: Role
    readonly reasons: ReadonlyArray<{
      readonly via: 'owner' | 'direct' | 'team' | 'team-share'
      readonly role: Role
      readonly teamName: string | null
    }>
  }>
}

export interface AuditEntry {
  readonly id: string
  readonly at: string
  readonly actorEmail: string
  readonly action: string
  readonly subject: string | null
  readonly details: Readonly<Record<string, unknown>>
}

export interface PipelineMeta {
  readonly id: string
  readonly name: string
  readonly role: Role
  readonly epoch: string | number
}

export interface ApiDiagnostic {
  readonly severity: 'error' | 'warning' | 'info'
  readonly code: string
  readonly message: string
  readonly line?: number
  readonly column?: number
}

export interface VersionPerson {
  readonly id: string
  readonly email: string
}

/** One version of a pipeline (`GET /api/pipelines/:id/versions`). */
export interface VersionInfo {
  readonly id: string
  readonly number: number
  readonly kind: 'auto' | 'named' | 'restore'
  readonly name: string | null
  readonly authors: readonly VersionPerson[]
  readonly createdBy: VersionPerson | null
  readonly createdAt: string
  readonly restoredFrom: string | null
}

export interface VersionDiff {
  readonly from: { readonly id: string; readonly number: number }
  readonly to: 'now' | { readonly id: string; readonly number: number }
  readonly added: number
  readonly removed: number
  readonly hunks: readonly DiffHunk[]
  readonly unified: string
}

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly diagnostics: readonly ApiDiagnostic[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }

  get offline(): boolean {
    return this.status === 0
  }
}

async function requestText(path: string): Promise<string> {
  let response: Response
  try {
    response = await fetch(path, { credentials: 'same-origin' })
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `The server could not be reached (${String(error)}).`)
  }
  if (!response.ok) {
    const text = await response.text()
    let data: unknown = text
    try {
      data = JSON.parse(text)
    } catch {
      // not JSON: the text is the message
    }
    throw toApiError(response.status, data)
  }
  return response.text()
}

async function request<T>(
  method: string,
  path: string,
  body?: BodyInit,
  type?: string,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response
  try {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (type) headers['Content-Type'] = type
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
    })
  } catch (error) {
    // A superseded request (the search box moved on): not an outage.
    if (signal?.aborted) throw error
    throw new ApiError(0, 'NETWORK', `The server could not be reached (${String(error)}).`)
  }
  const text = await response.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
  }
  if (!response.ok) throw toApiError(response.status, data)
  return data as T
}

function toApiError(status: number, data: unknown): ApiError {
  const error = isObject(data) && isObject(data.error) ? data.error : undefined
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`
  const message =
    typeof error?.message === 'string'
      ? error.message
      : typeof data === 'string' && data
        ? data
        : `The server answered ${status}.`
  const details = isObject(error?.details) ? error.details : undefined
  const diagnostics = Array.isArray(details?.diagnostics)
    ? (details.diagnostics as ApiDiagnostic[])
    : []
  return new ApiError(status, code, message, diagnostics)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const json = (value: unknown) => JSON.stringify(value)
const enc = encodeURIComponent

export const api = {
  login: (email: string, password: string) =>
    request<unknown>('POST', '/api/auth/login', json({ email, password }), 'application/json'),
  logout: () => request<unknown>('POST', '/api/auth/logout'),
  signupMode: () => request<{ mode: SignupMode }>('GET', '/api/auth/signup'),
  signUp: (input: { email: string; password: string; name?: string; invite?: string }) =>
    request<Me>('POST', '/api/auth/signup', json(input), 'application/json'),
  setupNeeded: () => request<{ needed: boolean }>('GET', '/api/setup'),
  setUp: (input: { code: string; email: string; password: string; name?: string }) =>
    request<Me>('POST', '/api/setup', json(input), 'application/json'),
  listInvites: () => request<Invite[]>('GET', '/api/invites'),
  createInvite: (input: { email?: string; role?: 'member' | 'admin'; expiresInDays?: number }) =>
    request<Invite & { code: string; link: string }>(
      'POST',
      '/api/invites',
      json(input),
      'application/json',
    ),
  revokeInvite: (id: string) => request<unknown>('DELETE', `/api/invites/${enc(id)}`),
  listUsers: () => request<UserSummary[]>('GET', '/api/users'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<unknown>(
      'POST',
      '/api/auth/password',
      json({ currentPassword, newPassword }),
      'application/json',
    ),
  listTokens: () => request<ApiToken[]>('GET', '/api/tokens'),
  createToken: (name: string, expiresInDays?: number) =>
    request<ApiToken & { token: string }>(
      'POST',
      '/api/tokens',
      json(expiresInDays === undefined ? { name } : { name, expiresInDays }),
      'application/json',
    ),
  revokeToken: (id: string) => request<unknown>('DELETE', `/api/tokens/${enc(id)}`),
  me: () => request<Me>('GET', '/api/me'),
  listPipelines: () => request<PipelineSummary[]>('GET', '/api/pipelines'),
  /** In `team` (an id) when given: the team owns it. */
  createPipeline: (yaml: string, team?: string) =>
    request<{ id: string }>(
      'POST',
      team === undefined ? '/api/pipelines' : `/api/pipelines?team=${enc(team)}`,
      yaml,
      'application/yaml',
    ),
  deletePipeline: (id: string) => request<unknown>('DELETE', `/api/pipelines/${enc(id)}`),
  getPipeline: (id: string) => request<PipelineMeta>('GET', `/api/pipelines/${enc(id)}`),
  getYaml: async (id: string): Promise<string> => {
    let response: Response
    try {
      response = await fetch(`/api/pipelines/${enc(id)}/yaml`, { credentials: 'same-origin' })
    } catch (error) {
      throw new ApiError(0, 'NETWORK', `The server could not be reached (${String(error)}).`)
    }
    if (!response.ok) throw toApiError(response.status, await response.text())
    return response.text()
  },
  listVersions: (id: string, before?: number) =>
    request<{ versions: VersionInfo[]; next: number | null }>(
      'GET',
      `/api/pipelines/${enc(id)}/versions${before === undefined ? '' : `?before=${before}`}`,
    ),
  nameVersion: (id: string, name: string) =>
    request<VersionInfo>(
      'POST',
      `/api/pipelines/${enc(id)}/versions`,
      json({ name }),
      'application/json',
    ),
  renameVersion: (id: string, vid: string, name: string) =>
    request<VersionInfo>(
      'PATCH',
      `/api/pipelines/${enc(id)}/versions/${enc(vid)}`,
      json({ name }),
      'application/json',
    ),
  versionYaml: (id: string, vid: string) =>
    requestText(`/api/pipelines/${enc(id)}/versions/${enc(vid)}/yaml`),
  versionDiff: (id: string, vid: string, against: string) =>
    request<VersionDiff>(
      'GET',
      `/api/pipelines/${enc(id)}/versions/${enc(vid)}/diff?against=${enc(against)}`,
    ),
  restoreVersion: (id: string, vid: string) =>
    request<{ mode: string; version: VersionInfo }>(
      'POST',
      `/api/pipelines/${enc(id)}/versions/${enc(vid)}/restore`,
    ),
  search: (q: string, filters: SearchFilters = {}, signal?: AbortSignal) => {
    const params = new URLSearchParams({ q })
    for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value)
    return request<SearchHit[]>('GET', `/api/search?${params}`, undefined, undefined, signal)
  },
  tags: () => request<Array<{ tag: string; count: number }>>('GET', '/api/tags'),
  setTags: (id: string, tags: readonly string[]) =>
    request<{ tags: string[] }>(
      'PUT',
      `/api/pipelines/${enc(id)}/tags`,
      json({ tags }),
      'application/json',
    ),
  setAccess: (id: string, email: string, role: Role | null) =>
    request<unknown>(
      'PUT',
      `/api/pipelines/${enc(id)}/access`,
      json({ email, role }),
      'application/json',
    ),
  // Teams and sharing (docs/decisions/0008-teams-and-sharing.md).
  getAccess: (id: string) => request<PipelineAccess>('GET', `/api/pipelines/${enc(id)}/access`),
  setTeamAccess: (id: string, team: string, role: 'editor' | 'viewer' | null) =>
    request<unknown>(
      'PUT',
      `/api/pipelines/${enc(id)}/access`,
      json({ team, role }),
      'application/json',
    ),
  transferPipeline: (id: string, to: { team: string } | { email: string }) =>
    request<unknown>('PUT', `/api/pipelines/${enc(id)}/owner`, json(to), 'application/json'),
  listTeams: () => request<Team[]>('GET', '/api/teams'),
  createTeam: (name: string) =>
    request<Team>('POST', '/api/teams', json({ name }), 'application/json'),
  getTeam: (id: string) =>
    request<Team & { members: TeamMember[] }>('GET', `/api/teams/${enc(id)}`),
  renameTeam: (id: string, name: string) =>
    request<Team>('PATCH', `/api/teams/${enc(id)}`, json({ name }), 'application/json'),
  deleteTeam: (id: string) => request<unknown>('DELETE', `/api/teams/${enc(id)}`),
  setMember: (id: string, email: string, role: TeamRole) =>
    request<unknown>(
      'PUT',
      `/api/teams/${enc(id)}/members`,
      json({ email, role }),
      'application/json',
    ),
  removeMember: (id: string, userId: string) =>
    request<unknown>('DELETE', `/api/teams/${enc(id)}/members/${enc(userId)}`),
  teamAudit: (id: string) =>
    request<{ entries: AuditEntry[]; next: string | null }>(
      'GET',
      `/api/audit?team=${enc(id)}&limit=50`,
    ),
}
