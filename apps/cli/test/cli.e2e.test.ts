import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, weft, type WeftResult } from './weft.js'

const pipeline = `# Greets, then summarises
workflow:
  name: greeter
  steps:
    - name: greet
      type: claude
      prompt:
        - type: static
          content: |
            Say hello.
    - name: summarise
      type: gemini   # cheaper
      prompt:
        - type: previous_response
          step: greet
`

let dir = ''
beforeAll(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'weft-e2e-'))
  writeFileSync(join(dir, 'p.yaml'), pipeline)
  writeFileSync(join(dir, 'invalid.yaml'), 'name: no workflow here\n')
  writeFileSync(join(dir, 'broken.yaml'), 'workflow:\n  steps: [unclosed\n')
  writeFileSync(join(dir, 'junk.ydoc'), new Uint8Array([7, 0, 255, 19, 88, 1, 2, 3, 4, 5, 200]))
  writeFileSync(join(dir, 'junk.yaml'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]))
  mkdirSync(join(dir, 'folder.yaml'))
})
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

/** A bad-input failure: a non-zero exit and one line on stderr that names the file. */
function expectOneLineFailure(r: WeftResult, file: string, problem: RegExp): void {
  expect(r.status).not.toBe(0)
  expect(r.stderr).not.toContain('    at ')
  const lines = r.stderr.trimEnd().split('\n')
  const line = lines.find((l) => l.startsWith(`weft: ${file}: `))
  expect(line, r.stderr).toMatch(problem)
}

describe('weft (built binary)', () => {
  it('prints help and its version', () => {
    const help = weft(dir, '--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('Usage: weft <command>')
    const cmd = weft(dir, 'help', 'validate')
    expect(cmd.status).toBe(0)
    expect(cmd.stdout).toContain('Usage: weft validate FILE...')
    const v = weft(dir, '--version')
    expect(v.status).toBe(0)
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('exits 2 with the usage on an unknown command or flag', () => {
    for (const args of [['nope'], ['--nope'], ['validate', '--nope', 'p.yaml']]) {
      const r = weft(dir, ...args)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain('Usage: weft')
      expect(r.stderr).not.toContain('    at ')
    }
  })

  it('validate exits 0 for valid, 1 for invalid, 2 for a missing file', () => {
    expect(weft(dir, 'validate', 'p.yaml').status).toBe(0)
    const bad = weft(dir, 'validate', 'p.yaml', 'invalid.yaml')
    expect(bad.status).toBe(1)
    expect(bad.stdout).toMatch(/^invalid\.yaml:\d+:\d+: error [A-Z_]+ .+$/m)
    expect(bad.stderr).toMatch(/2 files checked: 1 valid, 1 invalid/)
    expect(weft(dir, 'validate', 'missing.yaml').status).toBe(2)
    expect(weft(dir, 'validate').status).toBe(2)
  })

  it('validate --json prints one array of { file, valid, diagnostics }', () => {
    const r = weft(dir, 'validate', '--json', 'p.yaml', 'invalid.yaml')
    expect(r.status).toBe(1)
    const reports = JSON.parse(r.stdout) as unknown[]
    expect(reports).toEqual([
      { file: 'p.yaml', valid: true, diagnostics: expect.any(Array) },
      { file: 'invalid.yaml', valid: false, diagnostics: expect.any(Array) },
    ])
    const [, invalid] = reports as { diagnostics: Record<string, unknown>[] }[]
    expect(invalid!.diagnostics.length).toBeGreaterThan(0)
    for (const d of invalid!.diagnostics) {
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining(['code', 'severity', 'message', 'path', 'line', 'column']),
      )
    }
  })

  it('convert yaml → ydoc → yaml gives back the untouched source exactly', () => {
    expect(weft(dir, 'convert', 'p.yaml', 'p.ydoc').status).toBe(0)
    expect(readFileSync(join(dir, 'p.ydoc')).length).toBeGreaterThan(0)
    const back = weft(dir, 'convert', 'p.ydoc', 'back.yml')
    expect(back.status).toBe(0)
    expect(readFileSync(join(dir, 'back.yml'), 'utf8')).toBe(pipeline)
  })

  it('export prints the YAML of a .ydoc on stdout', () => {
    expect(weft(dir, 'convert', 'p.yaml', 'e.ydoc').status).toBe(0)
    const r = weft(dir, 'export', 'e.ydoc')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(pipeline)
  })

  it('fmt rewrites a file canonically and --check tells when it would', () => {
    const messy = pipeline.replace(/^( +)/gm, '$1$1').replace(/^( +)- /gm, '$1  - ')
    writeFileSync(join(dir, 'messy.yaml'), messy)
    const check = weft(dir, 'fmt', '--check', 'messy.yaml')
    expect(check.status).toBe(1)
    expect(readFileSync(join(dir, 'messy.yaml'), 'utf8')).toBe(messy)
    expect(weft(dir, 'fmt', 'messy.yaml').status).toBe(0)
    const formatted = readFileSync(join(dir, 'messy.yaml'), 'utf8')
    expect(formatted).toBe(pipeline.replace('gemini   # cheaper', 'gemini # cheaper'))
    expect(weft(dir, 'fmt', '--check', 'messy.yaml').status).toBe(0)
  })

  describe('bad input: one line naming the file, a non-zero exit, no stack trace', () => {
    it('a missing file', () => {
      expectOneLineFailure(
        weft(dir, 'convert', 'missing.yaml', 'x.ydoc'),
        'missing.yaml',
        /no such file/,
      )
      expectOneLineFailure(weft(dir, 'export', 'missing.ydoc'), 'missing.ydoc', /no such file/)
      expectOneLineFailure(weft(dir, 'fmt', 'missing.yaml'), 'missing.yaml', /no such file/)
    })

    it('a directory', () => {
      expectOneLineFailure(weft(dir, 'validate', 'folder.yaml'), 'folder.yaml', /is a directory/)
      expectOneLineFailure(
        weft(dir, 'convert', 'folder.yaml', 'x.ydoc'),
        'folder.yaml',
        /is a directory/,
      )
    })

    it('binary junk as a .ydoc', () => {
      const r = weft(dir, 'export', 'junk.ydoc')
      expectOneLineFailure(r, 'junk.ydoc', /is not a Yjs document/)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expectOneLineFailure(
        weft(dir, 'convert', 'junk.ydoc', 'x.yaml'),
        'junk.ydoc',
        /is not a Yjs document/,
      )
      // A YAML file renamed to .ydoc is junk as far as Yjs is concerned.
      writeFileSync(join(dir, 'text.ydoc'), pipeline)
      expectOneLineFailure(weft(dir, 'export', 'text.ydoc'), 'text.ydoc', /is not a Yjs document/)
    })

    it('binary junk as a .yaml', () => {
      const r = weft(dir, 'convert', 'junk.yaml', 'x.ydoc')
      expectOneLineFailure(r, 'junk.yaml', /is not a text file/)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expectOneLineFailure(weft(dir, 'validate', 'junk.yaml'), 'junk.yaml', /is not a text file/)
      expectOneLineFailure(weft(dir, 'fmt', 'junk.yaml'), 'junk.yaml', /is not a text file/)
    })

    it('YAML that does not parse', () => {
      const r = weft(dir, 'convert', 'broken.yaml', 'broken.ydoc')
      expect(r.status).toBe(1)
      expectOneLineFailure(r, 'broken.yaml', /is not YAML that pipeline_ex can read/)
      expect(r.stderr).toMatch(/^broken\.yaml:\d+:\d+: error YAML_SYNTAX /m)
      expect(readdirSync(dir)).not.toContain('broken.ydoc')
      expectOneLineFailure(weft(dir, 'fmt', 'broken.yaml'), 'broken.yaml', /cannot be formatted/)
    })

    it('a wrong extension', () => {
      const r = weft(dir, 'convert', 'p.yaml', 'p.json')
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/^weft: convert: cannot convert 'p\.yaml' to 'p\.json'/)
      expect(r.stderr).not.toContain('    at ')
    })

    it('never leaves temp files behind', () => {
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    })
  })
})
