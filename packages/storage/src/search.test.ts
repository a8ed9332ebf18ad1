/** Search at the storage level, on both backends: the weighted vector and step_types upkeep. */
import { randomUUID } from 'node:crypto'
import { applyYamlEdit, importYaml } from '@weft/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renderDocument, renderPipeline } from './testing/docs.js'
import { backends } from './testing/stores.js'
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

  async function create(yaml: string) {
    const id = `p_${randomUUID()}`
    const doc = new Y.Doc()
    importYaml(doc, yaml)
    await store.createPipeline({
      id,
      ownerId: owner.id,
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
})
