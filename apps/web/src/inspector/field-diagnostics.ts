/**
 * Diagnostics by field: core reports each diagnostic with a path into the YAML value; the
 * inspector shows it beside the control for that path, relative to the step (or workflow) it
 * is drawing.
 */
import type { Diagnostic, Path } from '@weft/core'

const keyOf = (path: Path) => JSON.stringify(path)

export class FieldDiagnostics {
  private readonly exact = new Map<string, Diagnostic[]>()
  private readonly all: { rel: Path; d: Diagnostic }[] = []

  /** Diagnostics under `base` (a step's path), indexed by their path relative to it. */
  constructor(diagnostics: readonly Diagnostic[], base: Path) {
    for (const d of diagnostics) {
      if (d.path.length < base.length) continue
      if (!base.every((seg, i) => d.path[i] === seg)) continue
      const rel = d.path.slice(base.length)
      this.all.push({ rel, d })
      const k = keyOf(rel)
      const list = this.exact.get(k)
      if (list) list.push(d)
      else this.exact.set(k, [d])
    }
  }

  /** Diagnostics pointing exactly at `rel`. */
  at(rel: Path): Diagnostic[] {
    return this.exact.get(keyOf(rel)) ?? []
  }

  /** Diagnostics at `rel` or anywhere inside it. */
  under(rel: Path): Diagnostic[] {
    return this.all
      .filter(({ rel: p }) => p.length >= rel.length && rel.every((seg, i) => p[i] === seg))
      .map(({ d }) => d)
  }

  /** Everything not claimed by one of the given fields (by first path segment). */
  unclaimed(claimed: ReadonlySet<string | number>): Diagnostic[] {
    return this.all.filter(({ rel }) => rel.length === 0 || !claimed.has(rel[0]!)).map((x) => x.d)
  }
}

export const worstSeverity = (
  diagnostics: readonly Diagnostic[],
): Diagnostic['severity'] | undefined =>
  diagnostics.some((d) => d.severity === 'error')
    ? 'error'
    : diagnostics.some((d) => d.severity === 'warning')
      ? 'warning'
      : diagnostics.length > 0
        ? 'info'
        : undefined
