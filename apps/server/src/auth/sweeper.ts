/**
 * Keeps open sockets honest: a revoked token, an ended session, removed access or a lowered role
 * must reach connections that authenticated long ago. Every `intervalMs` (≤ 5 s) the rights of
 * every open connection are re-read in ONE query and applied: gone → closed with 4403, changed
 * role → applied in place (an editor turned viewer stays connected but can no longer write).
 */
import type { Logger } from '../logging/index.js'
import type { CredentialKind, Role, Store } from '@weft/storage'

export interface SweptConnection {
  readonly pipelineId: string
  readonly principal: {
    readonly role: Role
    readonly credential: { kind: CredentialKind; hash: string }
  }
  setRole(role: Role): void
  close(code: number, reason: string): void
}

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export const CLOSE_ACCESS_REVOKED = 4403

/**
 * Re-reads the rights of these connections in ONE query and applies them: gone → closed with
 * 4403, changed role → applied in place. The sweep runs it on every open connection; a REST
 * change of access runs it at once on the connections it may affect, on this process.
 */
export async function applyAccess(
  store: Pick<Store, 'resolveAccess'>,
  connections: readonly SweptConnection[],
  now: Date,
): Promise<void> {
  if (connections.length === 0) return
  const roles = await store.resolveAccess(
    connections.map((c) => ({ ...c.principal.credential, pipelineId: c.pipelineId })),
    now,
  )
  connections.forEach((connection, i) => {
    const role = roles[i] ?? null
    if (role === null) {
      connection.close(CLOSE_ACCESS_REVOKED, 'access revoked')
    } else if (role !== connection.principal.role) {
      connection.setRole(role)
    }
  })
}

export function startAccessSweeper(options: {
  store: Pick<Store, 'resolveAccess'>
  connections: () => Iterable<SweptConnection>
  intervalMs: number
  now: () => Date
  timers: Timers
  logger: Logger
}): { sweep(): Promise<void>; stop(): void } {
  let running: Promise<void> | undefined
  const sweep = () => applyAccess(options.store, [...options.connections()], options.now())
  const tick = () => {
    // One sweep at a time: a slow database must not pile sweeps up.
    if (running) return
    running = sweep()
      .catch((error: unknown) => options.logger.warn('access sweep failed', { error }))
      .finally(() => (running = undefined))
  }
  const handle = options.timers.setInterval(tick, options.intervalMs)
  return { sweep, stop: () => options.timers.clearInterval(handle) }
}
