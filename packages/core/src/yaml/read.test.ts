import { describe, expect, it } from 'vitest'
import { readYaml, yamlCodes } from './read.js'

const codes = (text: string) => readYaml(text).diagnostics.map((d) => d.code)

describe('readYaml reads like pipeline_ex (reference §2)', () => {
  it('keeps the FIRST of duplicate keys and warns at the second', () => {
    const r = readYaml('a: 1\nb: 2\na: 3\n')
    expect(r.value).toEqual({ a: 1, b: 2 })
    const d = r.diagnostics.find((x) => x.code === yamlCodes.duplicateKey)
    expect(d).toMatchObject({ line: 3, column: 1, severity: 'warning' })
    expect(d?.message).toContain('line 1')
  })

  it('does not merge `<<` keys', () => {
    const r = readYaml('base: &b\n  type: claude\nstep:\n  <<: *b\n  name: x\n')
    expect(r.value).toEqual({
      base: { type: 'claude' },
      step: { '<<': { type: 'claude' }, name: 'x' },
    })
    expect(codes('base: &b\n  type: claude\nstep:\n  <<: *b\n')).toContain(yamlCodes.mergeKey)
  })

  it('uses the last document, and an empty trailing document is empty', () => {
    expect(readYaml('a: 1\n---\nb: 2\n').value).toEqual({ b: 2 })
    expect(readYaml('a: 1\n---\n').value).toBeNull()
    expect(codes('a: 1\n---\nb: 2\n')).toContain(yamlCodes.multiDocument)
  })

  it('resolves scalars with the YAML 1.2 core schema', () => {
    expect(
      readYaml('a: yes\nb: on\nc: 017\nd: 0o17\ne: 0x1A\nf: 1_000\ng: 2024-01-01\nh: True\n').value,
    ).toEqual({
      a: 'yes',
      b: 'on',
      c: 17,
      d: 15,
      e: 26,
      f: '1_000',
      g: '2024-01-01',
      h: true,
    })
  })

  it('reads an alias of a flow collection as its first scalar, as yamerl does', () => {
    const r = readYaml('o: &o {max_turns: 1}\np: *o\nq: &q [x, y]\nr: *q\n')
    expect(r.value).toMatchObject({ p: 'max_turns', r: 'x' })
    expect(r.diagnostics.filter((d) => d.code === yamlCodes.flowAlias)).toHaveLength(2)
    expect(readYaml('o: &o\n  a: 1\np: *o\n').value).toEqual({ o: { a: 1 }, p: { a: 1 } })
  })

  it('fails the read on a null key', () => {
    const r = readYaml('~: x\n')
    expect(r.ok).toBe(false)
    expect(r.value).toBeUndefined()
    expect(codes('~: x\n')).toContain(yamlCodes.nullKey)
  })

  it('flags a tab in indentation with its line and column', () => {
    const r = readYaml('workflow:\n\tname: w\n')
    const d = r.diagnostics.find(
      (x) => x.code === yamlCodes.tabIndent || x.code === yamlCodes.syntax,
    )
    expect(d).toMatchObject({ line: 2, severity: 'error' })
    // tabs inside block scalars are content, not indentation
    expect(codes('a: |\n  x\n  \ty\n')).not.toContain(yamlCodes.tabIndent)
  })

  it('reports syntax errors with their position and yields no value', () => {
    const r = readYaml('a: [1, 2\nb: 3\n')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatchObject({ code: yamlCodes.syntax, severity: 'error' })
    expect(r.diagnostics[0]!.line).toBeGreaterThan(0)
  })

  it('reads an empty or comment-only file as an empty document', () => {
    expect(readYaml('').value).toBeNull()
    expect(readYaml('# only a comment\n').value).toBeNull()
  })

  it('locates values and keys by path, first key winning', () => {
    const r = readYaml('workflow:\n  name: w\n  steps:\n    - name: a\n      type: claude\n')
    expect(r.locate(['workflow', 'steps', 0, 'type'])).toEqual({ line: 5, column: 13 })
    expect(r.locateKey(['workflow', 'steps', 0, 'type'])).toEqual({ line: 5, column: 7 })
    expect(r.locate(['workflow', 'steps', 0, 'missing'])).toEqual({ line: 4, column: 7 })
  })
})
