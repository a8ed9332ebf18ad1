import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { exportYaml, getStepPosition, readPipeline } from '@weft/core'
import { prepareForPaste, stepsFromText, stepsToText } from './clipboard'
import { resolveDrop } from './drop'
import { docFrom, idOf, RESEARCH_YAML } from './fixtures'
import { CONTAINER_HEADER } from './layout'
import {
  absOf,
  applyAutoLayout,
  commitMoves,
  deleteSteps,
  duplicateSteps,
  insertSteps,
  pasteSteps,
  renameTo,
  sceneOf,
  writeMissing,
  type EditContext,
} from './ops'
import { newStepValue, uniqueName } from './templates'

function setup() {
  const doc = docFrom(RESEARCH_YAML)
  const origin = {}
  const undoManager = new Y.UndoManager(
    [doc.getMap('steps'), doc.getMap('root'), doc.getMap('layout'), doc.getMap('weft')],
    { trackedOrigins: new Set([origin]) },
  )
  writeMissing(doc, 'layout')
  const ctx: EditContext = { doc, origin, undoManager }
  return { doc, ctx, undoManager }
}

const namesOf = (doc: Y.Doc, parent = '') => {
  const view = readPipeline(doc)
  return view.steps
    .filter((s) => s.parentId === parent)
    .map((s) => {
      let v: any = view.value
      for (const k of s.path) v = v[k]
      return v.name as string
    })
}

describe('drop target resolution', () => {
  it('finds the innermost container and the index by vertical position', () => {
    const { doc } = setup()
    const scene = sceneOf(doc)
    const loop = idOf(doc, 'each_topic')
    const research = idOf(doc, 'research')
    const critique = idOf(doc, 'critique')
    const q = (point: { x: number; y: number }, moving?: string) =>
      resolveDrop({
        point,
        model: scene.model,
        absOf: (id) => absOf(scene, id),
        sizeOf: (id) => scene.sizes.get(id)!,
        collapsed: new Set(),
        ...(moving ? { moving } : {}),
      })
    const r = absOf(scene, research)
    const c = absOf(scene, critique)
    // between research and critique, inside the loop
    const mid = { x: r.x + 10, y: (r.y + 76 + c.y) / 2 }
    expect(q(mid)).toEqual({ parentId: loop, slot: ['steps'], index: 1 })
    // far away: top level, at the end
    expect(q({ x: -5000, y: 100000 })).toEqual({
      parentId: '',
      slot: ['workflow', 'steps'],
      index: 6,
    })
    // above everything: top level, first
    expect(q({ x: -5000, y: -5000 }).index).toBe(0)
    // a collapsed loop takes no drops
    const collapsed = resolveDrop({
      point: mid,
      model: scene.model,
      absOf: (id) => absOf(scene, id),
      sizeOf: (id) => scene.sizes.get(id)!,
      collapsed: new Set([loop]),
    })
    expect(collapsed.parentId).toBe('')
    // a container is never a drop target for itself
    const l = absOf(scene, loop)
    expect(q({ x: l.x + 30, y: l.y + CONTAINER_HEADER + 5 }, loop).parentId).toBe('')
  })
})

describe('clipboard', () => {
  it('renames taken names and makes references between pasted steps follow', () => {
    const values = [
      { name: 'a', type: 'claude', prompt: [{ type: 'static', content: 'x' }] },
      {
        name: 'b',
        type: 'claude',
        prompt: [
          { type: 'previous_response', step: 'a' },
          { type: 'static', content: 'see {{steps.a.result}} and {{steps.z.result}}' },
        ],
      },
      {
        name: 'c',
        type: 'for_loop',
        iterator: 'i',
        data_source: 'a',
        steps: [{ name: 'a', type: 'claude' }],
      },
    ]
    const out = prepareForPaste(values, new Set(['a', 'b', 'z']))
    expect(out.map((v) => v.name)).toEqual(['a_copy', 'b_copy', 'c'])
    const b = out[1] as any
    expect(b.prompt[0].step).toBe('a_copy')
    expect(b.prompt[1].content).toBe('see {{steps.a_copy.result}} and {{steps.z.result}}')
    // the nested 'a' is a new name too
    expect((out[2] as any).steps[0].name).toBe('a_copy2')
    // the originals are untouched
    expect((values[1] as any).prompt[0]).toEqual({ type: 'previous_response', step: 'a' })
    // names that are free stay
    expect(prepareForPaste(values, new Set()).map((v) => v.name)).toEqual(['a', 'b', 'c'])
  })

  it('reads steps back from clipboard text', () => {
    const values = [{ name: 'a', type: 'claude' }]
    expect(stepsFromText(stepsToText(values))).toEqual(values)
    expect(stepsFromText('- name: x\n  type: gemini\n')).toEqual([{ name: 'x', type: 'gemini' }])
    expect(
      stepsFromText('workflow:\n  name: w\n  steps:\n    - name: y\n      type: claude\n'),
    ).toEqual([{ name: 'y', type: 'claude' }])
    expect(stepsFromText('just text')).toBeUndefined()
  })

  it('names new steps uniquely', () => {
    expect(uniqueName('claude', new Set(['claude', 'claude_2']))).toBe('claude_3')
    expect(newStepValue('for_loop', new Set())).toMatchObject({ name: 'for_loop', steps: [] })
  })
})

describe('canvas edits', () => {
  it('inserts a step between two others as one undo step, pushing the later ones down', () => {
    const { doc, ctx, undoManager } = setup()
    const scene = sceneOf(doc)
    const topics = idOf(doc, 'topics')
    const before = getStepPosition(doc, topics)!
    const [id] = insertSteps(ctx, scene, [newStepValue('gemini', scene.model.names)], {
      parentId: '',
      index: 1,
    })
    expect(namesOf(doc).slice(0, 3)).toEqual(['collect', 'gemini', 'topics'])
    expect(getStepPosition(doc, id!)).toEqual(before)
    expect(getStepPosition(doc, topics)!.y).toBeGreaterThan(before.y)
    undoManager.undo()
    expect(namesOf(doc).slice(0, 2)).toEqual(['collect', 'topics'])
    expect(getStepPosition(doc, topics)).toEqual(before)
  })

  it('pastes into a container with new names', () => {
    const { doc, ctx } = setup()
    const scene = sceneOf(doc)
    const loop = idOf(doc, 'each_topic')
    const research = scene.model.valueOf(idOf(doc, 'research')) as Record<string, unknown>
    pasteSteps(ctx, scene, [research], { parentId: loop, index: 2 })
    expect(namesOf(doc, loop)).toEqual(['research', 'critique', 'research_copy'])
  })

  it('deletes only the top-most of the selected steps, and duplicates', () => {
    const { doc, ctx } = setup()
    const scene = sceneOf(doc)
    deleteSteps(ctx, scene.model, [idOf(doc, 'each_topic'), idOf(doc, 'research')])
    expect(namesOf(doc)).toEqual(['collect', 'topics', 'fanout', 'nested', 'report'])
    const [copy] = duplicateSteps(ctx, sceneOf(doc), [idOf(doc, 'collect')])
    expect(namesOf(doc).slice(0, 3)).toEqual(['collect', 'collect_copy', 'topics'])
    expect(getStepPosition(doc, copy!)).toBeDefined()
  })

  it('moves a step into a container by drag, and reorders by vertical position', () => {
    const { doc, ctx, undoManager } = setup()
    const scene = sceneOf(doc)
    const loop = idOf(doc, 'each_topic')
    const report = idOf(doc, 'report')
    const research = idOf(doc, 'research')
    // drag report onto the loop body, just below research
    const r = absOf(scene, research)
    commitMoves(ctx, scene, new Map([[report, { x: r.x, y: r.y + 50 }]]))
    expect(namesOf(doc, loop)).toEqual(['research', 'report', 'critique'])
    const rel = getStepPosition(doc, report)!
    const loopAbs = absOf(scene, loop)
    expect(rel).toEqual({ x: Math.round(r.x - loopAbs.x), y: Math.round(r.y + 50 - loopAbs.y) })
    // the step below made room, so the list still reads top to bottom without overlap
    const critique = getStepPosition(doc, idOf(doc, 'critique'))!
    expect(critique.y).toBeGreaterThanOrEqual(rel.y + 76)
    undoManager.undo()
    expect(namesOf(doc, loop)).toEqual(['research', 'critique'])
    expect(namesOf(doc).at(-1)).toBe('report')
    // drag collect sideways: order unchanged; drag it below topics: reordered
    const s2 = sceneOf(doc)
    const collect = idOf(doc, 'collect')
    const c = s2.positions.get(collect)!
    commitMoves(ctx, s2, new Map([[collect, { x: c.x + 300, y: c.y }]]))
    expect(namesOf(doc)[0]).toBe('collect')
    const t = s2.positions.get(idOf(doc, 'topics'))!
    commitMoves(ctx, sceneOf(doc), new Map([[collect, { x: t.x, y: t.y + 20 }]]))
    expect(namesOf(doc).slice(0, 2)).toEqual(['topics', 'collect'])
  })

  it('renames through core so references follow', () => {
    const { doc, ctx } = setup()
    renameTo(ctx, idOf(doc, 'collect'), 'gather')
    const yaml = exportYaml(doc)
    expect(yaml).toContain('name: gather')
    expect(yaml).toContain('step: gather')
    expect(yaml).toContain('{{steps.gather.result}}')
    expect(yaml).toContain('condition: "gather.ok"')
    // `previous_response:collect:…` names a step called previous_response (format §14.2): kept
    expect(yaml.match(/\bcollect\b/g)).toEqual(['collect'])
  })

  it('auto-layout rewrites every position as one undo step', () => {
    const { doc, ctx, undoManager } = setup()
    const collect = idOf(doc, 'collect')
    const scene = sceneOf(doc)
    commitMoves(ctx, scene, new Map([[collect, { x: 4000, y: 0 }]]))
    applyAutoLayout(ctx, sceneOf(doc).model, new Set())
    expect(getStepPosition(doc, collect)!.x).toBeLessThan(4000)
    undoManager.undo()
    expect(getStepPosition(doc, collect)!.x).toBe(4000)
  })
})
