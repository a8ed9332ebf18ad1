/**
 * `deriveGraph`: the canvas's view of a pipeline file (§22), rebuilt from the plain YAML value on
 * every edit. It never throws: a half-typed document still gets a graph, and whatever pipeline_ex
 * would trip over shows up as warning or error edges rather than as a missing canvas.
 */
import { addConfigEdges } from './config.js'
import { addControlEdges, addStepNodes } from './control.js'
import { addDataEdges } from './data.js'
import { GraphSink } from './sink.js'
import { buildStructure, defaultIdOf } from './structure.js'
import type { DeriveGraphOptions, PipelineGraph } from './types.js'

export function deriveGraph(root: unknown, options: DeriveGraphOptions = {}): PipelineGraph {
  const sink = new GraphSink()
  try {
    const structure = buildStructure(root, options.idOf ?? defaultIdOf)
    addStepNodes(structure, sink)
    addControlEdges(structure, sink)
    addDataEdges(structure, sink)
    addConfigEdges(structure, sink)
  } catch {
    // Only a throwing custom idOf, or a value no YAML reader produces (a getter that throws, a
    // cycle deeper than the walk guards), can land here; the canvas then gets what was built.
  }
  return dropDangling(sink)
}

/** An edge to a node that was never added (e.g. after an early stop above) would crash the canvas. */
function dropDangling(sink: GraphSink): PipelineGraph {
  const ids = new Set(sink.nodes.map((n) => n.id))
  return {
    nodes: sink.nodes,
    edges: sink.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  }
}
