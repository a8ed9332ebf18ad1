import { describe, expect, it } from 'vitest'
import { lintYaml, toLintDiagnostics } from './lint'

describe('toLintDiagnostics', () => {
  it('turns line and column into the offsets of the token pointed at', () => {
    const text = 'a: 1\nbb: value here\n'
    const [d] = toLintDiagnostics(text, [
      { code: 'X', severity: 'warning', message: 'm', path: [], line: 2, column: 5 },
    ])
    expect(d).toMatchObject({ from: 9, to: 14, severity: 'warning', message: 'm', source: 'X' })
    expect(text.slice(d!.from, d!.to)).toBe('value')
  })

  it('clamps positions past the text', () => {
    const [d] = toLintDiagnostics('a: 1', [
      { code: 'X', severity: 'error', message: 'm', path: [], line: 9, column: 99 },
    ])
    expect(d).toMatchObject({ from: 4, to: 4 })
  })
})

describe('lintYaml', () => {
  it('reports loader errors with severity, on the offending token', () => {
    const text = `workflow:
  name: demo
  steps:
    - name: a
      type: claud
      prompt:
        - type: static
          content: hi
`
    const diags = lintYaml(text)
    const bad = diags.find((d) => d.severity === 'error')
    expect(bad).toBeDefined()
    expect(text.slice(bad!.from, bad!.to)).toBe('claud')
  })

  it('reports a syntax error', () => {
    const diags = lintYaml('workflow:\n  name: [x\n')
    expect(diags.some((d) => d.severity === 'error' && d.source === 'YAML_SYNTAX')).toBe(true)
  })
})
