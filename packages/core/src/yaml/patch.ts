/**
 * Writes a value back into the YAML text it came from, touching only the stretches whose data
 * changed. Everything else (comments, blank lines, quoting, block scalar styles, key order, even
 * duplicate keys that pipeline_ex ignores) keeps its exact bytes, so a user's file survives edits
 * made on the canvas. The result is read back and compared with the value; when in-place editing
 * cannot express the change faithfully the caller gets `undefined` and renders canonically.
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml'
import type { Path } from '../diagnostics.js'
import { deepEqual } from './equal.js'
import { keyString, nodeToValue, readYaml, type YamlSource } from './read.js'

export interface PatchOptions {
  /**
   * A key that identifies a sequence item across edits (a step's name, say), so that a moved or
   * edited item keeps its comments. Items without a key are matched by equality, then position.
   */
  readonly itemKey?: (seqPath: Path, item: unknown) => string | undefined
}

interface Edit {
  readonly start: number
  readonly end: number
  readonly text: string
}

/** Options for every freshly rendered stretch: two-space indent, nothing re-folded. */
export const renderOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  version: '1.2',
} as const

/** Renders a whole document canonically (used when there is no source text to keep). */
export function renderYaml(value: unknown): string {
  if (value === null || value === undefined) return ''
  const doc = new Document(value, { version: '1.2' })
  return doc.toString(renderOptions)
}

export function patchYaml(
  base: YamlSource,
  value: unknown,
  options: PatchOptions = {},
): string | undefined {
  const doc = base.document
  if (!base.ok || !doc) return undefined
  if (deepEqual(base.value, value)) return base.text
  // Most files lack a final newline; patch as if it were there (no offset moves) and restore.
  const open = !base.text.endsWith('\n')
  const text = open ? `${base.text}\n` : base.text
  const patcher = new Patcher(text, doc, options)
  const contents = doc.contents
  let out: string | undefined
  if (contents && (isMap(contents) || isSeq(contents)) && !contents.flow) {
    const edits = patcher.node(contents, value, [], columnOf(text, contents.range[0]))
    if (edits) out = apply(text, edits)
  }
  if (out === undefined) return undefined
  if (open && out.endsWith('\n')) out = out.slice(0, -1)
  // The safety net: whatever the edits did, the text must read back as exactly this value.
  const check = readYaml(out)
  return check.ok && deepEqual(check.value, value) ? out : undefined
}

class Patcher {
  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly options: PatchOptions,
  ) {}

  /** Edits that turn `node` into `value`, or undefined when the entry must be re-rendered whole. */
  node(node: unknown, value: unknown, path: Path, indent: number): Edit[] | undefined {
    if (deepEqual(nodeToValue(this.doc, node), value)) return []
    if (isAlias(node) || hasAnchor(node)) return undefined
    if (isMap(node) && !node.flow && isPlainObject(value))
      return this.map(node, value, path, indent)
    if (isSeq(node) && !node.flow && Array.isArray(value)) return this.seq(node, value, path)
    if (isScalar(node) && isScalarValue(value)) return this.scalar(node, value, indent)
    if ((isMap(node) || isSeq(node)) && node.flow && isFlatCollection(value)) {
      const rendered = renderFlow(value)
      if (rendered !== undefined)
        return [{ start: node.range![0], end: node.range![1], text: rendered }]
    }
    return undefined
  }

  private map(
    node: YAMLMap,
    value: Record<string, unknown>,
    path: Path,
    indent: number,
  ): Edit[] | undefined {
    const edits: Edit[] = []
    const seen = new Set<string>()
    let lastEnd = -1
    for (const pair of node.items) {
      if (!isPair(pair)) return undefined
      const name = keyString(pair.key)
      if (name === null) return undefined
      const end = this.pairEnd(pair)
      lastEnd = Math.max(lastEnd, end)
      // A repeated key is ignored by pipeline_ex; leave its text exactly as the user wrote it.
      if (seen.has(name)) continue
      seen.add(name)
      const keyStart = (pair.key as Scalar).range![0]
      const lineBegin = lineStart(this.text, keyStart)
      // The first key of a `- key: v` item shares its line with the dash: edit from the key on.
      const inline = this.text.slice(lineBegin, keyStart).trim() !== ''
      const start = inline ? keyStart : lineBegin
      if (!Object.prototype.hasOwnProperty.call(value, name)) {
        if (inline) return undefined
        edits.push({ start, end, text: '' })
        continue
      }
      const child = value[name]
      const valueNode = pair.value
      const inner =
        valueNode === null || valueNode === undefined || isEmptyNull(valueNode)
          ? undefined
          : this.node(
              valueNode,
              child,
              [...path, name],
              isMap(valueNode) || isSeq(valueNode)
                ? columnOf(this.text, valueNode.range![0])
                : indent + 2,
            )
      if (inner) edits.push(...inner)
      else if (!(valueNode == null && child === null)) {
        const text = renderEntry(name, child, indent, this.text.slice(start, end))
        edits.push({ start, end, text: inline ? text.slice(indent) : text })
      }
    }
    const added = Object.keys(value).filter((k) => !seen.has(k))
    if (added.length > 0) {
      if (lastEnd < 0) return undefined
      const text = added.map((k) => renderEntry(k, value[k], indent, '')).join('')
      edits.push({ start: lastEnd, end: lastEnd, text })
    }
    return edits
  }

  private seq(node: YAMLSeq, value: readonly unknown[], path: Path): Edit[] | undefined {
    const items = node.items
    if (items.length === 0) return undefined
    const indent = columnOf(this.text, dashOf(this.text, (items[0] as Scalar).range![0]))
    const baseValues = items.map((it) => nodeToValue(this.doc, it))
    const key = this.options.itemKey
    const match = matchItems(baseValues, value, key ? (item) => key(path, item) : () => undefined)
    // Item i's block runs from the end of item i-1's content (so the comments and blank lines
    // above an item travel with it) to the end of its own content.
    const contentEnd = items.map((it) => lineEnd(this.text, (it as Scalar).range![1]))
    const firstStart = leadingComments(
      this.text,
      lineStart(this.text, dashOf(this.text, (items[0] as Scalar).range![0])),
      indent,
    )
    const blockStart = items.map((_, i) => (i === 0 ? firstStart : contentEnd[i - 1]!))
    const inOrder = match.every(
      (b, i) => b === undefined || match.slice(0, i).every((p) => p === undefined || p < b),
    )
    const used = new Set(match.filter((b): b is number => b !== undefined))

    if (inOrder) {
      // Common case: edit matched items in place, delete unmatched ones, insert new ones.
      const edits: Edit[] = []
      for (let b = 0; b < items.length; b++) {
        if (!used.has(b))
          edits.push({
            start: b === 0 ? firstStart : blockStart[b]!,
            end: contentEnd[b]!,
            text: '',
          })
      }
      let insertAt = firstStart
      for (let i = 0; i < value.length; i++) {
        const b = match[i]
        if (b !== undefined) {
          const itemEdits = this.item(
            items[b],
            value[i],
            [...path, i],
            indent,
            blockStart[b]!,
            contentEnd[b]!,
          )
          edits.push(...itemEdits)
          insertAt = contentEnd[b]!
        } else {
          edits.push({ start: insertAt, end: insertAt, text: renderItem(value[i], indent) })
        }
      }
      return edits
    }

    // Reordered: rebuild the region from the items' own (patched) blocks in the new order.
    let region = ''
    for (let i = 0; i < value.length; i++) {
      const b = match[i]
      if (b === undefined) {
        region += renderItem(value[i], indent)
        continue
      }
      const start = blockStart[b]!
      const end = contentEnd[b]!
      const itemEdits = this.item(items[b], value[i], [...path, i], indent, start, end)
      region += apply(
        this.text.slice(start, end),
        itemEdits.map((e) => ({ start: e.start - start, end: e.end - start, text: e.text })),
      )
    }
    return [{ start: firstStart, end: contentEnd[items.length - 1]!, text: region }]
  }

  private item(
    node: unknown,
    value: unknown,
    path: Path,
    indent: number,
    blockStart: number,
    end: number,
  ): Edit[] {
    const inner =
      node === null || node === undefined
        ? undefined
        : this.node(
            node,
            value,
            path,
            isMap(node) || isSeq(node)
              ? columnOf(this.text, (node as YAMLMap).range![0])
              : indent + 2,
          )
    if (inner) return inner
    // Keep the leading comments and blank lines; re-render the item itself.
    const dash = lineStart(this.text, dashOf(this.text, (node as Scalar).range![0]))
    return [{ start: Math.max(blockStart, dash), end, text: renderItem(value, indent) }]
  }

  private scalar(node: Scalar, value: unknown, indent: number): Edit[] | undefined {
    const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED
    if (block) {
      if (typeof value !== 'string' || !value.includes('\n')) return undefined
      const rendered = renderScalarBlock(value, indent)
      return [{ start: node.range![0], end: node.range![1], text: rendered }]
    }
    if (typeof value === 'string' && value.includes('\n')) return undefined
    const rendered = renderInlineScalar(value, node.type)
    if (rendered === undefined) return undefined
    return [{ start: node.range![0], end: node.range![1], text: rendered }]
  }

  private pairEnd(pair: Pair): number {
    const v = pair.value as Scalar | null
    const k = pair.key as Scalar
    const end = v && v.range ? v.range[1] : k.range![1]
    return lineEnd(this.text, end)
  }
}

/**
 * Pairs each new item with a base item: first by key (in order), then by equal value, then by
 * position within the gaps that are left, so an item edited in place keeps its text.
 */
export function matchItems(
  base: readonly unknown[],
  next: readonly unknown[],
  keyOf: (item: unknown) => string | undefined,
): (number | undefined)[] {
  const match: (number | undefined)[] = next.map(() => undefined)
  const taken = new Set<number>()
  const baseKeys = base.map(keyOf)
  for (let i = 0; i < next.length; i++) {
    const k = keyOf(next[i])
    if (k === undefined) continue
    const b = baseKeys.findIndex((bk, j) => bk === k && !taken.has(j))
    if (b >= 0) {
      match[i] = b
      taken.add(b)
    }
  }
  for (let i = 0; i < next.length; i++) {
    if (match[i] !== undefined) continue
    const b = base.findIndex((bv, j) => !taken.has(j) && deepEqual(bv, next[i]))
    if (b >= 0) {
      match[i] = b
      taken.add(b)
    }
  }
  // Positional fill inside gaps between matched neighbours keeps in-place edits in place.
  let prevBase = -1
  for (let i = 0; i < next.length; i++) {
    const m = match[i]
    if (m !== undefined) {
      prevBase = Math.max(prevBase, m)
      continue
    }
    let nextMatched = base.length
    for (let j = i + 1; j < next.length; j++) {
      const mj = match[j]
      if (mj !== undefined && mj > prevBase) {
        nextMatched = mj
        break
      }
    }
    for (let b = prevBase + 1; b < nextMatched; b++) {
      if (
        !taken.has(b) &&
        (keyOf(next[i]) === undefined ||
          baseKeys[b] === undefined ||
          !next.some((n) => keyOf(n) === baseKeys[b]))
      ) {
        match[i] = b
        taken.add(b)
        prevBase = b
        break
      }
    }
  }
  return match
}

/**
 * Applies edits back to front so earlier offsets stay valid. Inserts at one position are applied
 * last-listed first, so they end up in the order they were listed (two new items appended after
 * the same item keep their order).
 */
function apply(text: string, edits: readonly Edit[]): string {
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.index - a.index)
  let out = text
  for (const { edit: e } of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return out
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1
}

function lineEnd(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos
  const nl = text.indexOf('\n', pos)
  return nl < 0 ? text.length : nl + 1
}

/** Moves `start` up over the comment lines directly above it that sit at the same indentation. */
function leadingComments(text: string, start: number, indent: number): number {
  let s = start
  while (s > 0) {
    const prev = lineStart(text, s - 1)
    const line = text.slice(prev, s - 1)
    if (!line.trimStart().startsWith('#') || line.length - line.trimStart().length !== indent) break
    s = prev
  }
  return s
}

function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos)
}

/** The offset of the `-` that introduces the sequence item starting at `pos`. */
function dashOf(text: string, pos: number): number {
  let p = pos - 1
  while (p >= 0 && (text[p] === ' ' || text[p] === '\t' || text[p] === '\n')) p--
  return text[p] === '-' ? p : pos
}

function hasAnchor(node: unknown): boolean {
  return typeof (node as { anchor?: unknown } | null)?.anchor === 'string'
}

function isEmptyNull(node: unknown): boolean {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1]
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isFlatCollection(v: unknown): boolean {
  const items = Array.isArray(v) ? v : isPlainObject(v) ? Object.values(v) : undefined
  return items !== undefined && items.every((x) => isScalarValue(x) && !String(x).includes('\n'))
}

function isScalarValue(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v)
}

/** A `key: value` entry, block style, at `indent`, ending with a newline. */
function renderEntry(key: string, value: unknown, indent: number, replaced: string): string {
  const doc = new Document({ [key]: value }, { version: '1.2' })
  let text = doc.toString(renderOptions)
  // Keep a trailing comment on the key line when the entry is replaced whole.
  const trailing = /^[^\n#]*?(\s+#[^\n]*)\n/.exec(replaced)
  if (trailing && isScalarValue(value) && !String(value).includes('\n')) {
    text = text.replace(/\n$/, `${trailing[1]}\n`)
  }
  return indentLines(text, indent)
}

/** A `- value` sequence item at `indent`, ending with a newline. */
function renderItem(value: unknown, indent: number): string {
  const doc = new Document([value], { version: '1.2' })
  return indentLines(doc.toString(renderOptions), indent)
}

function renderFlow(value: unknown): string | undefined {
  const doc = new Document(value, { version: '1.2' })
  const node = doc.contents
  if (isMap(node) || isSeq(node)) node.flow = true
  const text = doc.toString({ ...renderOptions, flowCollectionPadding: false }).trimEnd()
  return text.includes('\n') ? undefined : text
}

function renderInlineScalar(value: unknown, type: Scalar['type']): string | undefined {
  const doc = new Document(value, { version: '1.2' })
  const node = doc.contents
  if (isScalar(node) && type && typeof value === 'string') node.type = type
  const text = doc.toString(renderOptions).replace(/\n$/, '')
  return text.includes('\n') ? undefined : text
}

function renderScalarBlock(value: string, indent: number): string {
  const doc = new Document(value, { version: '1.2' })
  const node = doc.contents as Scalar
  node.type = Scalar.BLOCK_LITERAL
  const text = doc.toString(renderOptions)
  // `|` header on the key's line, content indented one level under the entry.
  const [header, ...rest] = text.split('\n')
  const body = rest.map((l) => (l === '' ? '' : ' '.repeat(indent) + l)).join('\n')
  return `${header}\n${body}`.replace(/\n$/, '\n')
}

function indentLines(text: string, indent: number): string {
  if (indent === 0) return text
  const pad = ' '.repeat(indent)
  return text
    .split('\n')
    .map((l, i, all) => (l === '' && i === all.length - 1 ? l : pad + l))
    .join('\n')
}
