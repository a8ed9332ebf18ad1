/**
 * The server's template routes: the gallery, creating a pipeline from a template, and marking a
 * pipeline as a team template. Errors are the app's `ApiError` (status 0 when offline).
 */
import { ApiError } from '../api/client.js'

export interface TemplateInfo {
  /** `weft.<file>` for templates shipped with Weft, `team.<pipeline id>` for team templates. */
  readonly id: string
  readonly source: 'weft' | 'team'
  readonly name: string
  readonly description: string
  readonly stepCount: number
  readonly stepTypes: readonly string[]
  /** Team templates: the owner's email and the pipeline marked as a template. */
  readonly owner?: string
  readonly pipelineId?: string
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `The server could not be reached (${String(error)}).`)
  }
  const text = await response.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = undefined
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string'
        ? error.message
        : `The server answered ${response.status}.`,
    )
  }
  return data as T
}

export const templatesApi = {
  list: () => call<TemplateInfo[]>('GET', '/api/templates'),
  /** A new pipeline owned by the caller, starting as the template's YAML (`name` replaces its name). */
  /** `team` (an id): the team owns the new pipeline instead of the caller. */
  create: (template: string, name?: string, team?: string) =>
    call<{ id: string }>('POST', '/api/pipelines', {
      template,
      ...(name === undefined ? {} : { name }),
      ...(team === undefined ? {} : { team }),
    }),
  mark: (pipelineId: string, template: boolean) =>
    call<{ id: string; template: boolean }>(
      'PUT',
      `/api/pipelines/${encodeURIComponent(pipelineId)}/template`,
      { template },
    ),
}
