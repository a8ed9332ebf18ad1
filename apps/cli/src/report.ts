/** How diagnostics look in a terminal: `file:line:column: severity code message`, as compilers print them. */
import { compareDiagnostics, type Diagnostic } from '@weft/core'

export function formatDiagnostic(file: string, d: Diagnostic): string {
  // One diagnostic per line keeps the output greppable and clickable in editors.
  const message = d.message.replace(/\s*\n\s*/g, ' ')
  return `${file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${message}`
}

/** The diagnostics sorted by position, one per line, each line ending in a newline. */
export function formatDiagnostics(file: string, diagnostics: readonly Diagnostic[]): string {
  return [...diagnostics]
    .sort(compareDiagnostics)
    .map((d) => `${formatDiagnostic(file, d)}\n`)
    .join('')
}

/** `3 errors, 1 warning`, plus infos when there are any. */
export function summarizeSeverities(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']) =>
    diagnostics.filter((d) => d.severity === severity).length
  const infos = count('info')
  return [
    plural(count('error'), 'error'),
    plural(count('warning'), 'warning'),
    ...(infos > 0 ? [plural(infos, 'info')] : []),
  ].join(', ')
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
