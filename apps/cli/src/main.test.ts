import { describe, expect, it } from 'vitest'
import { version } from '../package.json'
import { run } from './main.js'
import { workspace } from './testing/workspace.js'

describe('weft', () => {
  it('prints the usage with --help and help, and a command help with help CMD or CMD --help', async () => {
    const w = workspace()
    expect(await w.weft('--help')).toBe(0)
    expect(w.out.stdout).toContain('Usage: weft <command>')
    for (const name of ['validate', 'convert', 'export', 'fmt'])
      expect(w.out.stdout).toContain(`  ${name} `)
    expect(await w.weft('help')).toBe(0)
    expect(w.out.stdout).toContain('Usage: weft <command>')
    expect(await w.weft('help', 'convert')).toBe(0)
    expect(w.out.stdout).toMatch(/^Usage: weft convert IN OUT/)
    expect(await w.weft('fmt', '--help')).toBe(0)
    expect(w.out.stdout).toMatch(/^Usage: weft fmt/)
  })

  it('prints its version', async () => {
    const w = workspace()
    expect(await w.weft('--version')).toBe(0)
    expect(w.out.stdout).toBe(`${version}\n`)
  })

  it('exits 2 with the usage on no command, an unknown command or an unknown flag', async () => {
    const w = workspace()
    expect(await w.weft()).toBe(2)
    expect(w.out.stderr).toContain('Usage: weft <command>')
    expect(await w.weft('frobnicate')).toBe(2)
    expect(w.out.stderr).toMatch(/^weft: unknown command 'frobnicate'\n\nUsage: weft <command>/)
    expect(await w.weft('--frob')).toBe(2)
    expect(w.out.stderr).toMatch(/^weft: unknown option '--frob'/)
    expect(await w.weft('help', 'frobnicate')).toBe(2)
  })

  it('reports an unexpected failure as one line, never a stack trace', async () => {
    const w = workspace()
    w.write('p.yaml', 'a: 1\n')
    const unreadable = {
      ...w.io,
      readFile: () => Promise.reject(new TypeError('boom\n    at somewhere')),
    }
    expect(await run(['validate', 'p.yaml'], unreadable)).toBe(2)
    expect(w.out.stderr).toContain('weft: p.yaml: boom\n')
    const broken = {
      ...w.io,
      stdout: () => {
        throw new Error('stdout closed\n    at x')
      },
    }
    expect(await run(['--help'], broken)).toBe(1)
    expect(w.out.stderr).toContain('weft: internal error: stdout closed\n')
    expect(w.out.stderr).not.toContain('    at ')
  })
})
