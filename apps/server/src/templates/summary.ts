/**
 * What a template gallery card shows, read from a template's YAML: its title is `workflow.name`,
 * its one-line description `workflow.description`, and its steps are counted everywhere they can
 * be (top level, loop bodies, inline child pipelines), with their distinct types in document
 * order.
 */
import { readYaml, stepPaths, type Path } from '@weft/core'

export interface TemplateSummary {
  readonly name: string
  readonly description: string
  readonly stepCount: number
  readonly stepTypes: readonly string[]
}

export function summarizeTemplate(yaml: string): TemplateSummary {
  const source = readYaml(yaml)
  const value = source.ok ? source.value : undefined
  const workflow = field(value, 'workflow')
  const name = field(workflow, 'name')
  const description = field(workflow, 'description')
  const types: string[] = []
  const paths = stepPaths(value)
  for (const path of paths) {
    const type = field(at(value, path), 'type')
    if (typeof type === 'string' && !types.includes(type)) types.push(type)
  }
  return {
    name: typeof name === 'string' || typeof name === 'number' ? String(name) : '',
    description: typeof description === 'string' ? description : '',
    stepCount: paths.length,
    stepTypes: types,
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined
}

function at(value: unknown, path: Path): unknown {
  let current = value
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key]
    else current = field(current, String(key))
  }
  return current
}
