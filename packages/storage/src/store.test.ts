/**
 * The Store contract, run against both backends. Each backend gets one store per file (an
 * in-memory PGlite costs ~3 s and ~750 MB), so tests isolate themselves with fresh ids.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { backends } from './testing/stores.js'
import { contentOf, docFrom, RecordingDoc, renderPipeline, sampleYaml } from './testing/docs.js'
import { StoreError } from './errors.js'
import type { Role, Store, User } from './store.js'

const T0 = new Date('2030-01-01T00:00:00Z')
const later = (ms: number) => new Date(T0.getTime() + ms)

describe.each(backends)('Store contract on $name', (backend) => {
  let store: Store

  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const email = () => `User-${randomUUID()}@Example.COM`
  const newUser = (isAdmin = false) =>
    store.createUser({ email: email(), passwordHash: 'argon2:x', isAdmin })

  async function newPipeline(owner: User, name = 'flow') {
    const id = `p_${randomUUID()}`
    const source = new RecordingDoc(sampleYaml(name))
    await store.createPipeline({
      id,
      ownerId: owner.id,
      name,
      description: 'a test pipeline',
      epoch: `e_${randomUUID()}`,
      state: source.state(),
      yaml: sampleYaml(name),
      search: sampleYaml(name),
    })
    return { id, source }
  }

  const code = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError)
      return (error as StoreError).code
    }
    return 'resolved'
  }

  describe('users', () => {
    it('stores emails lower-cased and finds them case-insensitively', async () => {
      const raw = email()
      const user = await store.createUser({ email: raw, passwordHash: 'h1', isAdmin: true })
      expect(user.email).toBe(raw.toLowerCase())
      expect(user.isAdmin).toBe(true)
      expect(user.createdAt).toBeInstanceOf(Date)
      const found = await store.findUserByEmail(raw.toUpperCase())
      expect(found).toEqual({ ...user, passwordHash: 'h1' })
      expect(await store.findUserById(user.id)).toEqual(user)
      expect(await store.findUserById(randomUUID())).toBeNull()
      expect(await store.findUserByEmail('nobody@example.com')).toBeNull()
    })

    it('rejects a duplicate email in any case with EMAIL_TAKEN', async () => {
      const raw = email()
      await store.createUser({ email: raw, passwordHash: 'h', isAdmin: false })
      expect(
        await code(
          store.createUser({ email: raw.toUpperCase(), passwordHash: 'h', isAdmin: false }),
        ),
      ).toBe('EMAIL_TAKEN')
    })

    it('counts users', async () => {
      const before = await store.countUsers()
      await newUser()
      await newUser()
      expect(await store.countUsers()).toBe(before + 2)
    })
  })

  describe('credentials', () => {
    it('finds a live credential, not an expired, revoked or other-kind one', async () => {
      const user = await newUser()
      const hash = `h_${randomUUID()}`
      await store.createCredential({
        kind: 'session',
        hash,
        userId: user.id,
        expiresAt: later(1000),
      })
      expect(await store.findCredential('session', hash, T0)).toEqual(user)
      expect(await store.findCredential('token', hash, T0)).toBeNull()
      expect(await store.findCredential('session', hash, later(999))).toEqual(user)
      expect(await store.findCredential('session', hash, later(1000))).toBeNull()
      expect(await store.findCredential('session', 'missing', T0)).toBeNull()
    })

    it('revokes once', async () => {
      const user = await newUser()
      const hash = `h_${randomUUID()}`
      await store.createCredential({
        kind: 'token',
        hash,
        userId: user.id,
        name: 'ci',
        expiresAt: null,
      })
      expect(await store.findCredential('token', hash, later(1e12))).toEqual(user)
      expect(await store.revokeCredential('session', hash, T0)).toBe(false)
      expect(await store.revokeCredential('token', hash, T0)).toBe(true)
      expect(await store.findCredential('token', hash, T0)).toBeNull()
      expect(await store.revokeCredential('token', hash, T0)).toBe(false)
      expect(await store.revokeCredential('token', 'missing', T0)).toBe(false)
    })

    it('refuses a duplicate hash (CONFLICT) and an unknown user (NOT_FOUND)', async () => {
      const user = await newUser()
      const hash = `h_${randomUUID()}`
      await store.createCredential({ kind: 'token', hash, userId: user.id, expiresAt: null })
      expect(
        await code(
          store.createCredential({ kind: 'token', hash, userId: user.id, expiresAt: null }),
        ),
      ).toBe('CONFLICT')
      expect(
        await code(
          store.createCredential({
            kind: 'token',
            hash: 'x' + hash,
            userId: 'nope',
            expiresAt: null,
          }),
        ),
      ).toBe('NOT_FOUND')
    })
  })

  describe('pipelines and access', () => {
    it('creates a pipeline with an owner row and reads it back', async () => {
      const owner = await newUser()
      const { id } = await newPipeline(owner, 'alpha')
      const info = await store.getPipeline(id, owner.id)
      expect(info).toMatchObject({
        id,
        name: 'alpha',
        description: 'a test pipeline',
        role: 'owner',
      })
      expect(info?.epoch).toMatch(/^e_/)
      expect(info?.createdAt).toBeInstanceOf(Date)
      expect(info?.updatedAt).toBeInstanceOf(Date)
      expect(await store.getRole(id, owner.id)).toBe('owner')
      expect(await store.pipelineExists(id)).toBe(true)
      expect(await store.pipelineExists('p_missing')).toBe(false)
      expect(await store.getPipelineText(id)).toEqual({
        yaml: sampleYaml('alpha'),
        name: 'alpha',
        description: 'a test pipeline',
      })
    })

    it('refuses a duplicate id (CONFLICT) and an unknown owner (NOT_FOUND), leaving nothing', async () => {
      const owner = await newUser()
      const { id } = await newPipeline(owner)
      const input = {
        id,
        ownerId: owner.id,
        name: 'x',
        description: '',
        epoch: 'e',
        state: new Uint8Array([0, 0]),
        yaml: '',
        search: '',
      }
      expect(await code(store.createPipeline(input))).toBe('CONFLICT')
      const fresh = `p_${randomUUID()}`
      expect(await code(store.createPipeline({ ...input, id: fresh, ownerId: 'nobody' }))).toBe(
        'NOT_FOUND',
      )
      expect(await store.pipelineExists(fresh)).toBe(false)
    })

    it('sets, changes and removes roles; list and get follow them', async () => {
      const owner = await newUser()
      const other = await newUser()
      const { id } = await newPipeline(owner)
      expect(await store.getPipeline(id, other.id)).toBeNull()
      expect(await store.getRole(id, other.id)).toBeNull()
      await store.setRole(id, other.id, 'viewer')
      expect(await store.getRole(id, other.id)).toBe('viewer')
      await store.setRole(id, other.id, 'editor')
      expect(await store.getRole(id, other.id)).toBe('editor')
      expect((await store.listPipelines(other.id)).map((p) => [p.id, p.role])).toEqual([
        [id, 'editor'],
      ])
      await store.setRole(id, other.id, null)
      expect(await store.getRole(id, other.id)).toBeNull()
      expect(await store.listPipelines(other.id)).toEqual([])
      expect(await code(store.setRole('p_missing', other.id, 'viewer'))).toBe('NOT_FOUND')
    })

    it('lists the newest updated first', async () => {
      const owner = await newUser()
      const a = await newPipeline(owner, 'a')
      const b = await newPipeline(owner, 'b')
      const c = await newPipeline(owner, 'c')
      await store.appendUpdates([{ pipelineId: a.id, updates: a.source.type('x') }])
      const list = await store.listPipelines(owner.id)
      expect(list.map((p) => p.name)[0]).toBe('a')
      expect(new Set(list.map((p) => p.id))).toEqual(new Set([a.id, b.id, c.id]))
      for (let i = 1; i < list.length; i++)
        expect(list[i - 1]!.updatedAt.getTime()).toBeGreaterThanOrEqual(
          list[i]!.updatedAt.getTime(),
        )
    })

    it('deletes: the pipeline disappears from every read and from appends', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      await store.deletePipeline(id, T0)
      expect(await store.getPipeline(id, owner.id)).toBeNull()
      expect(await store.listPipelines(owner.id)).toEqual([])
      expect(await store.getRole(id, owner.id)).toBeNull()
      expect(await store.pipelineExists(id)).toBe(false)
      expect(await store.loadDocument(id)).toBeNull()
      expect(await code(store.readUpdatesSince(id, 0))).toBe('NOT_FOUND')
      const heads = await store.appendUpdates([{ pipelineId: id, updates: source.type('x') }])
      expect(heads.has(id)).toBe(false)
      await store.deletePipeline(id, later(1))
      expect(await code(store.deletePipeline('p_missing', T0))).toBe('NOT_FOUND')
    })
  })

  describe('resolveAccess', () => {
    it('answers a mixed list in one call, in order', async () => {
      const owner = await newUser()
      const editor = await newUser()
      const p1 = await newPipeline(owner)
      const p2 = await newPipeline(owner)
      const gone = await newPipeline(owner)
      await store.setRole(p1.id, editor.id, 'editor')
      await store.setRole(gone.id, editor.id, 'viewer')
      await store.deletePipeline(gone.id, T0)
      const live = `h_${randomUUID()}`
      const token = `h_${randomUUID()}`
      const expired = `h_${randomUUID()}`
      const revoked = `h_${randomUUID()}`
      await store.createCredential({
        kind: 'session',
        hash: live,
        userId: editor.id,
        expiresAt: later(10),
      })
      await store.createCredential({
        kind: 'token',
        hash: token,
        userId: owner.id,
        expiresAt: null,
      })
      await store.createCredential({
        kind: 'session',
        hash: expired,
        userId: editor.id,
        expiresAt: T0,
      })
      await store.createCredential({
        kind: 'session',
        hash: revoked,
        userId: editor.id,
        expiresAt: null,
      })
      await store.revokeCredential('session', revoked, T0)
      const items = [
        { kind: 'session' as const, hash: live, pipelineId: p1.id },
        { kind: 'session' as const, hash: live, pipelineId: p2.id },
        { kind: 'token' as const, hash: token, pipelineId: p2.id },
        { kind: 'session' as const, hash: expired, pipelineId: p1.id },
        { kind: 'session' as const, hash: revoked, pipelineId: p1.id },
        { kind: 'token' as const, hash: live, pipelineId: p1.id },
        { kind: 'session' as const, hash: live, pipelineId: gone.id },
        { kind: 'session' as const, hash: live, pipelineId: 'p_missing' },
        { kind: 'token' as const, hash: token, pipelineId: p1.id },
      ]
      const expected: Array<Role | null> = [
        'editor',
        null,
        'owner',
        null,
        null,
        null,
        null,
        null,
        'owner',
      ]
      expect(await store.resolveAccess(items, T0)).toEqual(expected)
      expect(await store.resolveAccess([], T0)).toEqual([])
      // The same credential, later: the session expired.
      expect(await store.resolveAccess(items.slice(0, 1), later(10))).toEqual([null])
    })
  })

  describe('document log', () => {
    it('append then load reproduces the Y.Doc', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      const loaded0 = await store.loadDocument(id)
      expect(loaded0?.headSeq).toBe(0)
      expect(loaded0?.updates).toHaveLength(1)
      const e1 = source.edit(sampleYaml('renamed', 3))
      const e2 = source.type(' # hi')
      const heads = await store.appendUpdates([{ pipelineId: id, updates: e1 }])
      expect(heads.get(id)).toBe(e1.length)
      await store.appendUpdates([{ pipelineId: id, updates: e2 }])
      const loaded = await store.loadDocument(id)
      expect(loaded?.headSeq).toBe(e1.length + e2.length)
      expect(loaded?.updates).toHaveLength(1 + e1.length + e2.length)
      expect(loaded?.updates[0]).toBeInstanceOf(Uint8Array)
      expect(Buffer.isBuffer(loaded?.updates[0])).toBe(false)
      expect(contentOf(docFrom(loaded!.updates))).toEqual(contentOf(source.doc))
      expect(contentOf(docFrom(loaded!.updates)).yaml).toContain('name: renamed')
      expect(loaded?.epoch).toBe((await store.getPipeline(id, owner.id))?.epoch)
    })

    it('one batch spans pipelines, merges items of one pipeline in order, skips empty items', async () => {
      const owner = await newUser()
      const a = await newPipeline(owner)
      const b = await newPipeline(owner)
      const ua = a.source.type('abc')
      const ub = b.source.type('de')
      const heads = await store.appendUpdates([
        { pipelineId: b.id, updates: ub },
        { pipelineId: a.id, updates: ua.slice(0, 1) },
        { pipelineId: a.id, updates: [] },
        { pipelineId: a.id, updates: ua.slice(1) },
      ])
      expect(Object.fromEntries(heads)).toEqual({ [a.id]: 3, [b.id]: 2 })
      expect((await store.readUpdatesSince(a.id, 0)).updates).toEqual(ua)
      expect((await store.readUpdatesSince(b.id, 0)).updates).toEqual(ub)
      expect((await store.appendUpdates([])).size).toBe(0)
    })

    it('hands out gap-free, monotonic seqs under concurrent appends; each batch is contiguous', async () => {
      const owner = await newUser()
      const a = await newPipeline(owner)
      const b = await newPipeline(owner)
      const tag = (call: number, i: number) => new Uint8Array([call, i])
      const calls = Array.from({ length: 24 }, (_, call) => {
        const n = 1 + (call % 5)
        const updates = Array.from({ length: n }, (_, i) => tag(call, i))
        // Half the calls also touch b, listed first, so lock order matters.
        const batch =
          call % 2 === 0
            ? [
                { pipelineId: b.id, updates: [tag(call, 99)] },
                { pipelineId: a.id, updates },
              ]
            : [{ pipelineId: a.id, updates }]
        return store.appendUpdates(batch).then((heads) => ({ call, n, head: heads.get(a.id)! }))
      })
      const results = await Promise.all(calls)
      const total = results.reduce((s, r) => s + r.n, 0)
      const { headSeq, updates } = await store.readUpdatesSince(a.id, 0)
      expect(headSeq).toBe(total)
      expect(updates).toHaveLength(total)
      expect(new Set(results.map((r) => r.head)).size).toBe(results.length)
      for (const r of results) {
        // The rows of one call sit at seqs head-n+1 … head, in the call's order.
        const rows = updates.slice(r.head - r.n, r.head)
        expect(rows.map((u) => [u[0], u[1]])).toEqual(
          Array.from({ length: r.n }, (_, i) => [r.call, i]),
        )
      }
      expect((await store.readUpdatesSince(b.id, 0)).headSeq).toBe(12)
    })

    it('readUpdatesSince returns the tail, and the snapshot first once rows are compacted', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      const base = await store.loadDocument(id)
      const first = source.type('12345')
      await store.appendUpdates([{ pipelineId: id, updates: first }])
      expect(await store.readUpdatesSince(id, 5)).toMatchObject({ headSeq: 5, updates: [] })
      expect((await store.readUpdatesSince(id, 3)).updates).toEqual(first.slice(3))
      expect((await store.readUpdatesSince(id, 0)).updates).toEqual(first)
      const { merged } = await store.compact(id, renderPipeline)
      expect(merged).toBe(5)
      const second = source.type('678')
      await store.appendUpdates([{ pipelineId: id, updates: second }])
      // A reader at seq 5 (= snapshot_seq) needs only the new rows.
      expect((await store.readUpdatesSince(id, 5)).updates).toEqual(second)
      expect((await store.readUpdatesSince(id, 6)).updates).toEqual(second.slice(1))
      // A reader at seq 2 lost rows 3–5 to compaction: it gets the snapshot, then 6–8.
      const behind = await store.readUpdatesSince(id, 2)
      expect(behind.headSeq).toBe(8)
      expect(behind.updates).toHaveLength(1 + second.length)
      expect(behind.updates.slice(1)).toEqual(second)
      const caughtUp = docFrom([...base!.updates, ...first.slice(0, 2), ...behind.updates])
      expect(contentOf(caughtUp)).toEqual(contentOf(source.doc))
    })

    it('compaction keeps the state, deletes the rows and refreshes the text', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner, 'before')
      const edits = [...source.edit(sampleYaml('after', 4)), ...source.type('\n# note')]
      await store.appendUpdates([{ pipelineId: id, updates: edits }])
      const beforeSize = await store.storageSize(id)
      expect(beforeSize.logRows).toBe(edits.length)
      expect(beforeSize.logBytes).toBe(edits.reduce((s, u) => s + u.length, 0))
      const before = contentOf(docFrom((await store.loadDocument(id))!.updates))

      const result = await store.compact(id, renderPipeline)
      expect(result).toEqual({ merged: edits.length, headSeq: edits.length })
      const loaded = await store.loadDocument(id)
      expect(loaded?.updates).toHaveLength(1)
      expect(loaded?.headSeq).toBe(edits.length)
      expect(contentOf(docFrom(loaded!.updates))).toEqual(before)
      expect(before).toEqual(contentOf(source.doc))
      const size = await store.storageSize(id)
      expect(size).toMatchObject({ logRows: 0, logBytes: 0 })
      expect(size.snapshotBytes).toBeGreaterThan(0)
      const text = await store.getPipelineText(id)
      expect(text?.name).toBe('after')
      expect(text?.yaml).toBe(contentOf(source.doc).yaml)
      expect((await store.getPipeline(id, owner.id))?.name).toBe('after')
      // Nothing left to merge.
      expect(await store.compact(id, renderPipeline)).toEqual({ merged: 0, headSeq: edits.length })
      expect(await code(store.compact('p_missing', renderPipeline))).toBe('NOT_FOUND')
    })

    it('compaction keeps an update whose dependency has not arrived yet', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      const [first, second] = [source.type('a'), source.type('b')]
      // The log holds 'b' without 'a' (a client sent them out of order): 'b' stays pending.
      await store.appendUpdates([{ pipelineId: id, updates: second }])
      expect((await store.compact(id, renderPipeline)).merged).toBe(second.length)
      await store.appendUpdates([{ pipelineId: id, updates: first }])
      await store.compact(id, renderPipeline)
      const loaded = await store.loadDocument(id)
      expect(loaded?.updates).toHaveLength(1)
      expect(contentOf(docFrom(loaded!.updates))).toEqual(contentOf(source.doc))
    })

    it('a render that throws leaves everything as it was', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      await store.appendUpdates([{ pipelineId: id, updates: source.type('xy') }])
      const before = await store.loadDocument(id)
      await expect(
        store.compact(id, () => {
          throw new Error('render failed')
        }),
      ).rejects.toThrow('render failed')
      expect(await store.loadDocument(id)).toEqual(before)
      expect((await store.storageSize(id)).logRows).toBe(2)
    })

    it('concurrent compactions and appends lose nothing', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      const rounds = 30
      const appends: Promise<unknown>[] = []
      const compactions: Promise<{ merged: number }>[] = []
      for (let i = 0; i < rounds; i++) {
        appends.push(store.appendUpdates([{ pipelineId: id, updates: source.type(`${i % 10}`) }]))
        if (i % 3 === 0) {
          compactions.push(store.compact(id, renderPipeline))
          compactions.push(store.compact(id, renderPipeline))
        }
      }
      await Promise.all(appends)
      const merged = (await Promise.all(compactions)).reduce((s, r) => s + r.merged, 0)
      const rest = (await store.storageSize(id)).logRows
      // Every row was merged exactly once or is still in the log.
      expect(merged + rest).toBe(rounds)
      const loaded = await store.loadDocument(id)
      expect(loaded?.headSeq).toBe(rounds)
      expect(contentOf(docFrom(loaded!.updates))).toEqual(contentOf(source.doc))
    })

    it('notifies subscribers of appends with the new head', async () => {
      const owner = await newUser()
      const { id, source } = await newPipeline(owner)
      const seen: string[] = []
      let wake = () => {}
      const stop = await store.subscribeUpdates((pipelineId, headSeq) => {
        if (pipelineId === id) seen.push(`${pipelineId} ${headSeq}`)
        wake()
      })
      const until = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`saw ${seen.join(', ')}`)), 10_000)
          wake = () => {
            if (seen.length >= n) {
              clearTimeout(timer)
              resolve()
            }
          }
          wake()
        })
      await store.appendUpdates([{ pipelineId: id, updates: source.type('ab') }])
      await store.appendUpdates([{ pipelineId: id, updates: source.type('c') }])
      await until(2)
      expect(seen).toEqual([`${id} 2`, `${id} 3`])
      await stop()
      await store.appendUpdates([{ pipelineId: id, updates: source.type('d') }])
      await new Promise((r) => setTimeout(r, 200))
      expect(seen).toHaveLength(2)
    })
  })

  it('round-trips binary updates byte for byte', async () => {
    const owner = await newUser()
    const { id } = await newPipeline(owner)
    const bytes = new Uint8Array(256).map((_, i) => i)
    await store.appendUpdates([{ pipelineId: id, updates: [bytes, new Uint8Array(0)] }])
    const { updates } = await store.readUpdatesSince(id, 0)
    expect(updates).toEqual([bytes, new Uint8Array(0)])
    // The snapshot is a real Yjs update.
    const snapshot = (await store.loadDocument(id))!.updates[0]!
    expect(Y.decodeUpdate(snapshot).structs.length).toBeGreaterThan(0)
  })
})
