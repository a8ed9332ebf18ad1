/**
 * Core diagnostics (line/column based) as CodeMirror lint diagnostics (offset based). Each marker
 * spans the token the diagnostic points at, up to the end of its line.
 */
import type { Diagnostic as CmDiagnostic } from '@codemirror/lint'
import { validateYaml, type Diagnostic } from '@weft/core'
import type { DocDiagnostics } from '../editor/diagnostics'
import { lineStartsOf } from './step-ranges'

export function toLintDiagnostics(
  text: string,
  diagnostics: readonly Diagnostic[],
): CmDiagnostic[] {
  const starts = lineStartsOf(text)
  return diagnostics.map((d) => {
    const line = Math.max(1, Math.min(d.line, starts.length))
    const lineStart = starts[line - 1]!
    const next = starts[line]
    const lineEnd = next === undefined ? text.length : next - 1
    const from = Math.min(lineStart + Math.max(0, d.column - 1), lineEnd)
    let to = from
    while (to < lineEnd && !/\s/.test(text[to]!)) to++
    return {
      from,
      to,
      severity: d.severity,
      message: d.message,
      source: d.code,
    }
  })
}

/** The lint source of the YAML pane: pipeline_ex's verdict plus the run-time lint. */
export function lintYaml(text: string): CmDiagnostic[] {
  return toLintDiagnostics(text, validateYaml(text).diagnostics)
}

/**
 * The same, reusing the document's shared validation (editor/diagnostics.ts) when the pane shows
 * the export it validated, which is all the time except while local edits are unapplied.
 */
export async function lintShared(shared: DocDiagnostics, text: string): Promise<CmDiagnostic[]> {
  const result = await shared.settled()
  if (result.text === text) return toLintDiagnostics(text, result.diagnostics)
  return lintYaml(text)
}
