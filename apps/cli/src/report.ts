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

export function countBySeverity(diagnostics: readonly Diagnostic[]): {
  errors: number
  warnings: number
} {
  let errors = 0
  let warnings = 0
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++
    else if (d.severity === 'warning') warnings++
  }
  return { errors, warnings }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
