import {
  getStepType,
  promptPartCatalogue,
  stepCatalogue,
  workflowFields,
  type Diagnostic,
  type FieldSpec,
} from '@weft/core'
import { describe, expect, it } from 'vitest'
import { checkValue, controlFor, defaultText, parseNumberInput, unknownKeys } from './controls'
import { FieldDiagnostics, worstSeverity } from './field-diagnostics'
import { parseYamlSnippet, toYamlSnippet } from './yaml-value'

const fieldOf = (type: string, key: string): FieldSpec =>
  getStepType(type)!.fields.find((f) => f.key === key)!

describe('controlFor', () => {
  it('picks the control from the field kind', () => {
    expect(controlFor(fieldOf('claude', 'name'), 'x')).toBe('text')
    expect(controlFor(fieldOf('claude', 'description'), undefined)).toBe('multiline')
    expect(controlFor(fieldOf('claude', 'type'), 'claude')).toBe('select')
    expect(controlFor(fieldOf('claude', 'prompt'), [])).toBe('prompt')
    expect(controlFor(fieldOf('claude', 'claude_options'), {})).toBe('object')
    expect(controlFor(fieldOf('claude', 'condition'), 'a.b')).toBe('text')
    expect(controlFor(fieldOf('for_loop', 'steps'), [])).toBe('steps')
    expect(controlFor(fieldOf('set_variable', 'variables'), { a: 1 })).toBe('yaml')
    const options = fieldOf('claude', 'claude_options').fields!
    expect(controlFor(options.find((f) => f.key === 'max_turns')!, 3)).toBe('number')
    expect(controlFor(options.find((f) => f.key === 'verbose')!, true)).toBe('boolean')
    expect(controlFor(options.find((f) => f.key === 'allowed_tools')!, ['Read'])).toBe('list')
  })

  it('falls back to raw YAML when the value does not fit the control', () => {
    expect(controlFor(fieldOf('claude', 'prompt'), 'just text')).toBe('yaml')
    expect(controlFor(fieldOf('claude', 'condition'), { and: ['a', 'b'] })).toBe('yaml')
    expect(controlFor(fieldOf('claude', 'claude_options'), 'oops')).toBe('yaml')
    expect(controlFor(fieldOf('claude', 'name'), ['a', 'b'])).toBe('yaml')
  })

  it('has a control for every field in the catalogue', () => {
    const all: FieldSpec[] = []
    const walk = (fields: readonly FieldSpec[]) => {
      for (const f of fields) {
        all.push(f)
        if (f.fields) walk(f.fields)
        if (f.item) walk([f.item])
      }
    }
    for (const t of stepCatalogue) walk(t.fields)
    for (const p of promptPartCatalogue) walk(p.fields)
    walk(workflowFields)
    for (const f of all) expect(controlFor(f, undefined)).toBeTypeOf('string')
  })
})

describe('checkValue', () => {
  it('accepts fitting values and absent keys', () => {
    expect(checkValue(fieldOf('claude', 'type'), 'gemini')).toBeNull()
    expect(checkValue(fieldOf('claude', 'name'), undefined)).toBeNull()
    expect(checkValue(fieldOf('set_variable', 'scope'), 'loop')).toBeNull()
  })

  it('flags wrong types and out-of-enum values', () => {
    expect(checkValue(fieldOf('set_variable', 'scope'), 'local')).toMatch(
      /"local" is not one of: global, session, loop/,
    )
    const maxTurns = fieldOf('claude', 'claude_options').fields!.find((f) => f.key === 'max_turns')!
    expect(checkValue(maxTurns, 'many')).toMatch(/whole number/)
    expect(checkValue(maxTurns, 2.5)).toMatch(/whole number/)
    expect(checkValue(fieldOf('claude', 'prompt'), 'text')).toMatch(/list of prompt parts/)
    expect(checkValue(fieldOf('claude', 'name'), 42)).toMatch(/Expected text, found the number 42/)
  })
})

describe('defaults and inputs', () => {
  it('shows runtime defaults', () => {
    expect(defaultText(fieldOf('set_variable', 'scope'))).toBe('default: global')
    expect(defaultText(fieldOf('claude', 'name'))).toBeUndefined()
  })

  it('parses number inputs without dropping what is not a number', () => {
    expect(parseNumberInput('')).toBeUndefined()
    expect(parseNumberInput(' 12 ')).toBe(12)
    expect(parseNumberInput('1.5e2')).toBe(150)
    expect(parseNumberInput('twelve')).toBe('twelve')
  })

  it('lists keys the spec does not know', () => {
    expect(unknownKeys(getStepType('claude')!.fields, { name: 'a', foo: 1, type: 'x' })).toEqual([
      'foo',
    ])
  })
})

describe('FieldDiagnostics', () => {
  const d = (
    path: (string | number)[],
    severity: Diagnostic['severity'] = 'error',
  ): Diagnostic => ({
    code: 'X',
    severity,
    message: path.join('.'),
    path,
    line: 1,
    column: 1,
  })
  const base = ['workflow', 'steps', 0]
  const diags = [
    d([...base, 'prompt', 0, 'content']),
    d([...base, 'claude_options', 'modle'], 'warning'),
    d([...base]),
    d(['workflow', 'steps', 1, 'name']),
    d(['workflow', 'name']),
  ]
  const fd = new FieldDiagnostics(diags, base)

  it('maps diagnostics to the field at their path, relative to the step', () => {
    expect(fd.at(['prompt', 0, 'content']).map((x) => x.message)).toEqual([
      'workflow.steps.0.prompt.0.content',
    ])
    expect(fd.at(['prompt'])).toEqual([])
    expect(fd.under(['prompt'])).toHaveLength(1)
    expect(fd.under(['claude_options'])[0]!.severity).toBe('warning')
    expect(fd.at([])).toHaveLength(1)
  })

  it('ignores other steps and gives back what no field claims', () => {
    expect(fd.under([])).toHaveLength(3)
    expect(fd.unclaimed(new Set(['prompt'])).map((x) => x.message)).toEqual([
      'workflow.steps.0.claude_options.modle',
      'workflow.steps.0',
    ])
  })

  it('names the worst severity', () => {
    expect(worstSeverity([d([], 'info'), d([], 'warning')])).toBe('warning')
    expect(worstSeverity([])).toBeUndefined()
  })
})

describe('YAML snippets', () => {
  it('round-trips values through core reading', () => {
    const values: unknown[] = [
      { a: 1, b: 'text', c: [1, 'two', { d: true }], e: {}, f: [] },
      ['yes', 'no', '1', 'a: b', ' padded', null],
      'plain',
      42,
      { 'odd key': { nested: ['x'] } },
    ]
    for (const v of values) {
      const parsed = parseYamlSnippet(toYamlSnippet(v))
      expect(parsed).toEqual({ ok: true, value: v })
    }
  })

  it('reports where a snippet does not parse, and reads empty as "remove"', () => {
    const bad = parseYamlSnippet('a: [1, 2')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.message).toMatch(/^Line \d+, column \d+/)
    expect(parseYamlSnippet('  ')).toEqual({ ok: true, value: undefined })
  })
})
