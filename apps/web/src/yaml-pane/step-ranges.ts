/**
 * Where each step sits in a YAML text, by whole lines: the bridge between a caret offset and a
 * step id (moving the caret selects the step) and between a step id and its lines (selecting a
 * node reveals them). Pure: give it the text and the step entries from `readPipeline(doc)`,
 * whose paths address the exported text.
 *
 * Other apps that need the same mapping (a server-side "open at step" link, the CLI) can reuse
 * this module as it is; it depends on @weft/core only.
 */
import { readYaml, type Path } from '@weft/core'

export interface StepRange {
  readonly id: string
  /** Offset of the start of the step's first line (the `- ` line of a list item). */
  readonly from: number
  /** Offset of the end of the step's last non-blank line (before its line break). */
  readonly to: number
  /** 1-based first and last line. */
  readonly fromLine: number
  readonly toLine: number
  /** Nesting depth: the length of the step's path. Deeper steps win in `stepAt`. */
  readonly depth: number
}

export interface StepRef {
  readonly id: string
  readonly path: Path
}

interface RangedNode {
  readonly range?: readonly [number, number, number] | null
}

/** The line ranges of the given steps in `text`; steps not found in the text are left out. */
export function stepRanges(text: string, steps: readonly StepRef[]): StepRange[] {
  const source = readYaml(text)
  const document = source.document
  if (!document) return []
  const lineStarts = lineStartsOf(text)
  const out: StepRange[] = []
  for (const step of steps) {
    const node = document.getIn(step.path as unknown[], true) as RangedNode | undefined
    const range = node?.range
    if (!range) continue
    let end = range[1]
    while (end > range[0] && /\s/.test(text[end - 1]!)) end--
    const fromLine = lineOf(lineStarts, range[0])
    const toLine = lineOf(lineStarts, Math.max(range[0], end - 1))
    out.push({
      id: step.id,
      from: lineStarts[fromLine - 1]!,
      to: lineEnd(text, lineStarts, toLine),
      fromLine,
      toLine,
      depth: step.path.length,
    })
  }
  return out
}

/** The innermost step whose lines hold `offset`. */
export function stepAt(ranges: readonly StepRange[], offset: number): string | undefined {
  let best: StepRange | undefined
  for (const r of ranges) {
    if (offset < r.from || offset > r.to) continue
    if (
      !best ||
      r.depth > best.depth ||
      (r.depth === best.depth && r.to - r.from < best.to - best.from)
    )
      best = r
  }
  return best?.id
}

export function rangeOf(ranges: readonly StepRange[], id: string): StepRange | undefined {
  return ranges.find((r) => r.id === id)
}

export function lineStartsOf(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/** 1-based line of an offset. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0
  let hi = lineStarts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (lineStarts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

/** Character offset of a 1-based line and column, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  const starts = lineStartsOf(text)
  const l = Math.max(1, Math.min(line, starts.length))
  const start = starts[l - 1]!
  return Math.min(start + Math.max(0, column - 1), lineEnd(text, starts, l))
}

function lineEnd(text: string, lineStarts: readonly number[], line: number): number {
  const next = lineStarts[line]
  return next === undefined ? text.length : next - 1
}
