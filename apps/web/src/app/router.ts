/**
 * Hash routes (`#/`, `#/sign-in`, `#/p/<id>`): the server serves one static index.html and needs no
 * fallback route, and the offline copy of the app (service worker) has one URL to serve. Two links
 * made outside the app are paths with a secret in the fragment: `/join#<invite code>` and
 * `/setup#<setup code>`; browsers never send a fragment, so the code reaches no server log.
 */
import { useEffect, useState } from 'react'

export type Route =
  | { readonly page: 'pipelines' }
  | { readonly page: 'sign-in' }
  | { readonly page: 'editor'; readonly pipelineId: string }
  | { readonly page: 'sign-up' }
  | { readonly page: 'join'; readonly code: string }
  | { readonly page: 'setup'; readonly code: string }
  | { readonly page: 'admin' }
  | { readonly page: 'account' }
  | { readonly page: 'teams'; readonly teamId?: string }

export function parseRoute(hash: string, pathname = '/'): Route {
  const fragment = hash.replace(/^#/, '')
  if (pathname === '/join') return { page: 'join', code: fragment }
  if (pathname === '/setup') return { page: 'setup', code: fragment }
  const path = fragment || '/'
  const editor = /^\/p\/([^/?#]+)/.exec(path)
  if (editor?.[1]) return { page: 'editor', pipelineId: decodeURIComponent(editor[1]) }
  if (path.startsWith('/sign-in')) return { page: 'sign-in' }
  if (path.startsWith('/sign-up')) return { page: 'sign-up' }
  if (path.startsWith('/admin')) return { page: 'admin' }
  if (path.startsWith('/account')) return { page: 'account' }
  const teams = /^\/teams(?:\/([^/?#]+))?/.exec(path)
  if (teams)
    return teams[1] ? { page: 'teams', teamId: decodeURIComponent(teams[1]) } : { page: 'teams' }
  return { page: 'pipelines' }
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'editor':
      return `#/p/${encodeURIComponent(route.pipelineId)}`
    case 'sign-in':
      return '#/sign-in'
    case 'sign-up':
      return '#/sign-up'
    case 'admin':
      return '#/admin'
    case 'account':
      return '#/account'
    case 'teams':
      return route.teamId ? `#/teams/${encodeURIComponent(route.teamId)}` : '#/teams'
    case 'join':
      return `/join#${route.code}`
    case 'setup':
      return `/setup#${route.code}`
    default:
      return '#/'
  }
}

export function navigate(route: Route): void {
  const href = routeHref(route)
  if (href.startsWith('/')) location.assign(href)
  else if (location.pathname !== '/') {
    // Leaving /join or /setup: drop the path (and the code in the fragment) from the history.
    history.replaceState(null, '', `/${href}`)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  } else if (location.hash !== href) location.hash = href
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash, location.pathname))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash, location.pathname))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
