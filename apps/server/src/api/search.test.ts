import { importYaml } from '@weft/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { summarizeDocument } from '../pipelines/index.js'
import { matchedStep, queryTerms } from './search.js'

const yaml = `workflow:
  name: mail_digest
  steps:
    - name: open_mail
      type: claude
      prompt:
        - type: static
          content: Read the inbox
    - name: extract_totals
      type: claude
      prompt:
        - type: static
          content: Sum the invoice totals from the inbox
`

describe('matchedStep', () => {
  const doc = new Y.Doc()
  importYaml(doc, yaml)
  const { stepText } = summarizeDocument(doc)

  it('names the same step from the stored step text as from the YAML', () => {
    for (const [q, prefix, want] of [
      ['invoice', null, 'extract_totals'],
      ['inbox', null, 'open_mail'],
      ['open_mail', null, 'open_mail'],
      ['sum inbox', null, 'extract_totals'],
      ['inv', 'inv', 'extract_totals'],
      ['nothing', null, null],
    ] as const) {
      const terms = queryTerms(q)
      expect(matchedStep(stepText, terms, prefix), q).toBe(want)
      expect(matchedStep(yaml, terms, prefix), q).toBe(want)
    }
  })
})
