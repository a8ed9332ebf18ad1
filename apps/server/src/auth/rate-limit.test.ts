import { describe, expect, it } from 'vitest'
import { LoginRateLimiter, SignupRateLimiter } from './rate-limit.js'

function clock(start = 1_000_000) {
  let t = start
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) }
}

const MIN = 60_000

describe('login rate limiter', () => {
  it('blocks an email after 5 failures for the rest of the 15-minute window', () => {
    const c = clock()
    const limiter = new LoginRateLimiter(c.now)
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter('a@x.io', '1.1.1.1')).toBe(0)
      limiter.failed('a@x.io', '1.1.1.1')
    }
    expect(limiter.retryAfter('a@x.io', '2.2.2.2')).toBe(15 * 60)
    expect(limiter.retryAfter(' A@X.io ', '2.2.2.2')).toBe(15 * 60)
    expect(limiter.retryAfter('b@x.io', '1.1.1.1')).toBe(0)
    c.advance(10 * MIN)
    expect(limiter.retryAfter('a@x.io', '2.2.2.2')).toBe(5 * 60)
    c.advance(5 * MIN)
    expect(limiter.retryAfter('a@x.io', '2.2.2.2')).toBe(0)
  })

  it('blocks an address after 20 failures across emails', () => {
    const c = clock()
    const limiter = new LoginRateLimiter(c.now)
    for (let i = 0; i < 20; i++) limiter.failed(`user${i}@x.io`, '9.9.9.9')
    expect(limiter.retryAfter('fresh@x.io', '9.9.9.9')).toBeGreaterThan(0)
    expect(limiter.retryAfter('fresh@x.io', '8.8.8.8')).toBe(0)
  })

  it('resets the email’s count on success, not the address’s', () => {
    const c = clock()
    const limiter = new LoginRateLimiter(c.now, { perAddress: 6 })
    for (let i = 0; i < 4; i++) limiter.failed('a@x.io', '1.1.1.1')
    limiter.succeeded('a@x.io')
    for (let i = 0; i < 2; i++) limiter.failed('a@x.io', '1.1.1.1')
    expect(limiter.retryAfter('a@x.io', '2.2.2.2')).toBe(0)
    expect(limiter.retryAfter('other@x.io', '1.1.1.1')).toBeGreaterThan(0)
  })

  it('keeps memory bounded: expired windows and then the oldest entries are pruned', () => {
    const c = clock()
    const limiter = new LoginRateLimiter(c.now, { maxKeys: 100 })
    for (let i = 0; i < 1000; i++) limiter.failed(`u${i}@x.io`, `10.0.${i >> 8}.${i & 255}`)
    expect(limiter.size).toBeLessThanOrEqual(200)
    c.advance(16 * MIN)
    limiter.failed('late@x.io', '10.9.9.9')
    expect(limiter.retryAfter('u999@x.io', '10.0.3.231')).toBe(0)
    expect(limiter.size).toBeLessThanOrEqual(200)
  })
})

describe('sign-up rate limiter', () => {
  it('allows 10 attempts per address per hour, then says how long to wait', () => {
    const c = clock()
    const limiter = new SignupRateLimiter(c.now)
    for (let i = 0; i < 10; i++) expect(limiter.attempt('1.1.1.1')).toBe(0)
    expect(limiter.attempt('1.1.1.1')).toBe(60 * 60)
    expect(limiter.attempt('2.2.2.2')).toBe(0)
    c.advance(45 * MIN)
    expect(limiter.attempt('1.1.1.1')).toBe(15 * 60)
    c.advance(15 * MIN)
    expect(limiter.attempt('1.1.1.1')).toBe(0)
  })

  it('does not count a refused attempt, so waiting is enough to get in again', () => {
    const c = clock()
    const limiter = new SignupRateLimiter(c.now, { perAddress: 1 })
    expect(limiter.attempt('1.1.1.1')).toBe(0)
    for (let i = 0; i < 5; i++) {
      c.advance(MIN)
      expect(limiter.attempt('1.1.1.1')).toBeGreaterThan(0)
    }
    c.advance(55 * MIN)
    expect(limiter.attempt('1.1.1.1')).toBe(0)
  })
})
