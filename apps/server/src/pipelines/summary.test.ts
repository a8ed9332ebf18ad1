import { importYaml } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { summarizeDocument, summarizeState } from './summary.js'

const yaml = `# team pipeline
workflow:
  name: review_code
  description: Reviews a pull request
  steps:
    - name: analyse
      type: claude
      prompt:
        - type: static
          content: Find the bugs in this diff
`

describe('summarizeDocument', () => {
  it('keeps the YAML, name, description and the searchable text', () => {
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    const summary = summarizeDocument(doc)
    expect(summary.yaml).toBe(yaml)
    expect(summary.name).toBe('review_code')
    expect(summary.description).toBe('Reviews a pull request')
    expect(summary.search).toContain('analyse')
    expect(summary.search).toContain('Find the bugs in this diff')
    expect(summary.search).not.toContain('team pipeline')
  })

  it('reads the same from a stored state', () => {
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    expect(summarizeState(Y.encodeStateAsUpdate(doc))).toEqual(summarizeDocument(doc))
  })
})
