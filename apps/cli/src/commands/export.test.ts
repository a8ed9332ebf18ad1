import { describe, expect, it } from 'vitest'
import { validPipeline, workspace } from '../testing/workspace.js'

describe('weft export', () => {
  it('prints the YAML of a .ydoc on stdout, or writes it with -o', async () => {
    const w = workspace()
    w.write('p.yaml', validPipeline)
    expect(await w.weft('convert', 'p.yaml', 'p.ydoc')).toBe(0)
    expect(await w.weft('export', 'p.ydoc')).toBe(0)
    expect(w.out.stdout).toBe(validPipeline)
    expect(await w.weft('export', 'p.ydoc', '-o', 'out.yml')).toBe(0)
    expect(w.out.stdout).toBe('')
    expect(w.read('out.yml')).toBe(validPipeline)
  })

  it('rejects junk, and refuses an output that is not YAML so a .ydoc is never overwritten', async () => {
    const w = workspace()
    w.write('junk.ydoc', 'workflow:\n  name: not a ydoc\n')
    expect(await w.weft('export', 'junk.ydoc')).toBe(1)
    expect(w.out.stderr).toBe('weft: junk.ydoc: is not a Yjs document (its bytes do not decode)\n')
    expect(await w.weft('export', 'junk.ydoc', '-o', 'junk.ydoc')).toBe(2)
    expect(w.out.stderr).toContain("the output 'junk.ydoc' must end in .yaml or .yml")
    expect(w.read('junk.ydoc')).toBe('workflow:\n  name: not a ydoc\n')
    expect(await w.weft('export', 'p.yaml')).toBe(2)
    expect(await w.weft('export')).toBe(2)
  })
})
