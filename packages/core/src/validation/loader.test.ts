import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../diagnostics.js'
import { validateYaml } from './index.js'

const errors = (text: string, testEnv = false) =>
  validateYaml(text, { testEnv, lint: false }).diagnostics.filter((d) => d.severity === 'error')
const codes = (text: string, testEnv = false) => errors(text, testEnv).map((d) => d.code)
const one = (text: string, code: string): Diagnostic => {
  const found = errors(text).filter((d) => d.code === code)
  expect(found, `${code} in ${JSON.stringify(errors(text).map((d) => d.code))}`).toHaveLength(1)
  return found[0]!
}

const wf = (steps: string, extra = '') => `workflow:\n  name: w\n${extra}  steps:\n${steps}`
const ok =
  '    - name: a\n      type: gemini\n      prompt:\n        - type: static\n          content: hi\n'

describe('loader verdict (reference §17.1, §21, §0.1)', () => {
  it('accepts a minimal valid pipeline', () => {
    expect(validateYaml(wf(ok))).toMatchObject({ valid: true })
  })

  it('root: empty file, null root and missing workflow are ordinary errors', () => {
    expect(codes('')).toEqual(['LOADER_MISSING_WORKFLOW'])
    expect(codes('~\n')).toEqual(['LOADER_MISSING_WORKFLOW'])
    const d = one('pipeline:\n  name: x\n', 'LOADER_MISSING_WORKFLOW')
    expect(d.message).toContain(
      `pipeline_ex: "Invalid workflow: Configuration missing required 'workflow' section.`,
    )
    expect(one('a: 1\nworkflow:\n', 'LOADER_MISSING_WORKFLOW')).toMatchObject({
      line: 2,
      column: 1,
    })
  })

  it('root: list/scalar root and string/list workflow are crashes', () => {
    expect(codes('- a\n- b\n')).toEqual(['LOADER_CRASH_ROOT_NOT_MAP'])
    expect(codes('hello\n')).toEqual(['LOADER_CRASH_ROOT_NOT_MAP'])
    const d = one('workflow: email_analysis\n', 'LOADER_CRASH_WORKFLOW_NOT_MAP')
    expect(d).toMatchObject({ line: 1, column: 11 })
    expect(d.message).toContain('pipeline_ex crashes on this instead of reporting an error')
    expect(codes('workflow: [a]\n')).toEqual(['LOADER_CRASH_WORKFLOW_NOT_MAP'])
  })

  it('workflow name and steps: each reported, at the right place', () => {
    const text = 'workflow:\n  steps: []\n'
    expect(codes(text)).toEqual(['LOADER_MISSING_WORKFLOW_NAME', 'LOADER_EMPTY_STEPS'])
    expect(one(text, 'LOADER_EMPTY_STEPS')).toMatchObject({ line: 2, column: 3 })
    expect(one('workflow:\n  name: w\n  steps: x\n', 'LOADER_MISSING_STEPS')).toMatchObject({
      line: 3,
      column: 3,
    })
    expect(codes('workflow:\n  name: 0\n  steps:\n' + ok)).toEqual([]) // any non-null name passes
  })

  it('gemini_functions: every bad definition, wherever it is', () => {
    const text = wf(
      ok,
      '  gemini_functions:\n    zeta: 5\n    alpha:\n      parameters: x\n    good: {description: d, parameters: {}}\n',
    )
    expect(codes(text)).toEqual([
      'LOADER_FUNCTION_NOT_MAP',
      'LOADER_FUNCTION_MISSING_DESCRIPTION',
      'LOADER_FUNCTION_PARAMETERS_NOT_MAP',
    ])
    expect(one(text, 'LOADER_FUNCTION_NOT_MAP')).toMatchObject({ line: 4, column: 11 })
    expect(codes(wf(ok, '  gemini_functions: [a]\n'))).toEqual(['LOADER_GEMINI_FUNCTIONS_NOT_MAP'])
    expect(codes(wf(ok, '  gemini_functions:\n    f: {description: d}\n'))).toEqual([
      'LOADER_FUNCTION_MISSING_PARAMETERS',
    ])
  })

  it('steps: null step is a missing name, a scalar step crashes', () => {
    expect(codes(wf('    - ~\n'))).toEqual(['LOADER_MISSING_STEP_NAME'])
    const d = one(wf('    - just text\n'), 'LOADER_CRASH_STEP_NOT_MAP')
    expect(d).toMatchObject({ line: 4, column: 7 })
  })

  it('reports independent errors in every step, each at its own line', () => {
    const text = wf(
      '    - name: a\n      type: claud\n    - type: gemini\n      prompt: []\n    - name: c\n',
    )
    const e = errors(text)
    expect(e.map((d) => [d.code, d.line, d.column])).toEqual([
      ['LOADER_INVALID_STEP_TYPE', 5, 13],
      ['LOADER_MISSING_STEP_NAME', 6, 7],
      ['LOADER_MISSING_STEP_TYPE', 8, 7],
    ])
    expect(e[0]!.message).toContain(
      `pipeline_ex: "Invalid workflow: Step 'a' has invalid type 'claud'. Supported types: set_variable, claude, gemini, parallel_claude, gemini_instructor, claude_smart, claude_session, claude_extract, claude_batch, claude_robust, for_loop, while_loop, data_transform, file_ops, pipeline"`,
    )
  })

  it('types: case-sensitive, lists flattened into the message, maps crash, docs-only types explained', () => {
    expect(
      one(wf('    - {name: a, type: Claude, prompt: []}\n'), 'LOADER_INVALID_STEP_TYPE').message,
    ).toContain("write 'claude'")
    expect(
      one(wf('    - {name: a, type: [claude], prompt: []}\n'), 'LOADER_INVALID_STEP_TYPE').message,
    ).toContain("invalid type 'claude'")
    expect(
      one(wf('    - {name: [a, b], type: nope}\n'), 'LOADER_INVALID_STEP_TYPE').message,
    ).toContain("Step 'ab'")
    expect(codes(wf('    - {name: a, type: {x: 1}}\n'))).toEqual(['LOADER_CRASH_UNPRINTABLE_VALUE'])
    expect(
      one(wf('    - {name: a, type: switch}\n'), 'LOADER_INVALID_STEP_TYPE').message,
    ).toContain('never implemented')
    expect(
      codes(wf('    - {name: a, type: checkpoint}\n    - {name: b, type: codebase_query}\n')),
    ).toEqual(['LOADER_INVALID_STEP_TYPE', 'LOADER_INVALID_STEP_TYPE'])
  })

  it('a map-valued step name crashes only when a message is built', () => {
    expect(codes(wf('    - name: {x: 1}\n      type: set_variable\n'))).toEqual([])
    expect(codes(wf('    - name: {x: 1}\n      type: claude\n'))).toEqual([
      'LOADER_MISSING_PROMPT',
      'LOADER_CRASH_UNPRINTABLE_VALUE',
    ])
  })

  it('test_echo only in the test environment', () => {
    const text = wf('    - {name: t, type: test_echo, value: x}\n')
    const d = one(text, 'LOADER_TEST_ECHO_OUTSIDE_TEST_ENV')
    expect(d.message).toContain("only accepted in pipeline_ex's test environment")
    expect(codes(text, true)).toEqual([])
    expect(
      one(wf('    - {name: t, type: nope}\n'), 'LOADER_INVALID_STEP_TYPE').message,
    ).not.toContain('test_echo')
    expect(errors(wf('    - {name: t, type: nope}\n'), true)[0]!.message).toContain(
      'Supported types: test_echo, set_variable',
    )
  })

  it('parallel_claude needs parallel_tasks; claude_batch needs prompt or tasks', () => {
    expect(
      one(wf('    - name: p\n      type: parallel_claude\n'), 'LOADER_MISSING_PARALLEL_TASKS'),
    ).toMatchObject({
      line: 4,
      column: 7,
    })
    expect(codes(wf('    - {name: p, type: parallel_claude, parallel_tasks: 5}\n'))).toEqual([])
    expect(codes(wf('    - {name: b, type: claude_batch}\n'))).toEqual([
      'LOADER_BATCH_MISSING_PROMPT_OR_TASKS',
    ])
    expect(codes(wf('    - {name: b, type: claude_batch, tasks: []}\n'))).toEqual([])
  })

  it('claude_options: non-map crashes; async_streaming checks', () => {
    const p = '      prompt: [{type: static, content: x}]\n'
    expect(
      codes(wf(`    - name: c\n      type: claude\n      claude_options: fast\n${p}`)),
    ).toEqual(['LOADER_CRASH_CLAUDE_OPTIONS_NOT_MAP'])
    expect(
      codes(wf(`    - name: c\n      type: claude_smart\n      claude_options: fast\n${p}`)),
    ).toEqual([])
    expect(
      codes(
        wf(
          `    - name: c\n      type: claude\n      claude_options: {async_streaming: 'yes'}\n${p}`,
        ),
      ),
    ).toEqual(['LOADER_ASYNC_STREAMING_NOT_BOOLEAN'])
    const both = wf(
      `    - name: c\n      type: claude\n      claude_options: {async_streaming: true, stream_handler: tty, stream_buffer_size: 0}\n${p}`,
    )
    expect(codes(both)).toEqual([
      'LOADER_INVALID_STREAM_HANDLER',
      'LOADER_INVALID_STREAM_BUFFER_SIZE',
    ])
    expect(one(both, 'LOADER_INVALID_STREAM_BUFFER_SIZE').message).toContain(
      'must be positive, got: 0',
    )
    expect(
      codes(
        wf(
          `    - name: c\n      type: claude\n      claude_options: {async_streaming: false, stream_handler: tty}\n${p}`,
        ),
      ),
    ).toEqual([])
  })

  it('prompt: missing, not a list, and every bad part', () => {
    const d = one(
      wf('    - name: a\n      type: gemini\n      prompt: "Say hi"\n'),
      'LOADER_PROMPT_NOT_LIST',
    )
    expect(d).toMatchObject({ line: 6, column: 15 })
    expect(d.message).toContain(`Step 'a' prompt must be an array of prompt parts.`)
    expect(
      one(wf('    - name: a\n      type: claude_session\n'), 'LOADER_MISSING_PROMPT'),
    ).toMatchObject({
      line: 4,
      column: 7,
    })
    const parts = wf(
      '    - name: a\n      type: claude\n      prompt:\n        - ~\n        - {content: x}\n        - {type: dynamic}\n        - {type: static}\n        - {type: file}\n        - {type: previous_response}\n        - {type: session_context}\n        - {type: claude_continue, new_prompt: x}\n        - text\n',
    )
    expect(codes(parts)).toEqual([
      'LOADER_PROMPT_PART_MISSING_TYPE',
      'LOADER_PROMPT_PART_MISSING_TYPE',
      'LOADER_PROMPT_PART_INVALID_TYPE',
      'LOADER_PROMPT_PART_MISSING_FIELD',
      'LOADER_PROMPT_PART_MISSING_FIELD',
      'LOADER_PROMPT_PART_MISSING_FIELD',
      'LOADER_PROMPT_PART_MISSING_FIELD',
      'LOADER_PROMPT_PART_MISSING_FIELD',
      'LOADER_CRASH_PROMPT_PART_NOT_MAP',
    ])
    expect(codes(wf('    - {name: a, type: gemini, prompt: []}\n'))).toEqual([])
  })

  it('non-list prompt on a type whose prompt is optional crashes the reference scan', () => {
    const d = one(
      wf('    - name: v\n      type: set_variable\n      prompt: hello\n'),
      'LOADER_CRASH_PROMPT_NOT_LIST',
    )
    expect(d).toMatchObject({ line: 6, column: 15 })
    expect(codes(wf('    - {name: v, type: set_variable, prompt: false}\n'))).toEqual([])
    expect(codes(wf('    - {name: v, type: set_variable, prompt: {}}\n'))).toEqual([])
    expect(
      codes(wf('    - {name: v, type: parallel_claude, parallel_tasks: [], prompt: [text]}\n')),
    ).toEqual(['LOADER_CRASH_PROMPT_PART_NOT_MAP'])
  })

  it('functions: must be a list of defined names, compared with YAML types', () => {
    const fns =
      '  gemini_functions:\n    1: {description: d, parameters: {}}\n    f: {description: d, parameters: {}}\n'
    expect(
      codes(wf('    - {name: a, type: gemini, prompt: [], functions: [f, 1]}\n', fns)),
    ).toEqual([])
    const bad = wf("    - {name: a, type: gemini, prompt: [], functions: ['1', g]}\n", fns)
    expect(codes(bad)).toEqual(['LOADER_UNDEFINED_FUNCTION', 'LOADER_UNDEFINED_FUNCTION'])
    expect(errors(bad)[1]!.message).toContain('references undefined function: g')
    expect(codes(wf('    - {name: a, type: set_variable, functions: f}\n'))).toEqual([
      'LOADER_FUNCTIONS_NOT_LIST',
    ])
    expect(codes(wf('    - {name: a, type: set_variable, functions: [f]}\n'))).toEqual([
      'LOADER_UNDEFINED_FUNCTION',
    ])
  })

  it('references: unknown, type-sensitive, empty; reported per part with the whole pipeline_ex message', () => {
    const text = wf(
      "    - name: 1\n      type: gemini\n      prompt: [{type: static, content: x}]\n    - name: b\n      type: claude\n      prompt:\n        - {type: previous_response, step: '1'}\n        - {type: previous_response, step: ghost}\n        - {type: previous_response, step: ''}\n        - {type: previous_response, step: 1}\n",
    )
    const e = errors(text)
    expect(e.map((d) => [d.code, d.line])).toEqual([
      ['LOADER_UNKNOWN_REFERENCE', 10],
      ['LOADER_UNKNOWN_REFERENCE', 11],
      ['LOADER_UNKNOWN_REFERENCE', 12],
    ])
    expect(e[0]!.message).toContain(`Step 'b' references non-existent steps: 1, ghost, "`)
    expect(e[0]!.message).toContain('YAML types')
    expect(e[1]).toMatchObject({ column: 43 })
  })

  it('references: a forward reference loads; a step nested in a loop is not visible', () => {
    expect(
      codes(
        wf(
          '    - name: a\n      type: claude\n      prompt: [{type: previous_response, step: b}]\n    - {name: b, type: gemini, prompt: []}\n',
        ),
      ),
    ).toEqual([])
    expect(
      codes(
        wf(
          '    - name: l\n      type: for_loop\n      steps:\n        - {name: inner, type: claude, prompt: []}\n    - name: b\n      type: claude\n      prompt: [{type: previous_response, step: inner}]\n',
        ),
      ),
    ).toEqual(['LOADER_UNKNOWN_REFERENCE'])
  })

  it('nested steps are not checked by the loader', () => {
    const text = wf(
      '    - name: l\n      type: for_loop\n      steps:\n        - {name: x, type: switch, prompt: "s"}\n    - name: p\n      type: pipeline\n      pipeline:\n        steps:\n          - {type: nope}\n',
    )
    expect(validateYaml(text).valid).toBe(true)
  })

  it('YAML-level errors make the file invalid and are included', () => {
    const r = validateYaml('workflow:\n  name: w\n  steps: [\n')
    expect(r.valid).toBe(false)
    expect(r.diagnostics[0]!.code).toBe('YAML_SYNTAX')
    expect(validateYaml('workflow:\n\tname: w\n').valid).toBe(false)
    expect(validateYaml('~: x\n').diagnostics.map((d) => d.code)).toContain('YAML_NULL_KEY')
    // a trailing `---` makes the last document empty
    expect(codes(wf(ok) + '---\n')).toEqual(['LOADER_MISSING_WORKFLOW'])
  })

  it('fills stepId through stepIdAt', () => {
    const r = validateYaml(wf('    - {name: a, type: nope}\n'), {
      stepIdAt: (p) => `id-${p.join('/')}`,
    })
    expect(r.diagnostics.find((d) => d.code === 'LOADER_INVALID_STEP_TYPE')?.stepId).toBe(
      'id-workflow/steps/0',
    )
  })
})
