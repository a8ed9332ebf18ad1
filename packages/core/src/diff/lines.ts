/**
 * A line diff between two texts (two versions of a pipeline's YAML), grouped into hunks with
 * context the way `diff -u` and code review tools show them. The server serves it and the web
 * app renders it, so both read the same hunks.
 *
 * The edit script is fast-diff's (Myers' O(ND) with a linear-space bisect) run over the lines:
 * each distinct line becomes one character, so the diff is over whole lines and never splits one.
 */
import diff from 'fast-diff'

export type DiffLineKind = 'context' | 'add' | 'remove'

export interface DiffLine {
  readonly kind: DiffLineKind
  readonly text: string
  /** 1-based line in the old text (context and removed lines). */
  readonly oldLine?: number
  /** 1-based line in the new text (context and added lines). */
  readonly newLine?: number
}

export interface DiffHunk {
  /** 1-based first line of the hunk in the old text (0 when the hunk covers no old line). */
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
  readonly lines: readonly DiffLine[]
}

export interface LineDiff {
  readonly hunks: readonly DiffHunk[]
  readonly added: number
  readonly removed: number
}

export interface LineDiffOptions {
  /** Unchanged lines shown around each change (default 3, as `diff -u`). */
  readonly context?: number
}

/**
 * Each distinct line is one UTF-16 unit below the surrogate range, so a text may hold this many
 * distinct lines; past that the diff is the whole old text removed and the new one added.
 */
const MAX_DISTINCT_LINES = 0xd800

/** Splits on `\n`; a final newline does not start another (empty) line. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** The line diff from `before` to `after`. Texts that differ only in a final newline are equal. */
export function diffLines(before: string, after: string, options: LineDiffOptions = {}): LineDiff {
  const context = Math.max(0, Math.floor(options.context ?? 3))
  const script = editScript(splitLines(before), splitLines(after))
  let added = 0
  let removed = 0
  for (const line of script) {
    if (line.kind === 'add') added++
    else if (line.kind === 'remove') removed++
  }
  return { hunks: groupHunks(script, context), added, removed }
}

/** The diff as unified diff text (`--- a`, `+++ b`, `@@ … @@` hunks); empty when equal. */
export function formatUnifiedDiff(
  result: LineDiff,
  labels: { readonly from: string; readonly to: string },
): string {
  if (result.hunks.length === 0) return ''
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`]
  for (const hunk of result.hunks) {
    out.push(hunkHeader(hunk))
    for (const line of hunk.lines) {
      out.push((line.kind === 'add' ? '+' : line.kind === 'remove' ? '-' : ' ') + line.text)
    }
  }
  return out.join('\n') + '\n'
}

/** `@@ -oldStart,oldLines +newStart,newLines @@` */
export function hunkHeader(hunk: DiffHunk): string {
  return `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`
}

function editScript(a: readonly string[], b: readonly string[]): DiffLine[] {
  const codes = new Map<string, string>()
  const encode = (lines: readonly string[]): string | null => {
    let out = ''
    for (const line of lines) {
      let code = codes.get(line)
      if (code === undefined) {
        if (codes.size >= MAX_DISTINCT_LINES) return null
        code = String.fromCharCode(codes.size)
        codes.set(line, code)
      }
      out += code
    }
    return out
  }
  const ea = encode(a)
  const eb = ea === null ? null : encode(b)
  const script: DiffLine[] = []
  let oldLine = 0
  let newLine = 0
  if (ea === null || eb === null) {
    for (const text of a) script.push({ kind: 'remove', text, oldLine: ++oldLine })
    for (const text of b) script.push({ kind: 'add', text, newLine: ++newLine })
    return script
  }
  for (const [op, chunk] of diff(ea, eb)) {
    for (let i = 0; i < chunk.length; i++) {
      if (op === diff.EQUAL) {
        script.push({ kind: 'context', text: a[oldLine]!, oldLine: ++oldLine, newLine: ++newLine })
      } else if (op === diff.DELETE) {
        script.push({ kind: 'remove', text: a[oldLine]!, oldLine: ++oldLine })
      } else {
        script.push({ kind: 'add', text: b[newLine]!, newLine: ++newLine })
      }
    }
  }
  return script
}

/** Changes closer than 2 × context lines share a hunk, as in `diff -u`. */
function groupHunks(script: readonly DiffLine[], context: number): DiffHunk[] {
  const hunks: DiffHunk[] = []
  let i = 0
  while (i < script.length) {
    while (i < script.length && script[i]!.kind === 'context') i++
    if (i >= script.length) break
    const start = Math.max(0, i - context)
    let end = i
    // Extend while the next change is within 2 × context unchanged lines.
    for (;;) {
      while (end < script.length && script[end]!.kind !== 'context') end++
      let gap = end
      while (gap < script.length && script[gap]!.kind === 'context') gap++
      if (gap < script.length && gap - end <= 2 * context) {
        end = gap
        continue
      }
      end = Math.min(script.length, end + context)
      break
    }
    hunks.push(toHunk(script, start, end))
    i = end
  }
  return hunks
}

function toHunk(script: readonly DiffLine[], start: number, end: number): DiffHunk {
  const lines = script.slice(start, end)
  let oldLines = 0
  let newLines = 0
  let oldStart: number | undefined
  let newStart: number | undefined
  for (const line of lines) {
    if (line.oldLine !== undefined) {
      oldLines++
      oldStart ??= line.oldLine
    }
    if (line.newLine !== undefined) {
      newLines++
      newStart ??= line.newLine
    }
  }
  // A hunk with no old (or new) lines starts after the line it follows, as `diff -u` writes it.
  return {
    oldStart: oldStart ?? lineBefore(script, start, 'oldLine'),
    oldLines,
    newStart: newStart ?? lineBefore(script, start, 'newLine'),
    newLines,
    lines,
  }
}

function lineBefore(
  script: readonly DiffLine[],
  index: number,
  key: 'oldLine' | 'newLine',
): number {
  for (let i = index - 1; i >= 0; i--) {
    const n = script[i]![key]
    if (n !== undefined) return n
  }
  return 0
}
