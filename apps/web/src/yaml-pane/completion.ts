/**
 * Completion of keys and enum values from core's catalogue, worked out from indentation alone so
 * that it works while the text does not parse (which is most of the time while typing a key).
 *
 * - On a key position it offers the keys of the enclosing map that are not there yet: workflow
 *   keys, `defaults`, `claude_options`, the step's type's fields, a prompt part's fields.
 * - After `key: ` it offers the field's enum values (step types, part types, presets, …) or
 *   true/false for booleans.
 */
import {
  claudeOptionFields,
  getStepType,
  promptPartCatalogue,
  stepCatalogue,
  workflowFields,
  type FieldSpec,
} from '@weft/core'

export interface CompletionItem {
  readonly label: string
  readonly detail?: string
  readonly info?: string
  /** Text inserted in place of [from, pos). */
  readonly apply: string
}

export interface CompletionResult {
  readonly from: number
  readonly options: readonly CompletionItem[]
}

interface Line {
  readonly text: string
  /** Spaces before the first character. */
  readonly indent: number
  /** Column of the first key: after `- ` on a list item. */
  readonly keyIndent: number
  readonly dash: boolean
  readonly key: string | undefined
  readonly value: string
  readonly blank: boolean
}

function parseLine(text: string): Line {
  const m = /^( *)(- +)?(.*)$/.exec(text)!
  const indent = m[1]!.length
  const dash = m[2] !== undefined
  const rest = m[3]!
  const kv = /^([\w.-]+)\s*:(?:\s+(.*))?$/.exec(rest) ?? /^([\w.-]+)\s*:$/.exec(rest)
  const blank = rest.trim() === '' || rest.trimStart().startsWith('#')
  return {
    text,
    indent,
    keyIndent: indent + (dash ? m[2]!.length : 0),
    dash,
    key: kv?.[1],
    value: (kv?.[2] ?? '').replace(/\s+#.*$/, '').trim(),
    blank: blank && !dash,
  }
}

type MapContext =
  | { kind: 'root' }
  | { kind: 'workflow' }
  | { kind: 'defaults' }
  | { kind: 'claude_options' }
  | { kind: 'step'; type: string | undefined }
  | { kind: 'part'; type: string | undefined }
  | { kind: 'unknown' }

interface Enclosing {
  readonly context: MapContext
  /** Keys already in the map. */
  readonly siblings: ReadonlySet<string>
}

/** The map that a key at `keyIndent` on line `index` belongs to. */
function enclosing(
  lines: readonly Line[],
  index: number,
  keyIndent: number,
  dashHere: boolean,
): Enclosing {
  const siblings = new Set<string>()
  let itemStart = dashHere ? index : -1
  let parent: Line | undefined
  // Upwards: siblings, the list item's dash line, then the parent key.
  for (let i = index - 1; i >= 0 && itemStart < 0 && parent === undefined; i--) {
    const l = lines[i]!
    if (l.blank) continue
    if (l.keyIndent === keyIndent) {
      if (l.key) siblings.add(l.key)
      if (l.dash) itemStart = i
    } else if (l.keyIndent < keyIndent) {
      parent = l
    }
  }
  if (itemStart >= 0) {
    // The list's key sits at or left of the dash (`steps:` then `  - name:` or `- name:`).
    const dashAt = lines[itemStart]!.indent
    parent = undefined
    for (let i = itemStart - 1; i >= 0; i--) {
      const l = lines[i]!
      if (!l.blank && l.keyIndent <= dashAt) {
        parent = l
        break
      }
    }
  }
  // Downwards: the rest of the map.
  for (let i = index + 1; i < lines.length; i++) {
    const l = lines[i]!
    if (l.blank) continue
    if (l.keyIndent < keyIndent || (l.dash && l.indent < keyIndent)) break
    if (l.keyIndent === keyIndent && l.key && !l.dash) siblings.add(l.key)
  }
  const typeOf = () => {
    for (let i = Math.max(itemStart, 0); i < lines.length; i++) {
      const l = lines[i]!
      if (i > index && !l.blank && (l.keyIndent < keyIndent || (l.dash && l.indent < keyIndent)))
        break
      if (l.keyIndent === keyIndent && l.key === 'type' && l.value)
        return l.value.replace(/^["']|["']$/g, '')
    }
    return undefined
  }
  let context: MapContext
  if (keyIndent === 0) context = { kind: 'root' }
  else if (!parent) context = { kind: 'unknown' }
  else if (itemStart >= 0) {
    context =
      parent.key === 'steps' || parent.key === 'default'
        ? { kind: 'step', type: typeOf() }
        : parent.key === 'prompt'
          ? { kind: 'part', type: typeOf() }
          : { kind: 'unknown' }
  } else if (parent.key === 'workflow' && parent.keyIndent === 0) context = { kind: 'workflow' }
  else if (parent.key === 'defaults') context = { kind: 'defaults' }
  else if (parent.key === 'claude_options') context = { kind: 'claude_options' }
  else context = { kind: 'unknown' }
  return { context, siblings }
}

const defaultsFields = workflowFields.find((f) => f.key === 'defaults')?.fields ?? []

function fieldsOf(context: MapContext): readonly FieldSpec[] {
  switch (context.kind) {
    case 'root':
      return [
        {
          key: 'workflow',
          label: 'Workflow',
          kind: 'map',
          doc: 'The pipeline: name, steps and settings.',
        },
      ]
    case 'workflow':
      return workflowFields
    case 'defaults':
      return defaultsFields
    case 'claude_options':
      return claudeOptionFields
    case 'step':
      return (
        getStepType(context.type ?? '')?.fields ??
        getStepType('claude')!.fields.filter((f) => f.key === 'name' || f.key === 'type')
      )
    case 'part': {
      const spec = promptPartCatalogue.find((p) => p.type === context.type)
      const typeField: FieldSpec = {
        key: 'type',
        label: 'Type',
        kind: 'enum',
        doc: 'The kind of part.',
        enum: promptPartCatalogue.map((p) => p.type),
      }
      return [typeField, ...(spec?.fields ?? [])]
    }
    case 'unknown':
      return []
  }
}

const isBlock = (f: FieldSpec) => ['map', 'list', 'prompt', 'steps'].includes(f.kind)

/** Completions at `pos` in `text`, or null when there is nothing to offer. */
export function completeAt(text: string, pos: number): CompletionResult | null {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1
  const nl = text.indexOf('\n', pos)
  const lineEnd = nl < 0 ? text.length : nl
  const before = text.slice(lineStart, pos)
  const all = text.split('\n')
  const index = text.slice(0, lineStart).split('\n').length - 1
  const lines = all.map(parseLine)

  // A value after `key: `.
  const value = /^( *)(- +)?([\w.-]+):( +)([\w.-]*)$/.exec(before)
  if (value) {
    const keyIndent = value[1]!.length + (value[2]?.length ?? 0)
    const { context } = enclosing(lines, index, keyIndent, value[2] !== undefined)
    const key = value[3]!
    const from = pos - value[5]!.length
    let spec = fieldsOf(context).find((f) => f.key === key)
    if (context.kind === 'step' && key === 'type') {
      return {
        from,
        options: stepCatalogue.map((s) => ({
          label: s.type,
          detail: s.acceptance === 'accepted' ? s.label : `${s.label} (${s.acceptance})`,
          info: s.description,
          apply: s.type,
        })),
      }
    }
    if (!spec) return null
    if (spec.kind === 'boolean') spec = { ...spec, enum: ['true', 'false'] }
    if (!spec.enum) return null
    return {
      from,
      options: spec.enum.map((v) => ({ label: v, detail: spec.label, info: spec.doc, apply: v })),
    }
  }

  // A key being typed (the rest of the line must be empty).
  const key = /^( *)(- +)?([\w.-]*)$/.exec(before)
  if (!key || text.slice(pos, lineEnd).trim() !== '') return null
  const keyIndent = key[1]!.length + (key[2]?.length ?? 0)
  const { context, siblings } = enclosing(lines, index, keyIndent, key[2] !== undefined)
  const from = pos - key[3]!.length
  const indent = ' '.repeat(keyIndent + 2)
  const options = fieldsOf(context)
    .filter((f) => !siblings.has(f.key))
    .map((f) => ({
      label: f.key,
      detail: f.effect === 'ignored' ? `${f.label} (ignored by pipeline_ex)` : f.label,
      info: f.doc,
      apply: isBlock(f) ? `${f.key}:\n${indent}` : `${f.key}: `,
    }))
  return options.length > 0 ? { from, options } : null
}
