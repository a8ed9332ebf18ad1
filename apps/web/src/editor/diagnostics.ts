/**
 * Validation of the open pipeline, once per document version, shared by the canvas (step
 * badges), the inspector (field flags) and the YAML pane (lint markers), instead of each pane
 * exporting and validating on its own.
 *
 * In the browser the worker (`canvas/diagnostics.worker.ts`) holds a replica of the document, fed
 * with its updates, and after a burst of transactions that changed the pipeline (in an idle
 * callback, so the first sync and a drag never validate per transaction) it exports and validates
 * the replica, off the main thread. The export comes back with the diagnostics, so the YAML pane
 * can start from it instead of exporting on the main thread. Readers get the
 * latest result, which may be one version behind until the worker answers. Where there is no
 * worker (component tests in happy-dom), `current()` validates on this thread when asked, once
 * per version, so readers see the result for the document they render.
 */
import { exportYaml, validateYaml, type Diagnostic } from '@weft/core'
import { useMemo, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import type { DiagnosticsReply, DiagnosticsRequest } from '../canvas/diagnostics.worker'
import { pipelineTypes, touchesPipeline } from '../yaml-pane/doc-changes'

export interface ValidationResult {
  /** The document version this result is for (see DocDiagnostics.version). */
  readonly version: number
  /** The export that was validated. */
  readonly text: string
  readonly diagnostics: readonly Diagnostic[]
}

const EMPTY: ValidationResult = { version: -1, text: '', diagnostics: [] }

let worker: Worker | null | undefined
let seq = 0
let docs = 0
const waiting = new Map<number, (reply: DiagnosticsReply) => void>()

/** Whether validation runs in a worker (without starting it): not in happy-dom, not failed. */
function workerAvailable(): boolean {
  if (worker !== undefined) return worker !== null
  return typeof Worker === 'function' && typeof window !== 'undefined' && !('happyDOM' in window)
}

/** The validation worker, or null where workers are unavailable (happy-dom, a failed load). */
export function diagnosticsWorker(): Worker | null {
  if (worker !== undefined) return worker
  const available = workerAvailable()
  worker = null
  try {
    if (available) {
      const w = new Worker(new URL('../canvas/diagnostics.worker.ts', import.meta.url), {
        type: 'module',
      })
      w.onmessage = (e: MessageEvent<DiagnosticsReply>) => {
        waiting.get(e.data.seq)?.(e.data)
        waiting.delete(e.data.seq)
      }
      w.onerror = () => {
        worker = null
        for (const [k, cb] of waiting) {
          waiting.delete(k)
          cb({ seq: k, text: '', diagnostics: [] })
        }
      }
      worker = w
    }
  } catch {
    worker = null
  }
  return worker
}

/** Validates `text` in the worker when there is one, else on this thread. */
export function validateOffThread(text: string): Promise<readonly Diagnostic[]> {
  const w = diagnosticsWorker()
  if (!w) {
    try {
      return Promise.resolve(validateYaml(text).diagnostics)
    } catch {
      return Promise.resolve([])
    }
  }
  return ask(w, (id) => ({ kind: 'text', seq: id, text })).then((r) => r.diagnostics)
}

function ask(w: Worker, request: (seq: number) => DiagnosticsRequest): Promise<DiagnosticsReply> {
  return new Promise((resolve) => {
    const id = ++seq
    waiting.set(id, resolve)
    w.postMessage(request(id))
  })
}

export class DocDiagnostics {
  /** Moves on every transaction that changes the pipeline (not positions or notes). */
  version = 0
  private result: ValidationResult = EMPTY
  private running = false
  private scheduled = false
  private readonly listeners = new Set<() => void>()
  private readonly settledWaiters: (() => void)[] = []
  private readonly types
  /** This document's replica in the worker (0: none). */
  private replica = 0

  constructor(private readonly doc: Y.Doc) {
    this.types = pipelineTypes(doc)
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (!touchesPipeline(tr, this.types)) return
      this.version++
      if (workerAvailable()) this.schedule()
      else this.notify()
    })
  }

  /**
   * Gives the worker this document's replica: its whole state now, then each update. Done at the
   * first validation (an idle callback), not when the canvas first renders.
   */
  private attach(w: Worker): number {
    if (this.replica) return this.replica
    const id = (this.replica = ++docs)
    w.postMessage({ kind: 'update', doc: id, update: Y.encodeStateAsUpdate(this.doc) })
    this.doc.on('update', (update: Uint8Array) => {
      diagnosticsWorker()?.postMessage({ kind: 'update', doc: id, update })
    })
    this.doc.on('destroy', () => diagnosticsWorker()?.postMessage({ kind: 'close', doc: id }))
    return id
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange)
    if (workerAvailable() && this.result.version !== this.version) this.schedule()
    return () => this.listeners.delete(onChange)
  }

  /** The latest result: for the current version where there is no worker, else possibly older. */
  readonly current = (): ValidationResult => {
    if (this.result.version !== this.version && !workerAvailable()) this.validateNow()
    return this.result
  }

  /** Resolves once the result is for the current version (at once where there is no worker). */
  settled(): Promise<ValidationResult> {
    if (this.current().version === this.version) return Promise.resolve(this.result)
    this.schedule()
    return new Promise((resolve) => this.settledWaiters.push(() => resolve(this.result)))
  }

  private validateNow(): void {
    let text = ''
    let diagnostics: readonly Diagnostic[] = []
    try {
      text = exportYaml(this.doc)
      diagnostics = validateYaml(text).diagnostics
    } catch {
      // validation reports rather than throws; a broken document just shows nothing
    }
    this.result = { version: this.version, text, diagnostics }
  }

  private schedule(): void {
    if (this.scheduled || this.running) return
    this.scheduled = true
    const go = () => {
      this.scheduled = false
      void this.run()
    }
    // When the main thread is idle (after the first paint and the sync burst), at most 250 ms on.
    if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 250 })
    else setTimeout(go, 0)
  }

  private async run(): Promise<void> {
    if (this.result.version === this.version) return this.settle()
    const w = diagnosticsWorker()
    if (!w) {
      this.validateNow()
      this.notify()
      return this.settle()
    }
    this.running = true
    const version = this.version
    // The worker's replica has had every update up to this version (messages keep their order).
    const doc = this.attach(w)
    const reply = await ask(w, (id) => ({ kind: 'export', seq: id, doc }))
    this.running = false
    this.result = { version, text: reply.text, diagnostics: reply.diagnostics }
    this.notify()
    if (version !== this.version) this.schedule()
    else this.settle()
  }

  private settle(): void {
    for (const w of this.settledWaiters.splice(0)) w()
  }

  private notify(): void {
    for (const l of [...this.listeners]) l()
  }
}

const stores = new WeakMap<Y.Doc, DocDiagnostics>()

/** The one validation store of a document. */
export function docDiagnostics(doc: Y.Doc): DocDiagnostics {
  let s = stores.get(doc)
  if (!s) stores.set(doc, (s = new DocDiagnostics(doc)))
  return s
}

/** The document's diagnostics (see DocDiagnostics.current), re-rendering when they change. */
export function useDocDiagnostics(doc: Y.Doc): ValidationResult {
  const store = useMemo(() => docDiagnostics(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.current, store.current)
}
