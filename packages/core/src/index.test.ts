import { describe, expect, it } from 'vitest'
import * as core from './index.js'

describe('public surface', () => {
  it('exports exactly the names it means to (update this list on purpose)', () => {
    const names = Object.keys(core).sort()
    expect(names).toMatchSnapshot()
  })

  it('exports every piece named in the architecture', () => {
    for (const name of [
      'readYaml',
      'validateYaml',
      'importYaml',
      'exportYaml',
      'deriveGraph',
      'stepCatalogue',
      'renameStep',
      'formatYaml',
    ]) {
      expect(core, name).toHaveProperty(name)
    }
  })
})
