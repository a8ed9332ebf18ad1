/**
 * The server's REST API (issue 3), same origin, cookie session. Every call returns parsed JSON or
 * throws an ApiError; a failed network (offline) is an ApiError with status 0, so callers can
 * tell "the server said no" from "the server could not be reached".
 */

export type Role = 'owner' | 'editor' | 'viewer'

export interface Me {
  readonly id: string
  readonly email: string
  readonly isAdmin: boolean
}

export interface PipelineSummary {
  readonly id: string
  readonly name: string
  readonly description?: string | null
  readonly role: Role
  readonly updatedAt: string
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

async function request<T>(
  method: string,
  path: string,
  body?: BodyInit,
  type?: string,
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
    })
  } catch (error) {
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
  me: () => request<Me>('GET', '/api/me'),
  listPipelines: () => request<PipelineSummary[]>('GET', '/api/pipelines'),
  createPipeline: (yaml: string) =>
    request<{ id: string }>('POST', '/api/pipelines', yaml, 'application/yaml'),
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
  setAccess: (id: string, email: string, role: Role) =>
    request<unknown>(
      'PUT',
      `/api/pipelines/${enc(id)}/access`,
      json({ email, role }),
      'application/json',
    ),
}
