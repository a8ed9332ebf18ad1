import { describe, expect, it } from 'vitest'
import { docFrom, idOf, RESEARCH_YAML } from './fixtures'
import { FlowEdgeBuilder, FlowNodeBuilder, type FlowInputs } from './flow'
import { autoLayout, measure, placeMissing, STEP_SIZE, CONTAINER_HEADER } from './layout'
import { deriveModel } from './model'

function setup() {
  const doc = docFrom(RESEARCH_YAML)
  const model = deriveModel(doc)
  const positions = autoLayout(model)
  const sizes = measure(model, positions, new Set())
  const input: FlowInputs = {
    model,
    positions,
    sizes,
    collapsed: new Set(),
    selection: new Set(),
    readOnly: false,
  }
  return { doc, model, positions, sizes, input }
}

describe('doc → React Flow nodes', () => {
  it('draws one node per step with name, type and summary, containers around their children', () => {
    const { doc, input } = setup()
    const nodes = new FlowNodeBuilder().build(input)
    const byName = (name: string) => nodes.find((n) => n.data.name === name)!
    const loop = byName('each_topic')
    expect(loop.type).toBe('container')
    expect(loop.data.container).toBe('for_loop')
    expect(loop.data.summary).toBe('for each topic in previous_response:collect:topics')
    expect(byName('research').parentId).toBe(idOf(doc, 'each_topic'))
    expect(byName('research').data.summary).toBe('Research {{loop.topic}}')
    expect(byName('collect').type).toBe('step')
    expect(byName('collect').data.typeLabel).toMatch(/claude/i)
    expect(byName('inner_step').parentId).toBe(idOf(doc, 'nested'))
    expect(byName('nested').type).toBe('container')
    // parallel tasks sit inside their step
    const fan = byName('fanout')
    expect(fan.type).toBe('container')
    expect(nodes.filter((n) => n.parentId === fan.id).map((n) => n.data.name)).toEqual([
      'summary_a',
      'summary_b',
    ])
    // the loop pseudo-node and the variable node
    expect(nodes.some((n) => n.type === 'extra' && n.data.kind === 'loop_item')).toBe(true)
    expect(nodes.some((n) => n.type === 'extra' && n.data.name === 'topic_list')).toBe(true)
    // parents come before their children
    const index = new Map(nodes.map((n, i) => [n.id, i]))
    for (const n of nodes)
      if (n.parentId) expect(index.get(n.parentId)!).toBeLessThan(index.get(n.id)!)
  })

  it('keeps unresolvable references on the node as problems', () => {
    const { input } = setup()
    const nodes = new FlowNodeBuilder().build(input)
    const report = nodes.find((n) => n.data.name === 'report')!
    expect(
      report.data.problems.some((p) => p.status === 'error' && /missing_step/.test(p.reason)),
    ).toBe(true)
  })

  it('collapsing a container hides its children and shrinks it to a card', () => {
    const { model, positions, input } = setup()
    const loopId = model.nodes.find((n) => n.name === 'each_topic')!.id
    const collapsed = new Set([loopId])
    const nodes = new FlowNodeBuilder().build({
      ...input,
      collapsed,
      sizes: measure(model, positions, collapsed),
    })
    const loop = nodes.find((n) => n.id === loopId)!
    expect(loop.type).toBe('step')
    expect(loop.data.collapsed).toBe(true)
    expect(loop.width).toBe(STEP_SIZE.width)
    expect(nodes.filter((n) => n.parentId === loopId).every((n) => n.hidden)).toBe(true)
    // edges into hidden children now end at the collapsed loop
    const edges = new FlowEdgeBuilder().build(model, collapsed, false)
    const ids = new Set(nodes.filter((n) => !n.hidden).map((n) => n.id))
    for (const e of edges) {
      expect(ids.has(e.source)).toBe(true)
      expect(ids.has(e.target)).toBe(true)
    }
  })

  it('keeps node identity for unchanged nodes across rebuilds', () => {
    const { model, input } = setup()
    const builder = new FlowNodeBuilder()
    const a = builder.build(input)
    const moved = model.nodes.find((n) => n.name === 'report')!.id
    const b = builder.build({ ...input, live: new Map([[moved, { x: 999, y: 999 }]]) })
    const changed = b.filter((n, i) => n !== a[i]).map((n) => n.id)
    expect(changed).toEqual([moved])
    expect(b.find((n) => n.id === moved)!.position).toEqual({ x: 999, y: 999 })
    // selection changes only the selected node
    const c = builder.build({ ...input, selection: new Set([moved]) })
    expect(c.filter((n, i) => n !== b[i]).map((n) => n.id)).toEqual([moved])
  })

  it('gives each node as already measured at the size it is drawn, with its handles', () => {
    // React Flow then has nothing to update when it first observes a node on screen.
    const { input } = setup()
    const nodes = new FlowNodeBuilder().build(input)
    for (const n of nodes) {
      expect(n.measured).toEqual({ width: n.width, height: n.height })
      expect(n.handles?.length).toBeGreaterThan(0)
    }
  })

  it('marks documented-only step types', () => {
    const doc = docFrom(`workflow:
  name: x
  steps:
    - name: cp
      type: checkpoint
`)
    const model = deriveModel(doc)
    const positions = autoLayout(model)
    const nodes = new FlowNodeBuilder().build({
      model,
      positions,
      sizes: measure(model, positions, new Set()),
      collapsed: new Set(),
      selection: new Set(),
      readOnly: false,
    })
    expect(nodes[0]!.data.acceptance).toBe('rejected')
  })
})

describe('doc → React Flow edges', () => {
  it('gives control, loop-back, fan-out and data edges with their status and reason', () => {
    const { doc, model } = setup()
    const edges = new FlowEdgeBuilder().build(model, new Set(), false)
    const loop = idOf(doc, 'each_topic')
    const research = idOf(doc, 'research')
    const critique = idOf(doc, 'critique')
    const report = idOf(doc, 'report')
    const entry = edges.find((e) => e.source === loop && e.target === research)!
    expect(entry.data!.kind).toBe('control')
    expect(entry.sourceHandle).toBe('body')
    const back = edges.find((e) => e.data!.kind === 'loop_back')!
    expect(back.source).toBe(critique)
    expect(back.target).toBe(loop)
    expect(back.targetHandle).toBe('back')
    expect(edges.filter((e) => e.data!.kind === 'fan_out')).toHaveLength(2)
    const bad = edges.find((e) => e.source === research && e.target === report)!
    expect(bad.data!.kind).toBe('data')
    expect(bad.data!.status).toBe('error')
    expect(bad.data!.reason).toMatch(/top-level previous_response/)
    expect(bad.className).toContain('weft-edge--error')
    const gated = edges.find((e) => e.target === critique && e.data!.kind === 'control')!
    expect(gated.data!.status).toBe('warning')
    expect(gated.data!.label).toBe('if collect.ok')
  })

  it('offers an insertion point on control edges into a step, unless read-only', () => {
    const { doc, model } = setup()
    const topics = idOf(doc, 'topics')
    const e = new FlowEdgeBuilder()
      .build(model, new Set(), false)
      .find((x) => x.target === topics && x.data!.kind === 'control')!
    expect(e.data!.insert).toEqual({ parentId: '', slot: ['workflow', 'steps'], index: 1 })
    const ro = new FlowEdgeBuilder()
      .build(model, new Set(), true)
      .find((x) => x.target === topics && x.data!.kind === 'control')!
    expect(ro.data!.insert).toBeUndefined()
  })
})

describe('layout', () => {
  it('places every node, children inside their container, and containers around them', () => {
    const { model, positions, sizes } = setup()
    for (const n of model.nodes) expect(positions.has(n.id)).toBe(true)
    for (const n of model.nodes) {
      if (!n.parentId) continue
      const p = positions.get(n.id)!
      const s = sizes.get(n.id)!
      const parent = sizes.get(n.parentId)!
      expect(p.x).toBeGreaterThanOrEqual(0)
      expect(p.y).toBeGreaterThanOrEqual(CONTAINER_HEADER)
      expect(p.x + s.width).toBeLessThanOrEqual(parent.width)
      expect(p.y + s.height).toBeLessThanOrEqual(parent.height)
    }
    // top-level steps run top to bottom in document order, without overlapping
    const top = model.children.get('')!.filter((n) => model.isStep(n.id))
    for (let i = 1; i < top.length; i++) {
      const a = positions.get(top[i - 1]!.id)!
      const b = positions.get(top[i]!.id)!
      expect(b.y).toBeGreaterThanOrEqual(a.y + sizes.get(top[i - 1]!.id)!.height)
    }
  })

  it('is deterministic, and places only what is missing', () => {
    const { doc, model, positions } = setup()
    expect([...autoLayout(model)]).toEqual([...positions])
    const stored = new Map(positions)
    const report = idOf(doc, 'report')
    const nested = idOf(doc, 'nested')
    stored.delete(report)
    const placed = placeMissing(model, stored)
    expect([...placed.keys()]).toEqual([report])
    const sizes = measure(model, stored, new Set())
    // below its previous sibling
    expect(placed.get(report)!.y).toBeGreaterThanOrEqual(
      stored.get(nested)!.y + sizes.get(nested)!.height,
    )
  })
})

describe('diagnostics per step', () => {
  it('puts each diagnostic of the current export on its step', async () => {
    const { stepDiagnostics } = await import('./hooks')
    const { doc, model } = setup()
    const d = stepDiagnostics(doc, model)
    const report = d.get(idOf(doc, 'report'))!
    expect(report.errors).toBeGreaterThan(0)
    expect(report.messages.join('\n')).toMatch(/research/)
    expect(d.has(idOf(doc, 'collect'))).toBe(false)
    // unchanged entries keep their identity (so their nodes do not re-render)
    expect(stepDiagnostics(doc, model, d).get(idOf(doc, 'report'))).toBe(report)
  })
})
