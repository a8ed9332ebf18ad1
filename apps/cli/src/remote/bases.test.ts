import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { workspace } from '../testing/workspace.js'
import { basePath, readBase, writeBase } from './bases.js'
import { configDir } from './config.js'

describe('bases', () => {
  it('lives beside the config, under a per-server folder, one file per pipeline id', () => {
    const { io } = workspace({ env: { WEFT_CONFIG: '/cfg/weft.json' } })
    const path = basePath(io, 'https://a.test', 'abc')
    expect(path).toMatch(/^\/cfg\/bases\/[0-9a-f]{16}\/abc\.yaml$/)
    expect(dirname(dirname(path))).toBe(join(configDir(io), 'bases'))
    expect(basePath(io, 'https://b.test', 'abc')).not.toBe(path)
    expect(basePath(io, 'https://a.test', 'abd')).not.toBe(path)
  })

  it('refuses ids that could escape the folder', () => {
    const { io } = workspace()
    for (const id of ['../x', 'a/b', '', '.'])
      expect(() => basePath(io, 'https://a.test', id)).toThrow()
  })

  it('reads back what was written, per server and id, readable by the user only', async () => {
    const { io } = workspace()
    expect(await readBase(io, 'https://a.test', 'p1')).toBeUndefined()
    await writeBase(io, 'https://a.test', 'p1', 'workflow: {}\n')
    await writeBase(io, 'https://b.test', 'p1', 'workflow: {name: b}\n')
    expect(await readBase(io, 'https://a.test', 'p1')).toBe('workflow: {}\n')
    expect(await readBase(io, 'https://b.test', 'p1')).toBe('workflow: {name: b}\n')
    expect(await readBase(io, 'https://a.test', 'p2')).toBeUndefined()
    const path = basePath(io, 'https://a.test', 'p1')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    await writeBase(io, 'https://a.test', 'p1', 'workflow: {name: next}\n')
    expect(await readBase(io, 'https://a.test', 'p1')).toBe('workflow: {name: next}\n')
  })
})
