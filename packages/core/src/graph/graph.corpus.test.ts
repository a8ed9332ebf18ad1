// Derives the graph of every real pipeline_ex file in the shared corpus and checks the invariants
// the canvas relies on. The corpus lives outside the repo and is never copied in.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { stepPaths } from '../references/index.js'
import { readYaml } from '../yaml/read.js'
import { deriveGraph } from './index.js'

const dir = fileURLToPath(new URL('../../../../../shared/corpus/pipeline_ex/', import.meta.url))
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
  : []

describe.skipIf(!existsSync(dir))('graph of every corpus file', () => {
  it('keeps edges attached, covers every step and keeps ids unique', () => {
    const totals = { files: 0, unparsed: 0, nodes: 0, containers: 0, edges: 0 }
    const byKind = new Map<string, number>()
    const byStatus = new Map<string, number>()
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
    for (const file of files) {
      const source = readYaml(readFileSync(dir + file, 'utf8'))
      if (!source.ok) {
        totals.unparsed++
        continue
      }
      totals.files++
      const g = deriveGraph(source.value)
      const ids = g.nodes.map((n) => n.id)
      const idSet = new Set(ids)
      expect(idSet.size, `${file}: node ids unique`).toBe(ids.length)
      const edgeIds = g.edges.map((e) => e.id)
      expect(new Set(edgeIds).size, `${file}: edge ids unique`).toBe(edgeIds.length)
      for (const e of g.edges) {
        expect(idSet.has(e.source), `${file}: ${e.id} source`).toBe(true)
        expect(idSet.has(e.target), `${file}: ${e.id} target`).toBe(true)
        if (e.status !== 'valid') expect(e.reason, `${file}: ${e.id} reason`).toBeTruthy()
        bump(byKind, e.kind)
        bump(byStatus, e.status)
      }
      for (const n of g.nodes) {
        if (n.parentId !== undefined)
          expect(idSet.has(n.parentId), `${file}: ${n.id} parent`).toBe(true)
      }
      for (const p of stepPaths(source.value)) {
        expect(idSet.has(p.join('.')), `${file}: node for ${p.join('.')}`).toBe(true)
      }
      expect(deriveGraph(source.value), `${file}: deterministic`).toEqual(g)
      totals.nodes += g.nodes.length
      totals.containers += g.nodes.filter((n) => n.container !== undefined).length
      totals.edges += g.edges.length
    }
    console.log(
      `graph corpus: ${totals.files} files (${totals.unparsed} unparsed), ${totals.nodes} nodes, ` +
        `${totals.containers} containers, ${totals.edges} edges; ` +
        `by kind ${JSON.stringify(Object.fromEntries(byKind))}, ` +
        `by status ${JSON.stringify(Object.fromEntries(byStatus))}`,
    )
    expect(totals.files).toBeGreaterThan(0)
    expect(totals.edges).toBeGreaterThan(0)
  })
})
