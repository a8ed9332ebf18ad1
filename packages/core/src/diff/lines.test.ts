import { describe, expect, it } from 'vitest'
import { diffLines, formatUnifiedDiff, splitLines, type LineDiff } from './lines.js'

const lines = (...xs: string[]) => xs.map((x) => `${x}\n`).join('')
const labels = { from: 'old', to: 'new' }

/** Applies the hunks to `before`: what a patch tool would do with them. */
function patch(before: string, result: LineDiff): string[] {
  const old = splitLines(before)
  const out: string[] = []
  let next = 0 // index into old of the first line not yet copied
  for (const hunk of result.hunks) {
    const first = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1
    out.push(...old.slice(next, first))
    next = first
    for (const line of hunk.lines) {
      if (line.kind !== 'add') {
        expect(old[next], `hunk ${hunk.oldStart} line ${line.oldLine}`).toBe(line.text)
        next++
      }
      if (line.kind !== 'remove') out.push(line.text)
    }
  }
  out.push(...old.slice(next))
  return out
}

describe('diffLines', () => {
  it('finds nothing between equal texts, nor between texts that differ only in a final newline', () => {
    expect(diffLines('a\nb\n', 'a\nb\n')).toEqual({ hunks: [], added: 0, removed: 0 })
    expect(diffLines('a\nb', 'a\nb\n').hunks).toEqual([])
    expect(formatUnifiedDiff(diffLines('', ''), labels)).toBe('')
  })

  it('writes what diff -u writes: a changed line and an appended one, far apart', () => {
    const before = lines(...'abcdefghijklm')
    const after = lines('a', 'b', 'c', 'D', ...'efghijklm', 'n')
    const result = diffLines(before, after)
    expect(result.added).toBe(2)
    expect(result.removed).toBe(1)
    // Output of GNU diffutils 3.8 `diff -u` on the same two files (timestamps left out).
    expect(formatUnifiedDiff(result, labels)).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -1,7 +1,7 @@',
        ' a',
        ' b',
        ' c',
        '-d',
        '+D',
        ' e',
        ' f',
        ' g',
        '@@ -11,3 +11,4 @@',
        ' k',
        ' l',
        ' m',
        '+n',
        '',
      ].join('\n'),
    )
  })

  it('starts a hunk at line 0 for a text made from nothing, and ends at 0 for one emptied', () => {
    expect(formatUnifiedDiff(diffLines('', 'x\ny\n'), labels)).toBe(
      '--- old\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n',
    )
    expect(formatUnifiedDiff(diffLines('x\ny\n', ''), labels)).toBe(
      '--- old\n+++ new\n@@ -1,2 +0,0 @@\n-x\n-y\n',
    )
  })

  it('joins changes closer than twice the context into one hunk', () => {
    const before = lines(...'abcdefghij')
    const after = lines('A', ...'bcdef', 'G', ...'hij')
    expect(diffLines(before, after).hunks).toHaveLength(1)
    expect(diffLines(before, after, { context: 2 }).hunks).toHaveLength(2)
    const none = diffLines(before, after, { context: 0 })
    expect(none.hunks.map((h) => h.lines.map((l) => l.kind))).toEqual([
      ['remove', 'add'],
      ['remove', 'add'],
    ])
  })

  it('numbers lines in both texts', () => {
    const result = diffLines(lines('a', 'b', 'c'), lines('a', 'x', 'b', 'c'))
    const added = result.hunks[0]!.lines.find((l) => l.kind === 'add')!
    expect(added).toEqual({ kind: 'add', text: 'x', newLine: 2 })
    const c = result.hunks[0]!.lines.find((l) => l.text === 'c')!
    expect(c).toEqual({ kind: 'context', text: 'c', oldLine: 3, newLine: 4 })
  })

  it('never splits a line and keeps repeated lines apart (a step moved in YAML)', () => {
    const before = lines('steps:', '  - name: a', '    type: x', '  - name: b', '    type: x')
    const after = lines('steps:', '  - name: b', '    type: x', '  - name: a', '    type: x')
    const result = diffLines(before, after)
    expect(patch(before, result)).toEqual(splitLines(after))
    expect(result.added).toBe(result.removed)
    expect(result.added).toBeLessThanOrEqual(2)
  })

  it('reproduces the new text from the old one for many random edits, with a minimal count', () => {
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let round = 0; round < 200; round++) {
      const old = Array.from({ length: random(30) }, () => 'l' + random(8))
      const next = [...old]
      const edits = random(6)
      for (let e = 0; e < edits; e++) {
        const at = random(next.length + 1)
        if (random(2) === 0 && next.length > 0) next.splice(Math.min(at, next.length - 1), 1)
        else next.splice(at, 0, 'n' + random(8))
      }
      const before = old.map((l) => l + '\n').join('')
      const after = next.map((l) => l + '\n').join('')
      for (const context of [0, 1, 3]) {
        const result = diffLines(before, after, { context })
        expect(patch(before, result)).toEqual(next)
        // No more changes than the edits made (each edit adds or removes one line).
        expect(result.added + result.removed).toBeLessThanOrEqual(edits)
      }
    }
  })
})
