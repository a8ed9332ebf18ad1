import { importYaml } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { stepTexts, summarizeDocument, summarizeState } from './summary.js'

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
    expect(summary.stepText).toEqual([{ name: 'analyse', text: 'Find the bugs in this diff' }])
  })

  it('keeps each named top-level step with its prompt text, for naming a search match', () => {
    const pipeline = {
      workflow: {
        steps: [
          { name: 'one', type: 'claude', system_prompt: 'Be brief', prompt: [{ content: 'A' }] },
          { type: 'claude', prompt: [{ content: 'unnamed' }] },
          { name: 'two', type: 'parallel_claude', tasks: [{ prompt: 'B', new_prompt: 'C' }] },
          { name: 'three', type: 'claude', output_to_file: 'not searched.md' },
        ],
      },
    }
    expect(stepTexts(pipeline)).toEqual([
      { name: 'one', text: 'Be brief\nA' },
      { name: 'two', text: 'B\nC' },
      { name: 'three', text: '' },
    ])
    expect(stepTexts({ workflow: { steps: 'none' } })).toEqual([])
    expect(stepTexts(null)).toEqual([])
  })

  it('reads the same from a stored state', () => {
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    expect(summarizeState(Y.encodeStateAsUpdate(doc))).toEqual(summarizeDocument(doc))
  })
})
