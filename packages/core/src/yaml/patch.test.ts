import { describe, expect, it } from 'vitest'
import { patchYaml, renderYaml } from './patch.js'
import { readYaml } from './read.js'

const base = `# Pipeline header
workflow:
  name: demo # the name
  steps:
    # First, plan.
    - name: plan
      type: gemini
      prompt:
        - type: static
          content: |
            Make a plan
            in two lines

    # Then build it.
    - name: build
      type: claude
      claude_options: {max_turns: 3, verbose: true}
      prompt:
        - type: previous_response
          step: plan   # the plan
`

function edit(fn: (v: any) => void): string {
  const src = readYaml(base)
  const value = structuredClone(src.value) as any
  fn(value)
  const out = patchYaml(src, value, {
    itemKey: (_p, item: any) => (typeof item?.name === 'string' ? item.name : undefined),
  })
  expect(out, 'patch must succeed').toBeDefined()
  expect(readYaml(out!).value).toEqual(value)
  return out!
}

const lines = (s: string) => s.split('\n')

describe('patchYaml keeps everything it does not have to change', () => {
  it('returns the text unchanged when the value is unchanged', () => {
    expect(patchYaml(readYaml(base), readYaml(base).value)).toBe(base)
  })

  it('changes one scalar in place, keeping its trailing comment', () => {
    const out = edit((v) => (v.workflow.name = 'renamed'))
    expect(out).toBe(base.replace('name: demo # the name', 'name: renamed # the name'))
  })

  it('rewrites a block scalar in block style', () => {
    const out = edit(
      (v) => (v.workflow.steps[0].prompt[0].content = 'Make a plan\nin three\nlines\n'),
    )
    expect(out).toContain(
      'content: |\n            Make a plan\n            in three\n            lines\n',
    )
    expect(out).toContain('# Then build it.')
  })

  it('edits a flow map in flow style', () => {
    const out = edit((v) => (v.workflow.steps[1].claude_options.max_turns = 5))
    expect(out).toContain('claude_options: {max_turns: 5, verbose: true}')
  })

  it('adds and removes keys without touching other lines', () => {
    const out = edit((v) => {
      v.workflow.steps[0].model = 'gemini-2.5-pro'
      delete v.workflow.steps[1].claude_options
    })
    const changed = lines(out).filter((l) => !lines(base).includes(l))
    expect(changed).toEqual(['      model: gemini-2.5-pro'])
    expect(out).not.toContain('claude_options')
  })

  it('moves a step together with its comments', () => {
    const out = edit((v) => v.workflow.steps.reverse())
    expect(out.indexOf('# Then build it.')).toBeLessThan(out.indexOf('# First, plan.'))
    expect(out.indexOf('# Then build it.')).toBeLessThan(out.indexOf('name: build'))
    expect(out).toContain('step: plan   # the plan')
  })

  it('inserts and deletes steps, leaving the other steps byte-identical', () => {
    const out = edit((v) => {
      v.workflow.steps.splice(1, 0, {
        name: 'review',
        type: 'claude',
        prompt: [{ type: 'static', content: 'Review' }],
      })
    })
    expect(out).toContain('    - name: review\n      type: claude\n')
    for (const l of lines(base)) expect(lines(out)).toContain(l)
    const out2 = edit((v) => v.workflow.steps.splice(0, 1))
    expect(out2).not.toContain('name: plan')
    expect(out2).toContain('# Then build it.')
  })

  it('appends several steps after the last one in the order given', () => {
    const out = edit((v) => {
      v.workflow.steps.push({ name: 'test', type: 'claude', prompt: [] })
      v.workflow.steps.push({ name: 'ship', type: 'claude', prompt: [] })
    })
    expect(out.indexOf('name: test')).toBeLessThan(out.indexOf('name: ship'))
    for (const l of lines(base)) expect(lines(out)).toContain(l)
  })

  it('renames the first key of an item (it shares the dash line)', () => {
    const out = edit((v) => (v.workflow.steps[1].name = 'construct'))
    expect(out).toContain('    - name: construct\n')
  })

  it('leaves a duplicate key that pipeline_ex ignores exactly as written', () => {
    const text = 'workflow:\n  name: a\n  name: b\n  steps: []\n'
    const src = readYaml(text)
    const value = structuredClone(src.value) as any
    value.workflow.name = 'c'
    expect(patchYaml(src, value)).toBe('workflow:\n  name: c\n  name: b\n  steps: []\n')
  })

  it('renders canonically when there is no text to keep', () => {
    expect(renderYaml({ workflow: { name: 'x', steps: [{ name: 'a', type: 'claude' }] } })).toBe(
      'workflow:\n  name: x\n  steps:\n    - name: a\n      type: claude\n',
    )
  })
})
