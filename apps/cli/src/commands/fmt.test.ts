import { describe, expect, it } from 'vitest'
import { unparseableYaml, validPipeline, workspace } from '../testing/workspace.js'

// The same pipeline as validPipeline, indented by four with sequences flush with their key.
const messy = `# A small pipeline
workflow:
    name:    hello
    steps:
    - name: greet
      type: claude
      prompt:
      - type: static
        content: Say hello.
`

describe('weft fmt', () => {
  it('rewrites a file canonically, keeping its comments', async () => {
    const w = workspace()
    w.write('p.yaml', messy)
    expect(await w.weft('fmt', 'p.yaml')).toBe(0)
    expect(w.read('p.yaml')).toBe(validPipeline)
    expect(w.out.stderr).toBe('p.yaml: formatted\n')
    expect(await w.weft('fmt', 'p.yaml')).toBe(0)
    expect(w.out.stderr).toBe('')
  })

  it('with --check, exits 1 on an unformatted file and writes nothing', async () => {
    const w = workspace()
    w.write('messy.yaml', messy)
    w.write('clean.yaml', validPipeline)
    expect(await w.weft('fmt', '--check', 'clean.yaml')).toBe(0)
    expect(await w.weft('fmt', '--check', 'clean.yaml', 'messy.yaml')).toBe(1)
    expect(w.out.stderr).toBe('messy.yaml: not formatted\n')
    expect(w.read('messy.yaml')).toBe(messy)
  })

  it('leaves YAML that does not parse unchanged and exits 1', async () => {
    const w = workspace()
    w.write('broken.yaml', unparseableYaml)
    expect(await w.weft('fmt', 'broken.yaml')).toBe(1)
    expect(w.out.stderr).toMatch(/^broken\.yaml:\d+:\d+: error YAML_SYNTAX /m)
    expect(w.out.stderr).toContain(
      'weft: broken.yaml: cannot be formatted safely; left unchanged\n',
    )
    expect(w.read('broken.yaml')).toBe(unparseableYaml)
  })

  it('exits 2 on a missing file or a file that is not YAML by name', async () => {
    const w = workspace()
    expect(await w.weft('fmt', 'missing.yaml')).toBe(2)
    expect(w.out.stderr).toBe('weft: missing.yaml: no such file or directory\n')
    expect(await w.weft('fmt', 'p.ydoc')).toBe(2)
    expect(await w.weft('fmt')).toBe(2)
  })
})
