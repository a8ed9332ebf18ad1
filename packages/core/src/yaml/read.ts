/**
 * Reads YAML the way pipeline_ex does (yaml_elixir 2.11 on yamerl 0.10, format reference §2),
 * not the way a spec-compliant parser would. Where the two disagree the file's meaning to
 * pipeline_ex wins and a diagnostic says so; nothing is silently "fixed":
 *
 * - duplicate keys: the FIRST occurrence wins (yamerl's `Map.put_new`);
 * - `<<` merge keys are plain keys, never merged;
 * - only the LAST document of a multi-document stream counts;
 * - YAML 1.2 core schema: `yes`/`on` stay strings, `017` is 17, `1_000` is a string;
 * - an alias of a flow-style collection reads as that collection's first scalar (a yamerl bug);
 * - a `null` key makes the whole read fail;
 * - tabs in indentation are errors, because yamerl may silently attach the key elsewhere.
 *
 * The parsed `yaml` Document is kept (with its comments and source ranges) so that writers can
 * edit the text in place instead of re-rendering it.
 */
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  Scalar,
  type Document,
  type Node as YamlNode,
  type ParsedNode,
} from 'yaml'
import type { Diagnostic, Path, SourcePosition } from '../diagnostics.js'

export const yamlCodes = {
  /** The text is not YAML at all: pipeline_ex reports "Failed to parse YAML". */
  syntax: 'YAML_SYNTAX',
  /** A key whose value is null (`~: x`): yamerl fails the whole read. */
  nullKey: 'YAML_NULL_KEY',
  /** A tab in indentation: pipeline_ex may move the key to another level or reject the file. */
  tabIndent: 'YAML_TAB_INDENT',
  /** A key repeated in one mapping: pipeline_ex keeps the first. */
  duplicateKey: 'YAML_DUPLICATE_KEY',
  /** A `<<` merge key: pipeline_ex does not merge it. */
  mergeKey: 'YAML_MERGE_KEY',
  /** An alias of a flow collection: pipeline_ex reads its first scalar instead. */
  flowAlias: 'YAML_FLOW_ALIAS',
  /** Several documents: pipeline_ex uses the last. */
  multiDocument: 'YAML_MULTI_DOCUMENT',
  /** A number, boolean or collection used as a key: invisible to pipeline_ex's string lookups. */
  nonStringKey: 'YAML_NON_STRING_KEY',
  /** Anything else the YAML parser warns about (unknown tags, …). */
  warning: 'YAML_WARNING',
} as const

export interface YamlSource {
  readonly text: string
  /** False when pipeline_ex could not read the text at all; `value` is then `undefined`. */
  readonly ok: boolean
  /** pipeline_ex's view of the document that counts (the last one). `null` for an empty one. */
  readonly value: unknown
  /** YAML-level findings, in source order. */
  readonly diagnostics: readonly Diagnostic[]
  /** The parsed document that counts, with comments and source ranges; `undefined` when none. */
  readonly document: Document.Parsed | undefined
  /** Position of the node at `path` (its value, or its key when the value is empty), falling back to the nearest ancestor. */
  locate(path: Path): SourcePosition
  /** Position of the key of the map entry at `path`, when there is one. */
  locateKey(path: Path): SourcePosition | undefined
  /** 1-based line and column of a character offset. */
  position(offset: number): SourcePosition
}

const parseOptions = {
  uniqueKeys: false,
  merge: false,
  schema: 'core',
  prettyErrors: false,
  keepSourceTokens: false,
} as const

export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, { ...parseOptions, lineCounter })
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : []
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)))
    return { line: p.line, column: p.col }
  }
  const diagnostics: Diagnostic[] = []
  const at = (
    code: string,
    severity: Diagnostic['severity'],
    message: string,
    offset: number,
    path: Path = [],
  ) => {
    const p = position(offset)
    diagnostics.push({ code, severity, message, path, line: p.line, column: p.column })
  }

  let ok = true
  for (const doc of list) {
    for (const err of doc.errors) {
      ok = false
      at(yamlCodes.syntax, 'error', `YAML syntax error: ${firstLine(err.message)}`, err.pos[0])
    }
    for (const warn of doc.warnings) {
      at(yamlCodes.warning, 'warning', firstLine(warn.message), warn.pos[0])
    }
  }
  const document = list.length > 0 ? list[list.length - 1] : undefined
  if (list.length > 1 && document) {
    at(
      yamlCodes.multiDocument,
      'warning',
      `This file holds ${list.length} YAML documents; pipeline_ex reads only the last one (line ${position(document.range[0]).line}).`,
      document.range[0],
    )
  }
  checkTabs(text, list, at)

  let value: unknown = undefined
  if (ok) {
    const conv = new Converter(
      document,
      (code, severity, message, node, path) => {
        if (code === yamlCodes.nullKey) ok = false
        at(code, severity, message, node?.range?.[0] ?? 0, path)
      },
      (offset) => position(offset).line,
    )
    value = document ? conv.value(document.contents, []) : null
    if (!ok) value = undefined
  }
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column)

  const find = (path: Path) => walk(document, path)
  return {
    text,
    ok,
    value,
    diagnostics,
    document,
    position,
    locate(path) {
      const { node, key } = find(path)
      const valueStart = nodeStart(node)
      if (valueStart !== undefined && !isEmptyScalar(node)) return position(valueStart)
      const keyStart = nodeStart(key)
      return position(keyStart ?? valueStart ?? 0)
    },
    locateKey(path) {
      const { key, depth } = find(path)
      const start = depth === path.length ? nodeStart(key) : undefined
      return start === undefined ? undefined : position(start)
    },
  }
}

/**
 * The pipeline_ex value of one node of `doc`, with the same rules as `readYaml`. Writers use it
 * to compare a stretch of source with the document's current data.
 */
export function nodeToValue(doc: Document.Parsed, node: unknown): unknown {
  return new Converter(doc, ignore, () => 0).value(node, [])
}

/** Looks up the node at `path` with first-key-wins semantics; `depth` is how far the walk got. */
export function walk(
  doc: Document.Parsed | undefined,
  path: Path,
): { node: unknown; key: unknown; depth: number } {
  let node: unknown = doc?.contents
  let key: unknown = undefined
  let depth = 0
  for (const seg of path) {
    if (isAlias(node) && doc) node = node.resolve(doc)
    if (isMap(node)) {
      const pair = node.items.find((p) => keyString(p.key) === String(seg))
      if (!pair) break
      key = pair.key
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number') {
      if (seg < 0 || seg >= node.items.length) break
      key = undefined
      node = node.items[seg]
    } else break
    depth++
  }
  return { node, key, depth }
}

/** The string a key is looked up by; `null` for a null key. */
export function keyString(key: unknown): string | null {
  if (isScalar(key)) return key.value === null ? null : scalarToString(key.value)
  if (key === null || key === undefined) return null
  if (isCollection(key)) return JSON.stringify(key.toJSON())
  return String(key)
}

function scalarToString(v: unknown): string {
  return typeof v === 'string' ? v : String(v)
}

type Report = (
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  node: { range?: readonly number[] | null | undefined } | undefined,
  path: Path,
) => void

class Converter {
  constructor(
    private readonly doc: Document.Parsed | undefined,
    private readonly report: Report,
    private readonly lineOf: (offset: number) => number,
  ) {}

  value(node: unknown, path: Path): unknown {
    if (node === null || node === undefined) return null
    if (isScalar(node)) return node.value === undefined ? null : node.value
    if (isAlias(node)) {
      const target = this.doc ? node.resolve(this.doc) : undefined
      if (isCollection(target) && target.flow) {
        this.report(
          yamlCodes.flowAlias,
          'warning',
          `Alias *${node.source} points at a flow-style collection; pipeline_ex reads it as ${JSON.stringify(firstScalar(target))}, not as the collection. Write the anchored value in block style.`,
          node,
          path,
        )
        return firstScalar(target)
      }
      // Diagnostics for the anchored node were already reported where it stands.
      return new Converter(this.doc, ignore, this.lineOf).value(target, path)
    }
    if (isSeq(node)) return node.items.map((item, i) => this.value(item, [...path, i]))
    if (isMap(node)) {
      const out: Record<string, unknown> = {}
      const firstAt = new Map<string, number>()
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const k = pair.key
        const name = keyString(k)
        const keyNode = isScalar(k) || isCollection(k) ? k : undefined
        if (name === null) {
          this.report(
            yamlCodes.nullKey,
            'error',
            'A mapping key is null (`~`, `null` or empty); pipeline_ex cannot read a file with a null key ("malformed yaml").',
            keyNode,
            path,
          )
          continue
        }
        const here = [...path, name]
        if (isCollection(k) || (isScalar(k) && typeof k.value !== 'string')) {
          this.report(
            yamlCodes.nonStringKey,
            'warning',
            `Key ${name} is not a string; pipeline_ex keeps it as a ${isCollection(k) ? 'collection' : typeof (k as Scalar).value} and never finds it when it looks up '${name}'.`,
            keyNode,
            here,
          )
        }
        if (name === '<<') {
          this.report(
            yamlCodes.mergeKey,
            'warning',
            'pipeline_ex does not support YAML merge keys: `<<` is kept as a key of its own and the anchored keys are NOT merged into this mapping. Write the keys out in full.',
            keyNode,
            here,
          )
        }
        const seen = firstAt.get(name)
        if (seen !== undefined) {
          this.report(
            yamlCodes.duplicateKey,
            'warning',
            `Key '${name}' appears twice in this mapping; pipeline_ex keeps the first one (line ${seen}) and ignores this one.`,
            keyNode,
            here,
          )
          continue
        }
        firstAt.set(name, this.line(keyNode))
        Object.defineProperty(out, name, {
          value: this.value(pair.value, here),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return out
    }
    return null
  }

  private line(node: { range?: readonly number[] | null | undefined } | undefined): number {
    const start = node?.range?.[0]
    return start === undefined ? 0 : this.lineOf(start)
  }
}

const ignore: Report = () => {}

function firstScalar(node: unknown): unknown {
  if (isScalar(node)) return node.value
  if (isMap(node)) {
    const pair = node.items[0]
    return pair ? firstScalar(pair.key) : null
  }
  if (isSeq(node)) return node.items.length > 0 ? firstScalar(node.items[0]) : null
  return null
}

function nodeStart(node: unknown): number | undefined {
  const r = (node as YamlNode | undefined)?.range
  return r ? r[0] : undefined
}

function isEmptyScalar(node: unknown): boolean {
  return (
    isScalar(node) &&
    node.value === null &&
    (node as ParsedNode).range[0] === (node as ParsedNode).range[1]
  )
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** yamerl treats a tab in indentation as separation, silently re-nesting keys (reference §0.1, §2.5). */
function checkTabs(
  text: string,
  docs: readonly Document.Parsed[],
  at: (code: string, severity: Diagnostic['severity'], message: string, offset: number) => void,
) {
  if (!text.includes('\t')) return
  const blockRanges: [number, number][] = []
  for (const doc of docs) {
    collectBlockScalars(doc.contents, blockRanges)
  }
  let offset = 0
  for (const line of text.split('\n')) {
    const lead = /^[ \t]*/.exec(line)![0]
    const tab = lead.indexOf('\t')
    const rest = line.slice(lead.length)
    if (tab >= 0 && rest !== '' && !rest.startsWith('#')) {
      const pos = offset + tab
      if (!blockRanges.some(([s, e]) => pos >= s && pos < e)) {
        at(
          yamlCodes.tabIndent,
          'error',
          'A tab is used for indentation; pipeline_ex may attach this line to another level or reject the file. Indent with spaces.',
          pos,
        )
      }
    }
    offset += line.length + 1
  }
}

function collectBlockScalars(node: unknown, out: [number, number][]) {
  if (isScalar(node)) {
    if ((node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) && node.range) {
      out.push([node.range[0], node.range[2]])
    }
  } else if (isMap(node)) {
    for (const p of node.items) {
      collectBlockScalars(p.key, out)
      collectBlockScalars(p.value, out)
    }
  } else if (isSeq(node)) {
    for (const i of node.items) collectBlockScalars(i, out)
  }
}
