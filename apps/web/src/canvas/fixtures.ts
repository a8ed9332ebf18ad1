/** Test pipelines (used by the canvas tests only). */
import * as Y from 'yjs'
import { importYaml, readPipeline } from '@weft/core'

export const RESEARCH_YAML = `workflow:
  name: research_pipeline
  description: Corpus-like pipeline with every container kind
  steps:
    # Gather the inputs
    - name: collect
      type: claude
      claude_options:
        model: sonnet
      prompt:
        - type: static
          content: "List the topics to research"
    - name: topics
      type: set_variable
      variables:
        topic_list: "{{steps.collect.result}}"
    - name: each_topic
      type: for_loop
      iterator: topic
      data_source: "previous_response:collect:topics"
      steps:
        - name: research
          type: claude
          prompt:
            - type: static
              content: "Research {{loop.topic}}"
        - name: critique
          type: gemini
          condition: "collect.ok"
          prompt:
            - type: previous_response
              step: research
    - name: fanout
      type: parallel_claude
      parallel_tasks:
        - id: summary_a
          prompt:
            - type: static
              content: "Summarise A"
        - id: summary_b
          prompt:
            - type: static
              content: "Summarise B"
    - name: nested
      type: pipeline
      pipeline:
        name: inner
        steps:
          - name: inner_step
            type: claude
            prompt:
              - type: static
                content: "Inner work"
    - name: report
      type: claude
      prompt:
        - type: previous_response
          step: collect
        - type: previous_response
          step: missing_step
        - type: previous_response
          step: research
`

export function docFrom(yaml: string): Y.Doc {
  const doc = new Y.Doc()
  const r = importYaml(doc, yaml)
  if (!r.ok) throw new Error('fixture did not import')
  return doc
}

/** The id of the (first) step called `name`. */
export function idOf(doc: Y.Doc, name: string): string {
  const view = readPipeline(doc)
  for (const s of view.steps) {
    let cur: unknown = view.value
    for (const k of s.path) cur = (cur as Record<string | number, unknown>)[k]
    if ((cur as { name?: unknown }).name === name) return s.id
  }
  throw new Error(`no step ${name}`)
}

/** A flat pipeline of `n` claude steps, each reading the previous one. */
export function bigYaml(n: number): string {
  const lines = ['workflow:', '  name: big', '  steps:']
  for (let i = 0; i < n; i++) {
    lines.push(`    - name: s${i}`, '      type: claude', '      prompt:')
    if (i > 0) lines.push('        - type: previous_response', `          step: s${i - 1}`)
    else lines.push('        - type: static', '          content: start')
  }
  return lines.join('\n') + '\n'
}
