import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  acceptedStepTypes,
  claudeOptionFields,
  getStepType,
  knownKeys,
  loopBodyTypes,
  promptPartCatalogue,
  promptRequiredTypes,
  stepCatalogue,
  workflowFields,
  type FieldSpec,
} from './catalogue.js'
import {
  ClaudeOptionsSchema,
  DefaultsSchema,
  PromptPartSchema,
  RejectedStepSchema,
  StepSchema,
  WorkflowSchema,
} from './schema.js'

const referencePath = fileURLToPath(
  new URL('../../../../../shared/format/pipeline-yaml-v2.md', import.meta.url),
)
const hasReference = existsSync(referencePath)

// Written out independently of the code under test, from reference §6.1, §7 and §14.5.
const loaderTypes = [
  'set_variable',
  'claude',
  'gemini',
  'parallel_claude',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
  'for_loop',
  'while_loop',
  'data_transform',
  'file_ops',
  'pipeline',
]
const commonKeys = [
  'name',
  'type',
  'condition',
  'output_to_file',
  'streaming',
  'description',
  'role',
  'output_schema',
]

/** Every field, nested ones included, with a path for failure messages. */
function* walk(fields: readonly FieldSpec[], path: string): Generator<[string, FieldSpec]> {
  for (const f of fields) {
    const here = `${path}.${f.key}`
    yield [here, f]
    if (f.fields) yield* walk(f.fields, here)
    if (f.item) yield* walk([f.item], `${here}[]`)
  }
}

const allFieldGroups: [string, readonly FieldSpec[]][] = [
  ...stepCatalogue.map((s): [string, readonly FieldSpec[]] => [`step:${s.type}`, s.fields]),
  ...promptPartCatalogue.map((p): [string, readonly FieldSpec[]] => [`part:${p.type}`, p.fields]),
  ['claude_options', claudeOptionFields],
  ['workflow', workflowFields],
]

describe('step types', () => {
  it('lists the 15 loader types in the loader order (§6.1)', () => {
    expect(acceptedStepTypes).toEqual(loaderTypes)
  })

  it.skipIf(!hasReference)('matches the "Supported types" message quoted in the reference', () => {
    const text = readFileSync(referencePath, 'utf8')
    const m = /has invalid type '<type>'\. Supported types: ([a-z_, ]+)/.exec(text)
    expect(m?.[1]?.split(', ')).toEqual([...acceptedStepTypes])
  })

  it('catalogues all 19 types: the 15 accepted in order, then test_echo and the three rejected', () => {
    expect(stepCatalogue.map((s) => s.type)).toEqual([
      ...loaderTypes,
      'test_echo',
      'switch',
      'checkpoint',
      'codebase_query',
    ])
    for (const s of stepCatalogue) {
      const expected = loaderTypes.includes(s.type)
        ? 'accepted'
        : s.type === 'test_echo'
          ? 'test-only'
          : 'rejected'
      expect(s.acceptance, s.type).toBe(expected)
      if (expected !== 'accepted') expect(s.acceptanceNote, s.type).toBeTruthy()
    }
    expect(getStepType('switch')?.acceptanceNote).toContain(
      'Documented by pipeline_ex but not accepted by its loader',
    )
  })

  it('looks types up exactly (case-sensitive, no pseudo-types)', () => {
    expect(getStepType('claude')?.category).toBe('llm')
    expect(getStepType('Claude')).toBeUndefined()
    expect(getStepType('break')).toBeUndefined()
    for (const s of stepCatalogue) expect(getStepType(s.type)).toBe(s)
  })

  it('covers exactly the types the step schemas describe', () => {
    const schemaTypes = [...StepSchema.options, ...RejectedStepSchema.options].map(
      (o) => o.entries.type.literal,
    )
    expect([...schemaTypes].sort()).toEqual(stepCatalogue.map((s) => s.type).sort())
  })

  it('requires a prompt at load for exactly the §7 types', () => {
    expect(promptRequiredTypes).toEqual([
      'claude',
      'gemini',
      'gemini_instructor',
      'claude_smart',
      'claude_session',
      'claude_extract',
      'claude_robust',
    ])
    for (const s of stepCatalogue) {
      const prompt = s.fields.find((f) => f.key === 'prompt')
      if (promptRequiredTypes.includes(s.type)) {
        expect(prompt?.required, s.type).toBe('loader')
        expect(prompt?.kind, s.type).toBe('prompt')
      } else {
        expect(prompt?.required, s.type).toBeUndefined()
      }
    }
  })

  it.skipIf(!hasReference)('agrees with the PROMPT_REQUIRED set of the reference §21', () => {
    const text = readFileSync(referencePath, 'utf8')
    const m = /const PROMPT_REQUIRED = new Set\(\[([^\]]+)\]\)/.exec(text)
    const listed = [...(m?.[1] ?? '').matchAll(/"([a-z_]+)"/g)].map((x) => x[1])
    expect([...listed].sort()).toEqual([...promptRequiredTypes].sort())
  })

  it('allows in loop bodies exactly the §14.5 types', () => {
    expect(loopBodyTypes).toHaveLength(12)
    for (const t of ['data_transform', 'file_ops', 'pipeline', 'test_echo', 'break', 'continue']) {
      expect(loopBodyTypes).not.toContain(t)
    }
    for (const t of loopBodyTypes) expect(acceptedStepTypes).toContain(t)
  })

  it('gives every type the common fields, with name and type required by the loader', () => {
    for (const s of stepCatalogue) {
      const keys = s.fields.map((f) => f.key)
      for (const k of commonKeys) expect(keys, `${s.type} lacks ${k}`).toContain(k)
      expect(s.fields.find((f) => f.key === 'name')?.required).toBe('loader')
      expect(s.fields.find((f) => f.key === 'type')?.required).toBe('loader')
      expect(new Set(keys).size, `${s.type} repeats a key`).toBe(keys.length)
    }
  })

  it('names the container slots', () => {
    const children = Object.fromEntries(stepCatalogue.map((s) => [s.type, s.children ?? []]))
    expect(children).toMatchObject({
      for_loop: ['steps'],
      while_loop: ['steps'],
      pipeline: ['pipeline'],
      parallel_claude: ['parallel_tasks'],
      claude_batch: ['tasks'],
      switch: ['cases'],
      claude: [],
      set_variable: [],
    })
    for (const s of stepCatalogue) {
      for (const slot of s.children ?? []) {
        expect(
          s.fields.map((f) => f.key),
          `${s.type}.${slot}`,
        ).toContain(slot)
      }
    }
  })

  it('types every key the step schemas type', () => {
    for (const option of [...StepSchema.options, ...RejectedStepSchema.options]) {
      const type = option.entries.type.literal
      const keys = knownKeys(`step:${type}`)
      for (const k of Object.keys(option.entries)) expect(keys, `step:${type}`).toContain(k)
    }
  })

  it('marks the loader- and runtime-required keys the reference names', () => {
    const req = (type: string, key: string) =>
      getStepType(type)?.fields.find((f) => f.key === key)?.required
    expect(req('parallel_claude', 'parallel_tasks')).toBe('loader')
    expect(req('for_loop', 'iterator')).toBe('runtime')
    expect(req('for_loop', 'data_source')).toBe('runtime')
    expect(req('for_loop', 'steps')).toBe('runtime')
    expect(req('while_loop', 'condition')).toBe('runtime')
    expect(req('data_transform', 'input_source')).toBe('runtime')
    expect(req('claude_batch', 'tasks')).toBeUndefined()
    expect(req('claude_session', 'session_config')).toBeUndefined()
  })
})

describe('fields', () => {
  it('are well formed everywhere', () => {
    for (const [group, fields] of allFieldGroups) {
      for (const [path, f] of walk(fields, group)) {
        expect(f.label, path).toBeTruthy()
        expect(f.doc.length, path).toBeGreaterThan(10)
        expect(f.doc.trim(), path).toMatch(/[.)]$/)
        if (f.kind === 'enum') expect(f.enum?.length, path).toBeGreaterThan(0)
        else expect(f.enum, path).toBeUndefined()
        if (f.kind === 'list') expect(f.item, path).toBeDefined()
        else expect(f.item, path).toBeUndefined()
        if (f.fields) expect(f.kind, path).toBe('map')
        if (f.kind === 'enum' && f.default !== undefined) expect(f.enum, path).toContain(f.default)
      }
      for (const [path, f] of walk(fields, group)) {
        if (!f.fields) continue
        const keys = f.fields.map((x) => x.key)
        expect(new Set(keys).size, `${path} repeats a key`).toBe(keys.length)
      }
    }
  })

  it('say what the reference says about traps', () => {
    const batch = getStepType('claude_batch')?.fields.find((f) => f.key === 'batch_config')
    const timeout = batch?.fields?.find((f) => f.key === 'timeout_per_task')
    expect(timeout?.doc.toLowerCase()).toContain('millisecond')
    expect(timeout?.default).toBe(60000)

    const pattern = getStepType('file_ops')?.fields.find((f) => f.key === 'pattern')
    expect(pattern?.doc).toMatch(/regular expression/)
    expect(pattern?.doc).toMatch(/not a glob/)

    const defaults = workflowFields.find((f) => f.key === 'defaults')?.fields ?? []
    const effective = defaults.filter((f) => f.effect !== 'ignored').map((f) => f.key)
    expect(effective).toEqual(['output_dir', 'claude_preset'])
    for (const k of [
      'gemini_model',
      'gemini_token_budget',
      'claude_output_format',
      'claude_options',
    ]) {
      const f = defaults.find((x) => x.key === k)
      expect(f?.effect, k).toBe('ignored')
      expect(f?.doc, k).toMatch(/No effect/)
    }

    const cwd = claudeOptionFields.find((f) => f.key === 'cwd')
    expect(cwd?.default).toBe('./workspace')
    expect(cwd?.doc).toMatch(/not taken from workflow\.workspace_dir/)

    const scope = getStepType('set_variable')?.fields.find((f) => f.key === 'scope')
    expect(scope?.enum).toEqual(['global', 'session', 'loop'])
    expect(scope?.default).toBe('global')

    const robust = getStepType('claude_robust')?.fields.find((f) => f.key === 'retry_config')
    expect(robust?.fields?.find((f) => f.key === 'backoff_strategy')?.enum).toContain('fixed')
  })

  it('give each Claude step type its own default preset (§9)', () => {
    const preset = (t: string) => getStepType(t)?.fields.find((f) => f.key === 'preset')?.default
    expect(preset('claude_smart')).toBe('development')
    expect(preset('claude_session')).toBe('analysis')
    expect(preset('claude_extract')).toBe('analysis')
    expect(preset('claude_batch')).toBe('development')
    expect(preset('claude_robust')).toBe('production')
    expect(getStepType('claude')?.fields.find((f) => f.key === 'preset')).toBeUndefined()
  })

  it('say which provider honours each claude option (§8.1)', () => {
    const doc = (k: string) => claudeOptionFields.find((f) => f.key === k)?.doc ?? ''
    for (const k of ['model', 'max_turns', 'allowed_tools', 'cwd', 'system_prompt']) {
      expect(doc(k), k).toMatch(/every Claude step type/)
    }
    for (const k of [
      'permission_mode',
      'mcp_servers',
      'hooks',
      'agents',
      'timeout_ms',
      'session_id',
    ]) {
      expect(doc(k), k).toMatch(/plain claude steps and parallel_claude tasks ignore it/)
    }
    for (const k of [
      'resume_session',
      'mcp_config',
      'async_streaming',
      'stream_handler',
      'print',
    ]) {
      expect(claudeOptionFields.find((f) => f.key === k)?.effect, k).toBe('ignored')
    }
  })
})

describe('claude_options, workflow and prompt parts', () => {
  it('cover every key of the corresponding schema, and nothing the schema lacks silently', () => {
    expect([...knownKeys('claude_options')].sort()).toEqual(
      Object.keys(ClaudeOptionsSchema.entries).sort(),
    )
    for (const k of Object.keys(WorkflowSchema.entries)) expect(knownKeys('workflow')).toContain(k)
    for (const k of Object.keys(DefaultsSchema.entries)) expect(knownKeys('defaults')).toContain(k)
  })

  it('lists exactly the §4.1 workflow keys', () => {
    expect([...knownKeys('workflow')].sort()).toEqual(
      [
        'name',
        'steps',
        'description',
        'version',
        'checkpoint_enabled',
        'checkpoint_dir',
        'workspace_dir',
        'defaults',
        'gemini_functions',
        'claude_auth',
        'environment',
        'global_vars',
      ].sort(),
    )
    expect(workflowFields.find((f) => f.key === 'name')?.required).toBe('loader')
    expect(workflowFields.find((f) => f.key === 'steps')?.required).toBe('loader')
  })

  it('catalogues the five part types in the loader order, matching the schema', () => {
    expect(promptPartCatalogue.map((p) => p.type)).toEqual([
      'static',
      'file',
      'previous_response',
      'session_context',
      'claude_continue',
    ])
    expect(PromptPartSchema.options.map((o) => o.entries.type.literal)).toEqual(
      promptPartCatalogue.map((p) => p.type),
    )
    for (const option of PromptPartSchema.options) {
      const keys = knownKeys(`part:${option.entries.type.literal}`)
      for (const k of Object.keys(option.entries)) expect(keys).toContain(k)
    }
  })

  it('marks the parts that render as empty text and their loader-required keys', () => {
    const rendersEmpty = promptPartCatalogue.filter((p) => p.rendersEmpty).map((p) => p.type)
    expect(rendersEmpty).toEqual(['session_context', 'claude_continue'])
    const required = Object.fromEntries(
      promptPartCatalogue.map((p) => [
        p.type,
        p.fields.filter((f) => f.required === 'loader').map((f) => f.key),
      ]),
    )
    expect(required).toEqual({
      static: ['content'],
      file: ['path'],
      previous_response: ['step'],
      session_context: ['session_id'],
      claude_continue: ['session_id'],
    })
  })
})

describe('knownKeys', () => {
  it('knows every catalogue field key in its context', () => {
    for (const s of stepCatalogue) {
      const keys = knownKeys(`step:${s.type}`)
      for (const f of s.fields) expect(keys, `step:${s.type}`).toContain(f.key)
      expect(keys).toHaveLength(s.fields.length)
    }
    for (const p of promptPartCatalogue) {
      const keys = knownKeys(`part:${p.type}`)
      expect(keys).toContain('type')
      for (const f of p.fields) {
        expect(keys, `part:${p.type}`).toContain(f.key)
        expect(knownKeys('prompt_part')).toContain(f.key)
      }
    }
    for (const f of claudeOptionFields) expect(knownKeys('claude_options')).toContain(f.key)
    for (const f of workflowFields) expect(knownKeys('workflow')).toContain(f.key)
    const defaults = workflowFields.find((f) => f.key === 'defaults')?.fields ?? []
    expect(knownKeys('defaults')).toEqual(defaults.map((f) => f.key))
  })

  it('returns nothing for contexts it does not know', () => {
    expect(knownKeys('step:Claude')).toEqual([])
    expect(knownKeys('step:')).toEqual([])
    expect(knownKeys('part:dynamic')).toEqual([])
  })

  it('holds the keys that make good "did you mean" targets', () => {
    expect(knownKeys('step:claude_batch')).toContain('tasks')
    expect(knownKeys('step:set_variable')).toContain('variables')
    expect(knownKeys('step:for_loop')).toEqual(expect.arrayContaining(['iterator', 'data_source']))
    expect(knownKeys('prompt_part')).toEqual(
      expect.arrayContaining(['type', 'content', 'path', 'step', 'extract', 'session_id']),
    )
    expect(knownKeys('defaults')).toContain('claude_preset')
  })
})
