/**
 * The smallest set of edits that turns one text into another, as CodeMirror change specs in the
 * coordinates of the old text. Used when the document changes under the YAML pane: dispatching
 * only the differing stretches lets CodeMirror map the caret, the selection and the scroll
 * position through the change instead of resetting them.
 *
 * Lines are diffed with Myers' O(ND) algorithm (so an edit at the top and one at the bottom stay
 * two small changes and a caret between them does not move), then each changed hunk is trimmed
 * to the characters that really differ. Past `maxEditLines` differing lines it falls back to a
 * single change between the common prefix and suffix.
 */

export interface TextChange {
  readonly from: number
  readonly to: number
  readonly insert: string
}

export interface DiffOptions {
  /** Above this many differing lines, give up on a line diff and replace one stretch. */
  readonly maxEditLines?: number
}

export function diffText(a: string, b: string, options: DiffOptions = {}): TextChange[] {
  if (a === b) return []
  let start = 0
  const minLen = Math.min(a.length, b.length)
  while (start < minLen && a.charCodeAt(start) === b.charCodeAt(start)) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--
    endB--
  }
  // Widen to whole lines so the line diff sees the same lines on both sides.
  const lineStart = a.lastIndexOf('\n', start - 1) + 1
  const nlA = a.indexOf('\n', endA)
  const nlB = b.indexOf('\n', endB)
  const lineEndA = nlA < 0 ? a.length : nlA + 1
  const lineEndB = nlB < 0 ? b.length : nlB + 1
  // Keep the suffix the same length on both sides (it is common text).
  const tail = Math.min(a.length - lineEndA, b.length - lineEndB)
  const midA = a.slice(lineStart, a.length - tail)
  const midB = b.slice(lineStart, b.length - tail)

  const linesA = splitLines(midA)
  const linesB = splitLines(midB)
  const hunks = diffLines(linesA, linesB, options.maxEditLines ?? 4000)
  if (!hunks) return [trimmed(a, b, lineStart, a.length - tail, lineStart, b.length - tail)]

  const offA = offsets(linesA, lineStart)
  const offB = offsets(linesB, lineStart)
  const changes: TextChange[] = []
  for (const [as, ae, bs, be] of hunks) {
    const change = trimmed(a, b, offA[as]!, offA[ae]!, offB[bs]!, offB[be]!)
    if (change.from !== change.to || change.insert !== '') changes.push(change)
  }
  return changes
}

/** Applies changes given in the coordinates of `text` (sorted, non-overlapping). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = ''
  let pos = 0
  for (const c of changes) {
    out += text.slice(pos, c.from) + c.insert
    pos = c.to
  }
  return out + text.slice(pos)
}

function trimmed(
  a: string,
  b: string,
  fromA: number,
  toA: number,
  fromB: number,
  toB: number,
): TextChange {
  while (fromA < toA && fromB < toB && a.charCodeAt(fromA) === b.charCodeAt(fromB)) {
    fromA++
    fromB++
  }
  while (toA > fromA && toB > fromB && a.charCodeAt(toA - 1) === b.charCodeAt(toB - 1)) {
    toA--
    toB--
  }
  return { from: fromA, to: toA, insert: b.slice(fromB, toB) }
}

/** Lines with their line breaks, so that joining them gives the text back. */
function splitLines(text: string): string[] {
  const out: string[] = []
  let pos = 0
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    const end = nl < 0 ? text.length : nl + 1
    out.push(text.slice(pos, end))
    pos = end
  }
  return out
}

function offsets(lines: readonly string[], base: number): number[] {
  const out = [base]
  let pos = base
  for (const l of lines) out.push((pos += l.length))
  return out
}

type Hunk = readonly [aStart: number, aEnd: number, bStart: number, bEnd: number]

/** Myers' diff over lines; returns the differing hunks, or null past `maxD` edits. */
export function diffLines(a: readonly string[], b: readonly string[], maxD: number): Hunk[] | null {
  const ids = new Map<string, number>()
  const id = (s: string) => {
    let v = ids.get(s)
    if (v === undefined) ids.set(s, (v = ids.size))
    return v
  }
  const A = a.map(id)
  const B = b.map(id)
  const n = A.length
  const m = B.length
  const max = n + m
  const off = max + 1
  const v = new Int32Array(2 * max + 3)
  // trace[d] holds v[k] for k in [-d-1, d+1] as it was when step d started.
  const trace: Int32Array[] = []
  let found = -1
  outer: for (let d = 0; d <= max; d++) {
    if (d > maxD) return null
    trace.push(v.slice(off - d - 1, off + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!)
          ? v[off + k + 1]!
          : v[off + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && A[x] === B[y]) {
        x++
        y++
      }
      v[off + k] = x
      if (x >= n && y >= m) {
        found = d
        break outer
      }
    }
  }
  // Walk back, collecting the matched (diagonal) stretches.
  const matches: [number, number, number][] = [] // [aStart, bStart, length], in reverse
  let x = n
  let y = m
  for (let d = found; d >= 0; d--) {
    const snap = trace[d]!
    const at = (k: number) => snap[k + d + 1]!
    const k = x - y
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : at(prevK)
    const prevY = d === 0 ? 0 : prevX - prevK
    const snakeStartX = d === 0 ? 0 : prevK === k + 1 ? prevX : prevX + 1
    const len = x - Math.max(snakeStartX, 0)
    if (len > 0) matches.push([x - len, y - len, len])
    x = prevX
    y = prevY
  }
  matches.reverse()
  const hunks: Hunk[] = []
  let pa = 0
  let pb = 0
  for (const [ma, mb, len] of matches) {
    if (ma > pa || mb > pb) hunks.push([pa, ma, pb, mb])
    pa = ma + len
    pb = mb + len
  }
  if (pa < n || pb < m) hunks.push([pa, n, pb, m])
  return hunks
}
