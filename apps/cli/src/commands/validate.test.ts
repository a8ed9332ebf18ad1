import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { invalidPipeline, unparseableYaml, validPipeline, workspace } from '../testing/workspace.js'

describe('weft validate', () => {
  it('exits 0 and prints only the summary for valid files', async () => {
    const w = workspace()
    w.write('a.yaml', validPipeline)
    w.write('b.yml', validPipeline)
    expect(await w.weft('validate', 'a.yaml', 'b.yml')).toBe(0)
    expect(w.out.stderr).toMatch(/^2 files checked: 2 valid, 0 invalid/)
  })

  it('exits 1 and prints file:line:column: severity code message, sorted by position', async () => {
    const w = workspace()
    w.write('ok.yaml', validPipeline)
    w.write('bad.yaml', invalidPipeline)
    expect(await w.weft('validate', 'ok.yaml', 'bad.yaml')).toBe(1)
    const lines = w.out.stdout.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines)
      expect(line).toMatch(/^bad\.yaml:\d+:\d+: (error|warning|info) [A-Z_]+ \S/)
    const positions = lines.map((l) => l.split(':').slice(1, 3).map(Number) as [number, number])
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1])
    expect(positions).toEqual(sorted)
    expect(w.out.stderr).toMatch(/2 files checked: 1 valid, 1 invalid/)
  })

  it('reports YAML that does not parse as invalid, with its syntax errors', async () => {
    const w = workspace()
    w.write('broken.yaml', unparseableYaml)
    expect(await w.weft('validate', 'broken.yaml')).toBe(1)
    expect(w.out.stdout).toMatch(/^broken\.yaml:\d+:\d+: error YAML_SYNTAX /m)
  })

  it('prints one JSON array of { file, valid, diagnostics } with --json', async () => {
    const w = workspace()
    w.write('ok.yaml', validPipeline)
    w.write('bad.yaml', invalidPipeline)
    expect(await w.weft('validate', '--json', 'ok.yaml', 'bad.yaml')).toBe(1)
    const reports = JSON.parse(w.out.stdout) as {
      file: string
      valid: boolean
      diagnostics: unknown[]
    }[]
    expect(reports.map((r) => [r.file, r.valid])).toEqual([
      ['ok.yaml', true],
      ['bad.yaml', false],
    ])
    expect(reports[1]!.diagnostics[0]).toMatchObject({
      code: expect.any(String),
      severity: 'error',
      line: expect.any(Number),
      column: expect.any(Number),
    })
  })

  it('exits 2 on a missing file or a directory, naming it, and still checks the others', async () => {
    const w = workspace()
    w.write('ok.yaml', validPipeline)
    mkdirSync(join(w.dir, 'dir.yaml'))
    expect(await w.weft('validate', 'missing.yaml', 'dir.yaml', 'ok.yaml', '--json')).toBe(2)
    expect(w.out.stderr).toContain('weft: missing.yaml: no such file or directory\n')
    expect(w.out.stderr).toContain('weft: dir.yaml: is a directory, not a file\n')
    const reports = JSON.parse(w.out.stdout) as {
      file: string
      valid: boolean
      diagnostics: { code: string }[]
    }[]
    expect(reports.map((r) => [r.file, r.valid, r.diagnostics[0]?.code])).toEqual([
      ['missing.yaml', false, 'CLI_FILE_UNREADABLE'],
      ['dir.yaml', false, 'CLI_FILE_UNREADABLE'],
      ['ok.yaml', true, undefined],
    ])
  })

  it('calls binary content invalid rather than parsing it', async () => {
    const w = workspace()
    w.write('junk.yaml', new Uint8Array([0x00, 0xff, 0xfe, 0x10, 0x80]))
    expect(await w.weft('validate', 'junk.yaml')).toBe(1)
    expect(w.out.stderr).toContain('weft: junk.yaml: is not a text file')
  })

  it('accepts test_echo steps only with --test-env', async () => {
    const w = workspace()
    w.write('echo.yaml', validPipeline.replace('type: claude', 'type: test_echo'))
    expect(await w.weft('validate', 'echo.yaml')).toBe(1)
    expect(await w.weft('validate', '--test-env', 'echo.yaml')).toBe(0)
  })

  it('drops lint findings with --no-lint but keeps loader errors', async () => {
    const w = workspace()
    const linted = `${validPipeline}    - name: again
      type: claude
      prompt:
        - type: previous_response
          step: greet
          prefix: ignored by pipeline_ex
`
    w.write('linted.yaml', linted)
    w.write('bad.yaml', invalidPipeline)
    expect(await w.weft('validate', 'linted.yaml')).toBe(0)
    expect(w.out.stdout).toMatch(/^linted\.yaml:\d+:\d+: (warning|info) /m)
    expect(await w.weft('validate', '--no-lint', 'linted.yaml')).toBe(0)
    expect(w.out.stdout).toBe('')
    expect(await w.weft('validate', '--no-lint', 'bad.yaml')).toBe(1)
    expect(w.out.stdout).toMatch(/^bad\.yaml:\d+:\d+: error /m)
  })

  it('exits 2 with the usage on no file or an unknown flag', async () => {
    const w = workspace()
    expect(await w.weft('validate')).toBe(2)
    expect(w.out.stderr).toContain('weft: validate: no file given')
    expect(await w.weft('validate', '--bogus', 'a.yaml')).toBe(2)
    expect(w.out.stderr).toContain("weft: validate: unknown option '--bogus'")
    expect(w.out.stderr).toContain('Usage: weft validate')
  })
})
