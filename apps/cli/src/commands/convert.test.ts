import { exportYaml, isPipelineDoc } from '@weft/core'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { unparseableYaml, validPipeline, workspace } from '../testing/workspace.js'

describe('weft convert', () => {
  it('turns YAML into a Yjs update holding the pipeline', async () => {
    const w = workspace()
    w.write('p.yaml', validPipeline)
    expect(await w.weft('convert', 'p.yaml', 'p.ydoc')).toBe(0)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, w.readBytes('p.ydoc'))
    expect(isPipelineDoc(doc)).toBe(true)
    expect(exportYaml(doc)).toBe(validPipeline)
  })

  it('round-trips an untouched file yaml → ydoc → yaml byte for byte', async () => {
    const w = workspace()
    w.write('p.yml', validPipeline)
    expect(await w.weft('convert', 'p.yml', 'p.ydoc')).toBe(0)
    expect(await w.weft('convert', 'p.ydoc', 'back.yaml')).toBe(0)
    expect(w.read('back.yaml')).toBe(validPipeline)
  })

  it('refuses YAML that does not parse, prints why, and writes nothing', async () => {
    const w = workspace()
    w.write('broken.yaml', unparseableYaml)
    expect(await w.weft('convert', 'broken.yaml', 'out.ydoc')).toBe(1)
    expect(w.out.stderr).toMatch(/^broken\.yaml:\d+:\d+: error YAML_SYNTAX /m)
    expect(w.out.stderr).toContain('weft: broken.yaml: is not YAML that pipeline_ex can read')
    expect(readdirSync(w.dir).sort()).toEqual(['broken.yaml'])
  })

  it('rejects a .ydoc that is junk or holds no pipeline, and leaves the output untouched', async () => {
    const w = workspace()
    w.write('out.yaml', 'keep me\n')
    w.write('junk.ydoc', new Uint8Array([1, 2, 3, 250, 251, 252, 7, 7, 7]))
    expect(await w.weft('convert', 'junk.ydoc', 'out.yaml')).toBe(1)
    expect(w.out.stderr).toBe('weft: junk.ydoc: is not a Yjs document (its bytes do not decode)\n')

    const other = new Y.Doc()
    other.getMap('something').set('else', 1)
    w.write('other.ydoc', Y.encodeStateAsUpdate(other))
    expect(await w.weft('convert', 'other.ydoc', 'out.yaml')).toBe(1)
    expect(w.out.stderr).toBe('weft: other.ydoc: is a Yjs document but holds no Weft pipeline\n')

    w.write('empty.ydoc', Y.encodeStateAsUpdate(new Y.Doc()))
    expect(await w.weft('convert', 'empty.ydoc', 'out.yaml')).toBe(1)
    expect(w.read('out.yaml')).toBe('keep me\n')
    expect(readdirSync(w.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('rejects binary junk named .yaml', async () => {
    const w = workspace()
    w.write('junk.yaml', new Uint8Array([0, 159, 146, 150, 0]))
    expect(await w.weft('convert', 'junk.yaml', 'out.ydoc')).toBe(1)
    expect(w.out.stderr).toBe(
      'weft: junk.yaml: is not a text file (it holds binary data); expected pipeline YAML\n',
    )
  })

  it('exits 2 on a missing input, a directory, or an output it cannot write', async () => {
    const w = workspace()
    expect(await w.weft('convert', 'missing.yaml', 'out.ydoc')).toBe(2)
    expect(w.out.stderr).toBe('weft: missing.yaml: no such file or directory\n')
    mkdirSync(join(w.dir, 'dir.ydoc'))
    expect(await w.weft('convert', 'dir.ydoc', 'out.yaml')).toBe(2)
    expect(w.out.stderr).toBe('weft: dir.ydoc: is a directory, not a file\n')
    w.write('p.yaml', validPipeline)
    expect(await w.weft('convert', 'p.yaml', 'no/such/dir/out.ydoc')).toBe(2)
    expect(w.out.stderr).toBe(
      'weft: no/such/dir/out.ydoc: cannot write it: no such file or directory\n',
    )
  })

  it('exits 2 with the usage on wrong extensions or arguments', async () => {
    const w = workspace()
    expect(await w.weft('convert', 'a.yaml', 'b.yaml')).toBe(2)
    expect(w.out.stderr).toContain("cannot convert 'a.yaml' to 'b.yaml'")
    expect(await w.weft('convert', 'a.json', 'b.ydoc')).toBe(2)
    expect(await w.weft('convert', 'a.yaml')).toBe(2)
    expect(await w.weft('convert', 'a.yaml', 'b.ydoc', 'c')).toBe(2)
    expect(w.out.stderr).toContain('Usage: weft convert IN OUT')
  })
})
