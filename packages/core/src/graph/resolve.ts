/**
 * Step-name resolution as pipeline_ex does it at run time (§22 "Name resolution", §14.3, §15):
 * results live in one map per execution frame, keyed by step name, and a later step with the same
 * name overwrites the earlier one. So a reference means "the step with that name that ran most
 * recently before the consumer", and whatever does not resolve that way is diagnosed by where the
 * named step actually is (later, inside a loop, in another pipeline frame, nowhere).
 */
import type { Body, StepInfo, Structure } from './structure.js'

/**
 * The step named `name` whose result exists when `step` starts: the most recent one before it,
 * stopping at the frame boundary. It runs for every reference, and a reference usually reads a
 * step just before it, so the walk stops at the first match rather than listing the frame.
 */
export function liveBeforeNamed(step: StepInfo, name: string): StepInfo | undefined {
  let cur: StepInfo | undefined = step
  for (let guard = 0; cur !== undefined && guard < 256; guard++) {
    const body: Body = cur.body
    for (let j = cur.index - 1; j >= 0; j--) {
      const s = body.steps[j]
      if (s !== undefined && s.name === name) return s
    }
    if (body.kind === 'top' || body.kind === 'inline_pipeline') break
    cur = body.owner
  }
  return undefined
}

/** The bodies `step` runs inside, innermost first, up to and including its frame's root list. */
export function bodyChain(step: StepInfo): Body[] {
  const out: Body[] = []
  let cur: StepInfo | undefined = step
  for (let guard = 0; cur !== undefined && guard < 256; guard++) {
    out.push(cur.body)
    if (cur.body.kind === 'top' || cur.body.kind === 'inline_pipeline') break
    cur = cur.body.owner
  }
  return out
}

/** The step of the frame's root list that contains `step` (itself when it is in that list). */
export function frameAncestor(step: StepInfo): StepInfo {
  let cur = step
  for (let guard = 0; guard < 256; guard++) {
    const b = cur.body
    if (b.kind === 'top' || b.kind === 'inline_pipeline' || b.owner === undefined) return cur
    cur = b.owner
  }
  return cur
}

/** The top-level step (of the whole file) that contains `step`. */
export function rootAncestor(step: StepInfo): StepInfo {
  let cur = frameAncestor(step)
  for (let guard = 0; guard < 256; guard++) {
    const owner = cur.body.owner
    if (cur.body.kind !== 'inline_pipeline' || owner === undefined) return cur
    cur = frameAncestor(owner)
  }
  return cur
}

/** Loops enclosing `step` within its frame, innermost first. */
export function enclosingLoops(step: StepInfo): StepInfo[] {
  const out: StepInfo[] = []
  for (const body of bodyChain(step)) {
    if (body.kind === 'loop' && body.owner !== undefined) out.push(body.owner)
  }
  return out
}

/** How many steps along the consumer's own bodies carry `name`: more than one means results overwrite each other. */
export function chainDuplicates(step: StepInfo, name: string): number {
  let n = 0
  for (const body of bodyChain(step)) for (const s of body.steps) if (s.name === name) n++
  return n
}

export type Miss =
  | { readonly why: 'self'; readonly step: StepInfo }
  | { readonly why: 'ancestor'; readonly step: StepInfo }
  | { readonly why: 'later'; readonly step: StepInfo }
  | { readonly why: 'in_loop'; readonly step: StepInfo; readonly loop: StepInfo }
  | { readonly why: 'parent_frame'; readonly step: StepInfo }
  | { readonly why: 'child_frame'; readonly step: StepInfo; readonly pipeline: StepInfo }
  | { readonly why: 'unknown' }

/** Why `name` is not among the results `consumer` can see, and which step it most likely meant. */
export function diagnoseMiss(structure: Structure, consumer: StepInfo, name: string): Miss {
  if (consumer.name === name) return { why: 'self', step: consumer }
  const chain = new Set(bodyChain(consumer))
  const frame = consumer.body.frame
  const named = structure.steps.filter((s) => s.name === name)
  const owners = new Set(bodyChain(consumer).map((b) => b.owner))
  const ancestor = named.find((s) => owners.has(s))
  if (ancestor !== undefined) return { why: 'ancestor', step: ancestor }
  const later = named.find((s) => chain.has(s.body))
  if (later !== undefined) return { why: 'later', step: later }
  const sameFrame = named.filter((s) => s.body.frame === frame)
  // Prefer the one nearest before the consumer in the document, as the author most likely meant it.
  const before = (list: StepInfo[]): StepInfo | undefined => {
    const idx = structure.steps.indexOf(consumer)
    let best: StepInfo | undefined
    for (const s of list) if (structure.steps.indexOf(s) < idx) best = s
    return best ?? list[0]
  }
  const inFrame = before(sameFrame)
  if (inFrame !== undefined) {
    const loop = enclosingLoops(inFrame).at(-1)
    if (loop !== undefined) return { why: 'in_loop', step: inFrame, loop }
  }
  const frames = new Set<Body>()
  for (let b: Body | undefined = frame; b !== undefined; ) {
    frames.add(b)
    b = b.owner?.body.frame
  }
  const parent = before(named.filter((s) => s.body.frame !== frame && frames.has(s.body.frame)))
  if (parent !== undefined && frame.kind === 'inline_pipeline')
    return { why: 'parent_frame', step: parent }
  const child = before(named.filter((s) => !frames.has(s.body.frame)))
  if (child !== undefined) {
    let pipeline: StepInfo | undefined = child
    for (let guard = 0; pipeline !== undefined && guard < 256; guard++) {
      const owner: StepInfo | undefined = pipeline.body.frame.owner
      if (owner === undefined || frames.has(owner.body.frame)) {
        pipeline = owner
        break
      }
      pipeline = owner
    }
    if (pipeline !== undefined) return { why: 'child_frame', step: child, pipeline }
  }
  if (inFrame !== undefined) return { why: 'later', step: inFrame }
  return { why: 'unknown' }
}
