/**
 * `validate`: pipeline_ex's verdict on a file (errors, format reference §17.1, §21, §0.1) plus a
 * lint layer for what it accepts but fails on or silently misbehaves with at run time.
 */
import { compareDiagnostics, type Diagnostic } from '../diagnostics.js'
import { readYaml, type YamlSource } from '../yaml/read.js'
import { Reporter, type ValidateOptions } from './context.js'
import { checkLoader } from './loader.js'
import { checkLint } from './lint.js'

export type { ValidateOptions } from './context.js'

export interface ValidationResult {
  /** No diagnostic has severity `error`. */
  readonly valid: boolean
  readonly diagnostics: readonly Diagnostic[]
}

export function validateSource(
  source: YamlSource,
  options: ValidateOptions = {},
): ValidationResult {
  const r = new Reporter(source, options)
  for (const d of source.diagnostics) if (d.severity === 'error' || r.lint) r.diagnostics.push(d)
  if (source.ok) {
    try {
      checkLoader(r, source.value)
      if (r.lint) checkLint(r, source.value)
    } catch (e) {
      // Never throw for user input; an internal failure is reported, not raised.
      r.add(
        'INTERNAL_VALIDATION_FAILURE',
        'warning',
        `Weft could not finish checking this file (${e instanceof Error ? e.message : String(e)}).`,
        [],
        { line: 1, column: 1 },
      )
    }
  }
  const diagnostics = [...r.diagnostics].sort(compareDiagnostics)
  return { valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics }
}

export function validateYaml(text: string, options: ValidateOptions = {}): ValidationResult {
  return validateSource(readYaml(text), options)
}
