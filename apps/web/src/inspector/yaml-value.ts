/**
 * Plain values as short YAML snippets and back, for the inspector's raw-YAML editors (free-form
 * maps, unknown keys, values of the wrong shape). Parsing goes through core's `readYaml`, so a
 * snippet means what it would mean to pipeline_ex.
 */
import { readYaml } from '@weft/core'
import { isPlainObject } from './controls'

const PLAIN = /^[A-Za-z_./$][\w ./$-]*$/
const RESERVED =
  /^(true|false|null|yes|no|on|off|y|n|~|True|False|TRUE|FALSE|Null|NULL|Yes|No|YES|NO|On|Off|ON|OFF)$/

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') {
    return PLAIN.test(v) &&
      !RESERVED.test(v) &&
      !v.endsWith(' ') &&
      !v.includes(': ') &&
      !v.includes(' #')
      ? v
      : JSON.stringify(v)
  }
  return String(v)
}

const key = (k: string) => scalar(k)

function block(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]']
    const out: string[] = []
    for (const item of value) {
      const lines = block(item, indent + '  ')
      if (
        (Array.isArray(item) && item.length > 0) ||
        (isPlainObject(item) && Object.keys(item).length > 0)
      ) {
        out.push(`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1))
      } else out.push(`${indent}- ${lines[0]}`)
    }
    return out
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
    if (entries.length === 0) return ['{}']
    const out: string[] = []
    for (const [k, v] of entries) {
      const nested =
        (Array.isArray(v) && v.length > 0) || (isPlainObject(v) && Object.keys(v).length > 0)
      if (nested) {
        out.push(`${indent}${key(k)}:`, ...block(v, indent + '  '))
      } else out.push(`${indent}${key(k)}: ${block(v, indent)[0]}`)
    }
    return out
  }
  return [scalar(value)]
}

/** A value as block-style YAML (strings quoted when they would read as something else). */
export function toYamlSnippet(value: unknown): string {
  if (value === undefined) return ''
  return block(value, '').join('\n')
}

export type SnippetResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string }

/** Reads a snippet; an empty one means "remove the key" (value undefined). */
export function parseYamlSnippet(text: string): SnippetResult {
  if (text.trim() === '') return { ok: true, value: undefined }
  const read = readYaml(text)
  if (!read.ok) {
    const d = read.diagnostics.find((x) => x.severity === 'error') ?? read.diagnostics[0]
    return {
      ok: false,
      message: d ? `Line ${d.line}, column ${d.column}: ${d.message}` : 'Not valid YAML.',
    }
  }
  return { ok: true, value: read.value }
}
