import { exportYaml, importYaml, readPipeline } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { lineOf, lineStartsOf, offsetOf, rangeOf, stepAt, stepRanges } from './step-ranges'

const text = `workflow:
  name: demo
  steps:
    # the first step
    - name: intro
      type: claude
      prompt:
        - type: static
          content: hello

    - name: loop
      type: for_loop
      iterator: item
      data_source: intro
      steps:
        - name: inner
          type: claude
          prompt:
            - type: static
              content: x
`

function setup() {
  const doc = new Y.Doc()
  importYaml(doc, text)
  const view = readPipeline(doc)
  const idOf = (name: string) =>
    view.steps.find((s) => {
      let v: any = view.value
      for (const k of s.path) v = v[k]
      return v.name === name
    })!.id
  return { doc, view, ranges: stepRanges(exportYaml(doc), view.steps), idOf }
}

describe('stepRanges', () => {
  it('gives each step its whole lines, from the `- ` line to its last non-blank line', () => {
    const { ranges, idOf } = setup()
    const intro = rangeOf(ranges, idOf('intro'))!
    expect([intro.fromLine, intro.toLine]).toEqual([5, 9])
    expect(text.slice(intro.from, intro.to)).toBe(
      '    - name: intro\n      type: claude\n      prompt:\n        - type: static\n          content: hello',
    )
    const loop = rangeOf(ranges, idOf('loop'))!
    expect([loop.fromLine, loop.toLine]).toEqual([11, 20])
    const inner = rangeOf(ranges, idOf('inner'))!
    expect([inner.fromLine, inner.toLine]).toEqual([16, 20])
  })

  it('maps a caret offset to the innermost step, and to nothing outside steps', () => {
    const { ranges, idOf } = setup()
    expect(stepAt(ranges, text.indexOf('hello'))).toBe(idOf('intro'))
    expect(stepAt(ranges, text.indexOf('iterator'))).toBe(idOf('loop'))
    expect(stepAt(ranges, text.indexOf('content: x'))).toBe(idOf('inner'))
    expect(stepAt(ranges, text.indexOf('name: demo'))).toBeUndefined()
    expect(stepAt(ranges, text.indexOf('# the first'))).toBeUndefined()
  })

  it('returns nothing for a text that has no document', () => {
    expect(stepRanges('', [{ id: 'a', path: ['workflow', 'steps', 0] }])).toEqual([])
  })
})

describe('line helpers', () => {
  it('convert between offsets and lines', () => {
    const starts = lineStartsOf('ab\ncd\n')
    expect(starts).toEqual([0, 3, 6])
    expect(lineOf(starts, 0)).toBe(1)
    expect(lineOf(starts, 2)).toBe(1)
    expect(lineOf(starts, 3)).toBe(2)
    expect(offsetOf('ab\ncd\n', 2, 2)).toBe(4)
    expect(offsetOf('ab\ncd\n', 2, 99)).toBe(5)
    expect(offsetOf('ab\ncd\n', 9, 1)).toBe(6)
  })
})
