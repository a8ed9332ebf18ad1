import { describe, expect, it } from 'vitest'
import { formatYaml } from './format.js'
import { readYaml } from './read.js'

const messy = `# A pipeline, before formatting
workflow:
    name:   messy   # trailing comment
    steps:
    - name: first
      type: "claude"
      claude_options:
          allowed_tools: [ "Read",   "Write" ]
      prompt:
      - type: static
        content: |
          Keep   this    spacing.
          And a very long line that must never be folded by the formatter, however long it gets, because it is a prompt.


    # the second step
    - name: second
      type: gemini
`

describe('formatYaml', () => {
  it('indents by two, nests sequences under their key, and keeps comments', () => {
    const r = formatYaml(messy)
    expect(r.ok).toBe(true)
    expect(r.diagnostics).toEqual([])
    expect(r.text).toBe(`# A pipeline, before formatting
workflow:
  name: messy # trailing comment
  steps:
    - name: first
      type: "claude"
      claude_options:
        allowed_tools: ["Read", "Write"]
      prompt:
        - type: static
          content: |
            Keep   this    spacing.
            And a very long line that must never be folded by the formatter, however long it gets, because it is a prompt.

    # the second step
    - name: second
      type: gemini
`)
  })

  it('never changes what pipeline_ex reads', () => {
    const r = formatYaml(messy)
    expect(readYaml(r.text).value).toEqual(readYaml(messy).value)
  })

  it('is idempotent', () => {
    const once = formatYaml(messy).text
    expect(formatYaml(once)).toEqual({ ok: true, text: once, diagnostics: [] })
  })

  it('keeps duplicate keys, so the first still wins', () => {
    const r = formatYaml('a:   1\nb: 2\na:   3\n')
    expect(r.ok).toBe(true)
    expect(r.text).toBe('a: 1\nb: 2\na: 3\n')
    expect(readYaml(r.text).value).toEqual({ a: 1, b: 2 })
  })

  it('keeps quoting, anchors and every document of a stream', () => {
    const text = "old: 1\n---\nbase: &b\n    x: 'yes'\nuse: *b\n"
    const r = formatYaml(text)
    expect(r.ok).toBe(true)
    expect(r.text).toBe("old: 1\n---\nbase: &b\n  x: 'yes'\nuse: *b\n")
  })

  it('leaves an empty or comment-only file as it is', () => {
    expect(formatYaml('')).toEqual({ ok: true, text: '', diagnostics: [] })
    expect(formatYaml('# nothing yet\n')).toEqual({
      ok: true,
      text: '# nothing yet\n',
      diagnostics: [],
    })
  })

  it('refuses text pipeline_ex cannot read, returning it unchanged with the reasons', () => {
    const text = 'workflow:\n  name: [unclosed\n'
    const r = formatYaml(text)
    expect(r.ok).toBe(false)
    expect(r.text).toBe(text)
    expect(r.diagnostics.map((d) => d.code)).toContain('YAML_SYNTAX')
    expect(formatYaml('~: x\n').ok).toBe(false)
  })

  it('refuses to re-indent a tab-indented line, which yamerl may read differently', () => {
    const text = 'a: x\n \ty\n'
    expect(readYaml(text).ok).toBe(true)
    const r = formatYaml(text)
    expect(r.ok).toBe(false)
    expect(r.text).toBe(text)
    expect(r.diagnostics.map((d) => d.code)).toEqual(['YAML_TAB_INDENT'])
  })

  it('keeps comments in awkward places, such as inside flow collections', () => {
    const text = 'a: [1, # one\n  2]\nb: {x: # c\n 1}\n'
    const r = formatYaml(text)
    expect(r.ok).toBe(true)
    expect(r.text).toContain('# one')
    expect(r.text).toContain('# c')
    expect(readYaml(r.text).value).toEqual({ a: [1, 2], b: { x: 1 } })
  })
})
