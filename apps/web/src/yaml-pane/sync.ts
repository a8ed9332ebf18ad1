/**
 * The two-way binding between the YAML pane's text and the pipeline document, without
 * CodeMirror's view (so it is testable with an injected timer and a plain text host).
 *
 * - Local typing schedules an apply (debounced). When it fires and the text parses, the text is
 *   applied with `importYaml` (the smallest change, with the session's origin). When it does not
 *   parse, the error is reported, the text is kept and the document is left alone.
 * - A document change (another user, the canvas, the inspector, undo) while the text is in sync
 *   is sent to the host as the minimal text diff, so the host can map its caret through it.
 * - A document change while the user has local edits not yet applied does not touch the text:
 *   the binding reports that it is out of sync and, when the local text parses, rebases the
 *   local edits onto the new export (both as change sets from the common base) and applies the
 *   merged text.
 */
import { ChangeSet } from '@codemirror/state'
import { exportYaml, importYaml, readYaml, type Diagnostic } from '@weft/core'
import type * as Y from 'yjs'
import { pipelineTypes, touchesPipeline, type PipelineType } from './doc-changes'
import { diffText, type TextChange } from './text-diff'

export interface Timer {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export const realTimer: Timer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Calls `fn` once, `delay` ms after the last `schedule()`. */
export class Debouncer {
  private handle: unknown = undefined
  private scheduled = false
  constructor(
    private readonly delay: number,
    private readonly fn: () => void,
    private readonly timer: Timer = realTimer,
  ) {}
  get pending(): boolean {
    return this.scheduled
  }
  schedule(): void {
    this.cancel()
    this.scheduled = true
    this.handle = this.timer.set(() => {
      this.scheduled = false
      this.handle = undefined
      this.fn()
    }, this.delay)
  }
  cancel(): void {
    if (this.scheduled) this.timer.clear(this.handle)
    this.scheduled = false
    this.handle = undefined
  }
  /** Runs a pending call now. */
  flush(): void {
    if (!this.scheduled) return
    this.cancel()
    this.fn()
  }
}

export interface ParseError {
  readonly line: number
  readonly column: number
  readonly message: string
}

export interface SyncStatus {
  /** 'synced': the text is the document's export; 'pending': local edits wait for the debounce; 'error': the local text does not parse. */
  readonly state: 'synced' | 'pending' | 'error'
  readonly error: ParseError | null
  /** The document changed while local edits were unapplied; they merge once the text parses. */
  readonly outOfSync: boolean
}

export interface SyncHost {
  getText(): string
  /** Applies changes (in the coordinates of the current text) that do not come from the user. */
  applyRemote(changes: readonly TextChange[]): void
  onStatus?(status: SyncStatus): void
}

export interface YamlSyncOptions {
  readonly origin: unknown
  readonly delay?: number
  readonly timer?: Timer
  readonly readOnly?: boolean
  /**
   * Runs the catch-up after document changes. Without one it runs on every transaction; the pane
   * passes one that coalesces a burst (the first sync, a remote typing burst) into one export per
   * animation frame.
   */
  readonly schedule?: (fn: () => void) => void
  /**
   * `exportYaml(doc)` as it is now, when the caller already has it (the shared validation's
   * export of the current version); saves exporting again on the main thread.
   */
  readonly initialText?: string
}

export const synced: SyncStatus = { state: 'synced', error: null, outOfSync: false }

export class YamlSync {
  /** The export the host's text was last equal to; local edits are made against it. */
  private base: string
  private applying = false
  private status: SyncStatus = synced
  private readonly debouncer: Debouncer
  private readonly types: PipelineType[]
  /** The document changed since the text last caught up with it. */
  private stale = false
  private queued = false
  private active = true
  private readonly onTransaction = (tr: Y.Transaction) => {
    if (this.applying || !touchesPipeline(tr, this.types)) return
    this.stale = true
    if (!this.active || this.queued) return
    const schedule = this.options.schedule
    if (!schedule) return this.docChanged()
    this.queued = true
    schedule(() => {
      this.queued = false
      if (this.active && this.stale) this.docChanged()
    })
  }

  constructor(
    private readonly doc: Y.Doc,
    private readonly host: SyncHost,
    private readonly options: YamlSyncOptions,
  ) {
    this.base = options.initialText ?? exportYaml(doc)
    this.types = pipelineTypes(doc)
    this.debouncer = new Debouncer(options.delay ?? 200, () => this.flush(), options.timer)
    doc.on('afterTransaction', this.onTransaction)
  }

  /** The text the host should start with. */
  get text(): string {
    return this.base
  }

  get current(): SyncStatus {
    return this.status
  }

  get dirty(): boolean {
    return this.host.getText() !== this.base
  }

  destroy(): void {
    this.debouncer.cancel()
    this.doc.off('afterTransaction', this.onTransaction)
  }

  /**
   * Whether the pane is shown. A hidden pane (a tablet tab not selected) does not export on
   * document changes; it catches up when it is shown again.
   */
  setActive(active: boolean): void {
    if (this.active === active) return
    this.active = active
    if (active && this.stale && !this.queued) this.docChanged()
  }

  /** The user changed the text. */
  localEdit(): void {
    if (this.options.readOnly) return
    this.debouncer.schedule()
    if (this.status.state !== 'error') this.setStatus({ ...this.status, state: 'pending' })
  }

  /** Applies pending local edits now (before undo, on blur, in tests). */
  flush(): void {
    this.debouncer.cancel()
    if (this.options.readOnly) return
    let local = this.host.getText()
    const remote = exportYaml(this.doc)
    if (local === this.base) {
      this.catchUp(remote)
      return
    }
    if (remote !== this.base) {
      // Someone changed the document under our edits: merge once our text parses.
      const read = readYaml(local)
      if (!read.ok) return this.fail(read.diagnostics, true)
      this.rebase(local, remote)
      local = this.host.getText()
    }
    this.applying = true
    let result
    try {
      result = importYaml(this.doc, local, { origin: this.options.origin })
    } finally {
      this.applying = false
    }
    if (!result.ok) return this.fail(result.diagnostics, this.status.outOfSync)
    const out = exportYaml(this.doc)
    this.base = out
    const now = this.host.getText()
    if (out !== now) this.host.applyRemote(diffText(now, out))
    this.setStatus(synced)
  }

  /** Drops unapplied local edits and shows the document's export. */
  discard(): void {
    this.debouncer.cancel()
    const remote = exportYaml(this.doc)
    const now = this.host.getText()
    if (now !== remote) this.host.applyRemote(diffText(now, remote))
    this.base = remote
    this.setStatus(synced)
  }

  private docChanged(): void {
    if (this.applying) return
    this.stale = false
    const remote = exportYaml(this.doc)
    if (remote === this.base) return
    if (this.host.getText() === this.base) {
      this.catchUp(remote)
    } else if (!this.status.outOfSync) {
      this.setStatus({ ...this.status, outOfSync: true })
    }
  }

  private catchUp(remote: string): void {
    const now = this.host.getText()
    if (now !== remote) this.host.applyRemote(diffText(now, remote))
    this.base = remote
    this.setStatus(synced)
  }

  /** Replays the document's changes since `base` onto the local text, keeping the local edits. */
  private rebase(local: string, remote: string): void {
    const localSet = ChangeSet.of(diffText(this.base, local), this.base.length)
    const remoteSet = ChangeSet.of(diffText(this.base, remote), this.base.length)
    const onLocal = remoteSet.map(localSet, true)
    const changes: TextChange[] = []
    onLocal.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
      changes.push({ from: fromA, to: toA, insert: inserted.toString() })
    })
    if (changes.length > 0) this.host.applyRemote(changes)
    this.base = remote
  }

  private fail(diagnostics: readonly Diagnostic[], outOfSync: boolean): void {
    const d = diagnostics.find((x) => x.severity === 'error') ?? diagnostics[0]
    const error: ParseError = d
      ? { line: d.line, column: d.column, message: d.message }
      : { line: 1, column: 1, message: 'The text could not be read as YAML.' }
    this.setStatus({ state: 'error', error, outOfSync })
  }

  private setStatus(status: SyncStatus): void {
    const s = this.status
    if (
      s.state === status.state &&
      s.outOfSync === status.outOfSync &&
      s.error?.line === status.error?.line &&
      s.error?.column === status.error?.column &&
      s.error?.message === status.error?.message
    )
      return
    this.status = status
    this.host.onStatus?.(status)
  }
}
