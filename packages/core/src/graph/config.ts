/**
 * Configuration-inheritance edges (§22.3 I1-I4): the few workflow settings that really reach a
 * step at run time, drawn from a settings node to each step they affect. Only these are drawn,
 * because the other `defaults` keys do nothing (§4.3) and an edge would suggest they do.
 */
import type { GraphSink } from './sink.js'
import { isMap, scalarText, type StepInfo, type Structure } from './structure.js'
import { oneLine } from './summary.js'

const PRESET_TYPES = new Set([
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
])

const hasValue = (v: unknown): boolean => v !== undefined && v !== null

export function addConfigEdges(structure: Structure, sink: GraphSink): void {
  const wf = structure.workflow
  if (wf === undefined) return
  const defaults = isMap(wf['defaults']) ? wf['defaults'] : undefined
  // Child pipelines run with their own workflow settings, so only the file's own frame inherits.
  const own = structure.steps.filter((s) => s.body.frame === structure.top && s.map !== undefined)
  const topLevel = own.filter((s) => s.body === structure.top)

  const setting = (key: string, value: unknown, note = ''): string => {
    const id = `config:${key}`
    sink.addNode({
      id,
      kind: 'variable',
      name: key,
      summary: oneLine(`= ${scalarText(value) || '…'}${note}`),
      index: sink.nodes.length,
    })
    return id
  }
  const link = (id: string, step: StepInfo, label: string): void => {
    sink.addEdge(`i:${id}->${step.id}`, { source: id, target: step.id, kind: 'config', label })
  }

  // I1: defaults.claude_preset fills in `preset` for the enhanced Claude steps.
  const preset = defaults?.['claude_preset']
  const presetTargets = own.filter(
    (s) => s.type !== undefined && PRESET_TYPES.has(s.type) && !hasValue(s.map?.['preset']),
  )
  if (hasValue(preset) && presetTargets.length > 0) {
    const id = setting('defaults.claude_preset', preset)
    for (const s of presetTargets) link(id, s, `preset ${scalarText(preset)}`)
  }

  // I2: environment.mode picks the preset of environment-aware claude_smart steps with no other preset.
  const env = isMap(wf['environment']) ? wf['environment']['mode'] : undefined
  if (hasValue(env) && !hasValue(preset)) {
    const targets = own.filter(
      (s) =>
        s.type === 'claude_smart' &&
        s.map?.['environment_aware'] === true &&
        !hasValue(s.map['preset']),
    )
    if (targets.length > 0) {
      const id = setting('environment.mode', env)
      for (const s of targets) link(id, s, `preset ${scalarText(env)}`)
    }
  }

  // I3: defaults.output_dir is where output_to_file writes; loop bodies ignore output_to_file.
  const outDir = defaults?.['output_dir']
  const writers = topLevel.filter((s) => hasValue(s.map?.['output_to_file']))
  if (hasValue(outDir) && writers.length > 0) {
    const id = setting('defaults.output_dir', outDir, ' (mix pipeline.run overrides it)')
    for (const s of writers) link(id, s, 'output_dir')
  }

  // I4: workspace_dir is the base of file_ops relative paths (never of Claude's working directory).
  const workspace = wf['workspace_dir']
  const fileOps = topLevel.filter((s) => s.type === 'file_ops')
  if (hasValue(workspace) && fileOps.length > 0) {
    const id = setting('workspace_dir', workspace)
    for (const s of fileOps) link(id, s, 'workspace_dir')
  }
}
