/**
 * Rate limits for the ways in, in memory (one process; several processes behind a load balancer
 * each count their own). Failed sign-ins are counted per email and per client address; a success
 * resets the email's count, not the address's, so one good account cannot launder guesses at
 * others. Sign-ups are counted per address.
 */

export interface LoginLimits {
  /** Failures per email per window (default 5). */
  readonly perEmail: number
  /** Failures per client address per window (default 20). */
  readonly perAddress: number
  /** The window, from the first failure (default 15 minutes). */
  readonly windowMs: number
  /** Most entries kept per map (default 10,000). */
  readonly maxKeys: number
}

export const defaultLoginLimits: LoginLimits = {
  perEmail: 5,
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
  maxKeys: 10_000,
}

interface Window {
  count: number
  resetAt: number
}

/**
 * Counts per key in fixed windows that start at a key's first count. Bounded: expired windows are
 * dropped as they are met, and past `maxKeys` the oldest entries go first.
 */
class FixedWindows {
  readonly #map = new Map<string, Window>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until the key may count again, or 0. */
  blockedFor(key: string, t: number): number {
    const entry = this.#map.get(key)
    if (!entry) return 0
    if (entry.resetAt <= t) {
      this.#map.delete(key)
      return 0
    }
    return entry.count >= this.limit ? entry.resetAt - t : 0
  }

  count(key: string, t: number): void {
    const entry = this.#map.get(key)
    if (entry && entry.resetAt > t) {
      entry.count++
      return
    }
    this.#map.delete(key)
    if (this.#map.size >= this.maxKeys) this.#prune(t)
    this.#map.set(key, { count: 1, resetAt: t + this.windowMs })
  }

  delete(key: string): void {
    this.#map.delete(key)
  }

  get size(): number {
    return this.#map.size
  }

  /** Drops expired windows; if that is not enough, the oldest (insertion order) until under max. */
  #prune(t: number): void {
    for (const [key, entry] of this.#map) if (entry.resetAt <= t) this.#map.delete(key)
    for (const key of this.#map.keys()) {
      if (this.#map.size < this.maxKeys) break
      this.#map.delete(key)
    }
  }
}

const seconds = (ms: number) => (ms > 0 ? Math.ceil(ms / 1000) : 0)

export class LoginRateLimiter {
  readonly #emails: FixedWindows
  readonly #addresses: FixedWindows

  constructor(
    private readonly now: () => Date,
    limits: Partial<LoginLimits> = {},
  ) {
    const l = { ...defaultLoginLimits, ...limits }
    this.#emails = new FixedWindows(l.perEmail, l.windowMs, l.maxKeys)
    this.#addresses = new FixedWindows(l.perAddress, l.windowMs, l.maxKeys)
  }

  /** Seconds until another attempt is allowed, or 0 when the attempt may go ahead. */
  retryAfter(email: string, address: string): number {
    const t = this.now().getTime()
    return seconds(
      Math.max(
        this.#emails.blockedFor(normalize(email), t),
        this.#addresses.blockedFor(address, t),
      ),
    )
  }

  failed(email: string, address: string): void {
    const t = this.now().getTime()
    this.#emails.count(normalize(email), t)
    this.#addresses.count(address, t)
  }

  succeeded(email: string): void {
    this.#emails.delete(normalize(email))
  }

  /** How many entries are held (for tests: memory stays bounded). */
  get size(): number {
    return this.#emails.size + this.#addresses.size
  }
}

export interface SignupLimits {
  /** Sign-up attempts per client address per window (default 10). */
  readonly perAddress: number
  /** The window, from the first attempt (default one hour). */
  readonly windowMs: number
  /** Most addresses kept (default 10,000). */
  readonly maxKeys: number
}

export const defaultSignupLimits: SignupLimits = {
  perAddress: 10,
  windowMs: 60 * 60 * 1000,
  maxKeys: 10_000,
}

/**
 * Sign-up attempts per client address, successful or not: each one costs a password hash and may
 * create an account, so an open server must not let one address script either.
 */
export class SignupRateLimiter {
  readonly #addresses: FixedWindows

  constructor(
    private readonly now: () => Date,
    limits: Partial<SignupLimits> = {},
  ) {
    const l = { ...defaultSignupLimits, ...limits }
    this.#addresses = new FixedWindows(l.perAddress, l.windowMs, l.maxKeys)
  }

  /** Seconds until the address may try again, or 0; when 0, the attempt is counted. */
  attempt(address: string): number {
    const t = this.now().getTime()
    const wait = this.#addresses.blockedFor(address, t)
    if (wait === 0) this.#addresses.count(address, t)
    return seconds(wait)
  }
}

function normalize(email: string): string {
  return email.trim().toLowerCase()
}
