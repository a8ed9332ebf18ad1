/**
 * Automatic versions (docs/decisions/0009-version-history.md). The relay reports every edit made
 * on this process (`noteEdit`); this records the burst in the database (at once for its first
 * edit, then at most every `flushMs`) and asks the store to take a version when the pipeline has
 * been idle for `idleMs` or edited for `maxMs`. The store decides under a lock from what every
 * process recorded, so this process's timers are only a prompt: two processes editing one
 * pipeline get one version per burst.
 */
import type { Logger } from '../logging/index.js'
import type { RenderedPipeline, VersionStore } from '@weft/storage'

export interface HistoryTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface HistoryOptions {
  readonly store: Pick<VersionStore, 'recordEdits' | 'takeAuto' | 'overdue'>
  readonly render: (state: Uint8Array) => RenderedPipeline
  readonly logger: Logger
  /** Wall-clock time (versions say when they were taken). */
  readonly now: () => Date
  readonly timers: HistoryTimers
  readonly idleMs?: number
  readonly maxMs?: number
  readonly flushMs?: number
  /** Automatic versions older than this are thinned to one a day (see AutoVersionRules). */
  readonly keepAllMs?: number
}

export const historyDefaults = {
  idleMs: 45_000,
  maxMs: 300_000,
  flushMs: 5_000,
  keepAllMs: 14 * 24 * 3_600_000,
} as const

interface Pending {
  /** Edits not yet recorded in the database. */
  authors: Set<string>
  firstAt: number | null
  lastAt: number
  flushedAt: number
  flushTimer: unknown
  checkTimer: unknown
  checkAt: number
  /** The first edit on this process since its last version was taken (null: none since). */
  burstAt: number | null
  work: Promise<void>
}

export class History {
  private readonly pending = new Map<string, Pending>()
  private readonly idleMs: number
  private readonly maxMs: number
  private readonly flushMs: number
  private closed = false

  constructor(private readonly options: HistoryOptions) {
    this.idleMs = options.idleMs ?? historyDefaults.idleMs
    this.maxMs = options.maxMs ?? historyDefaults.maxMs
    this.flushMs = options.flushMs ?? historyDefaults.flushMs
  }

  /** An edit of `pipelineId` by `author` (null: not known, e.g. a system write). */
  noteEdit(pipelineId: string, author: string | null): void {
    if (this.closed) return
    const now = this.options.now().getTime()
    let p = this.pending.get(pipelineId)
    if (p === undefined) {
      p = {
        authors: new Set(),
        firstAt: null,
        lastAt: now,
        flushedAt: -Infinity,
        flushTimer: null,
        checkTimer: null,
        checkAt: Infinity,
        burstAt: now,
        work: Promise.resolve(),
      }
      this.pending.set(pipelineId, p)
    }
    if (author !== null) p.authors.add(author)
    p.firstAt ??= now
    p.burstAt ??= now
    p.lastAt = now
    if (now - p.flushedAt >= this.flushMs) {
      this.flush(pipelineId, p)
    } else if (p.flushTimer === null) {
      p.flushTimer = this.options.timers.setTimeout(
        () => {
          p.flushTimer = null
          this.flush(pipelineId, p)
        },
        p.flushedAt + this.flushMs - now,
      )
    }
    // One timer per pipeline, not one per keystroke: when it fires early (edits came since it
    // was set) it is set again for the new due time.
    if (p.checkTimer === null) this.scheduleCheck(pipelineId, p, this.localDue(p))
  }

  /** When this process's own edits make a version due: idle since the last, or max since the first. */
  private localDue(p: Pending): number {
    return Math.min(p.lastAt + this.idleMs, (p.burstAt ?? p.lastAt) + this.maxMs)
  }

  /**
   * Versions whose edits were recorded by a process that stopped before taking them: checked
   * once at start-up.
   */
  async sweep(limit = 100): Promise<void> {
    const ids = await this.options.store.overdue(this.options.now(), this.idleMs, limit)
    for (const id of ids) await this.check(id)
  }

  /** Records and checks now whatever is pending (for shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all(
      [...this.pending].map(async ([id, p]) => {
        this.flush(id, p)
        await p.work
      }),
    )
  }

  /** Resolves once no recording or check is running (tests move time, then wait for this). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const work = [...this.pending.values()].map((p) => p.work)
      await Promise.all(work)
      if ([...this.pending.values()].every((p, i) => p.work === work[i])) return
    }
  }

  /** Pipelines with edits this process has not seen versioned yet (for tests). */
  pendingPipelines(): string[] {
    return [...this.pending.keys()]
  }

  /** Stops the timers after recording what is pending; the next start's sweep takes it. */
  async close(): Promise<void> {
    this.closed = true
    for (const [id, p] of this.pending) {
      this.cancel(p)
      this.flush(id, p)
    }
    await Promise.all([...this.pending.values()].map((p) => p.work))
    this.pending.clear()
  }

  private scheduleCheck(pipelineId: string, p: Pending, at: number): void {
    if (p.checkTimer !== null) {
      if (p.checkAt === at) return
      this.options.timers.clearTimeout(p.checkTimer)
    }
    p.checkAt = at
    p.checkTimer = this.options.timers.setTimeout(
      () => {
        p.checkTimer = null
        p.checkAt = Infinity
        // Edits came since the timer was set, so by this process's own edits no version is due
        // yet. Whoever's edits make one due (by the database's reckoning) checks then.
        const due = this.localDue(p)
        if (due > this.options.now().getTime()) this.scheduleCheck(pipelineId, p, due)
        else this.queue(p, () => this.checkPending(pipelineId, p))
      },
      Math.max(0, at - this.options.now().getTime()),
    )
  }

  private cancel(p: Pending): void {
    if (p.flushTimer !== null) this.options.timers.clearTimeout(p.flushTimer)
    if (p.checkTimer !== null) this.options.timers.clearTimeout(p.checkTimer)
    p.flushTimer = null
    p.checkTimer = null
  }

  /** Work on one pipeline runs in order: a check always sees the flushes before it. */
  private queue(p: Pending, fn: () => Promise<void>): void {
    p.work = p.work.then(fn).catch((error: unknown) => {
      this.options.logger.warn('version history failed', { error })
    })
  }

  /** Records the edits not yet recorded, after whatever work on the pipeline is queued. */
  private flush(pipelineId: string, p: Pending): void {
    if (p.flushTimer !== null) this.options.timers.clearTimeout(p.flushTimer)
    p.flushTimer = null
    this.queue(p, () => this.record(pipelineId, p))
  }

  private async record(pipelineId: string, p: Pending): Promise<void> {
    if (p.firstAt === null) return
    const edits = {
      authors: [...p.authors],
      firstAt: new Date(p.firstAt),
      lastAt: new Date(p.lastAt),
    }
    p.authors = new Set()
    p.firstAt = null
    p.flushedAt = this.options.now().getTime()
    try {
      await this.options.store.recordEdits(pipelineId, edits)
    } catch (error) {
      // Kept for the next flush: losing them would lose a version's authors, or the version.
      for (const author of edits.authors) p.authors.add(author)
      p.firstAt = Math.min(p.firstAt ?? Infinity, edits.firstAt.getTime())
      throw error
    }
  }

  private async checkPending(pipelineId: string, p: Pending): Promise<void> {
    if (p.flushTimer !== null) this.options.timers.clearTimeout(p.flushTimer)
    p.flushTimer = null
    await this.record(pipelineId, p)
    const result = await this.take(pipelineId)
    if (this.closed) return
    if (result === 'none') {
      p.burstAt = null
      if (p.checkTimer === null && p.flushTimer === null && p.firstAt === null) {
        this.pending.delete(pipelineId)
      }
    } else {
      this.scheduleCheck(pipelineId, p, Math.min(result.getTime(), p.checkAt))
    }
  }

  private async check(pipelineId: string): Promise<void> {
    try {
      await this.take(pipelineId)
    } catch (error) {
      this.options.logger.warn('version history failed', { pipelineId, error })
    }
  }

  /** 'none' when nothing more is due, or when to look again. */
  private async take(pipelineId: string): Promise<'none' | Date> {
    try {
      const result = await this.options.store.takeAuto(pipelineId, {
        now: this.options.now(),
        idleMs: this.idleMs,
        maxMs: this.maxMs,
        keepAllMs: this.options.keepAllMs ?? historyDefaults.keepAllMs,
        render: this.options.render,
      })
      if (result.outcome === 'wait') return result.due
      if (result.outcome === 'taken') {
        this.options.logger.info('version taken', {
          pipelineId,
          number: result.version.number,
        })
      }
      return 'none'
    } catch (error) {
      if ((error as { code?: unknown }).code === 'NOT_FOUND') return 'none'
      throw error
    }
  }
}
