import { describe, expect, it } from 'vitest'
import { parseRoute, routeHref } from './router.js'

describe('routes', () => {
  it('reads the hash routes', () => {
    expect(parseRoute('')).toEqual({ page: 'pipelines' })
    expect(parseRoute('#/sign-up')).toEqual({ page: 'sign-up' })
    expect(parseRoute('#/admin')).toEqual({ page: 'admin' })
    expect(parseRoute('#/account')).toEqual({ page: 'account' })
    expect(parseRoute('#/p/a%2Fb')).toEqual({ page: 'editor', pipelineId: 'a/b' })
  })

  it('takes the invite and setup codes from the fragment of /join and /setup', () => {
    expect(parseRoute('#abc_-1', '/join')).toEqual({ page: 'join', code: 'abc_-1' })
    expect(parseRoute('#xyz', '/setup')).toEqual({ page: 'setup', code: 'xyz' })
    expect(parseRoute('', '/setup')).toEqual({ page: 'setup', code: '' })
    // A hash route on the root path is never mistaken for a code.
    expect(parseRoute('#/sign-up', '/')).toEqual({ page: 'sign-up' })
    expect(routeHref({ page: 'join', code: 'abc' })).toBe('/join#abc')
  })
})
