import { describe, expect, it } from 'vitest'
import { completeAt } from './completion'

/** Completions where `|` is in the text. */
function at(textWithCaret: string) {
  const pos = textWithCaret.indexOf('|')
  const text = textWithCaret.slice(0, pos) + textWithCaret.slice(pos + 1)
  const result = completeAt(text, pos)
  return { result, labels: result?.options.map((o) => o.label) ?? [], from: result?.from }
}

describe('completeAt', () => {
  it('offers the step type fields not yet present, while the text does not parse', () => {
    const { labels, from, result } = at(`workflow:
  name: w
  steps:
    - name: a
      type: set_variable
      sc|
`)
    expect(labels).toContain('scope')
    expect(labels).toContain('variables')
    expect(labels).not.toContain('name')
    expect(labels).not.toContain('type')
    expect(from).toBe(
      `workflow:\n  name: w\n  steps:\n    - name: a\n      type: set_variable\n      `.length,
    )
    expect(result!.options.find((o) => o.label === 'variables')!.apply).toBe('variables:\n        ')
  })

  it('knows the step type when it comes after the caret', () => {
    const { labels } = at(`workflow:
  steps:
  - name: a
    |
    type: for_loop
`)
    expect(labels).toContain('iterator')
    expect(labels).not.toContain('type')
  })

  it('offers workflow, claude_options and prompt part keys', () => {
    expect(at('workflow:\n  name: w\n  |\n').labels).toContain('checkpoint_enabled')
    expect(at('workflow:\n  name: w\n  |\n').labels).not.toContain('name')
    const opts = at(`workflow:
  steps:
    - name: a
      type: claude
      claude_options:
        |
`).labels
    expect(opts).toContain('max_turns')
    expect(opts).toContain('allowed_tools')
    const part = at(`workflow:
  steps:
    - name: a
      type: claude
      prompt:
        - type: previous_response
          |
`).labels
    expect(part).toContain('step')
    expect(part).toContain('extract')
    expect(part).not.toContain('content')
    expect(at('|').labels).toEqual(['workflow'])
  })

  it('offers enum values after a key', () => {
    const types = at(`workflow:
  steps:
    - name: a
      type: cl|
`)
    expect(types.labels).toContain('claude_smart')
    expect(types.labels).toContain('for_loop')
    const parts = at(`workflow:
  steps:
    - name: a
      type: claude
      prompt:
        - type: |
`).labels
    expect(parts).toEqual([
      'static',
      'file',
      'previous_response',
      'session_context',
      'claude_continue',
    ])
    expect(
      at(`workflow:
  steps:
    - name: a
      type: set_variable
      scope: |
`).labels,
    ).toEqual(['global', 'session', 'loop'])
    expect(at('workflow:\n  checkpoint_enabled: |\n').labels).toEqual(['true', 'false'])
  })

  it('offers nothing in free text or unknown maps', () => {
    expect(at('workflow:\n  name: some |\n').result).toBeNull()
    expect(at('workflow:\n  global_vars:\n    |\n').result).toBeNull()
  })
})
