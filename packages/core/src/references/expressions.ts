/**
 * Name finding inside the two string languages of pipeline_ex (format reference §12.2, §13.2):
 * `{{…}}` templates and condition expressions. Offsets are [start, end) character offsets of
 * the referenced NAME inside the scanned string, so a rename can rewrite exactly those chars.
 */

export type HitKind = 'template_step' | 'condition_step' | 'variable' | 'global_var'

export interface NameHit {
  readonly kind: HitKind
  readonly target: string
  readonly start: number
  readonly end: number
  readonly extract?: string
  readonly broken?: 'steps_prefix' | 'state_prefix'
}

export interface TemplateExpression {
  /** The trimmed expression between the braces. */
  readonly expr: string
  /** Offset of `expr` in the scanned string. */
  readonly exprStart: number
  /** Offsets of the whole `{{…}}` in the scanned string. */
  readonly start: number
  readonly end: number
}

const TEMPLATE = /\{\{([^}]*)\}\}/g

/** Every `{{…}}` in `s`, with the trimmed expression and its offsets. */
export function templateExpressions(s: string): TemplateExpression[] {
  const out: TemplateExpression[] = []
  for (const m of s.matchAll(TEMPLATE)) {
    const inner = m[1] ?? ''
    const lead = inner.length - inner.trimStart().length
    out.push({
      expr: inner.trim(),
      exprStart: m.index + 2 + lead,
      start: m.index,
      end: m.index + m[0].length,
    })
  }
  return out
}

const IDENT_START = /[A-Za-z_]/
const WORD = /\w/

/** A dotted path at `i`: identifier segments joined by dots; hyphens allowed inside a segment. */
function readPath(s: string, i: number): { segs: { text: string; start: number }[]; end: number } {
  const segs: { text: string; start: number }[] = []
  let j = i
  for (;;) {
    const segStart = j
    while (
      j < s.length &&
      (WORD.test(s[j]!) || (s[j] === '-' && j > segStart && WORD.test(s[j + 1] ?? '')))
    )
      j++
    if (j === segStart) break
    segs.push({ text: s.slice(segStart, j), start: segStart })
    if (s[j] === '.' && WORD.test(s[j + 1] ?? '')) j++
    else break
  }
  return { segs, end: j }
}

function extractOf(segs: readonly { text: string }[], from: number): string | undefined {
  const rest = segs.slice(from).map((x) => x.text)
  return rest.length > 0 ? rest.join('.') : undefined
}

function hit(
  kind: HitKind,
  seg: { text: string; start: number },
  base: number,
  extract: string | undefined,
  broken?: NameHit['broken'],
): NameHit {
  return {
    kind,
    target: seg.text,
    start: base + seg.start,
    end: base + seg.start + seg.text.length,
    ...(extract !== undefined ? { extract } : {}),
    ...(broken !== undefined ? { broken } : {}),
  }
}

/** Names that templates treat specially and that are not variables (§12.2, §14.4, §15.2). */
const NOT_VARIABLES = new Set(['loop', 'inputs'])

/** One operand of a template function call or arithmetic (§12.2). */
function operandHits(text: string, base: number, out: NameHit[]) {
  const lead = text.length - text.trimStart().length
  const t = text.trim()
  const off = base + lead
  if (t === '' || !IDENT_START.test(t[0]!)) return
  const { segs, end } = readPath(t, 0)
  if (end !== t.length || segs.length === 0) return
  const first = segs[0]!.text
  if (first === 'steps' && segs.length > 1)
    out.push(hit('template_step', segs[1]!, off, extractOf(segs, 2)))
  else if (first === 'state' && segs.length > 1)
    out.push(hit('variable', segs[1]!, off, extractOf(segs, 2)))
  else if (first === 'global_vars' && segs.length > 1)
    out.push(hit('global_var', segs[1]!, off, extractOf(segs, 2)))
  else if (
    !NOT_VARIABLES.has(first) &&
    first !== 'true' &&
    first !== 'false' &&
    first !== 'nil' &&
    first !== 'null'
  )
    out.push(hit('variable', segs[0]!, off, extractOf(segs, 1)))
}

/** Names referenced by one template expression (`expr` starts at `base`), per §12.2's resolution order. */
export function expressionHits(expr: string, base: number): NameHit[] {
  const out: NameHit[] = []
  if (/^\w+\s*\(/.test(expr)) {
    const open = expr.indexOf('(')
    const close = expr.lastIndexOf(')')
    const args = expr.slice(open + 1, close > open ? close : expr.length)
    let at = open + 1
    for (const a of args.split(',')) {
      operandHits(a, base + at, out)
      at += a.length + 1
    }
    return out
  }
  if (expr.startsWith('inputs.')) return out
  for (const [prefix, kind] of [
    ['global_vars.', 'global_var'],
    ['steps.', 'template_step'],
  ] as const) {
    if (expr.startsWith(prefix)) {
      // The name runs to the next dot or space; the path after it to the next space.
      const m = /^([^.\s]+)((?:\.[^.\s]+)*)/.exec(expr.slice(prefix.length))
      if (m && m[1]) {
        const start = base + prefix.length
        const extract = m[2] ? m[2].slice(1) : undefined
        out.push({
          kind,
          target: m[1],
          start,
          end: start + m[1].length,
          ...(extract ? { extract } : {}),
        })
      }
      return out
    }
  }
  if (/[+\-*/]/.test(expr)) {
    for (const m of expr.matchAll(/[^+\-*/]+/g)) operandHits(m[0], base + m.index, out)
    return out
  }
  const { segs, end } = IDENT_START.test(expr[0] ?? '') ? readPath(expr, 0) : { segs: [], end: 0 }
  if (segs.length > 0 && end === expr.length) {
    operandHits(expr, base, out)
    return out
  }
  // Not a form pipeline_ex resolves (e.g. a comparison `x > 5`): report the names it mentions.
  // Inside braces `steps.x` and `state.x` keep their template meaning.
  for (const h of conditionHits(expr, false)) {
    out.push({
      kind: h.broken === 'steps_prefix' ? 'template_step' : 'variable',
      target: h.target,
      start: h.start + base,
      end: h.end + base,
      ...(h.extract !== undefined ? { extract: h.extract } : {}),
    })
  }
  return out
}

/** Names referenced by every `{{…}}` in `s`. */
export function templateHits(s: string): NameHit[] {
  const out: NameHit[] = []
  for (const t of templateExpressions(s)) out.push(...expressionHits(t.expr, t.exprStart))
  return out
}

const CONDITION_WORDS = new Set([
  'and',
  'or',
  'not',
  'contains',
  'matches',
  'between',
  'true',
  'false',
  'null',
  'nil',
])

/** `s` with templates and quoted strings blanked out (same length), for condition scanning. */
export function maskCondition(s: string): string {
  let out = s.replace(TEMPLATE, (m) => ' '.repeat(m.length))
  out = out.replace(/'[^']*'|"[^"]*"/g, (m) => ' '.repeat(m.length))
  return out
}

/**
 * Field references of a condition string (§13.2): the first segment of a path is a step name.
 * Literals, numbers, operator words and function names are skipped; templates are left to
 * `templateHits`. `steps.x.y` and `state.x` are reported as broken references.
 */
export function conditionHits(s: string, _loopCondition: boolean): NameHit[] {
  const masked = maskCondition(s)
  const out: NameHit[] = []
  let i = 0
  while (i < masked.length) {
    const c = masked[i]!
    const prev = i > 0 ? masked[i - 1]! : ''
    if (!IDENT_START.test(c) || /[\w.@$-]/.test(prev)) {
      i++
      continue
    }
    const { segs, end } = readPath(masked, i)
    i = Math.max(end, i + 1)
    if (segs.length === 0) continue
    if (/^\s*\(/.test(masked.slice(end))) continue // function name
    const first = segs[0]!.text
    if (segs.length === 1 && CONDITION_WORDS.has(first)) continue
    if (first === 'steps' && segs.length > 1)
      out.push(hit('condition_step', segs[1]!, 0, extractOf(segs, 2), 'steps_prefix'))
    else if (first === 'state' && segs.length > 1)
      out.push(hit('variable', segs[1]!, 0, extractOf(segs, 2), 'state_prefix'))
    else out.push(hit('condition_step', segs[0]!, 0, extractOf(segs, 1)))
  }
  return out
}
