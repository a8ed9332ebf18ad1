/**
 * Search at the storage level, on both backends: the ranking tiers people rely on, the filters,
 * tags, visibility and the bound on ranked candidates (docs/decisions/0011-search.md).
 */
import { randomUUID } from 'node:crypto'
import { applyYamlEdit, importYaml } from '@weft/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renderDocument, renderPipeline } from './testing/docs.js'
import { backends } from './testing/stores.js'
import { CANDIDATES, tier3Route } from './search.js'
import type { Store, User } from './store.js'

const yamlOf = (name: string, stepName: string, type: string, prompt: string) =>
  `workflow:
  name: ${name}
  steps:
    - name: ${stepName}
      type: ${type}
      prompt:
        - type: static
          content: ${prompt}
`

describe.each(backends)('search on $name', (backend) => {
  let store: Store
  let owner: User

  beforeAll(async () => {
    store = await backend.open()
    owner = await store.createUser({
      email: `u-${randomUUID()}@example.com`,
      passwordHash: 'x',
      isAdmin: false,
    })
  })
  afterAll(async () => {
    await store?.close()
  })

  async function create(yaml: string, by: User = owner) {
    const id = `p_${randomUUID()}`
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    await store.createPipeline({
      id,
      ownerId: by.id,
      epoch: 'e',
      state: Y.encodeStateAsUpdate(doc),
      ...renderDocument(doc),
    })
    return { id, doc }
  }

  it('ranks a name match above a prompt match and filters by step type', async () => {
    const word = `w${randomUUID().slice(0, 8)}`
    const inPrompt = await create(yamlOf('other', 'a', 'gemini', `about ${word}`))
    const inName = await create(yamlOf(word, 'b', 'claude', 'nothing'))
    const hits = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(hits.map((h) => h.id)).toEqual([inName.id, inPrompt.id])
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank)
    const gemini = await store.search.search(owner.id, { q: word, type: 'gemini', limit: 10 })
    expect(gemini.map((h) => h.id)).toEqual([inPrompt.id])
  })

  it('keeps step types and text current through compaction', async () => {
    const word = `w${randomUUID().slice(0, 8)}`
    const { id, doc } = await create(yamlOf('flow', 'a', 'claude', 'old text'))
    const before = Y.encodeStateVector(doc)
    applyYamlEdit(doc, undefined, yamlOf('flow', 'a', 'claude_smart', `new ${word}`))
    await store.appendUpdates([{ pipelineId: id, updates: [Y.encodeStateAsUpdate(doc, before)] }])
    await store.compact(id, renderPipeline)
    const found = await store.search.search(owner.id, { q: word, type: 'claude_smart', limit: 5 })
    expect(found.map((h) => h.id)).toEqual([id])
    expect(await store.search.search(owner.id, { q: word, type: 'claude', limit: 5 })).toEqual([])
  })

  it('returns the stored step text for a steps match, and the YAML only when there is none', async () => {
    const word = fresh()
    const stepText = [
      { name: 'a', text: `about ${word}` },
      { name: 'b', text: 'nothing' },
    ]
    const id = `p_${randomUUID()}`
    const doc = new Y.Doc()
    importYaml(doc, yamlOf('flow', 'a', 'claude', `about ${word}`))
    await store.createPipeline({
      id,
      ownerId: owner.id,
      epoch: 'e',
      state: Y.encodeStateAsUpdate(doc),
      ...renderDocument(doc),
      stepText,
    })
    const [hit] = await store.search.search(owner.id, { q: word, limit: 5 })
    expect([hit!.id, hit!.tier, hit!.steps, hit!.yaml]).toEqual([id, 3, stepText, ''])
    // Summarised without it (before migration 12): the YAML, to read the steps from.
    const old = await create(yamlOf('flow', 'a', 'claude', `about ${word}x`))
    const [oldHit] = await store.search.search(owner.id, { q: `${word}x`, limit: 5 })
    expect([oldHit!.id, oldHit!.steps]).toEqual([old.id, null])
    expect(oldHit!.yaml).toContain(`about ${word}x`)
    // Compaction writes the renderer's step text.
    const before = Y.encodeStateVector(doc)
    applyYamlEdit(doc, undefined, yamlOf('flow', 'c', 'claude', `now ${word}`))
    await store.appendUpdates([{ pipelineId: id, updates: [Y.encodeStateAsUpdate(doc, before)] }])
    await store.compact(id, (state) => ({
      ...renderPipeline(state),
      stepText: [{ name: 'c', text: `now ${word}` }],
    }))
    const [after] = await store.search.search(owner.id, { q: word, limit: 5 })
    expect(after!.steps).toEqual([{ name: 'c', text: `now ${word}` }])
  })

  const newUser = () =>
    store.createUser({ email: `u-${randomUUID()}@example.com`, passwordHash: 'x', isAdmin: false })
  const fresh = () => `w${randomUUID().slice(0, 8)}`
  const withDescription = (name: string, description: string, prompt: string) =>
    yamlOf(name, 'a', 'claude', prompt).replace(
      '\n  steps:',
      `\n  description: ${description}\n  steps:`,
    )

  it('puts the exact name first, then name, then description, then steps', async () => {
    const word = fresh()
    const inPrompt = await create(yamlOf('other', 'a', 'claude', `${word} ${word} ${word} ${word}`))
    const inDescription = await create(withDescription('misc', `about ${word}`, 'nothing'))
    const inName = await create(yamlOf(`${word}_weekly_digest`, 'b', 'claude', 'nothing'))
    const exact = await create(yamlOf(word, 'c', 'claude', 'nothing'))
    const hits = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(hits.map((h) => h.id)).toEqual([exact.id, inName.id, inDescription.id, inPrompt.id])
    expect(hits.map((h) => h.tier)).toEqual([0, 1, 2, 3])
    // Two words: both in the name beats one in the name and one in a prompt.
    const two = await store.search.search(owner.id, { q: `${word} weekly`, limit: 10 })
    expect(two.map((h) => h.id)).toEqual([inName.id])
  })

  it('fills what the name and description tiers leave of the page with the best steps matches', async () => {
    const word = fresh()
    const weak = await create(yamlOf('s1', 'a', 'claude', `${word} and more words here`))
    const strong = await create(yamlOf('s2', 'a', 'claude', `${word} ${word} ${word}`))
    const exact = await create(yamlOf(word, 'c', 'claude', 'nothing'))
    const inName = await create(yamlOf(`${word}_digest`, 'b', 'claude', 'nothing'))
    const page = async (limit: number) =>
      (await store.search.search(owner.id, { q: word, limit })).map((h) => h.id)
    expect(await page(1)).toEqual([exact.id])
    expect(await page(2)).toEqual([exact.id, inName.id])
    expect(await page(3)).toEqual([exact.id, inName.id, strong.id])
    expect(await page(4)).toEqual([exact.id, inName.id, strong.id, weak.id])
    expect(await page(9)).toEqual([exact.id, inName.id, strong.id, weak.id])
  })

  it('ranks within a tier by text rank, then the newest first', async () => {
    const word = fresh()
    const once = await create(yamlOf('x', 'a', 'claude', `${word} and more words here`))
    const often = await create(yamlOf('y', 'a', 'claude', `${word} ${word} ${word}`))
    const same = await create(yamlOf('z', 'a', 'claude', `${word} and more words here`))
    const hits = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(hits.map((h) => h.id)).toEqual([often.id, same.id, once.id])
  })

  it('checks a phrase in the steps, not just its words', async () => {
    const word = fresh()
    const phrase = await create(yamlOf('p1', 'a', 'claude', `${word} alpha beta`))
    await create(yamlOf('p2', 'a', 'claude', `alpha ${word} beta`))
    const hits = await store.search.search(owner.id, { q: `"${word} alpha"`, limit: 5 })
    expect(hits.map((h) => [h.id, h.tier])).toEqual([[phrase.id, 3]])
  })

  it('finds the same steps matches whichever way tier 3 looks for them', async () => {
    const word = fresh()
    const stranger = await newUser()
    const a = await create(yamlOf('a1', 'a', 'gemini', `${word} alpha beta`))
    const b = await create(yamlOf('b1', 'b', 'claude', `alpha ${word} ${word}`))
    await create(yamlOf('c1', 'c', 'claude', `${word} alpha`), stranger)
    for (const [q, extra, want] of [
      [word, {}, [b.id, a.id]],
      [`"${word} alpha"`, {}, [a.id]],
      [word, { type: 'gemini' }, [a.id]],
      [`${word} -beta`, {}, [b.id]],
    ] as const) {
      for (const tier3 of ['rare', 'common'] as const) {
        for (const scope of ['few', 'many'] as const) {
          for (const shares of ['hash', 'probe'] as const) {
            const hits = await store.search.search(owner.id, {
              q,
              limit: 10,
              tier3,
              scope,
              shares,
              ...extra,
            })
            expect(
              hits.map((h) => h.id),
              `${q} ${tier3} ${scope} ${shares}`,
            ).toEqual(want)
          }
        }
      }
    }
  })

  it('finds a phrase in names and descriptions the same whichever way it looks', async () => {
    const word = fresh()
    const stranger = await newUser()
    const inName = await create(yamlOf(`${word}_alpha_report`, 'a', 'claude', 'x'))
    const inDescription = await create(withDescription('d1', `the ${word} alpha one`, 'x'))
    // The words, not the phrase; and the phrase where the user cannot see it.
    await create(yamlOf(`alpha_${word}`, 'a', 'claude', 'x'))
    await create(withDescription('d2', `alpha then ${word}`, 'x'))
    await create(yamlOf(`${word}_alpha`, 'a', 'claude', 'x'), stranger)
    for (const scope of ['few', 'many'] as const) {
      for (const shares of ['hash', 'probe'] as const) {
        const q = `"${word} alpha"`
        const hits = await store.search.search(owner.id, { q, limit: 10, scope, shares })
        expect(
          hits.map((h) => [h.id, h.tier]),
          `${scope} ${shares}`,
        ).toEqual([
          [inName.id, 1],
          [inDescription.id, 2],
        ])
      }
    }
  })

  it('matches the last word as a prefix only when asked (type-ahead)', async () => {
    const word = fresh()
    const p = await create(yamlOf(`${word}ation_report`, 'a', 'claude', 'nothing'))
    expect(await store.search.search(owner.id, { q: word, limit: 5 })).toEqual([])
    const typed = await store.search.search(owner.id, { q: word, prefix: true, limit: 5 })
    expect(typed.map((h) => h.id)).toEqual([p.id])
    const phrase = await store.search.search(owner.id, {
      q: `report ${word}`,
      prefix: true,
      limit: 5,
    })
    expect(phrase.map((h) => h.id)).toEqual([p.id])
  })

  it('keeps tags: searchable as names are, a filter, listed with the pipeline', async () => {
    const word = fresh()
    const tagged = await create(yamlOf('plain', 'a', 'claude', 'nothing'))
    const untagged = await create(yamlOf('plain', 'a', 'claude', `mentions ${word}`))
    expect(await store.search.setTags(tagged.id, [word, 'prod'])).toBe(true)
    expect(await store.search.setTags('p_missing', ['x'])).toBe(false)
    const hits = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(hits.map((h) => [h.id, h.tier])).toEqual([
      [tagged.id, 1],
      [untagged.id, 3],
    ])
    expect(hits[0]!.tags).toEqual([word, 'prod'])
    const filtered = await store.search.search(owner.id, { q: 'plain', tag: word, limit: 10 })
    expect(filtered.map((h) => h.id)).toEqual([tagged.id])
    expect((await store.getPipeline(tagged.id, owner.id))!.tags).toEqual([word, 'prod'])
    expect((await store.listPipelines(owner.id)).find((p) => p.id === untagged.id)!.tags).toEqual(
      [],
    )
    expect(await store.search.setTags(tagged.id, [])).toBe(true)
    expect(await store.search.search(owner.id, { q: 'plain', tag: word, limit: 10 })).toEqual([])
  })

  it('filters by owner', async () => {
    const word = fresh()
    const other = await newUser()
    const mine = await create(yamlOf(word, 'a', 'claude', 'x'))
    const theirs = await create(yamlOf(word, 'a', 'claude', 'x'), other)
    await store.setRole(theirs.id, owner.id, 'viewer')
    const all = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(new Set(all.map((h) => h.id))).toEqual(new Set([mine.id, theirs.id]))
    const byOther = await store.search.search(owner.id, {
      q: word,
      ownerEmail: other.email,
      limit: 10,
    })
    expect(byOther.map((h) => [h.id, h.role])).toEqual([[theirs.id, 'viewer']])
    const nobody = await store.search.search(owner.id, {
      q: word,
      ownerEmail: 'no@example.com',
      limit: 10,
    })
    expect(nobody).toEqual([])
  })

  it('never shows a pipeline the user cannot see, nor its tags, nor a deleted one', async () => {
    const word = fresh()
    const stranger = await newUser()
    const hidden = await create(yamlOf(word, 'a', 'claude', word), stranger)
    await store.search.setTags(hidden.id, [word])
    expect(await store.search.search(owner.id, { q: word, limit: 10 })).toEqual([])
    expect(await store.search.search(owner.id, { q: word, tag: word, limit: 10 })).toEqual([])
    expect((await store.search.tagCounts(owner.id, 500)).map((t) => t.tag)).not.toContain(word)
    expect(await store.search.tagCounts(stranger.id, 10)).toEqual([{ tag: word, count: 1 }])
    await store.setRole(hidden.id, owner.id, 'editor')
    const shared = await store.search.search(owner.id, { q: word, limit: 10 })
    expect(shared.map((h) => [h.id, h.role])).toEqual([[hidden.id, 'editor']])
    expect(await store.search.tagCounts(owner.id, 500)).toContainEqual({ tag: word, count: 1 })
    await store.setRole(hidden.id, owner.id, null)
    expect(await store.search.search(owner.id, { q: word, limit: 10 })).toEqual([])
    const mine = await create(yamlOf(word, 'a', 'claude', 'x'))
    await store.deletePipeline(mine.id, new Date())
    expect(await store.search.search(owner.id, { q: word, limit: 10 })).toEqual([])
  })

  it(`ranks only the ${CANDIDATES} newest matches of a tier (the documented cost)`, async () => {
    const word = fresh()
    const searcher = await newUser()
    // Oldest: the best text match, then more newer weaker matches than the bound.
    const best = await create(
      yamlOf('old', 'a', 'claude', `${word} ${word} ${word} ${word}`),
      searcher,
    )
    for (let i = 0; i < CANDIDATES; i++) {
      await create(yamlOf(`n${i}`, 'a', 'claude', `${word} once among other words`), searcher)
    }
    for (const scope of ['few', 'many'] as const) {
      const hits = await store.search.search(searcher.id, { q: word, limit: 5, scope })
      expect(hits, scope).toHaveLength(5)
      expect(hits.map((h) => h.id)).not.toContain(best.id)
      // A narrower query (a filter, another word) brings it back within the bound.
      const narrowed = await store.search.search(searcher.id, {
        q: `${word} old`,
        limit: 5,
        scope,
      })
      expect(narrowed[0]!.id, scope).toBe(best.id)
    }
  }, 120_000)
})

describe('tier3Route', () => {
  // The benchmark's library (decision 0011): 100,000 pipelines, one user in one team of 8,000.
  it('reads the index for words in a few percent of pipelines, even for a user who sees few', () => {
    // 4 % of the library: a walk would pass every one of the user's 8,000 pipelines.
    expect(tier3Route(4_400, 8_000, 100_000)).toBe('rare')
    expect(tier3Route(4_400, 100_000, 100_000)).toBe('rare')
    expect(tier3Route(0, 8_000, 100_000)).toBe('rare')
  })

  it('walks the newest pipelines for a word in a large part of the library', () => {
    // 25 %: 800 walked rows find 200 matches; the index would read 25,000.
    expect(tier3Route(25_000, 8_000, 100_000)).toBe('common')
    expect(tier3Route(90_000, 100_000, 100_000)).toBe('common')
  })

  it('reads the index when the user sees fewer pipelines than it has matches to read', () => {
    expect(tier3Route(25_000, 50, 100_000)).toBe('common')
    expect(tier3Route(150, 50, 100_000)).toBe('rare')
    expect(tier3Route(250, 50, 100_000)).toBe('common')
  })
})
