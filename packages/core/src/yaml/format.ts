/**
 * Canonical formatting of a pipeline file, for `weft fmt` and the editor's "format" action.
 *
 * The text is re-rendered from the `yaml` Document (so comments, anchors, scalar styles and flow
 * collections survive) with one fixed set of options, and the result is then read back. The
 * formatter refuses rather than guesses: if pipeline_ex would read the result differently in any
 * way (a value, a key order, which duplicate key wins), or a comment would be lost, the text is
 * returned unchanged with a diagnostic saying why.
 */
import { Lexer, parseAllDocuments, type Document, type ToStringOptions } from 'yaml'
import type { Diagnostic } from '../diagnostics.js'
import { nodeToValue, readYaml } from './read.js'

export interface FormatResult {
  /** False when the text was left as it is because formatting it would not be safe. */
  readonly ok: boolean
  /** The formatted text, or the original text when `ok` is false. */
  readonly text: string
  readonly diagnostics: readonly Diagnostic[]
}

const code = 'FORMAT_WOULD_CHANGE_MEANING'

// Same reading rules as readYaml, so every document of the stream is compared the way pipeline_ex
// would see it.
const parseOptions = {
  uniqueKeys: false,
  merge: false,
  schema: 'core',
  keepSourceTokens: false,
} as const

// lineWidth 0: re-folding long strings is the most common way a formatter changes a prompt.
// Scalar quoting styles are left alone: parsed scalars keep their own type.
const stringifyOptions: ToStringOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: false,
}

/**
 * Formats pipeline YAML canonically without changing what pipeline_ex reads from it.
 *
 * @example
 * const r = formatYaml('workflow:\n    name: w\n    steps:\n    - name: a\n')
 * r.text // 'workflow:\n  name: w\n  steps:\n    - name: a\n'
 */
export function formatYaml(text: string): FormatResult {
  const source = readYaml(text)
  if (!source.ok) return { ok: false, text, diagnostics: source.diagnostics }
  // A tab in indentation is read differently by yamerl; re-indenting would silently pick the
  // `yaml` package's reading, so such a file is left for its author to fix.
  const blocking = source.diagnostics.filter((d) => d.severity === 'error')
  if (blocking.length > 0) return { ok: false, text, diagnostics: source.diagnostics }

  const before = parseAllDocuments(text, parseOptions)
  // A stream of nothing but comments has no document to render; keep it as written.
  if (!Array.isArray(before) || before.length === 0) return { ok: true, text, diagnostics: [] }

  let formatted: string
  try {
    formatted = before.map((doc) => doc.toString(stringifyOptions)).join('')
  } catch (error) {
    return refuse(text, `the YAML library could not render it (${String(error)})`)
  }

  const after = parseAllDocuments(formatted, parseOptions)
  if (!Array.isArray(after) || after.some((d) => d.errors.length > 0)) {
    return refuse(text, 'the formatted text would not parse')
  }
  if (after.length !== before.length) {
    return refuse(
      text,
      `the formatted text would hold ${after.length} documents instead of ${before.length}`,
    )
  }
  for (let i = 0; i < before.length; i++) {
    if (!sameValue(documentValue(before[i]!), documentValue(after[i]!))) {
      return refuse(text, 'pipeline_ex would read different values from the formatted text')
    }
  }
  const reread = readYaml(formatted)
  if (!reread.ok || !sameValue(source.value, reread.value)) {
    return refuse(text, 'pipeline_ex would read different values from the formatted text')
  }
  if (!sameComments(text, formatted)) {
    return refuse(text, 'a comment would be lost or changed')
  }
  return { ok: true, text: formatted, diagnostics: [] }
}

function refuse(text: string, why: string): FormatResult {
  return {
    ok: false,
    text,
    diagnostics: [
      {
        code,
        severity: 'error',
        message: `This file was not formatted because ${why}; it is left exactly as written.`,
        path: [],
        line: 1,
        column: 1,
      },
    ],
  }
}

function documentValue(doc: Document.Parsed): unknown {
  return nodeToValue(doc, doc.contents)
}

/** Deep equality that also compares key order and tells `1` from `'1'` and `0` from `-0`. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  }
  if (isRecord(a) && isRecord(b) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k], b[k]))
  }
  return false
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

/** Comments as the lexer sees them, so `#` inside strings and block scalars does not count. */
function comments(text: string): string[] {
  const out: string[] = []
  for (const token of new Lexer().lex(text)) {
    if (token.startsWith('#')) out.push(token.trimEnd())
  }
  return out.sort()
}

function sameComments(a: string, b: string): boolean {
  const ca = comments(a)
  const cb = comments(b)
  return ca.length === cb.length && ca.every((c, i) => c === cb[i])
}
