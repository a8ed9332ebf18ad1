/**
 * Shared plumbing for the loader checks and the lint rules: where a diagnostic points, how
 * pipeline_ex prints values in its messages, and YAML-typed equality.
 */
import type { Diagnostic, Path, Severity, SourcePosition } from '../diagnostics.js'
import { isScalar, Scalar } from 'yaml'
import { walk, type YamlSource } from '../yaml/read.js'

export interface ValidateOptions {
  /** pipeline_ex's `Mix.env() == :test`: accepts `test_echo`. Default false. */
  readonly testEnv?: boolean
  /** Include warnings and infos (default true); errors are always reported. */
  readonly lint?: boolean
  /** To fill `Diagnostic.stepId`. */
  readonly stepIdAt?: (stepPath: Path) => string | undefined
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

export function has(m: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key)
}

/** `m[key]`, or `undefined` when absent (never a prototype member). */
export function get(m: unknown, key: string): unknown {
  return isMap(m) && has(m, key) ? m[key] : undefined
}

/** Elixir's `nil` as pipeline_ex's `== nil` / `||` checks see it. */
export function isNil(v: unknown): boolean {
  return v === null || v === undefined
}

/**
 * How Elixir's string interpolation prints `v` in pipeline_ex's messages: nil is empty, a list
 * is flattened as chardata (strings concatenated, integers as code points). `undefined` when
 * interpolation would raise (maps, floats or booleans inside lists…).
 */
export function exStr(v: unknown, depth = 0): string | undefined {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v) && depth < 32) {
    let out = ''
    for (const e of v) {
      if (typeof e === 'number') {
        if (!Number.isInteger(e) || e < 0 || e > 0x10ffff) return undefined
        out += String.fromCodePoint(e)
      } else if (typeof e === 'string' || Array.isArray(e)) {
        const s = exStr(e, depth + 1)
        if (s === undefined) return undefined
        out += s
      } else return undefined
    }
    return out
  }
  return undefined
}

/** Elixir term equality for YAML values: `1` never equals `"1"`. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i]))
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => has(b, k) && same(a[k], b[k]))
  }
  return false
}

/** The first index of each value under `same`, with constant-time lookups for primitives. */
export class SameIndex {
  private readonly primitives = new Map<string, Map<unknown, number>>()
  private readonly others: [number, unknown][] = []
  private count = 0

  constructor(values: Iterable<unknown> = []) {
    for (const v of values) this.add(v)
  }

  add(v: unknown): void {
    const i = this.count++
    if (v !== null && typeof v === 'object') {
      this.others.push([i, v])
      return
    }
    if (typeof v === 'number' && Number.isNaN(v)) return // `same` never matches NaN
    const key = v === null ? 'null' : typeof v
    let byValue = this.primitives.get(key)
    if (!byValue) this.primitives.set(key, (byValue = new Map()))
    if (!byValue.has(v)) byValue.set(v, i)
  }

  /** The index of the first added value `same` as `v`, or -1. */
  indexOf(v: unknown): number {
    if (v !== null && typeof v === 'object')
      return this.others.find(([, x]) => same(x, v))?.[0] ?? -1
    return this.primitives.get(v === null ? 'null' : typeof v)?.get(v) ?? -1
  }
}

/** A short, readable rendering of a value for messages. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`
  if (v === null || v === undefined) return 'null'
  try {
    const s = JSON.stringify(v)
    return s.length > 60 ? `${s.slice(0, 57)}...` : s
  } catch {
    return String(v)
  }
}

export const CRASH_NOTE = 'pipeline_ex crashes on this instead of reporting an error'

export class Reporter {
  readonly diagnostics: Diagnostic[] = []

  constructor(
    readonly source: YamlSource,
    readonly options: ValidateOptions,
  ) {}

  get lint(): boolean {
    return this.options.lint !== false
  }

  /** Position of the value at `path` (or its key when empty). */
  at(path: Path): SourcePosition {
    return this.source.locate(path)
  }

  /**
   * Position of characters [start, …) inside the string at `path` when the source spells it
   * verbatim on one stretch (plain or quoted without escapes); else the string's start.
   */
  atSpan(path: Path, span: readonly [number, number] | undefined): SourcePosition {
    const doc = this.source.document
    if (!span || !doc) return this.at(path)
    const { node, depth } = walk(doc, path)
    if (depth !== path.length || !isScalar(node) || typeof node.value !== 'string' || !node.range)
      return this.at(path)
    const value = node.value
    const start = node.range[0]
    const text = this.source.text
    const skip =
      node.type === Scalar.PLAIN
        ? 0
        : node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE
          ? 1
          : -1
    if (skip < 0 || text.slice(start + skip, start + skip + value.length) !== value)
      return this.at(path)
    return this.source.position(start + skip + span[0])
  }

  /** Position of the key at `path`, else of the value. */
  keyAt(path: Path): SourcePosition {
    return this.source.locateKey(path) ?? this.source.locate(path)
  }

  /** Where to point for a field missing from the map at `mapPath`: its `name`, else the map itself. */
  missingAt(mapPath: Path, value: unknown): SourcePosition {
    if (isMap(value) && has(value, 'name')) return this.keyAt([...mapPath, 'name'])
    return this.source.locate(mapPath)
  }

  add(
    code: string,
    severity: Severity,
    message: string,
    path: Path,
    pos: SourcePosition,
    stepPath?: Path,
  ): void {
    if (severity !== 'error' && !this.lint) return
    const stepId = stepPath && this.options.stepIdAt ? this.options.stepIdAt(stepPath) : undefined
    this.diagnostics.push({
      code,
      severity,
      message,
      path,
      line: pos.line,
      column: pos.column,
      ...(stepId !== undefined ? { stepId } : {}),
    })
  }
}
