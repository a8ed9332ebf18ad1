/**
 * Cross-site request refusal. The session cookie is SameSite=Strict, and bodies must be JSON or
 * YAML (a type no cross-site form can send without a preflight this server never grants); this is
 * the third guard: a state-changing request a browser marks as coming from another site (or from
 * a sibling subdomain, which SameSite lets through) is refused before any handler runs. Scripts
 * and the CLI send neither header and are unaffected; a bearer token is never sent by a browser
 * on its own, so requests carrying one are not checked.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError, errorCodes } from './errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether the browser says this request comes from another origin: `Sec-Fetch-Site` when sent
 * (every current browser does), else `Origin` against `Host`. Neither header: not a browser, or
 * one too old to say, which SameSite and the body types still cover.
 */
export function isCrossSite(headers: {
  secFetchSite: string | undefined
  origin: string | undefined
  host: string | undefined
}): boolean {
  const site = headers.secFetchSite?.trim().toLowerCase()
  if (site !== undefined && site !== '') return site !== 'same-origin' && site !== 'none'
  const origin = headers.origin?.trim()
  if (origin === undefined || origin === '') return false
  if (origin === 'null') return true
  try {
    return new URL(origin).host !== (headers.host ?? '').trim().toLowerCase()
  } catch {
    return true
  }
}

export function refuseCrossSite(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && c.req.header('authorization') === undefined) {
      const crossSite = isCrossSite({
        secFetchSite: c.req.header('sec-fetch-site'),
        origin: c.req.header('origin'),
        host: c.req.header('host'),
      })
      if (crossSite) {
        throw new ApiError(
          403,
          errorCodes.CROSS_SITE_REQUEST,
          'Refused: this request came from another site. Use the Weft web app, or send a bearer token.',
        )
      }
    }
    await next()
  }
}
