/**
 * Hash routes (`#/`, `#/sign-in`, `#/p/<id>`): the server serves one static index.html and needs no
 * fallback route, and the offline copy of the app (service worker) has one URL to serve.
 */
import { useEffect, useState } from 'react'

export type Route =
  | { readonly page: 'pipelines' }
  | { readonly page: 'sign-in' }
  | { readonly page: 'editor'; readonly pipelineId: string }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/'
  const editor = /^\/p\/([^/?#]+)/.exec(path)
  if (editor?.[1]) return { page: 'editor', pipelineId: decodeURIComponent(editor[1]) }
  if (path.startsWith('/sign-in')) return { page: 'sign-in' }
  return { page: 'pipelines' }
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'editor':
      return `#/p/${encodeURIComponent(route.pipelineId)}`
    case 'sign-in':
      return '#/sign-in'
    default:
      return '#/'
  }
}

export function navigate(route: Route): void {
  const href = routeHref(route)
  if (location.hash !== href) location.hash = href
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
