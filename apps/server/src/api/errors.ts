/**
 * Every failure a client sees has one shape, `{ error: { code, message, details? } }`, with a
 * stable code to branch on; the message is for people.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from '../logging/index.js'
import { RelayError } from '../relay/index.js'

export const errorCodes = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  CROSS_SITE_REQUEST: 'CROSS_SITE_REQUEST',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  PIPELINE_NOT_FOUND: 'PIPELINE_NOT_FOUND',
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  VERSION_NOT_FOUND: 'VERSION_NOT_FOUND',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  TEAM_NOT_FOUND: 'TEAM_NOT_FOUND',
  LAST_OWNER: 'LAST_OWNER',
  TEAM_NOT_EMPTY: 'TEAM_NOT_EMPTY',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  SIGNUP_CLOSED: 'SIGNUP_CLOSED',
  INVITE_REQUIRED: 'INVITE_REQUIRED',
  INVITE_INVALID: 'INVITE_INVALID',
  INVITE_NOT_FOUND: 'INVITE_NOT_FOUND',
  SETUP_DONE: 'SETUP_DONE',
  SETUP_CODE_INVALID: 'SETUP_CODE_INVALID',
  INVALID_PIPELINE: 'INVALID_PIPELINE',
  OWN_ROLE: 'OWN_ROLE',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  TOKEN_NOT_FOUND: 'TOKEN_NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes]

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

export function handleError(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof ApiError) {
      return c.json(errorBody(error.code, error.message, error.details), error.status)
    }
    if (error instanceof RelayError) {
      // The relay refuses writes it cannot make durable rather than queueing without bound.
      return error.code === 'NOT_FOUND'
        ? c.json(errorBody(errorCodes.PIPELINE_NOT_FOUND, 'No such pipeline'), 404)
        : c.json(errorBody(errorCodes.UNAVAILABLE, 'Try again shortly: ' + error.message), 503)
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? errorCodes.PAYLOAD_TOO_LARGE : errorCodes.BAD_REQUEST
      return c.json(errorBody(code, error.message || 'Bad request'), error.status)
    }
    logger.error('request failed', { error, method: c.req.method, path: c.req.path })
    return c.json(errorBody(errorCodes.INTERNAL, 'Internal server error'), 500)
  }
}
