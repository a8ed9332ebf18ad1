/**
 * Failed sign-ins, counted per email and per client address in fixed windows, in memory (one
 * process; several processes behind a load balancer each count their own). A success resets the
 * email's count, not the address's, so one good account cannot launder guesses at others. The
 * maps are bounded: expired windows are dropped as they are met, and past `maxKeys` the oldest
 * entries go first.
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

export class LoginRateLimiter {
  readonly #emails = new Map<string, Window>()
  readonly #addresses = new Map<string, Window>()
  readonly #limits: LoginLimits

  constructor(
    private readonly now: () => Date,
    limits: Partial<LoginLimits> = {},
  ) {
    this.#limits = { ...defaultLoginLimits, ...limits }
  }

  /** Seconds until another attempt is allowed, or 0 when the attempt may go ahead. */
  retryAfter(email: string, address: string): number {
    const t = this.now().getTime()
    const waits = [
      this.#blocked(this.#emails, normalize(email), this.#limits.perEmail, t),
      this.#blocked(this.#addresses, address, this.#limits.perAddress, t),
    ]
    const ms = Math.max(...waits)
    return ms > 0 ? Math.ceil(ms / 1000) : 0
  }

  failed(email: string, address: string): void {
    const t = this.now().getTime()
    this.#count(this.#emails, normalize(email), t)
    this.#count(this.#addresses, address, t)
  }

  succeeded(email: string): void {
    this.#emails.delete(normalize(email))
  }

  /** How many entries are held (for tests: memory stays bounded). */
  get size(): number {
    return this.#emails.size + this.#addresses.size
  }

  #blocked(map: Map<string, Window>, key: string, limit: number, t: number): number {
    const entry = map.get(key)
    if (!entry) return 0
    if (entry.resetAt <= t) {
      map.delete(key)
      return 0
    }
    return entry.count >= limit ? entry.resetAt - t : 0
  }

  #count(map: Map<string, Window>, key: string, t: number): void {
    const entry = map.get(key)
    if (entry && entry.resetAt > t) {
      entry.count++
      return
    }
    map.delete(key)
    if (map.size >= this.#limits.maxKeys) prune(map, t, this.#limits.maxKeys)
    map.set(key, { count: 1, resetAt: t + this.#limits.windowMs })
  }
}

function normalize(email: string): string {
  return email.trim().toLowerCase()
}

/** Drops expired windows; if that is not enough, the oldest (insertion order) until under max. */
function prune(map: Map<string, Window>, t: number, max: number): void {
  for (const [key, entry] of map) if (entry.resetAt <= t) map.delete(key)
  for (const key of map.keys()) {
    if (map.size < max) break
    map.delete(key)
  }
}
