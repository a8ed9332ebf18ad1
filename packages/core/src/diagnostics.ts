/**
 * The one shape every problem Weft finds takes, whether the YAML does not parse, pipeline_ex's
 * loader would reject the file, or a lint rule sees a run-time trap. Codes are stable API: the
 * web editor, the CLI's `--json` output and the docs key on them, never on message text.
 */

export type Severity = 'error' | 'warning' | 'info'

/** A path into the YAML value: map keys and sequence indexes, from the document root. */
export type Path = readonly (string | number)[]

export interface SourcePosition {
  /** 1-based line. */
  readonly line: number
  /** 1-based column. */
  readonly column: number
}

export interface Diagnostic {
  /** Stable identifier such as `YAML_DUPLICATE_KEY` or `LOADER_INVALID_STEP_TYPE`. */
  readonly code: string
  readonly severity: Severity
  /** A sentence a pipeline author understands, saying what is wrong and, where it helps, what to do. */
  readonly message: string
  readonly path: Path
  readonly line: number
  readonly column: number
  /** The Weft step id when the diagnostic belongs to a step of a projected document. */
  readonly stepId?: string
}

export function pathToString(path: Path): string {
  let out = ''
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`
  return out
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.code.localeCompare(b.code)
}
