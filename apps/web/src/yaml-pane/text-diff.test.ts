import { ChangeSet, EditorSelection, EditorState } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { applyChanges, diffLines, diffText } from './text-diff'

const yaml = [
  'workflow:',
  '  name: demo',
  '  steps:',
  '    - name: first',
  '      type: claude',
  '    - name: second',
  '      type: gemini',
  '',
].join('\n')

describe('diffText', () => {
  it('returns nothing for equal texts', () => {
    expect(diffText(yaml, yaml)).toEqual([])
  })

  it('changes only the characters that differ', () => {
    const b = yaml.replace('name: demo', 'name: dema')
    const changes = diffText(yaml, b)
    expect(changes).toEqual([
      { from: yaml.indexOf('demo') + 3, to: yaml.indexOf('demo') + 4, insert: 'a' },
    ])
  })

  it('keeps two distant edits apart, so text between them is untouched', () => {
    const b = yaml.replace('name: demo', 'name: demo2').replace('type: gemini', 'type: claude')
    const changes = diffText(yaml, b)
    expect(changes).toHaveLength(2)
    const middle = yaml.indexOf('- name: first')
    for (const c of changes) expect(c.from > middle || c.to < middle).toBe(true)
    expect(applyChanges(yaml, changes)).toBe(b)
  })

  it('inserts whole lines without touching neighbours', () => {
    const b = yaml.replace(
      '    - name: second',
      '    - name: inserted\n      type: claude\n    - name: second',
    )
    const changes = diffText(yaml, b)
    expect(changes).toHaveLength(1)
    expect(changes[0]!.to - changes[0]!.from).toBe(0)
    expect(applyChanges(yaml, changes)).toBe(b)
  })

  it('maps a caret after the change by the inserted length, and leaves one before it', () => {
    const state = EditorState.create({
      doc: yaml,
      extensions: EditorState.allowMultipleSelections.of(true),
      selection: EditorSelection.create([
        EditorSelection.cursor(yaml.indexOf('first')),
        EditorSelection.cursor(yaml.indexOf('gemini')),
      ]),
    })
    const b = yaml.replace('type: claude', 'type: claude_smart')
    const next = state.update({ changes: diffText(yaml, b) }).state
    expect(next.doc.toString()).toBe(b)
    expect(next.selection.ranges[0]!.head).toBe(yaml.indexOf('first'))
    expect(next.selection.ranges[1]!.head).toBe(yaml.indexOf('gemini') + '_smart'.length)
  })

  it('round-trips random edits, as a valid CodeMirror change set', () => {
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const pieces = ['a', 'b', '\n', '  ', 'name: x\n', '- ', '#c\n']
    for (let round = 0; round < 300; round++) {
      let a = ''
      for (let i = rand(30); i > 0; i--) a += pieces[rand(pieces.length)]
      let b = a
      for (let e = rand(4); e >= 0; e--) {
        const at = rand(b.length + 1)
        const del = rand(4)
        b = b.slice(0, at) + (rand(2) ? pieces[rand(pieces.length)] : '') + b.slice(at + del)
      }
      const changes = diffText(a, b)
      expect(applyChanges(a, changes)).toBe(b)
      const set = ChangeSet.of(changes, a.length)
      expect(set.apply(EditorState.create({ doc: a }).doc).toString()).toBe(b)
    }
  })

  it('falls back to a single change past the edit limit', () => {
    const a = 'a\nb\nc\nd\n'
    const b = 'x\nb\ny\nd\n'
    expect(diffText(a, b)).toHaveLength(2)
    const capped = diffText(a, b, { maxEditLines: 1 })
    expect(capped).toHaveLength(1)
    expect(applyChanges(a, capped)).toBe(b)
  })
})

describe('diffLines', () => {
  it('finds the shortest edit script', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'c'], 100)).toEqual([[1, 2, 1, 1]])
    expect(diffLines(['a'], ['a', 'b'], 100)).toEqual([[1, 1, 1, 2]])
    expect(diffLines([], ['a'], 100)).toEqual([[0, 0, 0, 1]])
  })
})
