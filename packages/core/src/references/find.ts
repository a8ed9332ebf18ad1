/**
 * Every reference a pipeline makes to a step, function or variable (format reference §22.2
 * D1–D10, §16). Pure and total: any malformed shape is skipped, never thrown on.
 */
import type { Path } from '../diagnostics.js'
import { conditionHits, templateHits, type NameHit } from './expressions.js'
import { isMap, walkSteps, type StepMap } from './steps.js'

export type ReferenceKind =
  | 'previous_response'
  | 'template_step'
  | 'condition_step'
  | 'data_source'
  | 'input_source'
  | 'join_source'
  | 'function'
  | 'variable'
  | 'global_var'
  | 'pipeline_output'

export type ReferenceScope = 'top' | 'loop' | 'inline_pipeline' | 'parallel_task' | 'batch_task'

export interface Reference {
  readonly kind: ReferenceKind
  /** The referenced step / function / variable name. */
  readonly target: string
  /** Root path of the field holding it. */
  readonly path: Path
  /** [start, end) of the name inside the string at `path`; absent when the whole value is the name. */
  readonly span?: readonly [number, number]
  /** Dotted field path after the name, when there is one. */
  readonly extract?: string
  /** Path of the step that holds the reference. */
  readonly stepPath: Path
  /** Where the consumer sits. A `claude_batch` step's own `prompt` counts as `batch_task` (it becomes the default task). */
  readonly scope: ReferenceScope
  /** A condition written as `steps.x.y` / `state.x` without braces (§13.2). */
  readonly broken?: 'steps_prefix' | 'state_prefix'
}

/** Scalars are referenced by their printed form; collections are not names. */
function scalarName(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

class Collector {
  readonly out: Reference[] = []

  constructor(
    private readonly stepPath: Path,
    private readonly scope: ReferenceScope,
  ) {}

  push(
    kind: Reference['kind'],
    target: string,
    path: Path,
    extra: {
      span?: readonly [number, number] | undefined
      extract?: string | undefined
      broken?: Reference['broken']
      scope?: ReferenceScope
    } = {},
  ) {
    this.out.push({
      kind,
      target,
      path,
      ...(extra.span ? { span: extra.span } : {}),
      ...(extra.extract !== undefined && extra.extract !== '' ? { extract: extra.extract } : {}),
      stepPath: this.stepPath,
      scope: extra.scope ?? this.scope,
      ...(extra.broken ? { broken: extra.broken } : {}),
    })
  }

  hits(hits: readonly NameHit[], path: Path, scope?: ReferenceScope) {
    for (const h of hits) {
      this.push(h.kind, h.target, path, {
        span: [h.start, h.end],
        extract: h.extract,
        broken: h.broken,
        ...(scope ? { scope } : {}),
      })
    }
  }

  /** Template references in every string under `value`. */
  strings(value: unknown, path: Path, scope?: ReferenceScope, depth = 0) {
    if (depth > 64) return
    if (typeof value === 'string') {
      if (value.includes('{{')) this.hits(templateHits(value), path, scope)
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.strings(v, [...path, i], scope, depth + 1))
    } else if (isMap(value)) {
      for (const [k, v] of Object.entries(value)) this.strings(v, [...path, k], scope, depth + 1)
    }
  }

  prompt(value: unknown, path: Path, scope: ReferenceScope) {
    if (!Array.isArray(value)) return this.strings(value, path, scope)
    value.forEach((part, i) => {
      const partPath = [...path, i]
      if (isMap(part) && part.type === 'previous_response') {
        const target = scalarName(part.step)
        if (target !== undefined) {
          const extract = scalarName(part.extract)
          this.push('previous_response', target, [...partPath, 'step'], { extract, scope })
        }
      }
      this.strings(part, partPath, scope)
    })
  }

  condition(value: unknown, path: Path, loopCondition: boolean, depth = 0) {
    if (depth > 64) return
    if (typeof value === 'string') {
      this.hits(conditionHits(value, loopCondition), path)
      this.strings(value, path)
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.condition(v, [...path, i], loopCondition, depth + 1))
    } else if (isMap(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'and' || k === 'or' || k === 'not')
          this.condition(v, [...path, k], loopCondition, depth + 1)
        else this.strings(v, [...path, k])
      }
    }
  }

  /** `X:path`, `X` or a template (§14.2). */
  dataSource(value: unknown, path: Path) {
    if (typeof value === 'string' && !value.includes('{{') && value !== '') {
      const colon = value.indexOf(':')
      if (colon < 0) this.push('data_source', value, path)
      else if (colon > 0)
        this.push('data_source', value.slice(0, colon), path, {
          span: [0, colon],
          extract: value.slice(colon + 1),
        })
    }
    this.strings(value, path)
  }

  /** `previous_response:X[:path]`, `context:results.X[.path]` or `X` (§7.13). */
  source(kind: 'input_source' | 'join_source', value: unknown, path: Path) {
    if (typeof value === 'string' && !value.includes('{{') && value !== '') {
      const pr = 'previous_response:'
      const ctx = 'context:results.'
      if (value.startsWith(pr)) {
        const rest = value.slice(pr.length)
        const colon = rest.indexOf(':')
        const name = colon < 0 ? rest : rest.slice(0, colon)
        if (name !== '')
          this.push(kind, name, path, {
            span: [pr.length, pr.length + name.length],
            extract: colon < 0 ? undefined : rest.slice(colon + 1),
          })
      } else if (value.startsWith(ctx)) {
        const rest = value.slice(ctx.length)
        const dot = rest.indexOf('.')
        const name = dot < 0 ? rest : rest.slice(0, dot)
        if (name !== '')
          this.push(kind, name, path, {
            span: [ctx.length, ctx.length + name.length],
            extract: dot < 0 ? undefined : rest.slice(dot + 1),
          })
      } else if (!value.startsWith('context:')) {
        this.push(kind, value, path)
      }
    }
    this.strings(value, path)
  }

  outputs(value: unknown, path: Path) {
    if (!Array.isArray(value)) return this.strings(value, path)
    value.forEach((o, i) => {
      const p = [...path, i]
      if (typeof o === 'string' && o !== '') this.push('pipeline_output', o, p)
      else if (isMap(o) && typeof o.path === 'string' && o.path !== '') {
        const dot = o.path.indexOf('.')
        if (dot < 0) this.push('pipeline_output', o.path, [...p, 'path'])
        else if (dot > 0)
          this.push('pipeline_output', o.path.slice(0, dot), [...p, 'path'], {
            span: [0, dot],
            extract: o.path.slice(dot + 1),
          })
      }
      this.strings(o, p)
    })
  }

  tasks(value: unknown, path: Path, scope: ReferenceScope) {
    if (!Array.isArray(value)) return this.strings(value, path, scope)
    value.forEach((task, i) => {
      const p = [...path, i]
      if (!isMap(task)) return this.strings(task, p, scope)
      for (const [k, v] of Object.entries(task)) {
        if (k === 'prompt') this.prompt(v, [...p, k], scope)
        else this.strings(v, [...p, k], scope)
      }
    })
  }
}

/** The references held by one step map (not by its child steps). */
export function stepReferences(step: StepMap, stepPath: Path, scope: ReferenceScope): Reference[] {
  const c = new Collector(stepPath, scope)
  const type = step.type
  for (const [key, value] of Object.entries(step)) {
    const p = [...stepPath, key]
    if (key === 'prompt') c.prompt(value, p, type === 'claude_batch' ? 'batch_task' : scope)
    else if (key === 'condition') c.condition(value, p, false)
    else if ((key === 'break_condition' || key === 'continue_condition') && type === 'for_loop')
      c.condition(value, p, true)
    else if (key === 'functions' && Array.isArray(value)) {
      value.forEach((f, i) => {
        const name = scalarName(f)
        if (name !== undefined) c.push('function', name, [...p, i])
      })
      c.strings(value, p)
    } else if (
      key === 'steps' &&
      (type === 'for_loop' || type === 'while_loop') &&
      Array.isArray(value)
    ) {
      // child steps hold their own references
    } else if (key === 'pipeline' && type === 'pipeline' && isMap(value)) {
      const hasWf = 'workflow' in value
      for (const [k, v] of Object.entries(value)) {
        if (hasWf && k === 'workflow' && isMap(v)) {
          for (const [wk, wv] of Object.entries(v))
            if (!(wk === 'steps' && Array.isArray(wv))) c.strings(wv, [...p, k, wk])
        } else if (!(!hasWf && k === 'steps' && Array.isArray(v))) c.strings(v, [...p, k])
      }
    } else if (key === 'parallel_tasks' && type === 'parallel_claude')
      c.tasks(value, p, 'parallel_task')
    else if (key === 'tasks' && type === 'claude_batch') c.tasks(value, p, 'batch_task')
    else if (key === 'data_source' && type === 'for_loop') c.dataSource(value, p)
    else if (key === 'input_source' && type === 'data_transform') c.source('input_source', value, p)
    else if (key === 'operations' && type === 'data_transform' && Array.isArray(value)) {
      value.forEach((op, i) => {
        const opPath = [...p, i]
        if (!isMap(op)) return c.strings(op, opPath)
        for (const [k, v] of Object.entries(op)) {
          if (k === 'right_source') c.source('join_source', v, [...opPath, k])
          else c.strings(v, [...opPath, k])
        }
      })
    } else if (key === 'outputs' && type === 'pipeline') c.outputs(value, p)
    else c.strings(value, p)
  }
  return c.out
}

/** Every reference in the document, step by step in document order. */
export function findReferences(root: unknown): Reference[] {
  const out: Reference[] = []
  walkSteps(root, (v) => {
    const scope: ReferenceScope = v.container === 'top' ? 'top' : v.container
    out.push(...stepReferences(v.step, v.path, scope))
  })
  return out
}
