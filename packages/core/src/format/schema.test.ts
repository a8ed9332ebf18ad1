import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { readYaml } from '../yaml/read.js'
import {
  ClaudeOptionsSchema,
  ConditionSchema,
  PipelineDocumentSchema,
  PromptPartSchema,
  PromptSchema,
  RejectedStepSchema,
  StepSchema,
  WorkflowSchema,
  type PipelineDocument,
  type Step,
} from './schema.js'

const corpusDir = fileURLToPath(
  new URL('../../../../../shared/corpus/pipeline_ex/', import.meta.url),
)
const hasCorpus = existsSync(`${corpusDir}MANIFEST.tsv`)

const ok = (schema: v.GenericSchema, value: unknown) => v.safeParse(schema, value).success
const issues = (schema: v.GenericSchema, value: unknown) => {
  const r = v.safeParse(schema, value)
  return r.success ? [] : r.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`)
}
const parseYaml = (text: string): unknown => {
  const src = readYaml(text)
  expect(src.ok).toBe(true)
  return src.value
}

const everyType = `
workflow:
  name: all_types
  description: one step of each type
  version: "2.0"
  checkpoint_enabled: false
  checkpoint_dir: ./checkpoints
  workspace_dir: ./workspace
  defaults:
    output_dir: ./outputs
    claude_preset: analysis
    gemini_model: gemini-2.5-flash
    gemini_token_budget: {max_output_tokens: 1024, temperature: 0.2}
    claude_output_format: json
    claude_options: {max_turns: 2}
  gemini_functions:
    evaluate_code:
      description: Score code
      parameters: {type: object, properties: {score: {type: integer}}}
  claude_auth: {auto_check: true, provider: anthropic}
  environment: {mode: development, debug_level: basic, cost_alerts: {enabled: true, threshold_usd: 1.5}}
  global_vars: {project: weft}
  x_weft_layout: {zoom: 1}
  steps:
    - name: init
      type: set_variable
      scope: global
      variables: {counter: 0, label: "run-{{steps.plan.text}}"}
    - name: plan
      type: gemini
      model: gemini-2.5-flash
      token_budget: {max_output_tokens: 2048, temperature: 0.3, top_p: 0.9, top_k: 40}
      functions: [evaluate_code]
      prompt:
        - type: static
          content: Make a plan
        - type: file
          path: README.md
    - name: implement
      type: claude
      condition: {and: ["plan.text", {not: "plan.failed"}, {or: ["a", ["b", "c"]]}]}
      output_to_file: implement.json
      streaming: {enabled: true}
      role: muscle
      output_schema: {type: object}
      claude_options:
        model: sonnet
        max_turns: 10
        allowed_tools: [Read, Write]
        cwd: ./workspace/app
        async_streaming: true
        stream_handler: simple
        stream_buffer_size: 10
      prompt:
        - type: previous_response
          step: plan
          extract: text
          strict: false
          prefix: "Plan: "
    - name: fanout
      type: parallel_claude
      parallel_tasks:
        - id: a
          claude_options: {max_turns: 3}
          prompt: [{type: static, content: A}]
        - id: b
          prompt: [{type: previous_response, step: plan}]
    - name: structured
      type: gemini_instructor
      model: gemini-2.5-flash
      timeout_ms: 120000
      prompt: [{type: static, content: x}]
    - name: smart
      type: claude_smart
      preset: chat
      environment_aware: true
      prompt: [{type: static, content: x}]
    - name: tutor
      type: claude_session
      session_config: {session_name: s, persist: true, continue_on_restart: false, checkpoint_frequency: 5}
      prompt:
        - {type: session_context, session_id: s, include_last_n: 3}
        - {type: claude_continue, session_id: s, new_prompt: more}
    - name: extract
      type: claude_extract
      extraction_config: {format: summary, max_summary_length: 800, post_processing: [extract_code_blocks], include_metadata: true}
      prompt: [{type: previous_response, step: tutor}]
    - name: batch
      type: claude_batch
      batch_config: {max_parallel: 3, timeout_per_task: 120000, consolidate_results: true}
      tasks:
        - file: lib/a.ex
        - task_id: api
          prompt: [{type: static, content: Review the API}]
        - prompt: A plain string prompt is allowed here
    - name: robust
      type: claude_robust
      retry_config: {max_retries: 0, base_delay_ms: 10, backoff_strategy: fixed, retry_conditions: [timeout], fallback_action: emergency_response}
      prompt: [{type: static, content: Deploy}]
    - name: each
      type: for_loop
      iterator: file
      data_source: "scan:files"
      parallel: true
      max_parallel: 5
      break_on_error: false
      break_condition: "loop.index >= 3"
      steps:
        - name: inner
          type: claude
          prompt: [{type: previous_response, step: loop, extract: file.path}]
        - name: nested
          type: while_loop
          condition: "check.score < 8"
          max_iterations: 5
          steps:
            - name: check
              type: gemini
              prompt: [{type: static, content: score}]
    - name: shape
      type: data_transform
      input_source: "previous_response:plan:items"
      operations:
        - {operation: filter, condition: "priority == 'high'"}
        - {operation: map, field: level, mapping: {"1": low}}
        - {operation: map, field: name, expression: uppercase}
        - {operation: aggregate, field: score, function: average}
        - {operation: join, right_source: "previous_response:meta", join_key: id}
        - {operation: group_by, field: kind}
        - {operation: sort, field: score, order: desc}
      output_field: items
      output_format: json
      lazy: {enabled: false}
    - name: list_sources
      type: file_ops
      operation: list
      path: lib
      pattern: "\\\\.ex$"
    - name: check_files
      type: file_ops
      operation: validate
      files: [{path: mix.exs, must_exist: true, min_size: 1}]
    - name: sub
      type: pipeline
      pipeline_file: ./child.yaml
      inputs: {target: lib/user.ex, n: 3}
      outputs: [summary, {path: score_step.score, as: score}]
      config: {inherit_context: false, max_depth: 5}
    - name: inline
      type: pipeline
      pipeline:
        name: child
        steps:
          - {name: c1, type: set_variable, variables: {x: 1}}
    - name: inline_wrapped
      type: pipeline
      pipeline:
        workflow:
          steps:
            - {name: c2, type: test_echo, value: hi}
`

describe('PipelineDocumentSchema on a document with one step of every type', () => {
  const doc = parseYaml(everyType)

  it('accepts it and returns it unchanged, unknown keys included', () => {
    expect(issues(PipelineDocumentSchema, doc)).toEqual([])
    const parsed: PipelineDocument = v.parse(PipelineDocumentSchema, doc)
    expect(parsed).toEqual(doc)
    expect(parsed.workflow['x_weft_layout']).toEqual({ zoom: 1 })
  })

  it('narrows steps by type', () => {
    const steps: Step[] = v.parse(PipelineDocumentSchema, doc).workflow.steps
    const loop = steps.find((s) => s.type === 'for_loop')
    expect(loop?.type === 'for_loop' && loop.steps?.map((s) => s.type)).toEqual([
      'claude',
      'while_loop',
    ])
    const robust = steps.find((s) => s.type === 'claude_robust')
    expect(robust?.type === 'claude_robust' && robust.retry_config?.backoff_strategy).toBe('fixed')
  })
})

describe('schemas reject wrong shapes', () => {
  const step = (extra: Record<string, unknown>) => ({
    name: 's',
    type: 'claude',
    prompt: [{ type: 'static', content: 'x' }],
    ...extra,
  })

  it('prompt parts', () => {
    expect(ok(PromptPartSchema, { content: 'no type' })).toBe(false)
    expect(ok(PromptPartSchema, { type: 'dynamic', content: 'x' })).toBe(false)
    expect(ok(PromptPartSchema, { type: 'static' })).toBe(false)
    expect(ok(PromptPartSchema, { type: 'file' })).toBe(false)
    expect(ok(PromptPartSchema, { type: 'previous_response' })).toBe(false)
    expect(ok(PromptPartSchema, { type: 'claude_continue', new_prompt: 'x' })).toBe(false)
    expect(ok(PromptPartSchema, 'hello')).toBe(false)
    expect(ok(PromptSchema, 'a string prompt')).toBe(false)
    expect(ok(PromptSchema, [])).toBe(true)
    expect(ok(PromptPartSchema, { type: 'static', content: 'x', baz: 1 })).toBe(true)
  })

  it('steps', () => {
    expect(ok(StepSchema, step({}))).toBe(true)
    expect(ok(StepSchema, step({ name: undefined }))).toBe(false)
    expect(ok(StepSchema, step({ type: 'Claude' }))).toBe(false)
    expect(ok(StepSchema, step({ type: 'file_write' }))).toBe(false)
    expect(ok(StepSchema, step({ prompt: 'Say hi' }))).toBe(false)
    expect(ok(StepSchema, step({ prompt: undefined }))).toBe(false)
    expect(ok(StepSchema, step({ claude_options: 'fast' }))).toBe(false)
    expect(ok(StepSchema, step({ claude_options: { max_turns: 0 } }))).toBe(false)
    expect(ok(StepSchema, step({ condition: true }))).toBe(false)
    expect(ok(StepSchema, { name: 'p', type: 'parallel_claude' })).toBe(false)
    expect(ok(StepSchema, { name: 'b', type: 'claude_batch', tasks: [{ prompt: 'x' }] })).toBe(true)
    expect(
      ok(StepSchema, {
        name: 'd',
        type: 'data_transform',
        operations: [{ operation: 'flatten' }],
      }),
    ).toBe(false)
    expect(
      ok(StepSchema, { name: 'd', type: 'data_transform', operations: [{ field: 'x' }] }),
    ).toBe(false)
    expect(ok(StepSchema, { name: 'f', type: 'file_ops', operation: 'wait' })).toBe(false)
    expect(ok(StepSchema, { name: 'v', type: 'set_variable', scope: 'local' })).toBe(false)
  })

  it('nested steps are checked like top-level ones', () => {
    const loop = { name: 'l', type: 'for_loop', steps: [step({ prompt: 'string' })] }
    expect(ok(StepSchema, loop)).toBe(false)
    expect(ok(StepSchema, { ...loop, steps: [step({})] })).toBe(true)
    expect(ok(StepSchema, { name: 'p', type: 'pipeline', pipeline: { name: 'child' } })).toBe(false)
    expect(ok(StepSchema, { name: 'p', type: 'pipeline', pipeline: { steps: [step({})] } })).toBe(
      true,
    )
  })

  it('documented-but-rejected types are not Steps, but have their own schema', () => {
    const sw = { name: 's', type: 'switch', expression: 'x', cases: { a: [step({})] } }
    expect(ok(StepSchema, sw)).toBe(false)
    expect(ok(RejectedStepSchema, sw)).toBe(true)
    expect(ok(RejectedStepSchema, { name: 'c', type: 'checkpoint', state: {} })).toBe(true)
    expect(ok(RejectedStepSchema, { name: 'q', type: 'codebase_query', queries: {} })).toBe(true)
    expect(ok(RejectedStepSchema, step({}))).toBe(false)
  })

  it('workflows and documents', () => {
    const wf = { name: 'w', steps: [step({})] }
    expect(ok(WorkflowSchema, wf)).toBe(true)
    expect(ok(WorkflowSchema, { ...wf, steps: [] })).toBe(false)
    expect(ok(WorkflowSchema, { steps: wf.steps })).toBe(false)
    expect(ok(WorkflowSchema, { ...wf, gemini_functions: { f: { description: 'd' } } })).toBe(false)
    expect(ok(PipelineDocumentSchema, { workflow: wf, pipeline: 'ignored root key' })).toBe(true)
    expect(ok(PipelineDocumentSchema, wf)).toBe(false)
    expect(ok(PipelineDocumentSchema, { workflow: 'email_analysis' })).toBe(false)
    expect(ok(PipelineDocumentSchema, [wf])).toBe(false)
    expect(ok(PipelineDocumentSchema, null)).toBe(false)
  })

  it('conditions: strings, lists and and/or/not trees only', () => {
    expect(ok(ConditionSchema, 'a.b > 1')).toBe(true)
    expect(ok(ConditionSchema, [])).toBe(true)
    expect(ok(ConditionSchema, { or: ['a', { and: ['b', { not: ['c'] }] }] })).toBe(true)
    expect(ok(ConditionSchema, { any: ['a'] })).toBe(false)
    expect(ok(ConditionSchema, { and: 'a' })).toBe(false)
    expect(ok(ConditionSchema, 1)).toBe(false)
    expect(ok(ConditionSchema, false)).toBe(false)
  })

  it('claude_options keys', () => {
    expect(ok(ClaudeOptionsSchema, { output_format: 'stream-json', made_up: 1 })).toBe(true)
    expect(ok(ClaudeOptionsSchema, { output_format: 'yaml' })).toBe(false)
    expect(ok(ClaudeOptionsSchema, { allowed_tools: 'Read' })).toBe(false)
    expect(ok(ClaudeOptionsSchema, { permission_mode: 'acceptEdits' })).toBe(false)
    expect(ok(ClaudeOptionsSchema, { stream_handler: 'simple' })).toBe(true)
  })
})

interface ManifestRow {
  readonly file: string
  readonly valid: string
}

const corpusTitle = hasCorpus
  ? 'the pipeline_ex corpus'
  : `the pipeline_ex corpus (skipped: ${corpusDir} is absent)`

describe.skipIf(!hasCorpus)(corpusTitle, () => {
  const rows: ManifestRow[] = hasCorpus
    ? readFileSync(`${corpusDir}MANIFEST.tsv`, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
        .map((cols) => ({ file: cols[0] ?? '', valid: cols[5] ?? '' }))
    : []
  const load = (file: string) => readYaml(readFileSync(`${corpusDir}${file}`, 'utf8'))
  const valid = rows.filter((r) => r.valid === 'yes')

  it('accepts every file pipeline_ex accepts (all 76)', () => {
    const failures: string[] = []
    let accepted = 0
    for (const row of valid) {
      const src = load(row.file)
      const found = src.ok ? issues(PipelineDocumentSchema, src.value) : ['YAML did not read']
      if (found.length === 0) accepted++
      else failures.push(`${row.file}: ${found.slice(0, 3).join('; ')}`)
    }
    expect(failures).toEqual([])
    expect(valid).toHaveLength(76)
    expect(accepted).toBe(76)
  })

  it('accepts each of their top-level steps on its own', () => {
    let steps = 0
    for (const row of valid) {
      const wf = (load(row.file).value as { workflow: { steps: unknown[] } }).workflow
      for (const s of wf.steps) {
        expect(issues(StepSchema, s), row.file).toEqual([])
        steps++
      }
    }
    expect(steps).toBe(188)
  })

  it('accepts the test_echo fixtures, which pipeline_ex accepts in its test environment', () => {
    const unsure = rows.filter((r) => r.valid === 'unsure')
    expect(unsure).toHaveLength(5)
    for (const row of unsure)
      expect(issues(PipelineDocumentSchema, load(row.file).value)).toEqual([])
  })

  it('accepts none of the files pipeline_ex rejects', () => {
    const rejected = rows.filter((r) => r.valid === 'no')
    expect(rejected).toHaveLength(27)
    const accepted = rejected.filter((r) => {
      const src = load(r.file)
      return src.ok && ok(PipelineDocumentSchema, src.value)
    })
    expect(accepted.map((r) => r.file)).toEqual([])
  })
})
