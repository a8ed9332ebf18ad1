/**
 * Merge behaviour: several docs edit concurrently, sync, and must agree. Randomised runs are
 * seeded; a failure names its seed so it can be replayed with WEFT_MERGE_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readYaml } from '../yaml/read.js'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import { addStep, moveStep, removeStep, renameStep, setStepField, getStepText } from './ops.js'
import { readPipeline } from './read.js'
import { stepsMap } from './shape.js'

const base = `workflow:
  name: merge
  steps:
    - name: a
      type: claude
      prompt:
        - type: static
          content: "hello"
    - name: b
      type: for_loop
      iterator: x
      data_source: a:items
      steps:
        - name: b1
          type: gemini
          prompt:
            - type: static
              content: inner
    - name: c
      type: while_loop
      condition: "a.n < 3"
      steps: []
    - name: d
      type: claude
      prompt:
        - type: previous_response
          step: a
`

function mulberry32(seed: number) {
  let t = seed >>> 0
  return () => {
    t = (t + 0x6d2b79f5) >>> 0
    let r = Math.imul(t ^ (t >>> 15), 1 | t)
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r)
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

function peers(n: number, seed = 7) {
  const origin = new Y.Doc()
  let k = 0
  importYaml(origin, base, { newId: () => `base${k++}` })
  const update = Y.encodeStateAsUpdate(origin)
  return Array.from({ length: n }, (_, i) => {
    const d = new Y.Doc()
    d.clientID = seed * 100 + i + 1
    Y.applyUpdate(d, update)
    return d
  })
}

function sync(...docs: Y.Doc[]) {
  for (const a of docs)
    for (const b of docs)
      if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
}

const idOf = (doc: Y.Doc, name: string) =>
  readPipeline(doc).steps.find(
    (s) => (stepsMap(doc).get(s.id)!.get('fields') as Y.Map<unknown>).get('name') === name,
  )!.id
const val = (doc: Y.Doc) => readPipeline(doc).value as any

function assertWellFormed(doc: Y.Doc, context: string) {
  const view = readPipeline(doc)
  // Every record appears exactly once in the tree: nothing lost, nothing orphaned, no cycle.
  expect(view.steps.length, context).toBe(stepsMap(doc).size)
  expect(new Set(view.steps.map((s) => s.id)).size, context).toBe(view.steps.length)
  const out = exportYaml(doc)
  const back = readYaml(out)
  expect(back.ok, context).toBe(true)
  expect(back.value, context).toEqual(view.value)
}

describe('merge: named cases', () => {
  it('[M1] two users edit different fields of one step: both survive', () => {
    const [x, y] = peers(2)
    setStepField(x!, idOf(x!, 'a'), ['model'], 'opus')
    setStepField(y!, idOf(y!, 'a'), ['claude_options'], { max_turns: 4 })
    sync(x!, y!)
    expect(val(x!).workflow.steps[0]).toMatchObject({
      model: 'opus',
      claude_options: { max_turns: 4 },
    })
    expect(exportYaml(x!)).toBe(exportYaml(y!))
  })

  it('[M2] two users type in the same prompt: both texts survive', () => {
    const [x, y] = peers(2)
    getStepText(x!, idOf(x!, 'a'), ['prompt', 0, 'content'])!.insert(5, ' world')
    getStepText(y!, idOf(y!, 'a'), ['prompt', 0, 'content'])!.insert(0, 'Say: ')
    sync(x!, y!)
    expect(val(x!).workflow.steps[0].prompt[0].content).toBe('Say: hello world')
    expect(exportYaml(x!)).toBe(exportYaml(y!))
  })

  it('[M3] one moves a step while another edits it: both survive', () => {
    const [x, y] = peers(2)
    moveStep(x!, idOf(x!, 'd'), { parentId: idOf(x!, 'c') })
    setStepField(y!, idOf(y!, 'd'), ['model'], 'haiku')
    sync(x!, y!)
    expect(val(x!).workflow.steps[2].steps[0]).toMatchObject({ name: 'd', model: 'haiku' })
    expect(exportYaml(x!)).toBe(exportYaml(y!))
  })

  it('[M4] A moves X into Y while B moves Y into X: a valid tree on every peer, no step lost', () => {
    const [x, y] = peers(2)
    moveStep(x!, idOf(x!, 'b'), { parentId: idOf(x!, 'c') })
    moveStep(y!, idOf(y!, 'c'), { parentId: idOf(y!, 'b') })
    sync(x!, y!)
    for (const d of [x!, y!]) assertWellFormed(d, 'cycle')
    expect(exportYaml(x!)).toBe(exportYaml(y!))
    const names = readPipeline(x!).steps.map((s) =>
      (stepsMap(x!).get(s.id)!.get('fields') as Y.Map<unknown>).get('name'),
    )
    expect(names.sort()).toEqual(['a', 'b', 'b1', 'c', 'd'])
  })

  it('[M5] delete versus edit: the delete wins, deterministically, on every peer', () => {
    const [x, y] = peers(2)
    removeStep(x!, idOf(x!, 'd'))
    setStepField(y!, idOf(y!, 'd'), ['model'], 'haiku')
    sync(x!, y!)
    expect(val(x!).workflow.steps.map((s: any) => s.name)).toEqual(['a', 'b', 'c'])
    expect(exportYaml(x!)).toBe(exportYaml(y!))
  })

  it('[M6] delete of a container versus a move into it: the moved step survives at the top level', () => {
    const [x, y] = peers(2)
    removeStep(x!, idOf(x!, 'c'))
    moveStep(y!, idOf(y!, 'a'), { parentId: idOf(y!, 'c') })
    sync(x!, y!)
    for (const d of [x!, y!]) assertWellFormed(d, 'orphan')
    expect(val(x!).workflow.steps.map((s: any) => s.name)).toContain('a')
    expect(exportYaml(x!)).toBe(exportYaml(y!))
  })

  it('[M7] rename versus an edit of a referencing step: both survive', () => {
    const [x, y] = peers(2)
    renameStep(x!, idOf(x!, 'a'), 'alpha')
    setStepField(y!, idOf(y!, 'd'), ['model'], 'opus')
    sync(x!, y!)
    expect(val(y!).workflow.steps[3]).toMatchObject({
      model: 'opus',
      prompt: [{ type: 'previous_response', step: 'alpha' }],
    })
  })
})

describe('merge: seeded random concurrent edits converge', () => {
  const seeds = process.env.WEFT_MERGE_SEED
    ? [Number(process.env.WEFT_MERGE_SEED)]
    : Array.from({ length: 40 }, (_, i) => i + 1)
  for (const seed of seeds) {
    it(`converges (seed ${seed})`, () => {
      const rand = mulberry32(seed)
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
      const docs = peers(3, seed)
      let counter = 0
      const newId = () => `n${seed}-${counter++}`
      for (let round = 0; round < 30; round++) {
        const doc = pick(docs)
        const view = readPipeline(doc)
        const ids = view.steps.map((s) => s.id)
        const op = Math.floor(rand() * 8)
        const id = ids.length > 0 ? pick(ids) : undefined
        const containers = view.steps.filter((s) => {
          const t = (stepsMap(doc).get(s.id)!.get('fields') as Y.Map<unknown> | undefined)?.get(
            'type',
          )
          return t === 'for_loop' || t === 'while_loop'
        })
        switch (op) {
          case 0:
            if (id) setStepField(doc, id, ['model'], `m${Math.floor(rand() * 100)}`)
            break
          case 1: {
            const text = id ? getStepText(doc, id, ['prompt', 0, 'content']) : undefined
            if (text) text.insert(Math.floor(rand() * (text.length + 1)), `t${round}`)
            break
          }
          case 2:
            addStep(
              doc,
              {
                name: `s${seed}_${round}`,
                type: 'claude',
                prompt: [{ type: 'static', content: 'x' }],
              },
              { index: Math.floor(rand() * 4) },
              { newId },
            )
            break
          case 3:
            if (id && ids.length > 2) removeStep(doc, id)
            break
          case 4:
            if (id) {
              const c = containers.length > 0 && rand() < 0.6 ? pick(containers).id : ''
              moveStep(doc, id, { parentId: c, index: Math.floor(rand() * 3) })
            }
            break
          case 5:
            if (id) renameStep(doc, id, `r${seed}_${round}`)
            break
          case 6: {
            // A whole-text import, as the YAML pane does: the export with one line edited.
            const text = exportYaml(doc).replace(/name: merge/, `name: merge${round}`)
            importYaml(doc, text, { newId })
            break
          }
          default:
            if (rand() < 0.5) sync(pick(docs), pick(docs))
        }
      }
      sync(...docs)
      sync(...docs)
      const first = exportYaml(docs[0]!)
      for (const d of docs) {
        expect(exportYaml(d), `seed ${seed}: peers disagree`).toBe(first)
        assertWellFormed(d, `seed ${seed}`)
      }
    })
  }
})
