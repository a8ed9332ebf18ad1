/**
 * The version store on both backends: when an automatic version is due, that a second process
 * asking for the same burst gets no second version, named versions, restores, paging.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from './testing/stores.js'
import { RecordingDoc, renderPipeline, sampleYaml } from './testing/docs.js'
import type { Store, User } from './store.js'

const T0 = new Date('2030-01-01T00:00:00Z')
const at = (ms: number) => new Date(T0.getTime() + ms)
const rules = { idleMs: 45_000, maxMs: 300_000, render: renderPipeline }

describe.each(backends)('Version store on $name', (backend) => {
  let store: Store

  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const newUser = () =>
    store.createUser({ email: `u-${randomUUID()}@example.com`, passwordHash: 'x', isAdmin: false })

  async function newPipeline(owner: User) {
    const id = `p_${randomUUID()}`
    const source = new RecordingDoc(sampleYaml('flow'))
    await store.createPipeline({
      id,
      ownerId: owner.id,
      name: 'flow',
      description: '',
      epoch: `e_${randomUUID()}`,
      state: source.state(),
      yaml: sampleYaml('flow'),
      search: '',
    })
    /** Renames the pipeline in the stored log, as an editor's update would. */
    const edit = async (name: string) => {
      await store.appendUpdates([{ pipelineId: id, updates: source.edit(sampleYaml(name)) }])
    }
    return { id, edit }
  }

  it('waits while edits continue, takes one version when idle, and none for the same state', async () => {
    const ada = await newUser()
    const { id, edit } = await newPipeline(ada)
    await edit('first')
    await store.versions.recordEdits(id, { authors: [ada.id], firstAt: at(0), lastAt: at(10_000) })
    expect(await store.versions.takeAuto(id, { ...rules, now: at(30_000) })).toEqual({
      outcome: 'wait',
      due: at(55_000),
    })
    const taken = await store.versions.takeAuto(id, { ...rules, now: at(55_000) })
    expect(taken.outcome).toBe('taken')
    if (taken.outcome !== 'taken') return
    expect(taken.version).toMatchObject({
      number: 1,
      kind: 'auto',
      name: null,
      authors: [{ id: ada.id, email: ada.email }],
      createdBy: null,
      createdAt: at(55_000),
    })
    const version = await store.versions.get(id, taken.version.id)
    expect(version?.yaml).toBe(sampleYaml('first'))
    // Nothing pending any more, and nothing new in the log: no version.
    expect(await store.versions.takeAuto(id, { ...rules, now: at(500_000) })).toEqual({
      outcome: 'none',
    })
    expect(await store.versions.list(id, { limit: 10 })).toHaveLength(1)
  })

  it('takes a version every maxMs of continuous editing', async () => {
    const ada = await newUser()
    const { id, edit } = await newPipeline(ada)
    await edit('busy')
    await store.versions.recordEdits(id, { authors: [ada.id], firstAt: at(0), lastAt: at(0) })
    for (let t = 10_000; t < 300_000; t += 10_000) {
      await store.versions.recordEdits(id, { authors: [], firstAt: at(t), lastAt: at(t) })
      const result = await store.versions.takeAuto(id, { ...rules, now: at(t) })
      expect(result.outcome, `at ${t} ms`).toBe('wait')
    }
    const taken = await store.versions.takeAuto(id, { ...rules, now: at(300_000) })
    expect(taken.outcome).toBe('taken')
  })

  it('gives a second process asking for the same burst no second version, only its authors', async () => {
    const [ada, bob] = [await newUser(), await newUser()]
    const { id, edit } = await newPipeline(ada)
    await edit('together')
    await store.versions.recordEdits(id, { authors: [ada.id], firstAt: at(0), lastAt: at(1_000) })
    const [one, two] = await Promise.all([
      store.versions.takeAuto(id, { ...rules, now: at(50_000) }),
      store.versions.takeAuto(id, { ...rules, now: at(50_000) }),
    ])
    expect([one.outcome, two.outcome].sort()).toEqual(['none', 'taken'])
    // Bob's process recorded its part of the burst a moment after the version was taken.
    await store.versions.recordEdits(id, { authors: [bob.id], firstAt: at(900), lastAt: at(1_000) })
    expect(await store.versions.takeAuto(id, { ...rules, now: at(50_100) })).toEqual({
      outcome: 'none',
    })
    const list = await store.versions.list(id, { limit: 10 })
    expect(list).toHaveLength(1)
    expect(list[0]!.authors.map((a) => a.id).sort()).toEqual([ada.id, bob.id].sort())
  })

  it('names the state an automatic version holds instead of copying it; a new state gets a new version', async () => {
    const ada = await newUser()
    const { id, edit } = await newPipeline(ada)
    await edit('v1')
    await store.versions.recordEdits(id, { authors: [ada.id], firstAt: at(0), lastAt: at(0) })
    await store.versions.takeAuto(id, { ...rules, now: at(60_000) })
    const named = await store.versions.create(id, {
      kind: 'named',
      name: 'Before the refactor',
      createdBy: ada.id,
      at: at(70_000),
      render: renderPipeline,
    })
    expect(named).toMatchObject({ number: 1, kind: 'named', name: 'Before the refactor' })
    expect(named.createdBy).toEqual({ id: ada.id, email: ada.email })

    await edit('v2')
    const second = await store.versions.create(id, {
      kind: 'named',
      name: 'After',
      createdBy: ada.id,
      at: at(80_000),
      render: renderPipeline,
    })
    expect(second.number).toBe(2)
    expect((await store.versions.get(id, second.id))?.yaml).toBe(sampleYaml('v2'))
    expect((await store.versions.get(id, named.id))?.yaml).toBe(sampleYaml('v1'))
  })

  it('records a restore with the restorer among the authors and what it came from', async () => {
    const [ada, bob] = [await newUser(), await newUser()]
    const { id, edit } = await newPipeline(ada)
    const first = await store.versions.create(id, {
      kind: 'named',
      name: 'start',
      createdBy: ada.id,
      at: at(0),
      render: renderPipeline,
    })
    await edit('restored')
    await store.versions.recordEdits(id, { authors: [ada.id], firstAt: at(1), lastAt: at(2) })
    const restore = await store.versions.create(id, {
      kind: 'restore',
      name: 'Restored from start',
      createdBy: bob.id,
      at: at(3),
      restoredFrom: first.id,
      render: renderPipeline,
    })
    expect(restore).toMatchObject({ kind: 'restore', restoredFrom: first.id, number: 2 })
    expect(restore.authors.map((a) => a.id).sort()).toEqual([ada.id, bob.id].sort())
  })

  it('keeps the state a pipeline was created in as its first version, once', async () => {
    const ada = await newUser()
    const { id, edit } = await newPipeline(ada)
    const created = await store.versions.recordCreation(id, {
      createdBy: ada.id,
      at: at(0),
      render: renderPipeline,
    })
    expect(created).toMatchObject({ number: 1, kind: 'auto', name: 'Created' })
    expect(created?.authors.map((a) => a.id)).toEqual([ada.id])
    await edit('later')
    expect(
      await store.versions.recordCreation(id, {
        createdBy: ada.id,
        at: at(1),
        render: renderPipeline,
      }),
    ).toBeNull()
    expect((await store.versions.get(id, created!.id))?.yaml).toBe(sampleYaml('flow'))
  })

  it('lists newest first in pages, renames, and keeps versions to their pipeline', async () => {
    const ada = await newUser()
    const { id, edit } = await newPipeline(ada)
    const other = await newPipeline(ada)
    for (let i = 1; i <= 5; i++) {
      await edit(`n${i}`)
      await store.versions.create(id, {
        kind: 'named',
        name: `v${i}`,
        createdBy: ada.id,
        at: at(i),
        render: renderPipeline,
      })
    }
    const first = await store.versions.list(id, { limit: 2 })
    expect(first.map((v) => v.name)).toEqual(['v5', 'v4'])
    const next = await store.versions.list(id, { limit: 2, before: first[1]!.number })
    expect(next.map((v) => v.name)).toEqual(['v3', 'v2'])
    const renamed = await store.versions.rename(id, next[0]!.id, 'third')
    expect(renamed?.name).toBe('third')
    expect(await store.versions.rename(other.id, next[0]!.id, 'x')).toBeNull()
    expect(await store.versions.get(other.id, next[0]!.id)).toBeNull()
    expect(await store.versions.list(other.id, { limit: 10 })).toEqual([])
  })

  it('ignores edits of a deleted pipeline and finds overdue activity', async () => {
    const ada = await newUser()
    const gone = await newPipeline(ada)
    await store.deletePipeline(gone.id, at(0))
    await store.versions.recordEdits(gone.id, { authors: [ada.id], firstAt: at(0), lastAt: at(0) })
    await store.versions.recordEdits(`p_${randomUUID()}`, {
      authors: [],
      firstAt: at(0),
      lastAt: at(0),
    })
    const { id } = await newPipeline(ada)
    await store.versions.recordEdits(id, { authors: [], firstAt: at(0), lastAt: at(1_000) })
    const overdue = await store.versions.overdue(at(46_000), 45_000, 1000)
    expect(overdue).toContain(id)
    expect(overdue).not.toContain(gone.id)
    expect(await store.versions.overdue(at(45_999), 45_000, 1000)).not.toContain(id)
    await expect(store.versions.takeAuto(gone.id, { ...rules, now: at(0) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('thins automatic versions older than keepAllMs to the last of each day, keeping who edited', async () => {
    const ada = await newUser()
    const bob = await newUser()
    const cid = await newUser()
    const { id, edit } = await newPipeline(ada)
    const HOUR = 3_600_000
    const DAY = 24 * HOUR
    /** One burst by `who` at `t`, versioned automatically once idle. */
    const burst = async (who: User, t: number, keepAllMs?: number) => {
      await edit(`v${t}`)
      await store.versions.recordEdits(id, { authors: [who.id], firstAt: at(t), lastAt: at(t) })
      const r = await store.versions.takeAuto(id, {
        ...rules,
        ...(keepAllMs === undefined ? {} : { keepAllMs }),
        now: at(t + 60_000),
      })
      if (r.outcome !== 'taken') throw new Error(`no version at ${t}: ${r.outcome}`)
      return r.version
    }
    // Day 0: four automatic versions by Ada, Bob, Ada, Cid; a named one in between.
    const a1 = await burst(ada, 1 * HOUR)
    const b2 = await burst(bob, 2 * HOUR)
    await edit('named')
    const named = await store.versions.create(id, {
      kind: 'named',
      name: 'Reviewed',
      createdBy: ada.id,
      at: at(3 * HOUR),
      render: renderPipeline,
    })
    const a4 = await burst(ada, 4 * HOUR)
    const c5 = await burst(cid, 5 * HOUR)
    // Day 1: two, one of which a restore came from.
    const d1a = await burst(bob, DAY + HOUR)
    await store.versions.create(id, {
      kind: 'restore',
      name: 'Restored from 6',
      createdBy: bob.id,
      restoredFrom: d1a.id,
      at: at(DAY + 2 * HOUR),
      render: renderPipeline,
    })
    const d1b = await burst(cid, DAY + 3 * HOUR)
    const numbersBefore = (await store.versions.list(id, { limit: 50 })).map((v) => v.number)

    // Day 20, keeping 14 days: day 0 keeps only its last automatic version and the named one;
    // day 1 keeps both (one is a restore's source); the new version is kept.
    const late = await burst(ada, 20 * DAY, 14 * DAY)
    const after = await store.versions.list(id, { limit: 50 })
    const left = new Set(after.map((v) => v.id))
    expect(left.has(a1.id)).toBe(false)
    expect(left.has(b2.id)).toBe(false)
    expect(left.has(a4.id)).toBe(false)
    for (const v of [named, c5, d1a, d1b, late]) expect(left.has(v.id), `${v.number}`).toBe(true)
    expect(after).toHaveLength(numbersBefore.length + 1 - 3)
    // Ada and Bob edited before "Reviewed": it now names them; Ada's later edit moves to c5.
    const byId = new Map(after.map((v) => [v.id, v]))
    const authorsOf = (v: { id: string }) =>
      byId
        .get(v.id)!
        .authors.map((a) => a.id)
        .sort()
    expect(authorsOf(named)).toEqual([ada.id, bob.id].sort())
    expect(authorsOf(c5)).toEqual([ada.id, cid.id].sort())
    // Numbers are kept, not reused.
    expect(byId.get(c5.id)!.number).toBe(c5.number)

    // Without keepAllMs nothing is thinned.
    await burst(bob, 20 * DAY + HOUR)
    await burst(bob, 20 * DAY + 2 * HOUR)
    expect(await store.versions.list(id, { limit: 50 })).toHaveLength(after.length + 2)
  })
})
