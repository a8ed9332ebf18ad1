import { describe, expect, it } from 'vitest'
import { readYaml } from '../yaml/read.js'
import { deriveGraph, type GraphEdge, type PipelineGraph } from './index.js'

const graph = (yaml: string, idOf?: (p: readonly (string | number)[]) => string): PipelineGraph =>
  deriveGraph(readYaml(yaml).value, idOf === undefined ? {} : { idOf })

const wf = (steps: string, extra = ''): string =>
  `workflow:\n  name: t\n${extra}  steps:\n${steps.replace(/^/gm, '    ')}\n`

const S = (...path: (string | number)[]): string => ['workflow', 'steps', ...path].join('.')

const edges = (g: PipelineGraph, kind: GraphEdge['kind']) =>
  g.edges.filter((e) => e.kind === kind).map((e) => [e.source, e.target])

/** The single data edge into `target` whose reference field path ends with `field`. */
function dataInto(g: PipelineGraph, target: string, ...field: (string | number)[]): GraphEdge {
  const hits = g.edges.filter(
    (e) =>
      e.kind === 'data' &&
      e.target === target &&
      e.referencePath !== undefined &&
      field.every((f, i) => e.referencePath?.[e.referencePath.length - field.length + i] === f),
  )
  expect(hits, `data edges into ${target} at ${field.join('.')}`).toHaveLength(1)
  return hits[0]!
}

const claude = (name: string, prompt = `[{type: static, content: "${name} it"}]`) =>
  `- name: ${name}\n  type: claude\n  prompt: ${prompt}`

describe('control edges (C1)', () => {
  it('chains each step to the next, in order, and nothing else', () => {
    const g = graph(wf([claude('a'), claude('b'), claude('c')].join('\n')))
    expect(edges(g, 'control')).toEqual([
      [S(0), S(1)],
      [S(1), S(2)],
    ])
    expect(g.nodes.map((n) => [n.id, n.name, n.index, n.summary])).toEqual([
      [S(0), 'a', 0, 'a it'],
      [S(1), 'b', 1, 'b it'],
      [S(2), 'c', 2, 'c it'],
    ])
  })

  it('draws a step condition as a gate label on the edge entering the step (C3)', () => {
    const g = graph(wf(`${claude('a')}\n${claude('b')}\n  condition: "a.score > 5"`))
    expect(g.edges.find((e) => e.kind === 'control')?.label).toBe('if a.score > 5')
  })
})

describe('loop containers (C2)', () => {
  const yaml = wf(`${claude('scan')}
- name: each
  type: for_loop
  iterator: file
  data_source: scan:files
  steps:
${claude('one').replace(/^/gm, '    ')}
${claude('two').replace(/^/gm, '    ')}
${claude('after')}`)

  it('makes the loop a container holding its body and a loop pseudo-node', () => {
    const g = graph(yaml)
    const loop = g.nodes.find((n) => n.id === S(1))
    expect(loop).toMatchObject({ container: 'for_loop', summary: 'for each file in scan:files' })
    expect(g.nodes.filter((n) => n.parentId === S(1)).map((n) => [n.id, n.kind, n.index])).toEqual([
      [`loop:${S(1)}`, 'loop_item', -1],
      [S(1, 'steps', 0), 'step', 0],
      [S(1, 'steps', 1), 'step', 1],
    ])
  })

  it('enters the body at its first step and loops back from its last, with the loop label', () => {
    const g = graph(yaml)
    expect(edges(g, 'control')).toEqual([
      [S(0), S(1)],
      [S(1), S(2)],
      [S(1, 'steps', 0), S(1, 'steps', 1)],
      [S(1), S(1, 'steps', 0)],
    ])
    expect(g.edges.filter((e) => e.kind === 'loop_back')).toEqual([
      expect.objectContaining({
        source: S(1, 'steps', 1),
        target: S(1),
        label: 'for each file in scan:files',
        status: 'valid',
      }),
    ])
  })

  it('labels while loops with their condition and cap, and flags a non-string condition', () => {
    const body = claude('check').replace(/^/gm, '    ')
    const g = graph(
      wf(
        `- name: w\n  type: while_loop\n  condition: "check.score < 8"\n  max_iterations: 5\n  steps:\n${body}`,
      ),
    )
    expect(g.nodes[0]).toMatchObject({
      container: 'while_loop',
      summary: 'while check.score < 8 (max 5)',
    })
    expect(g.edges.find((e) => e.kind === 'loop_back')).toMatchObject({
      label: 'while check.score < 8 (max 5)',
      status: 'valid',
    })
    const bad = graph(
      wf(`- name: w\n  type: while_loop\n  condition: {and: [a, b]}\n  steps:\n${body}`),
    )
    expect(bad.edges.find((e) => e.kind === 'loop_back')).toMatchObject({ status: 'error' })
    expect(bad.edges.find((e) => e.kind === 'loop_back')?.reason).toMatch(/must be a string/)
  })

  it('flags what a loop body silently breaks on the edge entering the step (§14.5)', () => {
    const g = graph(
      wf(`- name: l
  type: for_loop
  iterator: x
  data_source: items
  steps:
    - {name: a, type: claude, condition: "x.ok", prompt: [{type: static, content: a}]}
    - {name: t, type: data_transform, input_source: a}
    - {name: stop, type: break}
    - {name: out, type: file_write}`),
    )
    const into = (i: number) =>
      g.edges.find((e) => e.kind === 'control' && e.target === S(0, 'steps', i))
    expect(into(0)).toMatchObject({ status: 'warning', label: 'if x.ok' })
    expect(into(0)?.reason).toMatch(/ignored/)
    expect(into(1)).toMatchObject({ status: 'error' })
    expect(into(1)?.reason).toMatch(/Unsupported step type in loop: data_transform/)
    expect(into(2)).toMatchObject({ status: 'error' })
    expect(into(2)?.reason).toMatch(/crashes/)
    expect(into(3)).toMatchObject({ status: 'error' })
    expect(into(3)?.reason).toMatch(/Unsupported step type in loop: file_write/)
  })
})

describe('pipeline steps (C4)', () => {
  it('draws an inline child pipeline as a container, in both inline forms', () => {
    for (const [inline, listPath] of [
      [
        `pipeline:\n    steps:\n${claude('c1').replace(/^/gm, '      ')}\n${claude('c2').replace(/^/gm, '      ')}`,
        ['pipeline', 'steps'],
      ],
      [
        `pipeline:\n    workflow:\n      name: child\n      steps:\n${claude('c1').replace(/^/gm, '        ')}\n${claude('c2').replace(/^/gm, '        ')}`,
        ['pipeline', 'workflow', 'steps'],
      ],
    ] as const) {
      const g = graph(wf(`- name: sub\n  type: pipeline\n  ${inline}`))
      const c = (i: number) => S(0, ...listPath, i)
      expect(g.nodes[0]).toMatchObject({
        container: 'pipeline',
        summary: 'inline pipeline, 2 steps',
      })
      expect(g.nodes.filter((n) => n.parentId === S(0)).map((n) => n.id)).toEqual([c(0), c(1)])
      expect(edges(g, 'control')).toEqual([
        [c(0), c(1)],
        [S(0), c(0)],
      ])
    }
  })

  it('points pipeline_file at an external pipeline node, and pipeline_ref at an error', () => {
    const g = graph(
      wf(`- {name: ext, type: pipeline, pipeline_file: ./pipelines/x.yaml}
- {name: reg, type: pipeline, pipeline_ref: shared/analyzer}`),
    )
    expect(g.nodes.find((n) => n.id === 'file:./pipelines/x.yaml')).toMatchObject({
      kind: 'external_pipeline',
      summary: '→ ./pipelines/x.yaml',
    })
    expect(g.nodes[0]?.summary).toBe('→ ./pipelines/x.yaml')
    expect(g.nodes[0]?.container).toBeUndefined()
    expect(g.edges.find((e) => e.target === 'file:./pipelines/x.yaml')).toMatchObject({
      source: S(0),
      kind: 'control',
      status: 'valid',
    })
    const ref = g.edges.find((e) => e.target === 'ref:shared/analyzer')
    expect(ref).toMatchObject({ source: S(1), kind: 'control', status: 'error' })
    expect(ref?.reason).toMatch(/Pipeline registry not yet implemented/)
  })
})

describe('fan-out (C5, C6)', () => {
  it('puts parallel_claude tasks inside the step and fans out to each', () => {
    const g = graph(
      wf(`- name: build
  type: parallel_claude
  parallel_tasks:
    - {id: backend, prompt: [{type: static, content: "Build the API"}]}
    - {id: frontend, prompt: [{type: static, content: "Build the UI"}]}`),
    )
    expect(g.nodes[0]).toMatchObject({ container: 'parallel_claude', summary: '2 parallel tasks' })
    expect(
      g.nodes.slice(1).map((n) => [n.id, n.kind, n.parentId, n.name, n.summary, n.index]),
    ).toEqual([
      [`task:${S(0)}:0`, 'task', S(0), 'backend', 'Build the API', 0],
      [`task:${S(0)}:1`, 'task', S(0), 'frontend', 'Build the UI', 1],
    ])
    expect(g.nodes[1]?.stepPath).toEqual(['workflow', 'steps', 0, 'parallel_tasks', 0])
    expect(edges(g, 'fan_out')).toEqual([
      [S(0), `task:${S(0)}:0`],
      [S(0), `task:${S(0)}:1`],
    ])
  })

  it('does the same for claude_batch tasks, naming unnamed ones task_<i>', () => {
    const g = graph(
      wf(`- name: review
  type: claude_batch
  batch_config: {max_parallel: 3}
  tasks:
    - {file: lib/a.ex}
    - {task_id: api, prompt: "Review the API"}`),
    )
    expect(g.nodes[0]).toMatchObject({ container: 'claude_batch', summary: '2 tasks, 3 at a time' })
    expect(g.nodes.slice(1).map((n) => [n.name, n.summary])).toEqual([
      ['task_0', 'file lib/a.ex'],
      ['api', 'Review the API'],
    ])
    expect(edges(g, 'fan_out')).toHaveLength(2)
  })
})

describe('data edges: previous_response (D1)', () => {
  it('links producer to consumer, labelled with extract', () => {
    const g = graph(
      wf(
        `${claude('plan')}\n${claude('use', '[{type: previous_response, step: plan, extract: steps.first}]')}`,
      ),
    )
    expect(dataInto(g, S(1), 'step')).toMatchObject({
      source: S(0),
      status: 'valid',
      label: 'steps.first',
      referencePath: ['workflow', 'steps', 1, 'prompt', 0, 'step'],
    })
  })

  it('is an error when the producer runs later (runtime KeyError)', () => {
    const g = graph(
      wf(`${claude('use', '[{type: previous_response, step: plan}]')}\n${claude('plan')}`),
    )
    const e = dataInto(g, S(0), 'step')
    expect(e).toMatchObject({ source: S(1), status: 'error' })
    expect(e.reason).toMatch(/runs after this step.*KeyError/)
  })

  it('is an error on the consumer itself when no step has that name', () => {
    const g = graph(wf(claude('use', '[{type: previous_response, step: ghost}]')))
    const e = dataInto(g, S(0), 'step')
    expect(e).toMatchObject({ source: S(0), status: 'error' })
    expect(e.reason).toMatch(/No top-level step is named 'ghost'.*loader rejects/)
  })

  it('resolves a duplicate name to the nearest preceding step, with a warning', () => {
    const g = graph(
      wf(
        [
          claude('x'),
          claude('x'),
          claude('use', '[{type: previous_response, step: x}]'),
          claude('x'),
        ].join('\n'),
      ),
    )
    const e = dataInto(g, S(2), 'step')
    expect(e).toMatchObject({ source: S(1), status: 'warning' })
    expect(e.reason).toMatch(/3 steps are named 'x'.*most recently/)
  })

  it('is an error from the top level into a loop body (load error)', () => {
    const g = graph(
      wf(`- name: l
  type: for_loop
  iterator: f
  data_source: items
  steps:
${claude('inner').replace(/^/gm, '    ')}
${claude('use', '[{type: previous_response, step: inner}]')}`),
    )
    const e = dataInto(g, S(1), 'step')
    expect(e).toMatchObject({ source: S(0, 'steps', 0), status: 'error' })
    expect(e.reason).toMatch(/loader rejects the file/)
  })

  it('reads the loop pseudo-step and earlier top-level steps from a loop body', () => {
    const g = graph(
      wf(`${claude('top')}
- name: l
  type: for_loop
  iterator: file
  data_source: top:files
  steps:
${claude('a', '[{type: previous_response, step: loop, extract: file.path}, {type: previous_response, step: top}]').replace(/^/gm, '    ')}
${claude('b', '[{type: previous_response, step: a}]').replace(/^/gm, '    ')}`),
    )
    const body = (i: number) => S(1, 'steps', i)
    expect(dataInto(g, body(0), 0, 'step')).toMatchObject({
      source: `loop:${S(1)}`,
      status: 'valid',
      label: 'file.path',
    })
    expect(dataInto(g, body(0), 1, 'step')).toMatchObject({ source: S(0), status: 'valid' })
    expect(dataInto(g, body(1), 'step')).toMatchObject({ source: body(0), status: 'valid' })
  })

  it('is an error from an inline child pipeline to a parent step', () => {
    const g = graph(
      wf(`${claude('parent')}
- name: sub
  type: pipeline
  pipeline:
    steps:
${claude('child', '[{type: previous_response, step: parent}]').replace(/^/gm, '      ')}`),
    )
    const e = dataInto(g, S(1, 'pipeline', 'steps', 0), 'step')
    expect(e).toMatchObject({ source: S(0), status: 'error' })
    expect(e.reason).toMatch(/cannot see its parent's results/)
  })

  it('is always an error inside claude_batch tasks, and valid from parallel tasks (to the task node)', () => {
    const g = graph(
      wf(`${claude('plan')}
- name: batch
  type: claude_batch
  tasks:
    - {task_id: t, prompt: [{type: previous_response, step: plan}]}
- name: par
  type: parallel_claude
  parallel_tasks:
    - {id: p, prompt: [{type: previous_response, step: plan, extract: text}]}`),
    )
    const batch = dataInto(g, `task:${S(1)}:0`, 'step')
    expect(batch).toMatchObject({ source: S(0), status: 'error' })
    expect(batch.reason).toMatch(/claude_batch.*KeyError/)
    expect(dataInto(g, `task:${S(2)}:0`, 'step')).toMatchObject({ source: S(0), status: 'valid' })
  })

  it('is an error to read a parallel_claude result without extract', () => {
    const g = graph(
      wf(`- {name: par, type: parallel_claude, parallel_tasks: [{id: a, prompt: [{type: static, content: x}]}]}
${claude('use', '[{type: previous_response, step: par}, {type: previous_response, step: par, extract: combined_results}]')}`),
    )
    expect(dataInto(g, S(1), 0, 'step')).toMatchObject({ status: 'error' })
    expect(dataInto(g, S(1), 0, 'step').reason).toMatch(/combined_results/)
    expect(dataInto(g, S(1), 1, 'step')).toMatchObject({ status: 'valid' })
  })
})

describe('data edges: templates and conditions (D2, D3)', () => {
  it('resolves {{steps.X}} and flags one that loop pre-interpolation freezes', () => {
    const g = graph(
      wf(`${claude('scan')}
- name: l
  type: for_loop
  iterator: f
  data_source: scan:files
  steps:
${claude('a').replace(/^/gm, '    ')}
${claude('b', '[{type: static, content: "{{steps.scan.text}} and {{steps.a.text}}"}]').replace(/^/gm, '    ')}`),
    )
    const into = g.edges.filter((e) => e.kind === 'data' && e.target === S(1, 'steps', 1))
    expect(into.map((e) => [e.source, e.status, e.label])).toEqual([
      [S(0), 'valid', 'text'],
      [S(1, 'steps', 0), 'warning', 'text'],
    ])
    expect(into[1]?.reason).toMatch(/before the loop starts/)
  })

  it('fills a template in an inline child from the parent, with a warning', () => {
    const g = graph(
      wf(`${claude('parent')}
- name: sub
  type: pipeline
  pipeline:
    steps:
${claude('c1').replace(/^/gm, '      ')}
${claude('c2', '[{type: static, content: "{{steps.parent.text}} {{steps.c1.text}}"}]').replace(/^/gm, '      ')}`),
    )
    const into = g.edges.filter(
      (e) => e.kind === 'data' && e.target === S(1, 'pipeline', 'steps', 1),
    )
    expect(into.map((e) => [e.source, e.status])).toEqual([
      [S(0), 'warning'],
      [S(1, 'pipeline', 'steps', 0), 'valid'],
    ])
  })

  it('resolves condition field references, and flags `steps.` without braces', () => {
    const g = graph(
      wf(`${claude('scan')}
${claude('ok')}
  condition: "scan.score > 5"
${claude('broken')}
  condition: "steps.scan.score > 5"`),
    )
    expect(dataInto(g, S(1), 'condition')).toMatchObject({
      source: S(0),
      status: 'valid',
      label: 'score',
    })
    const b = dataInto(g, S(2), 'condition')
    expect(b).toMatchObject({ source: S(0), status: 'warning' })
    expect(b.reason).toMatch(/step named 'steps'/)
  })

  it('lets a while test read its body, warning when nothing precedes the first test', () => {
    const body = claude('check').replace(/^/gm, '    ')
    const loop = `- name: w\n  type: while_loop\n  condition: "check.score < 8"\n  steps:\n${body}`
    const alone = dataInto(graph(wf(loop)), S(0), 'condition')
    expect(alone).toMatchObject({ source: S(0, 'steps', 0), status: 'warning' })
    expect(alone.reason).toMatch(/first test/)
    const primed = dataInto(graph(wf(`${claude('check')}\n${loop}`)), S(1), 'condition')
    expect(primed).toMatchObject({ source: S(1, 'steps', 0), status: 'valid' })
  })
})

describe('data edges: sources, variables, functions, outputs (D4-D10)', () => {
  it('reads a for_loop data_source from a step, a variable, or the enclosing loop item', () => {
    const g = graph(
      wf(`- {name: init, type: set_variable, variables: {items: [1, 2]}}
${claude('scan')}
- name: outer
  type: for_loop
  iterator: dir
  data_source: scan:dirs
  steps:
    - name: inner
      type: for_loop
      iterator: file
      data_source: dir:files
      steps:
${claude('x').replace(/^/gm, '        ')}
- name: byvar
  type: for_loop
  iterator: i
  data_source: items
  steps:
${claude('y').replace(/^/gm, '    ')}
- name: early
  type: for_loop
  iterator: i
  data_source: late:list
  steps:
${claude('z').replace(/^/gm, '    ')}
${claude('late')}`),
    )
    expect(dataInto(g, S(2), 'data_source')).toMatchObject({
      source: S(1),
      status: 'valid',
      label: 'dirs',
    })
    expect(dataInto(g, S(2, 'steps', 0), 'data_source')).toMatchObject({
      source: `loop:${S(2)}`,
      status: 'valid',
    })
    expect(dataInto(g, S(3), 'data_source')).toMatchObject({ source: 'var:items', status: 'valid' })
    const early = dataInto(g, S(4), 'data_source')
    expect(early).toMatchObject({ source: S(5), status: 'error' })
    expect(early.reason).toMatch(/Step result not found: late/)
  })

  it('reads data_transform input_source and join right_source', () => {
    const g = graph(
      wf(`${claude('a')}
${claude('b')}
- name: t
  type: data_transform
  input_source: "previous_response:a:items"
  operations:
    - {operation: join, right_source: "previous_response:b", join_key: id}
    - {operation: filter, condition: "x == 1"}`),
    )
    expect(dataInto(g, S(2), 'input_source')).toMatchObject({
      source: S(0),
      status: 'valid',
      label: 'items',
    })
    expect(dataInto(g, S(2), 'right_source')).toMatchObject({ source: S(1), status: 'valid' })
    expect(g.nodes[2]?.summary).toBe('join → filter')
  })

  it('points a dotted source name at the step meant, as an error saying how to write it', () => {
    const g = graph(
      wf(`${claude('scan')}\n- {name: t, type: data_transform, input_source: scan.items}`),
    )
    const e = dataInto(g, S(1), 'input_source')
    expect(e).toMatchObject({ source: S(0), status: 'error' })
    expect(e.reason).toMatch(/not as a path.*previous_response:scan:items/)
  })

  it('says how to read a step when a template names it like a variable', () => {
    const g = graph(
      wf(`${claude('scan')}\n${claude('b', '[{type: static, content: "{{scan.text}}"}]')}`),
    )
    const e = dataInto(g, S(1), 'content')
    expect(e).toMatchObject({ source: 'var:scan', status: 'error' })
    expect(e.reason).toMatch(/write \{\{steps\.scan/)
  })

  it('links top-level set_variable steps to variable nodes and those to consumers', () => {
    const g = graph(
      wf(`${claude('early', '[{type: static, content: "{{state.counter}}"}]')}
- {name: init, type: set_variable, variables: {counter: 0, label: x}}
${claude('use', '[{type: static, content: "{{state.counter}} {{label}} {{ghost}}"}]')}
${claude('cond')}
  condition: "state.counter > 1"`),
    )
    expect(g.nodes.find((n) => n.id === 'var:counter')).toMatchObject({
      kind: 'variable',
      summary: 'set by init',
    })
    expect(g.nodes.find((n) => n.id === 'init')).toBeUndefined()
    expect(g.nodes[1]?.summary).toBe('set counter, label')
    expect(edges(g, 'data').filter(([, t]) => t === 'var:counter' || t === 'var:label')).toEqual([
      [S(1), 'var:counter'],
      [S(1), 'var:label'],
    ])
    const into = g.edges.filter((e) => e.kind === 'data' && e.target === S(2))
    expect(into.map((e) => [e.source, e.status])).toEqual([
      ['var:counter', 'valid'],
      ['var:label', 'valid'],
      ['var:ghost', 'error'],
    ])
    expect(into[2]?.reason).toMatch(/No top-level set_variable step sets 'ghost'/)
    expect(dataInto(g, S(0), 'content')).toMatchObject({ source: 'var:counter', status: 'error' })
    expect(dataInto(g, S(3), 'condition')).toMatchObject({
      source: 'var:counter',
      status: 'warning',
    })
  })

  it('links gemini_functions to the steps that use them, and flags undefined ones', () => {
    const g = graph(
      wf(
        `- {name: g, type: gemini, functions: [score, nope], prompt: [{type: static, content: x}]}`,
        '  gemini_functions:\n    score: {description: "Score the code", parameters: {type: object}}\n',
      ),
    )
    expect(g.nodes.find((n) => n.id === 'fn:score')).toMatchObject({
      kind: 'function',
      summary: 'Score the code',
    })
    expect(dataInto(g, S(0), 'functions', 0)).toMatchObject({ source: 'fn:score', status: 'valid' })
    const nope = dataInto(g, S(0), 'functions', 1)
    expect(nope).toMatchObject({ source: S(0), status: 'error' })
    expect(nope.reason).toMatch(/undefined function/)
  })

  it('links global_vars, warning when the key is not defined', () => {
    const g = graph(
      wf(
        claude('a', '[{type: static, content: "{{global_vars.env}} {{global_vars.other}}"}]'),
        '  global_vars: {env: prod}\n',
      ),
    )
    const into = g.edges.filter((e) => e.kind === 'data' && e.target === S(0))
    expect(into.map((e) => [e.source, e.status])).toEqual([
      ['global:env', 'valid'],
      ['global:other', 'warning'],
    ])
  })

  it('links pipeline outputs from the child step to the pipeline step (D8)', () => {
    const g = graph(
      wf(`- name: sub
  type: pipeline
  outputs: [summary, {path: score.value, as: s}, missing]
  pipeline:
    steps:
${claude('summary').replace(/^/gm, '      ')}
${claude('score').replace(/^/gm, '      ')}`),
    )
    const c = (i: number) => S(0, 'pipeline', 'steps', i)
    expect(dataInto(g, S(0), 'outputs', 0)).toMatchObject({
      source: c(0),
      status: 'valid',
      label: 'output summary',
    })
    expect(dataInto(g, S(0), 'outputs', 1, 'path')).toMatchObject({
      source: c(1),
      status: 'valid',
      label: 'output score.value as s',
    })
    const missing = dataInto(g, S(0), 'outputs', 2)
    expect(missing).toMatchObject({ source: S(0), status: 'error' })
    expect(missing.reason).toMatch(/Output 'missing' not found/)
  })
})

describe('config edges (I1)', () => {
  it('links defaults.claude_preset to enhanced Claude steps without their own preset', () => {
    const g = graph(
      wf(
        `- {name: a, type: claude_smart, prompt: [{type: static, content: x}]}
- {name: b, type: claude_smart, preset: chat, prompt: [{type: static, content: x}]}
- {name: c, type: claude, prompt: [{type: static, content: x}]}`,
        '  defaults: {claude_preset: analysis}\n',
      ),
    )
    expect(
      g.edges.filter((e) => e.kind === 'config').map((e) => [e.source, e.target, e.label]),
    ).toEqual([['config:defaults.claude_preset', S(0), 'preset analysis']])
  })
})

describe('ids', () => {
  it('uses a custom idOf for every step-derived id', () => {
    const idOf = (p: readonly (string | number)[]) =>
      `#${p.filter((x) => typeof x === 'number').join('/')}`
    const g = graph(
      wf(`${claude('a')}
- name: l
  type: for_loop
  iterator: f
  data_source: a:files
  steps:
${claude('b', '[{type: previous_response, step: a}]').replace(/^/gm, '    ')}
- {name: p, type: parallel_claude, parallel_tasks: [{id: t, prompt: [{type: previous_response, step: a, extract: text}]}]}`),
      idOf,
    )
    expect(g.nodes.map((n) => n.id)).toEqual(['#0', '#1', 'loop:#1', '#1/0', '#2', 'task:#2:0'])
    expect(g.nodes.find((n) => n.id === '#1/0')?.parentId).toBe('#1')
    const ids = new Set(g.nodes.map((n) => n.id))
    for (const e of g.edges) {
      expect(ids.has(e.source)).toBe(true)
      expect(ids.has(e.target)).toBe(true)
      expect(e.id).not.toContain('workflow')
    }
    expect(dataInto(g, '#1/0', 'step').source).toBe('#0')
  })

  it('gives unique, deterministic edge ids, even for two references in one field', () => {
    const yaml = wf(
      `${claude('a')}\n${claude('b', '[{type: static, content: "{{steps.a.x}} {{steps.a.x}}"}]')}`,
    )
    const g1 = graph(yaml)
    const ids = g1.edges.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(graph(yaml)).toEqual(g1)
  })
})

describe('malformed input never throws', () => {
  const values: unknown[] = [
    undefined,
    null,
    0,
    'workflow',
    [],
    [{ workflow: {} }],
    { workflow: null },
    { workflow: 'email_analysis' },
    { workflow: [] },
    { workflow: { steps: 'x' } },
    { workflow: { steps: [null, 1, 'a', [], { name: null, type: 5 }] } },
    {
      workflow: { steps: [{ type: 'for_loop', steps: [null, { type: 'while_loop', steps: 3 }] }] },
    },
    {
      workflow: {
        steps: [
          { type: 'pipeline', pipeline: { workflow: 'x' } },
          { type: 'pipeline', pipeline: [] },
        ],
      },
    },
    {
      workflow: {
        steps: [
          { type: 'parallel_claude', parallel_tasks: 5 },
          { type: 'claude_batch', tasks: [null, 3] },
        ],
      },
    },
    {
      workflow: {
        steps: [
          { name: 'a', type: 'claude', prompt: 'text' },
          { name: 'b', prompt: [null, 3, { type: 'previous_response' }] },
        ],
      },
    },
    {
      workflow: {
        steps: [
          { name: 'c', condition: { weird: [1] } },
          { name: 'd', type: 'switch', cases: [1, { steps: 2 }] },
        ],
      },
    },
    {
      workflow: {
        gemini_functions: [],
        global_vars: 'x',
        defaults: 7,
        steps: [{ functions: 'f' }],
      },
    },
  ]
  it.each(values.map((v, i) => [i, v]))('value %i', (_i, v) => {
    const g = deriveGraph(v)
    expect(Array.isArray(g.nodes) && Array.isArray(g.edges)).toBe(true)
    const ids = new Set(g.nodes.map((n) => n.id))
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true)
  })

  it('draws non-map list elements as nodes so the author sees them', () => {
    const g = deriveGraph({ workflow: { steps: [null, { name: 'a', type: 'claude' }] } })
    expect(g.nodes.map((n) => [n.id, n.name, n.summary])).toEqual([
      ['workflow.steps.0', '', 'not a step map'],
      ['workflow.steps.1', 'a', 'Claude'],
    ])
    expect(edges(g, 'control')).toEqual([['workflow.steps.0', 'workflow.steps.1']])
  })

  it('survives a cyclic value and a throwing idOf', () => {
    const steps: unknown[] = []
    steps.push({ name: 'l', type: 'for_loop', steps })
    expect(() => deriveGraph({ workflow: { steps } })).not.toThrow()
    expect(
      deriveGraph(
        { workflow: { steps: [{ name: 'a' }] } },
        {
          idOf: () => {
            throw new Error('boom')
          },
        },
      ),
    ).toEqual({ nodes: [], edges: [] })
  })
})

describe('switch (docs-only type)', () => {
  it('draws cases as bodies inside the switch container, entered with error edges', () => {
    const g = graph(
      wf(`- name: s
  type: switch
  expression: "a.kind"
  cases:
    bug:
${claude('fix').replace(/^/gm, '      ')}
${claude('test').replace(/^/gm, '      ')}
  default:
${claude('other').replace(/^/gm, '    ')}`),
    )
    expect(g.nodes[0]).toMatchObject({ container: 'switch', summary: 'switch on a.kind' })
    expect(g.nodes.filter((n) => n.parentId === S(0)).map((n) => n.id)).toEqual([
      S(0, 'cases', 'bug', 0),
      S(0, 'cases', 'bug', 1),
      S(0, 'default', 0),
    ])
    expect(
      g.edges.filter((e) => e.kind === 'control').map((e) => [e.target, e.label ?? '', e.status]),
    ).toEqual([
      [S(0, 'cases', 'bug', 1), '', 'valid'],
      [S(0, 'cases', 'bug', 0), 'case bug', 'error'],
      [S(0, 'default', 0), 'default', 'error'],
    ])
  })
})
