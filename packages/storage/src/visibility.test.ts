/**
 * Search tests visibility per row (`visibleTo`), the list reads the `pipeline_grants` view
 * (`visiblePipelines`): the same rule written twice for speed (docs/decisions/0011), so here
 * they must agree, for every way of having a role and of not having one, on both backends.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from './teams.js'
import { RecordingDoc, sampleYaml } from './testing/docs.js'
import { backends } from './testing/stores.js'
import type { Store, User } from './store.js'

const T0 = new Date('2026-01-01T00:00:00Z')

describe.each(backends)('search and the list agree on visibility on $name', (backend) => {
  let store: Store
  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const newUser = () =>
    store.createUser({ email: `u-${randomUUID()}@example.com`, passwordHash: 'x', isAdmin: false })
  const actor = (u: User): Actor => ({ id: u.id, email: u.email })

  it('shows each user exactly the pipelines the list shows', async () => {
    const word = `w${randomUUID().replace(/-/g, '')}`
    const [owner, member, teamViewer, direct, sharedTeamMember, nobody] = await Promise.all(
      Array.from({ length: 6 }, newUser),
    )
    const team = await store.teams.createTeam(
      { id: `t_${randomUUID()}`, name: 'A' },
      actor(owner!),
      T0,
    )
    const other = await store.teams.createTeam(
      { id: `t_${randomUUID()}`, name: 'B' },
      actor(owner!),
      T0,
    )
    await store.teams.setMember(team.id, member!.id, 'member', actor(owner!), T0)
    await store.teams.setMember(team.id, teamViewer!.id, 'viewer', actor(owner!), T0)
    await store.teams.setMember(other.id, sharedTeamMember!.id, 'member', actor(owner!), T0)
    const create = async (name: string, teamId?: string) => {
      const id = `p_${randomUUID()}`
      await store.createPipeline({
        id,
        ownerId: owner!.id,
        ...(teamId === undefined ? {} : { teamId }),
        name: `${word} ${name}`,
        description: '',
        epoch: 'e',
        state: new RecordingDoc(sampleYaml(name)).state(),
        yaml: sampleYaml(name),
        search: `${word} ${name}`,
      })
      await store.search.setTags(id, [word])
      return id
    }
    await create('team owned', team.id)
    const sharedWithTeam = await create('shared with team B')
    await store.teams.shareWithTeam(sharedWithTeam, other.id, 'viewer', actor(owner!), T0)
    const sharedDirectly = await create('shared directly')
    await store.setRole(sharedDirectly, direct!.id, 'editor')
    await create('personal')
    const deleted = await create('deleted', team.id)
    await store.deletePipeline(deleted, T0)

    for (const user of [owner!, member!, teamViewer!, direct!, sharedTeamMember!, nobody!]) {
      const listed = (await store.listPipelines(user.id))
        .filter((p) => p.name.startsWith(word))
        .map((p) => [p.id, p.role])
        .sort()
      for (const tier3 of ['rare', 'common'] as const) {
        for (const scope of ['few', 'many'] as const) {
          for (const shares of ['hash', 'probe'] as const) {
            const found = (
              await store.search.search(user.id, { q: word, limit: 100, tier3, scope, shares })
            )
              .map((h) => [h.id, h.role])
              .sort()
            expect(found, `${user.email} ${tier3} ${scope} ${shares}`).toEqual(listed)
          }
        }
      }
      const tags = await store.search.tagCounts(user.id, 1000)
      const count = tags.find((t) => t.tag === word)?.count ?? 0
      expect(count, user.email).toBe(listed.length)
    }
    expect((await store.listPipelines(nobody!.id)).length).toBe(0)
    expect((await store.listPipelines(sharedTeamMember!.id)).map((p) => p.id)).toEqual([
      sharedWithTeam,
    ])
  })
})
