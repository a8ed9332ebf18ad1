/**
 * What `weft import` says at the end: which files were refused and why, which were kept with
 * pipeline_ex errors flagged, and the counts. A pure function of the outcomes, sorted by file, so
 * the order requests finished in never shows.
 */
import { compareDiagnostics, type Diagnostic } from '@weft/core'
import { plural } from '../report.js'

/** Why a file was refused or failed: a diagnostic's position when there is one. */
export interface Reason {
  readonly code: string
  readonly message: string
  readonly line?: number
  readonly column?: number
}

export type ImportOutcome =
  | {
      readonly file: string
      readonly status: 'imported'
      readonly id: string
      readonly diagnostics: readonly Diagnostic[]
    }
  /** The server (422, 4xx) or the CLI (unreadable, binary) would not take the file. */
  | { readonly file: string; readonly status: 'refused'; readonly reason: Reason }
  /** The server failed on it (5xx): nothing is known about the file itself. */
  | { readonly file: string; readonly status: 'failed'; readonly reason: Reason }

/** The first error by position, else the first diagnostic at all. */
export function firstProblem(diagnostics: readonly Diagnostic[]): Diagnostic | undefined {
  const sorted = [...diagnostics].sort(compareDiagnostics)
  return sorted.find((d) => d.severity === 'error') ?? sorted[0]
}

export function hasErrors(outcome: ImportOutcome): boolean {
  return outcome.status === 'imported' && outcome.diagnostics.some((d) => d.severity === 'error')
}

/** `file:line:column CODE message`, or `file CODE message` when there is no position. */
export function formatReason(file: string, reason: Reason): string {
  const at = reason.line === undefined ? file : `${file}:${reason.line}:${reason.column ?? 1}`
  return `${at} ${reason.code} ${reason.message.replace(/\s*\n\s*/g, ' ')}`
}

export interface ImportCounts {
  readonly total: number
  readonly imported: number
  readonly flagged: number
  readonly refused: number
  readonly failed: number
}

export function countOutcomes(outcomes: readonly ImportOutcome[], total: number): ImportCounts {
  return {
    total,
    imported: outcomes.filter((o) => o.status === 'imported').length,
    flagged: outcomes.filter(hasErrors).length,
    refused: outcomes.filter((o) => o.status === 'refused').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
  }
}

/**
 * The summary block: refused files, failed files, files imported with errors flagged (each with
 * its first problem), then one line of counts. `total` is how many files there were, which is
 * more than the outcomes when the import stopped early.
 */
export function formatImportSummary(outcomes: readonly ImportOutcome[], total: number): string {
  const sorted = [...outcomes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  const lines: string[] = []
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return
    lines.push(title, ...items.map((item) => `  ${item}`))
  }
  const n = countOutcomes(outcomes, total)
  section(
    `Refused (${n.refused}), nothing was created for these:`,
    sorted.flatMap((o) => (o.status === 'refused' ? [formatReason(o.file, o.reason)] : [])),
  )
  section(
    `Failed (${n.failed}), the server could not take these; try them again:`,
    sorted.flatMap((o) => (o.status === 'failed' ? [formatReason(o.file, o.reason)] : [])),
  )
  section(
    `Imported with errors flagged (${n.flagged}), pipeline_ex would reject these; Weft keeps them:`,
    sorted.flatMap((o) => {
      if (!hasErrors(o) || o.status !== 'imported') return []
      const d = firstProblem(o.diagnostics)!
      return [formatReason(o.file, d)]
    }),
  )
  const notReached = total - outcomes.length
  lines.push(
    `${plural(n.imported, 'file')} imported (${n.flagged} with errors flagged), ${n.refused} refused` +
      (n.failed > 0 ? `, ${n.failed} failed` : '') +
      (notReached > 0 ? `, ${notReached} not attempted` : '') +
      `, of ${total}`,
  )
  return lines.map((l) => `${l}\n`).join('')
}
