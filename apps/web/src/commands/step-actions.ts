/**
 * Editing actions the shell offers from the palette and keyboard, each one core operation with
 * the session's origin (so it is one undo step of this user's history).
 */
import {
  addStep,
  duplicateStep,
  getStepType,
  promptRequiredTypes,
  readPipeline,
  removeStep,
  renameStep,
} from '@weft/core'
import type { StepPlace } from '@weft/core'
import type { EditorSession } from '../editor/session.js'

/** Every step name in the pipeline, nested ones included. */
export function stepNames(session: EditorSession): Set<string> {
  const view = readPipeline(session.doc)
  const names = new Set<string>()
  for (const s of view.steps) {
    let v: unknown = view.value
    for (const k of s.path) v = (v as Record<string | number, unknown> | undefined)?.[k]
    const name = (v as { name?: unknown } | undefined)?.name
    if (typeof name === 'string') names.add(name)
  }
  return names
}

export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const name = `${base}_${i}`
    if (!taken.has(name)) return name
  }
}

/** A new step of `type` with the fields pipeline_ex requires to load it. */
export function newStep(type: string, name: string): Record<string, unknown> {
  const step: Record<string, unknown> = { name, type }
  if (promptRequiredTypes.includes(type)) step.prompt = [{ type: 'static', content: '' }]
  return step
}

/** Where a new step goes: right after the last selected step, else at the end. */
export function placeAfter(session: EditorSession, selection: readonly string[]): StepPlace {
  const view = readPipeline(session.doc)
  const last = selection.length ? view.stepById(selection[selection.length - 1]!) : undefined
  if (!last) return {}
  return { parentId: last.parentId, slot: last.slot, index: last.index + 1 }
}

export function addStepOfType(
  session: EditorSession,
  type: string,
  selection: readonly string[],
): string | undefined {
  if (session.readOnly || !getStepType(type)) return undefined
  const name = uniqueName(type, stepNames(session))
  const result = addStep(session.doc, newStep(type, name), placeAfter(session, selection), {
    origin: session.origin,
  })
  return result.ok ? result.value : undefined
}

export function deleteSteps(session: EditorSession, ids: readonly string[]): void {
  if (session.readOnly) return
  // One transaction, so one undo step restores them all.
  session.doc.transact(() => {
    for (const id of ids) removeStep(session.doc, id, { origin: session.origin })
  }, session.origin)
}

export function duplicateSteps(session: EditorSession, ids: readonly string[]): string[] {
  if (session.readOnly) return []
  const created: string[] = []
  session.doc.transact(() => {
    for (const id of ids) {
      const r = duplicateStep(session.doc, id, { origin: session.origin })
      if (r.ok) created.push(r.value)
    }
  }, session.origin)
  return created
}

export function stepName(session: EditorSession, id: string): string | undefined {
  const view = readPipeline(session.doc)
  const entry = view.stepById(id)
  if (!entry) return undefined
  let v: unknown = view.value
  for (const k of entry.path) v = (v as Record<string | number, unknown> | undefined)?.[k]
  const name = (v as { name?: unknown } | undefined)?.name
  return typeof name === 'string' ? name : undefined
}

export function renameStepTo(
  session: EditorSession,
  id: string,
  name: string,
): { ok: true } | { ok: false; message: string } {
  if (session.readOnly) return { ok: false, message: 'This pipeline is read-only for you.' }
  const trimmed = name.trim()
  if (!trimmed) return { ok: false, message: 'A step needs a name.' }
  if (trimmed !== stepName(session, id) && stepNames(session).has(trimmed))
    return { ok: false, message: `Another step is already called "${trimmed}".` }
  const r = renameStep(session.doc, id, trimmed, { origin: session.origin })
  return r.ok ? { ok: true } : { ok: false, message: r.message }
}
