/**
 * Calls to a Weft server over Node's fetch (through `Io`), and the one place where an HTTP
 * refusal becomes a one-line `CliError` with a stable `CLI_*` code.
 */
import type { Diagnostic } from '@weft/core'
import { CliError, exitCodes, firstLine } from '../errors.js'
import type { Io } from '../io.js'
import { remoteCodes } from './codes.js'
import type { Remote } from './config.js'

/** Long enough for a large import on a busy server; short enough that a dead proxy is noticed. */
const TIMEOUT_MS = 60_000

export interface Answer {
  readonly status: number
  readonly text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown
}

export interface RequestOptions {
  readonly token?: string
  readonly json?: unknown
  readonly yaml?: string
}

/** Sends one request; only transport failures throw here, every answer is returned. */
export async function request(
  io: Io,
  server: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json, application/yaml' }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.yaml !== undefined) {
    headers['content-type'] = 'application/yaml'
    body = options.yaml
  }
  let response: Response
  let text: string
  try {
    response = await io.fetch(`${server}${path}`, {
      method,
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(body === undefined ? {} : { body }),
    })
    text = await response.text()
  } catch (error) {
    throw unreachable(server, error)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json }
}

function unreachable(server: string, error: unknown): CliError {
  const e = error as {
    name?: unknown
    message?: unknown
    cause?: { code?: unknown; message?: unknown }
  } | null
  let why: string
  if (e?.name === 'TimeoutError') why = `no answer within ${TIMEOUT_MS / 1000} s`
  // undici says only "fetch failed"; the cause has the reason (ECONNREFUSED, ENOTFOUND, bad port).
  else if (typeof e?.cause?.code === 'string') why = e.cause.code
  else if (typeof e?.cause?.message === 'string') why = firstLine(e.cause.message)
  else why = firstLine(String(e?.message ?? error))
  return new CliError(
    `cannot reach the Weft server at ${server} (${why})`,
    exitCodes.usage,
    remoteCodes.unreachable,
  )
}

/** `{ error: { code, message, details } }`, the shape of every server refusal. */
export interface ServerError {
  readonly code: string
  readonly message: string
  readonly details?: unknown
}

export function serverError(answer: Answer): ServerError | undefined {
  const error = (answer.json as { error?: Partial<ServerError> } | undefined)?.error
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined
  return { code: error.code, message: error.message, details: error.details }
}

/** The diagnostics a 422 or a successful write carries; [] when there are none. */
export function diagnosticsOf(value: unknown): Diagnostic[] {
  const list = (value as { diagnostics?: unknown } | undefined)?.diagnostics
  if (!Array.isArray(list)) return []
  return list.filter(
    (d): d is Diagnostic =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as Diagnostic).code === 'string' &&
      typeof (d as Diagnostic).line === 'number' &&
      typeof (d as Diagnostic).column === 'number',
  )
}

export interface RefusalContext {
  readonly server: string
  readonly tokenSource?: Remote['tokenSource']
  readonly pipelineId?: string
}

/** The CliError for an answer the caller did not expect (a non-2xx, or an unreadable 2xx). */
export function refusal(answer: Answer, context: RefusalContext): CliError {
  const { server, pipelineId } = context
  const error = serverError(answer)
  const said = error === undefined ? '' : `: ${firstLine(error.message)}`
  const status = answer.status
  if (status === 401) {
    const which =
      context.tokenSource === 'env'
        ? `WEFT_TOKEN was refused by ${server} (revoked, expired or not a token): set a valid token`
        : `${server} refused your token (revoked or expired): run 'weft login --server ${server}' again`
    return new CliError(which, exitCodes.invalid, remoteCodes.unauthorized)
  }
  if (status === 403) {
    const what = pipelineId === undefined ? 'this' : `this on pipeline ${pipelineId}`
    return new CliError(
      `your role does not allow ${what}${said}`,
      exitCodes.invalid,
      remoteCodes.forbidden,
    )
  }
  if (status === 404 && error?.code === 'PIPELINE_NOT_FOUND') {
    return new CliError(
      `no pipeline ${pipelineId ?? 'with that id'} on ${server}, or you have no access to it`,
      exitCodes.invalid,
      remoteCodes.pipelineNotFound,
    )
  }
  if (status === 422) {
    return new CliError(
      `the server refused the pipeline${said}`,
      exitCodes.invalid,
      remoteCodes.invalidPipeline,
    )
  }
  if (status >= 500) {
    return new CliError(
      `${server} failed: ${status}${error === undefined ? '' : ` ${error.code}`}${said}`,
      exitCodes.usage,
      remoteCodes.serverError,
    )
  }
  if (error === undefined || status < 400) {
    // A proxy page, a different app on that port, or an older server without the route.
    return new CliError(
      `${server} answered ${status} with something a Weft server does not send: is it the right URL?`,
      exitCodes.usage,
      remoteCodes.badResponse,
    )
  }
  return new CliError(
    `${server} refused the request: ${status} ${error.code}${said}`,
    exitCodes.invalid,
    remoteCodes.requestRefused,
  )
}
