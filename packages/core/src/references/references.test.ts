import { describe, expect, it } from 'vitest'
import { readYaml } from '../yaml/read.js'
import { conditionHits, findReferences, stepPaths, templateHits, type Reference } from './index.js'

const refs = (text: string) => findReferences(readYaml(text).value)

/** The characters a span covers in the string at the reference's path. */
function spanned(root: unknown, r: Reference): string {
  let v: unknown = root
  for (const seg of r.path) v = (v as Record<string | number, unknown>)[seg]
  expect(typeof v).toBe('string')
  const s = v as string
  return r.span ? s.slice(r.span[0], r.span[1]) : s
}

const doc = `
workflow:
  name: w
  gemini_functions:
    score: {description: d, parameters: {}}
  global_vars: {team: core}
  steps:
    - name: scan
      type: gemini
      functions: [score]
      prompt:
        - type: static
          content: "Team {{global_vars.team}} with {{ steps.setup.text }} and {{state.count}}"
    - name: review
      type: claude
      condition: "scan.score > 5 and steps.scan.ok"
      prompt:
        - type: previous_response
          step: scan
          extract: analysis.items
    - name: each
      type: for_loop
      iterator: item
      data_source: "scan:items.list"
      break_condition: "loop.index >= 3"
      steps:
        - name: child
          type: claude
          prompt:
            - {type: previous_response, step: loop, extract: item.name}
    - name: shape
      type: data_transform
      input_source: "previous_response:scan:items"
      operations:
        - operation: join
          right_source: "context:results.review.rows"
    - name: sub
      type: pipeline
      pipeline:
        steps:
          - name: inner
            type: gemini
            prompt: [{type: static, content: "{{inputs.x}} {{steps.inner2.text}}"}]
      outputs:
        - inner
        - {path: inner.text, as: t}
    - name: many
      type: parallel_claude
      parallel_tasks:
        - id: a
          prompt: [{type: previous_response, step: review}]
    - name: batch
      type: claude_batch
      tasks:
        - task_id: x
          prompt: [{type: previous_response, step: scan}]
`

describe('findReferences (reference §22.2)', () => {
  const root = readYaml(doc).value
  const all = findReferences(root)
  const find = (kind: Reference['kind'], target: string) =>
    all.filter((r) => r.kind === kind && r.target === target)

  it('finds previous_response parts with extract, path and scope', () => {
    expect(find('previous_response', 'scan')[0]).toEqual({
      kind: 'previous_response',
      target: 'scan',
      path: ['workflow', 'steps', 1, 'prompt', 0, 'step'],
      extract: 'analysis.items',
      stepPath: ['workflow', 'steps', 1],
      scope: 'top',
    })
    const loop = find('previous_response', 'loop')[0]!
    expect(loop).toMatchObject({
      scope: 'loop',
      stepPath: ['workflow', 'steps', 2, 'steps', 0],
      extract: 'item.name',
    })
    expect(find('previous_response', 'review')[0]).toMatchObject({
      scope: 'parallel_task',
      path: ['workflow', 'steps', 5, 'parallel_tasks', 0, 'prompt', 0, 'step'],
    })
    expect(find('previous_response', 'scan')[1]).toMatchObject({ scope: 'batch_task' })
  })

  it('finds template references with exact spans', () => {
    const gv = find('global_var', 'team')[0]!
    expect(spanned(root, gv)).toBe('team')
    const st = find('template_step', 'setup')[0]!
    expect(st).toMatchObject({
      extract: 'text',
      path: ['workflow', 'steps', 0, 'prompt', 0, 'content'],
    })
    expect(spanned(root, st)).toBe('setup')
    const v = find('variable', 'count')[0]!
    expect(spanned(root, v)).toBe('count')
  })

  it('finds condition references, marking `steps.` ones broken', () => {
    const c = all.filter((r) => r.kind === 'condition_step' && r.stepPath[2] === 1)
    expect(c.map((r) => [r.target, r.extract, r.broken, spanned(root, r)])).toEqual([
      ['scan', 'score', undefined, 'scan'],
      ['scan', 'ok', 'steps_prefix', 'scan'],
    ])
    expect(c[1]!.span).toEqual([25, 29])
    expect(find('condition_step', 'loop')[0]).toMatchObject({
      path: ['workflow', 'steps', 2, 'break_condition'],
    })
  })

  it('finds data_source, input_source and join sources with spans', () => {
    const ds = find('data_source', 'scan')[0]!
    expect(ds).toMatchObject({ span: [0, 4], extract: 'items.list' })
    const is = find('input_source', 'scan')[0]!
    expect(is).toMatchObject({ span: [18, 22], extract: 'items' })
    expect(spanned(root, is)).toBe('scan')
    const js = find('join_source', 'review')[0]!
    expect(spanned(root, js)).toBe('review')
    expect(js.extract).toBe('rows')
  })

  it('finds functions and pipeline outputs; inline child templates belong to the child', () => {
    expect(find('function', 'score')[0]).toMatchObject({
      path: ['workflow', 'steps', 0, 'functions', 0],
    })
    const outs = all.filter((r) => r.kind === 'pipeline_output')
    expect(outs.map((r) => [r.target, r.span, r.extract])).toEqual([
      ['inner', undefined, undefined],
      ['inner', [0, 5], 'text'],
    ])
    expect(find('template_step', 'inner2')[0]).toMatchObject({
      scope: 'inline_pipeline',
      stepPath: ['workflow', 'steps', 4, 'pipeline', 'steps', 0],
    })
    // {{inputs.x}} is not a reference to a step or variable
    expect(all.some((r) => r.target === 'x' || r.target === 'inputs')).toBe(false)
  })

  it('lists step paths in document order, including nested ones', () => {
    expect(stepPaths(root)).toEqual([
      ['workflow', 'steps', 0],
      ['workflow', 'steps', 1],
      ['workflow', 'steps', 2],
      ['workflow', 'steps', 2, 'steps', 0],
      ['workflow', 'steps', 3],
      ['workflow', 'steps', 4],
      ['workflow', 'steps', 4, 'pipeline', 'steps', 0],
      ['workflow', 'steps', 5],
      ['workflow', 'steps', 6],
    ])
    const wf = readYaml(
      'workflow:\n  name: w\n  steps:\n    - name: p\n      type: pipeline\n      pipeline:\n        workflow:\n          steps:\n            - {name: c, type: claude}\n',
    ).value
    expect(stepPaths(wf)).toEqual([
      ['workflow', 'steps', 0],
      ['workflow', 'steps', 0, 'pipeline', 'workflow', 'steps', 0],
    ])
  })

  it('handles plain-name sources without spans and previous_response data sources', () => {
    const r = refs(
      'workflow:\n  steps:\n    - {name: l, type: for_loop, data_source: files, iterator: f, steps: []}\n    - {name: t, type: data_transform, input_source: rows}\n    - {name: m, type: for_loop, data_source: "previous_response:items", iterator: i}\n',
    )
    expect(r.map((x) => [x.kind, x.target, x.span])).toEqual([
      ['data_source', 'files', undefined],
      ['input_source', 'rows', undefined],
      ['data_source', 'previous_response', [0, 17]],
    ])
  })

  it('does not throw on malformed shapes', () => {
    for (const v of [
      null,
      5,
      'x',
      [],
      [1, 2],
      { workflow: 'x' },
      { workflow: { steps: 'x' } },
      { workflow: { steps: [null, 3, [], { prompt: 'x', condition: 5 }] } },
      {
        workflow: {
          steps: [
            {
              type: 'for_loop',
              steps: [{ type: 'pipeline', pipeline: { workflow: 7 } }],
              data_source: [1],
            },
          ],
        },
      },
    ]) {
      expect(() => findReferences(v)).not.toThrow()
      expect(() => stepPaths(v)).not.toThrow()
    }
  })
})

describe('template and condition scanning (§12.2, §13.2)', () => {
  const names = (hits: ReturnType<typeof templateHits>, s: string) =>
    hits.map((h) => [h.kind, h.target, s.slice(h.start, h.end), h.extract])

  it('reads function arguments, arithmetic and hyphenated step names', () => {
    const s =
      '{{add(state.a, steps.my-step.n)}} {{counter + 1}} {{steps.my-step.text}} {{loop.item}}'
    expect(names(templateHits(s), s)).toEqual([
      ['variable', 'a', 'a', undefined],
      ['template_step', 'my-step', 'my-step', 'n'],
      ['variable', 'counter', 'counter', undefined],
      ['template_step', 'my-step', 'my-step', 'text'],
    ])
  })

  it('reads comparisons inside braces as the names they mention', () => {
    const s = '{{score < 90}}'
    expect(names(templateHits(s), s)).toEqual([['variable', 'score', 'score', undefined]])
  })

  it('skips literals, numbers, operators, function names and @item in conditions', () => {
    const s =
      "any(scan.files, 'name == \"a\"') and count(x.items) > 2 or y.v between 1 and 2.5 == true contains 'q' @item.z"
    expect(names(conditionHits(s, false), s)).toEqual([
      ['condition_step', 'scan', 'scan', 'files'],
      ['condition_step', 'x', 'x', 'items'],
      ['condition_step', 'y', 'y', 'v'],
    ])
  })

  it('marks state.x as a broken variable reference and ignores templates in conditions', () => {
    const s = 'state.counter < 3 and {{steps.a.b}} > 1'
    expect(conditionHits(s, false)).toEqual([
      { kind: 'variable', target: 'counter', start: 6, end: 13, broken: 'state_prefix' },
    ])
  })
})
