import { describe, expect, it } from 'vitest'
import { checkTags, MAX_TAG_LENGTH, MAX_TAGS, normalizeTag, tagProblem } from './index.js'

describe('tags', () => {
  it('normalizes what people type', () => {
    expect(normalizeTag('  Nightly Build ')).toBe('nightly-build')
    expect(normalizeTag('PROD')).toBe('prod')
  })

  it('accepts words of letters, digits, - and _', () => {
    for (const tag of ['prod', 'team-a', 'q3_2026', '2026', 'équipe'])
      expect(tagProblem(tag)).toBeNull()
  })

  it('says why a tag is refused', () => {
    expect(tagProblem('')).toMatch(/empty/)
    expect(tagProblem('-prod')).toMatch(/starting with a letter or digit/)
    expect(tagProblem('a,b')).toMatch(/only hold/)
    expect(tagProblem('a'.repeat(MAX_TAG_LENGTH + 1))).toMatch(/longer than 32/)
  })

  it('checks a list: normalized, duplicates dropped, bounded, first problem named by index', () => {
    expect(checkTags(['Prod', 'prod', 'team a'])).toEqual({ ok: true, tags: ['prod', 'team-a'] })
    expect(checkTags(['ok', 'not ok!'])).toEqual({
      ok: false,
      message:
        'tags[1]: "not-ok!" may only hold lower case letters, digits, - and _, starting with a letter or digit',
    })
    const many = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`)
    expect(checkTags(many)).toEqual({ ok: false, message: `tags: at most ${MAX_TAGS}, not 11` })
  })
})
