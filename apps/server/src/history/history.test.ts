/**
 * Automatic versions on real PostgreSQL, with time moved by the test: a version after an idle
 * period, one every few minutes of continuous editing, one per burst when two processes edit
 * together, and the relay's report of a socket edit (a stock y-websocket client) with its author.
 */
import { randomUUID } from 'node:crypto'
import { exportYaml, importYaml } from '@weft/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store, User } from '@weft/storage'
import { postgresBackend, RecordingDoc, sampleYaml } from '@weft/storage/testing'
import { silentLogger } from '../logging/index.js'
import { summarizeState } from '../pipelines/index.js'
import { connect, startRelayServer, waitFor } from '../relay/test-support.js'
import { History, type HistoryTimers } from './history.js'

const T0 = Date.parse('2030-01-01T00:00:00Z')

/** Wall clock and timers that move only when the test says. */
class ManualClock implements HistoryTimers {
  t = T0
  private timers: Array<{ at: number; fn: () => void; id: number }> = []
  private ids = 0
  readonly now = () => new Date(this.t)

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }

  /** Timers set and not yet run or cleared. */
  get waiting(): number {
    return this.timers.length
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle)
  }

  /** Moves time forward by `ms`, running due timers in order and letting their work finish. */
  async advance(ms: number, ...histories: History[]): Promise<void> {
    const target = this.t + ms
    for (;;) {
      await Promise.all(histories.map((h) => h.whenIdle()))
      const next = this.timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (next === undefined) break
      this.timers = this.timers.filter((timer) => timer !== next)
      this.t = Math.max(this.t, next.at)
      next.fn()
    }
    this.t = target
    await Promise.all(histories.map((h) => h.whenIdle()))
  }
}

let store: Store

beforeAll(async () => {
  store = await postgresBackend.open()
})
afterAll(async () => {
  await store?.close()
})

const newUser = () =>
  store.createUser({ email: `u-${randomUUID()}@example.com`, passwordHash: 'x', isAdmin: false })

function newHistory(clock: ManualClock) {
  return new History({
    store: store.versions,
    render: summarizeState,
    logger: silentLogger,
    now: clock.now,
    timers: clock,
    idleMs: 45_000,
    maxMs: 300_000,
    flushMs: 5_000,
  })
}

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
  let n = 0
  /** One edit committed to the log, reported to `history` as the relay would. */
  const edit = async (history: History, author: User) => {
    n++
    await store.appendUpdates([{ pipelineId: id, updates: source.edit(sampleYaml(`edit${n}`)) }])
    history.noteEdit(id, author.id)
  }
  return { id, edit, yaml: () => sampleYaml(`edit${n}`) }
}

const versions = (id: string) => store.versions.list(id, { limit: 100 })

describe('automatic versions', () => {
  it('takes one version once a pipeline has been idle, with who edited', async () => {
    const clock = new ManualClock()
    const history = newHistory(clock)
    const ada = await newUser()
    const p = await newPipeline(ada)
    await p.edit(history, ada)
    await clock.advance(20_000, history)
    await p.edit(history, ada)
    await clock.advance(44_000, history)
    expect(await versions(p.id)).toEqual([])
    await clock.advance(1_000, history)
    const list = await versions(p.id)
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      kind: 'auto',
      authors: [{ id: ada.id, email: ada.email }],
      createdAt: new Date(T0 + 65_000),
    })
    expect((await store.versions.get(p.id, list[0]!.id))?.yaml).toBe(p.yaml())
    // Nothing more happens without edits.
    await clock.advance(3_600_000, history)
    expect(await versions(p.id)).toHaveLength(1)
    expect(history.pendingPipelines()).toEqual([])
    await history.close()
  })

  it('takes a version every five minutes while someone keeps editing', async () => {
    const clock = new ManualClock()
    const history = newHistory(clock)
    const ada = await newUser()
    const p = await newPipeline(ada)
    // An edit every 10 s for 12 minutes: never idle.
    for (let t = 0; t < 720_000; t += 10_000) {
      await p.edit(history, ada)
      await p.edit(history, ada)
      // One check timer and at most one flush timer, however many edits.
      expect(clock.waiting).toBeLessThanOrEqual(2)
      await clock.advance(10_000, history)
    }
    const times = (await versions(p.id)).map((v) => v.createdAt.getTime() - T0).reverse()
    expect(times).toEqual([300_000, 600_000])
    await clock.advance(60_000, history)
    expect((await versions(p.id)).map((v) => v.createdAt.getTime() - T0)).toEqual([
      755_000, 600_000, 300_000,
    ])
    await history.close()
  })

  it('gives two processes editing one pipeline together one version for the burst', async () => {
    const clock = new ManualClock()
    const [a, b] = [newHistory(clock), newHistory(clock)]
    const [ada, bob] = [await newUser(), await newUser()]
    const p = await newPipeline(ada)
    // Ada (on process a) edits for 10 s, Bob (on process b) for 30 s.
    for (let t = 0; t <= 30_000; t += 2_000) {
      if (t <= 10_000) await p.edit(a, ada)
      await p.edit(b, bob)
      await clock.advance(2_000, a, b)
    }
    // Process a's own edits have been idle for 45 s, but Bob's have not: no version yet.
    await clock.advance(30_000, a, b)
    expect(await versions(p.id)).toEqual([])
    await clock.advance(60_000, a, b)
    const list = await versions(p.id)
    expect(list).toHaveLength(1)
    expect(list[0]!.authors.map((x) => x.id).sort()).toEqual([ada.id, bob.id].sort())
    expect((await store.versions.get(p.id, list[0]!.id))?.yaml).toBe(p.yaml())
    await Promise.all([a.close(), b.close()])
  })

  it('records what a process had pending when it stopped, for the next start to version', async () => {
    const clock = new ManualClock()
    const history = newHistory(clock)
    const ada = await newUser()
    const p = await newPipeline(ada)
    await p.edit(history, ada)
    await clock.advance(1_000, history)
    await p.edit(history, ada)
    await history.close()
    clock.t += 60_000
    const next = newHistory(clock)
    await next.sweep()
    const list = await versions(p.id)
    expect(list).toHaveLength(1)
    expect(list[0]!.authors.map((x) => x.id)).toEqual([ada.id])
    expect((await store.versions.get(p.id, list[0]!.id))?.yaml).toBe(p.yaml())
  })

  it('hears of a socket edit through the relay, with the socket’s user as the author', async () => {
    const clock = new ManualClock()
    const history = newHistory(clock)
    const server = await startRelayServer(store, {
      onEdit: (pipelineId, author) => history.noteEdit(pipelineId, author),
    })
    try {
      const { id } = await server.pipeline()
      const { token, principal } = await server.user('editor', 'eve')
      const client = connect(server, id, token, { acks: true })
      try {
        await client.synced()
        const edited = exportYaml(client.doc).replace('do thing 0', 'do it now')
        importYaml(client.doc, edited)
        await waitFor(() => client.saved(), 'the edit saved')
        await clock.advance(45_000, history)
        const list = await versions(id)
        expect(list).toHaveLength(1)
        expect(list[0]!.authors).toEqual([{ id: principal.userId, email: principal.email }])
        expect((await store.versions.get(id, list[0]!.id))?.yaml).toBe(edited)
      } finally {
        client.destroy()
      }
    } finally {
      await server.close()
      await history.close()
    }
  })
})
