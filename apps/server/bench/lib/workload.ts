/**
 * The benchmark's pipeline: the same mix of step types as packages/core/bench/generate.ts (gemini,
 * claude, claude_smart and set_variable steps with prompts, block scalars, flow lists and a comment
 * every ten steps), imported with @weft/core so that the Yjs doc is a real Weft doc.
 */
import { importYaml, setStepField } from '@weft/core'
import * as Y from 'yjs'

export function generatePipeline(steps: number): string {
  const out = [
    '# Generated benchmark pipeline',
    'workflow:',
    `  name: bench_${steps}`,
    '  description: "A generated pipeline"',
    '  steps:',
  ]
  for (let i = 0; i < steps; i++) {
    if (i % 10 === 0) out.push(`    # Stage ${i / 10}`)
    switch (i % 4) {
      case 0:
        out.push(
          `    - name: plan_${i}`,
          '      type: gemini',
          '      model: gemini-2.5-flash',
          '      token_budget:',
          '        max_output_tokens: 2048',
          '        temperature: 0.3',
          '      prompt:',
          '        - type: static',
          `          content: "Plan part ${i} of the work"`,
        )
        break
      case 1:
        out.push(
          `    - name: build_${i}`,
          '      type: claude',
          '      claude_options:',
          '        max_turns: 10',
          '        allowed_tools: [Read, Write, Edit]',
          '      prompt:',
          '        - type: previous_response',
          `          step: plan_${i - 1}`,
          '          extract: text',
          '        - type: static',
          '          content: |',
          `            Implement part ${i}.`,
          '            Keep the tests green.',
        )
        break
      case 2:
        out.push(
          `    - name: review_${i}`,
          '      type: claude_smart',
          '      preset: analysis',
          `      condition: "build_${i - 1}.success == true"`,
          '      prompt:',
          '        - type: static',
          `          content: "Review part ${i}"  # short review`,
        )
        break
      default:
        out.push(
          `    - name: note_${i}`,
          '      type: set_variable',
          '      variables:',
          `        part: ${i}`,
          `        label: "part-{{steps.plan_${i - 3}.text}}"`,
        )
    }
  }
  return out.join('\n') + '\n'
}

/** A Weft doc of the pipeline, as `importYaml` builds it. */
export function importedDoc(yaml: string): Y.Doc {
  const doc = new Y.Doc()
  const result = importYaml(doc, yaml)
  if (!result.ok) throw new Error('the benchmark pipeline did not import')
  return doc
}

/** Step ids in a stable order (by step name), each with its fields map. */
export function steps(doc: Y.Doc): Array<{ id: string; name: string; fields: Y.Map<unknown> }> {
  const out: Array<{ id: string; name: string; fields: Y.Map<unknown> }> = []
  doc.getMap<Y.Map<unknown>>('steps').forEach((record, id) => {
    const fields = record.get('fields')
    if (fields instanceof Y.Map) out.push({ id, name: String(fields.get('name')), fields })
  })
  const index = (name: string) => Number(name.slice(name.lastIndexOf('_') + 1))
  return out.sort((a, b) => index(a.name) - index(b.name))
}

/** The fan-out key: `token_budget.temperature` of the first gemini step. */
export const FANOUT_PATH = ['token_budget', 'temperature'] as const

export function fanoutStep(doc: Y.Doc): { id: string; map: Y.Map<unknown> } {
  for (const step of steps(doc)) {
    const budget = step.fields.get('token_budget')
    if (budget instanceof Y.Map) return { id: step.id, map: budget }
  }
  throw new Error('no gemini step with a token_budget in the doc')
}

/** One key of one step changed, in one transaction (what the canvas does for a field edit). */
export function setKey(
  doc: Y.Doc,
  stepId: string,
  path: readonly (string | number)[],
  value: unknown,
) {
  const result = setStepField(doc, stepId, [...path], value)
  if (!result.ok) throw new Error(`setStepField failed: ${JSON.stringify(result)}`)
}

/** A small deterministic PRNG (mulberry32), so every run makes the same edits. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
