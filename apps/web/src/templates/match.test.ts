import { describe, expect, it } from 'vitest'
import type { TemplateInfo } from './api.js'
import { BLANK, matchTemplates } from './match.js'

const review: TemplateInfo = {
  id: 'weft.code-review',
  source: 'weft',
  name: 'Code review of a diff',
  description: 'Three parallel reviewers read a diff.',
  stepCount: 2,
  stepTypes: ['parallel_claude', 'claude'],
}
const team: TemplateInfo = {
  id: 'team.x',
  source: 'team',
  name: 'Weekly digest',
  description: '',
  stepCount: 1,
  stepTypes: ['gemini'],
  owner: 'ada@example.com',
}

describe('matchTemplates', () => {
  const all = [BLANK, review, team]

  it('keeps everything, Blank first, for an empty query', () => {
    expect(matchTemplates(all, '  ')).toEqual(all)
  })

  it('needs every word, in name, description, step types or owner', () => {
    expect(matchTemplates(all, 'DIFF review')).toEqual([review])
    expect(matchTemplates(all, 'parallel_claude')).toEqual([review])
    expect(matchTemplates(all, 'ada@')).toEqual([team])
    expect(matchTemplates(all, 'team')).toEqual([team])
    expect(matchTemplates(all, 'blank')).toEqual([BLANK])
    expect(matchTemplates(all, 'diff gemini')).toEqual([])
  })
})
