import { describe, expect, it } from 'vitest'
import { validateYaml, validationRules } from './index.js'

const wf = (steps: string, extra = '') => `workflow:\n  name: w\n${extra}  steps:\n${steps}`
const g = (n: string) =>
  `    - name: ${n}\n      type: gemini\n      prompt: [{type: static, content: x}]\n`
const found = (text: string, code: string, testEnv = false) =>
  validateYaml(text, { testEnv }).diagnostics.filter((d) => d.code === code)

interface Case {
  readonly code: string
  readonly yaml: string
  /** [line, column] of the (first) diagnostic. */
  readonly at?: readonly [number, number]
  readonly contains?: string
  /** A close variant that must NOT trigger the rule. */
  readonly clean?: string
  readonly testEnv?: boolean
}

const cases: Case[] = [
  {
    code: 'LINT_FORWARD_REFERENCE',
    yaml: wf(
      `    - name: a\n      type: claude\n      prompt: [{type: previous_response, step: b}]\n${g('b')}`,
    ),
    at: [6, 48],
    contains: 'KeyError',
    clean: wf(
      `${g('b')}    - name: a\n      type: claude\n      prompt: [{type: previous_response, step: b}]\n`,
    ),
  },
  {
    code: 'LINT_UNKNOWN_STEP_REFERENCE',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - name: c\n          type: claude\n          prompt: [{type: previous_response, step: ghost}]\n`,
    ),
    at: [11, 52],
    clean: wf(
      `${g('x')}    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - name: c\n          type: claude\n          prompt: [{type: previous_response, step: x, extract: text}]\n`,
    ),
  },
  {
    code: 'LINT_INLINE_PARENT_REFERENCE',
    yaml: wf(
      `${g('parent')}    - name: p\n      type: pipeline\n      pipeline:\n        steps:\n          - name: c\n            type: claude\n            prompt: [{type: previous_response, step: parent}]\n`,
    ),
    contains: 'inputs',
  },
  {
    code: 'LINT_TEMPLATE_UNKNOWN_STEP',
    yaml: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{steps.ghost.text}}"}]\n`,
    ),
    at: [6, 49],
  },
  {
    code: 'LINT_TEMPLATE_STEP_NOT_YET_RUN',
    yaml: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{steps.b.text}}"}]\n${g('b')}`,
    ),
    clean: wf(
      `${g('b')}    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{steps.b.text}}"}]\n`,
    ),
  },
  {
    code: 'LINT_TEMPLATE_WHOLE_RESULT',
    yaml: wf(
      `${g('b')}    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{steps.b.result}}"}]\n`,
    ),
    contains: 'crashes',
  },
  {
    code: 'LINT_CONDITION_UNKNOWN_STEP',
    yaml: wf(`    - name: a\n      type: gemini\n      condition: "ghost.ok"\n      prompt: []\n`),
    at: [6, 19],
    clean: wf(
      `${g('ghost')}    - name: a\n      type: gemini\n      condition: "ghost.ok"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_UNKNOWN_SOURCE',
    yaml: wf(
      `    - name: t\n      type: data_transform\n      input_source: "previous_response:nothing"\n`,
    ),
    clean: wf(
      `${g('nothing')}    - name: t\n      type: data_transform\n      input_source: "previous_response:nothing"\n`,
    ),
  },
  {
    code: 'LINT_UNKNOWN_VARIABLE',
    yaml: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{counter}}"}]\n`,
    ),
    clean: wf(
      `    - {name: init, type: set_variable, variables: {counter: 0}}\n    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{state.counter}}"}]\n`,
    ),
  },
  {
    code: 'LINT_UNKNOWN_GLOBAL_VAR',
    yaml: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{global_vars.team}}"}]\n`,
      '  global_vars: {x: 1}\n',
    ),
    clean: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{global_vars.x}}"}]\n`,
      '  global_vars: {x: 1}\n',
    ),
  },
  {
    code: 'LINT_UNKNOWN_PIPELINE_OUTPUT',
    yaml: wf(
      `    - name: p\n      type: pipeline\n      pipeline:\n        steps:\n${g('inner').replace(/^ {4}/gm, '          ')}      outputs: [innr]\n`,
    ),
    clean: wf(
      `    - name: p\n      type: pipeline\n      pipeline:\n        steps:\n${g('inner').replace(/^ {4}/gm, '          ')}      outputs: [inner]\n`,
    ),
  },
  {
    code: 'LINT_UNSUPPORTED_TEMPLATE',
    yaml: wf(
      `    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{workflow.name}} {{now()}}"}]\n`,
    ),
  },
  {
    code: 'LINT_BATCH_PREVIOUS_RESPONSE',
    yaml: wf(
      `${g('a')}    - name: b\n      type: claude_batch\n      tasks:\n        - task_id: t\n          prompt: [{type: previous_response, step: a}]\n`,
    ),
  },
  {
    code: 'LINT_PARALLEL_RESULT_WITHOUT_EXTRACT',
    yaml: wf(
      `    - {name: p, type: parallel_claude, parallel_tasks: []}\n    - name: b\n      type: claude\n      prompt: [{type: previous_response, step: p}]\n`,
    ),
    clean: wf(
      `    - {name: p, type: parallel_claude, parallel_tasks: []}\n    - name: b\n      type: claude\n      prompt: [{type: previous_response, step: p, extract: combined_results}]\n`,
    ),
  },
  {
    code: 'LINT_PARALLEL_OUTPUT_TO_FILE',
    yaml: wf(
      `    - {name: p, type: parallel_claude, parallel_tasks: [], output_to_file: out.json}\n`,
    ),
  },
  {
    code: 'LINT_DUPLICATE_STEP_NAME',
    yaml: wf(`${g('a')}${g('a')}`),
    at: [7, 13],
    clean: wf(`${g('a')}${g('b')}`),
  },
  {
    code: 'LINT_LOOP_TEMPLATE',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: file\n      data_source: files\n      steps:\n        - name: c\n          type: claude\n          prompt: [{type: static, content: "{{loop.file.name}}"}]\n`,
      '',
    ),
    contains: 'step: loop, extract: file.name',
  },
  {
    code: 'LINT_STATE_TEMPLATE_IN_LOOP',
    yaml: wf(
      `    - {name: init, type: set_variable, variables: {n: 0}}\n    - name: l\n      type: while_loop\n      condition: "c.done"\n      steps:\n        - name: c\n          type: claude\n          prompt: [{type: static, content: "round {{state.n}}"}]\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_STEPS_PREFIX',
    yaml: wf(
      `${g('scan')}    - name: a\n      type: gemini\n      condition: "steps.scan.score > 5"\n      prompt: []\n`,
    ),
    contains: '`scan.score`',
    clean: wf(
      `${g('scan')}    - name: a\n      type: gemini\n      condition: "scan.score > 5"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_STATE_PREFIX',
    yaml: wf(
      `${g('scan')}    - name: a\n      type: gemini\n      condition: "state.count < 3"\n      prompt: []\n`,
    ),
    clean: wf(
      `    - {name: i, type: set_variable, variables: {count: 1}}\n    - name: a\n      type: gemini\n      condition: "{{state.count}} < 3"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_TEMPLATE_COMPARISON',
    yaml: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "{{steps.x.score > 5}}"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_INLINE_LOGIC',
    yaml: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "x.a and x.b"\n      prompt: []\n`,
    ),
    clean: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "x.score between 1 and 5"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_OPERATOR_SPACING',
    yaml: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "x.score>5"\n      prompt: []\n`,
    ),
    clean: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "x.score >= 5"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_HYPHENATED_NAME',
    yaml: wf(
      `${g('my-step')}    - name: a\n      type: gemini\n      condition: "my-step.score > 5"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_UNKNOWN_FUNCTION',
    yaml: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "starts_with(x.text, 'a')"\n      prompt: []\n`,
    ),
    clean: wf(
      `${g('x')}    - name: a\n      type: gemini\n      condition: "startsWith(x.text, 'a')"\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_CONDITION_NOT_STRING',
    yaml: wf(`    - name: a\n      type: gemini\n      condition: true\n      prompt: []\n`),
    at: [6, 18],
  },
  {
    code: 'LINT_WHILE_CONDITION_FROZEN',
    yaml: wf(
      `    - name: l\n      type: while_loop\n      condition: "{{state.i}} < 3"\n      steps: []\n`,
    ),
  },
  {
    code: 'LINT_STRING_PROMPT',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: c, type: claude, prompt: "hello"}\n`,
    ),
    clean: wf(
      `    - name: b\n      type: claude_batch\n      tasks:\n        - {task_id: t, prompt: "plain strings are fine here"}\n`,
    ),
  },
  {
    code: 'LINT_NESTED_INVALID_TYPE',
    yaml: wf(
      `    - name: p\n      type: pipeline\n      pipeline:\n        steps:\n          - {name: s, type: switch}\n`,
    ),
  },
  {
    code: 'LINT_LOOP_UNSUPPORTED_CHILD',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: t, type: data_transform, input_source: x}\n`,
    ),
    contains: 'Unsupported step type in loop: data_transform',
  },
  {
    code: 'LINT_LOOP_BREAK_CONTINUE',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: stop, type: break}\n`,
    ),
  },
  {
    code: 'LINT_LOOP_CHILD_CONDITION',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: c, type: claude, condition: "x.ok", prompt: []}\n`,
    ),
  },
  {
    code: 'LINT_LOOP_CHILD_OUTPUT_TO_FILE',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: c, type: claude, output_to_file: a.txt, prompt: []}\n`,
    ),
  },
  {
    code: 'LINT_LOOP_VARIABLE_DISCARDED',
    yaml: wf(
      `    - name: l\n      type: for_loop\n      iterator: f\n      data_source: x\n      steps:\n        - {name: c, type: set_variable, variables: {n: 1}}\n`,
    ),
  },
  {
    code: 'LINT_IGNORED_WORKFLOW_KEY',
    yaml: wf(g('a'), '  output_dir: ./out\n'),
    at: [3, 3],
    contains: 'defaults.output_dir',
  },
  {
    code: 'LINT_IGNORED_DEFAULT',
    yaml: wf(g('a'), '  defaults:\n    gemini_model: gemini-pro\n    output_dir: ./o\n'),
    at: [4, 5],
  },
  {
    code: 'LINT_IGNORED_STEP_FIELD',
    yaml: wf(`    - {name: a, type: claude_extract, schema: {}, prompt: []}\n`),
  },
  {
    code: 'LINT_IGNORED_PART_FIELD',
    yaml: wf(
      `${g('x')}    - name: a\n      type: claude\n      prompt: [{type: previous_response, step: x, prefix: "Plan:"}]\n`,
    ),
    contains: 'prefix',
  },
  {
    code: 'LINT_CLAUDE_OPTION_IGNORED',
    yaml: wf(
      `    - name: a\n      type: claude\n      claude_options: {timeout_ms: 1000, max_turns: 2}\n      prompt: []\n`,
    ),
    clean: wf(
      `    - name: a\n      type: claude_smart\n      claude_options: {timeout_ms: 1000, max_turns: 2}\n      prompt: []\n`,
    ),
  },
  {
    code: 'LINT_BATCH_TASK_ID',
    yaml: wf(
      `    - name: b\n      type: claude_batch\n      tasks:\n        - {id: one, file: a.ex}\n`,
    ),
  },
  {
    code: 'LINT_BATCH_TIMEOUT_UNIT',
    yaml: wf(
      `    - name: b\n      type: claude_batch\n      batch_config: {timeout_per_task: 300}\n      tasks: []\n`,
    ),
    contains: '300000',
  },
  {
    code: 'LINT_SET_VARIABLE_SINGULAR',
    yaml: wf(`    - {name: v, type: set_variable, variable: x, value: 1}\n`),
  },
  {
    code: 'LINT_SET_VARIABLE_SCOPE',
    yaml: wf(`    - {name: v, type: set_variable, scope: local, variables: {x: 1}}\n`),
  },
  {
    code: 'LINT_DATA_SOURCE_FORM',
    yaml: wf(
      `${g('scan')}    - {name: l, type: for_loop, iterator: f, data_source: "{{steps.scan.files}}", steps: []}\n`,
    ),
    clean: wf(
      `${g('scan')}    - {name: l, type: for_loop, iterator: f, data_source: "scan:files", steps: []}\n`,
    ),
  },
  {
    code: 'LINT_INPUT_SOURCE_FORM',
    yaml: wf(`${g('scan')}    - {name: t, type: data_transform, input_source: steps.scan.items}\n`),
    contains: 'previous_response:scan:items',
  },
  {
    code: 'LINT_FILE_OPS_GLOB',
    yaml: wf(`    - {name: f, type: file_ops, operation: list, path: src, pattern: "**/*.py"}\n`),
    clean: wf(`    - {name: f, type: file_ops, operation: list, path: src, pattern: "\\\\.py$"}\n`),
  },
  {
    code: 'LINT_PIPELINE_REF',
    yaml: wf(`    - {name: p, type: pipeline, pipeline_ref: registry/x}\n`),
  },
  {
    code: 'LINT_MISSING_RUNTIME_FIELD',
    yaml: wf(`    - name: l\n      type: for_loop\n      steps: []\n`),
    at: [4, 7],
  },
  {
    code: 'LINT_FILE_PART_DIRECTORY',
    yaml: wf(`    - name: a\n      type: claude\n      prompt: [{type: file, path: src/}]\n`),
  },
  {
    code: 'LINT_PART_RENDERS_EMPTY',
    yaml: wf(
      `    - name: a\n      type: claude\n      prompt: [{type: session_context, session_id: s}]\n`,
    ),
  },
  {
    code: 'LINT_EXTRACT_INDEXING',
    yaml: wf(
      `${g('x')}    - name: a\n      type: claude\n      prompt: [{type: previous_response, step: x, extract: "items[0].name"}]\n`,
    ),
  },
  {
    code: 'LINT_CHECKPOINT_ENABLED_STRING',
    yaml: wf(g('a'), '  checkpoint_enabled: "false"\n'),
  },
  {
    code: 'LINT_UNKNOWN_KEY',
    yaml: wf(`    - name: a\n      type: gemini\n      promt: []\n      prompt: []\n`),
    at: [6, 7],
    contains: 'Did you mean `prompt`?',
    clean: wf(`    - name: a\n      type: gemini\n      my_notes: hello\n      prompt: []\n`),
  },
]

describe('lint rules: one test per rule', () => {
  it.each(cases)('$code', (c) => {
    const d = found(c.yaml, c.code, c.testEnv)
    expect(
      d.length,
      `expected ${c.code}; got ${validateYaml(c.yaml)
        .diagnostics.map((x) => x.code)
        .join(', ')}`,
    ).toBeGreaterThan(0)
    expect(d[0]!.severity).not.toBe('error')
    if (c.at) expect([d[0]!.line, d[0]!.column]).toEqual(c.at)
    if (c.contains) expect(d[0]!.message).toContain(c.contains)
    if (c.clean) expect(found(c.clean, c.code, c.testEnv)).toEqual([])
  })

  it('covers every LINT_ rule in validationRules', () => {
    const lintRules = validationRules.filter((r) => r.code.startsWith('LINT_')).map((r) => r.code)
    expect(lintRules.length).toBeGreaterThanOrEqual(35)
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(lintRules))
  })

  it('lint never changes the verdict and can be turned off', () => {
    for (const c of cases) {
      const full = validateYaml(c.yaml)
      const bare = validateYaml(c.yaml, { lint: false })
      expect(full.valid).toBe(bare.valid)
      expect(bare.diagnostics.every((d) => d.severity === 'error')).toBe(true)
    }
  })

  it('a well-formed pipeline using the working idioms gets no lint at all', () => {
    const text = `workflow:
  name: clean
  gemini_functions:
    score: {description: Score, parameters: {type: object}}
  steps:
    - name: init
      type: set_variable
      variables: {topic: elixir}
    - name: scan
      type: gemini
      functions: [score]
      prompt:
        - type: static
          content: "Topic {{state.topic}} and {{topic}}"
    - name: each
      type: for_loop
      iterator: file
      data_source: "scan:files"
      break_condition: "loop.index >= 3"
      steps:
        - name: review
          type: claude
          claude_options: {max_turns: 2, allowed_tools: [Read]}
          prompt:
            - {type: previous_response, step: loop, extract: file.name}
            - {type: previous_response, step: scan, extract: text}
    - name: gate
      type: claude_smart
      condition:
        and: ["scan.score > 5", "{{steps.scan.text}} contains 'ok'"]
      prompt: [{type: previous_response, step: each, extract: iterations}]
    - name: shape
      type: data_transform
      input_source: "previous_response:scan:items"
      operations:
        - {operation: filter, condition: "priority == 'high'"}
`
    const r = validateYaml(text)
    expect(r.diagnostics).toEqual([])
    expect(r.valid).toBe(true)
  })
})

describe('validate never throws', () => {
  const odd = [
    '',
    '~',
    '42',
    '[1, 2]',
    'workflow: 5',
    'workflow: {steps: 3}',
    'workflow: {name: [1], steps: [[], 1, ~, {name: {a: 1}, type: [x, {y: 1}]}]}',
    'workflow: {name: 1, steps: [{name: 2, type: claude, prompt: {a: 1}, claude_options: [1]}]}',
    'workflow: {name: 1, steps: [{name: 3.5, type: for_loop, steps: [{type: pipeline, pipeline: {workflow: {steps: [{}]}}}], data_source: [1]}]}',
    'workflow: {name: n, gemini_functions: {1: ~, [a]: {}}, steps: [{name: a, type: gemini, prompt: [{type: previous_response, step: {x: 1}}], functions: [{}]}]}',
    'workflow: {name: n, steps: [{name: a, type: while_loop, condition: {foo: 1}, steps: [{name: b, type: claude, prompt: "x", condition: [1, {and: 2}]}]}]}',
    'workflow: {name: n, defaults: 5, global_vars: [], steps: [{name: a, type: claude_batch, tasks: [1, {prompt: 2}], batch_config: 3}]}',
    'workflow: {name: n, steps: [{name: a, type: data_transform, input_source: 5, operations: [1, {right_source: []}]}]}',
    'workflow:\n  name: n\n  steps:\n    - name: a\n      type: gemini\n      prompt: [{type: static, content: "{{}} {{ }} {{steps.}} {{(}} {{a+}} {{max(,)}}"}]\n      condition: "() and ( or"\n',
  ]
  it.each(odd)('%s', (text) => {
    expect(() => validateYaml(text)).not.toThrow()
    expect(() => validateYaml(text, { testEnv: true, lint: false })).not.toThrow()
    const r = validateYaml(text)
    expect(r.diagnostics.some((d) => d.code === 'INTERNAL_VALIDATION_FAILURE')).toBe(false)
  })
})
