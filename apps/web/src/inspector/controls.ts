/**
 * Which control the inspector draws for a catalogue field, and whether the value it holds fits
 * the field. A value that does not fit is never dropped: it is shown (as raw YAML when the
 * field's own control cannot hold it) and flagged.
 */
import type { FieldSpec } from '@weft/core'

export type ControlKind =
  /** Single-line text input. */
  | 'text'
  /** Multiline text; bound to the field's Y.Text when there is one. */
  | 'multiline'
  | 'number'
  | 'boolean'
  | 'select'
  /** A list of items, each drawn with the item spec's control. */
  | 'list'
  /** A map with known keys, drawn as nested fields. */
  | 'object'
  /** Prompt parts: an ordered list of typed parts. */
  | 'prompt'
  /** Nested steps: edited on the canvas; listed here. */
  | 'steps'
  /** A YAML snippet, for free-form values and values the field's control cannot hold. */
  | 'yaml'

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const isScalar = (v: unknown) =>
  v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v)

/** The control for `spec` holding `value` (undefined when the key is absent). */
export function controlFor(spec: FieldSpec, value: unknown): ControlKind {
  switch (spec.kind) {
    case 'string':
      return isScalar(value) ? 'text' : 'yaml'
    case 'text':
      return isScalar(value) ? 'multiline' : 'yaml'
    case 'number':
    case 'integer':
      return isScalar(value) ? 'number' : 'yaml'
    case 'boolean':
      return isScalar(value) ? 'boolean' : 'yaml'
    case 'enum':
      return isScalar(value) ? 'select' : 'yaml'
    case 'list':
      return spec.item && (value === undefined || Array.isArray(value)) ? 'list' : 'yaml'
    case 'map':
      return spec.fields && (value === undefined || isPlainObject(value)) ? 'object' : 'yaml'
    case 'prompt':
      return value === undefined || Array.isArray(value) ? 'prompt' : 'yaml'
    case 'condition':
      return typeof value === 'string' || value === undefined ? 'text' : 'yaml'
    case 'steps':
      return value === undefined || Array.isArray(value) ? 'steps' : 'yaml'
    case 'any':
      return 'yaml'
  }
}

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : isPlainObject(v)
        ? 'a map'
        : typeof v === 'string'
          ? `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`
          : typeof v === 'number'
            ? `the number ${v}`
            : `${typeof v} ${String(v)}`

/**
 * Why `value` does not fit `spec`, in a sentence; null when it fits or is absent. These are the
 * inspector's own checks: pipeline_ex's loader checks few of them, so a bad value here often
 * loads and misbehaves at run time.
 */
export function checkValue(spec: FieldSpec, value: unknown): string | null {
  if (value === undefined) return null
  switch (spec.kind) {
    case 'string':
      return typeof value === 'string' ? null : `Expected text, found ${describe(value)}.`
    case 'text':
      return typeof value === 'string' ? null : `Expected text, found ${describe(value)}.`
    case 'number':
      return typeof value === 'number' ? null : `Expected a number, found ${describe(value)}.`
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
        ? null
        : `Expected a whole number, found ${describe(value)}.`
    case 'boolean':
      return typeof value === 'boolean' ? null : `Expected true or false, found ${describe(value)}.`
    case 'enum': {
      const values = spec.enum ?? []
      return typeof value === 'string' && values.includes(value)
        ? null
        : `${describe(value)[0]!.toUpperCase()}${describe(value).slice(1)} is not one of: ${values.join(', ')}.`
    }
    case 'list':
      return Array.isArray(value) ? null : `Expected a list, found ${describe(value)}.`
    case 'map':
      return isPlainObject(value) ? null : `Expected a map, found ${describe(value)}.`
    case 'prompt':
      return Array.isArray(value)
        ? null
        : `Expected a list of prompt parts, found ${describe(value)}.`
    case 'condition':
      return typeof value === 'string' || isPlainObject(value)
        ? null
        : `Expected a condition (text or an and/or/not map), found ${describe(value)}.`
    case 'steps':
      return Array.isArray(value) ? null : `Expected a list of steps, found ${describe(value)}.`
    case 'any':
      return null
  }
}

/** "default: …" text for a field with a runtime default, or undefined. */
export function defaultText(spec: FieldSpec): string | undefined {
  if (spec.default === undefined) return undefined
  const d = spec.default
  return `default: ${typeof d === 'string' ? d : JSON.stringify(d)}`
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * What a number input's text means: undefined (remove the key) when empty, a number when it
 * reads as one, else the text itself, kept and flagged rather than dropped.
 */
export function parseNumberInput(text: string): number | string | undefined {
  const t = text.trim()
  if (t === '') return undefined
  return NUMBER.test(t) ? Number(t) : text
}

/** Keys of `value` the spec does not list: kept and shown, never dropped. */
export function unknownKeys(fields: readonly FieldSpec[], value: unknown): string[] {
  if (!isPlainObject(value)) return []
  const known = new Set(fields.map((f) => f.key))
  return Object.keys(value).filter((k) => !known.has(k))
}
