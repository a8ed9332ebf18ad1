/**
 * kill -9 tests: a child process is killed at seeded random moments.
 *  - PGlite on disk: every append the child acknowledged (its promise resolved) is there after a
 *    reopen, gap-free, byte for byte.
 *  - PostgreSQL: a compaction killed mid-transaction leaves the old state or the new one, never
 *    a mix, and the document's content is the same either way.
 * Replay a seed with WEFT_STORAGE_SEED=n.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStorageChild } from './testing/build-child.js'
import { contentOf, docFrom, payloadFor, RecordingDoc, sampleYaml } from './testing/docs.js'
import { freshDatabaseUrl } from './testing/stores.js'
import { openStore } from './open.js'

const seed = Number(process.env.WEFT_STORAGE_SEED ?? '1')

/** mulberry32: small, seeded, good enough to pick kill moments. */
function random(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Child {
  proc: ChildProcess
  lines: string[]
  /** Resolves with the first line (from now on or already seen) matching. */
  waitFor(match: (line: string) => boolean, timeoutMs?: number): Promise<string>
  exited: Promise<number | null>
  stderr(): string
}

function start(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let err = ''
  const waiters: Array<() => void> = []
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line)
    waiters.splice(0).forEach((w) => w())
  })
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      waiters.splice(0).forEach((w) => w())
      resolve(code)
    })
  })
  return {
    proc,
    lines,
    exited,
    stderr: () => err,
    waitFor(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child: no matching line; stderr: ${err}`)),
          timeoutMs,
        )
        const check = () => {
          const found = lines.find(match)
          if (found !== undefined) {
            clearTimeout(timer)
            resolve(found)
          } else if (proc.exitCode !== null) {
            clearTimeout(timer)
            reject(new Error(`child exited ${proc.exitCode}; stderr: ${err}`))
          } else waiters.push(check)
        }
        check()
      })
    },
  }
}

async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL')
  await child.exited
}

let script: string
beforeAll(async () => {
  script = await buildStorageChild()
})
afterAll(() => {
  if (script) rmSync(dirname(script), { recursive: true, force: true })
})

describe('kill -9 while appending to PGlite on disk', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-crash-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every acknowledged append', async () => {
    const rand = random(seed)
    const dataDir = join(dir, 'data')
    const setup = await openStore({ dataDir })
    const user = await setup.createUser({
      email: 'a@example.com',
      passwordHash: 'h',
      isAdmin: false,
    })
    await setup.createPipeline({
      id: 'p1',
      ownerId: user.id,
      name: 'n',
      description: '',
      epoch: 'e',
      state: new Uint8Array([0, 0]),
      yaml: '',
      search: '',
    })
    await setup.close()

    let acked = 0
    for (let round = 0; round < 3; round++) {
      const child = start(script, ['append', dataDir, 'p1'])
      await child.waitFor((l) => l.startsWith('ready'))
      // Let it commit for a while, then kill it at a random moment.
      await child.waitFor((l) => l.startsWith('ack '))
      await sleep(100 + rand() * 400)
      await kill9(child)
      const acks = child.lines
        .filter((l) => l.startsWith('ack '))
        .map((l) => Number(l.split(' ')[1]))
      acked = Math.max(acked, ...acks)

      // The killed process left its lock file behind; reopening takes it over.
      const store = await openStore({ dataDir })
      const { headSeq, updates } = await store.readUpdatesSince('p1', 0)
      await store.close()
      expect(headSeq, `seed ${seed}`).toBeGreaterThanOrEqual(acked)
      expect(updates).toHaveLength(headSeq)
      updates.forEach((u, i) => expect(u).toEqual(payloadFor(i + 1)))
      acked = headSeq
    }
  })
})

describe('kill -9 during compaction on PostgreSQL', () => {
  it('leaves the old or the new state, never a mix, and the same content', async () => {
    const rand = random(seed + 1000)
    const url = await freshDatabaseUrl()
    const store = await openStore({ databaseUrl: url, poolSize: 2 })
    const user = await store.createUser({
      email: `${randomUUID()}@example.com`,
      passwordHash: 'h',
      isAdmin: false,
    })
    const source = new RecordingDoc(sampleYaml('crash'))
    await store.createPipeline({
      id: 'p1',
      ownerId: user.id,
      name: 'crash',
      description: '',
      epoch: 'e',
      state: source.state(),
      yaml: '',
      search: '',
    })
    const outcomes = { rolledBack: 0, committed: 0 }
    try {
      for (let round = 0; round < 8; round++) {
        const edits =
          round % 2 === 0
            ? source.type(` r${round}`)
            : source.edit(sampleYaml(`crash_${round}`, 2 + round))
        await store.appendUpdates([{ pipelineId: 'p1', updates: edits }])
        const before = await store.storageSize('p1')
        // Early rounds die while the transaction is open (long render); later ones at any moment.
        const early = round < 4
        const spin = early ? 300 : Math.floor(rand() * 20)
        const child = start(script, ['compact', url, 'p1', String(spin)])
        await child.waitFor((l) => l === 'render')
        await sleep(early ? rand() * 100 : rand() * 40)
        await kill9(child)

        const after = await store.storageSize('p1')
        if (after.logRows === 0) outcomes.committed += 1
        else {
          expect(after, `round ${round}, seed ${seed}`).toEqual(before)
          outcomes.rolledBack += 1
        }
        const loaded = await store.loadDocument('p1')
        expect(contentOf(docFrom(loaded!.updates)), `round ${round}, seed ${seed}`).toEqual(
          contentOf(source.doc),
        )
      }
      // A compaction that is not killed finishes the job.
      const child = start(script, ['compact', url, 'p1', '0'])
      await child.waitFor((l) => l.startsWith('done '))
      expect(await child.exited).toBe(0)
      expect((await store.storageSize('p1')).logRows).toBe(0)
      expect((await store.getPipelineText('p1'))?.yaml).toBe(contentOf(source.doc).yaml)
      expect(outcomes.rolledBack).toBeGreaterThan(0)
    } finally {
      await store.close()
    }
  })
})
