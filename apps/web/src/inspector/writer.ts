/**
 * How the inspector's controls write: one interface over a step (core's setStepField,
 * getStepText, renameStep) and over the workflow settings (setPipelineValue), every write with
 * the session's origin so it lands in the user's own undo history.
 */
import {
  getStepText,
  readPipeline,
  renameStep,
  setPipelineValue,
  setStepField,
  type Path,
} from '@weft/core'
import type * as Y from 'yjs'
import type { EditorSession } from '../editor/session'
import { isPlainObject } from './controls'

export interface Writer {
  /** Sets the value at `path` (relative to the step or workflow); undefined removes the key. */
  set(path: Path, value: unknown): void
  /** The Y.Text behind a text field, when there is one (concurrent typing merges per character). */
  text(path: Path): Y.Text | undefined
  /** Runs several writes as one change: one undo step, one update for everyone. */
  batch(fn: () => void): void
  /** Renames the step and every reference to it; absent for the workflow. */
  rename?(name: string): void
}

export function stepWriter(session: EditorSession, id: string): Writer {
  const options = { origin: session.origin }
  return {
    set: (path, value) => {
      setStepField(session.doc, id, path, value, options)
    },
    text: (path) => getStepText(session.doc, id, path),
    batch: (fn) => session.doc.transact(fn, session.origin),
    rename: (name) => {
      renameStep(session.doc, id, name, options)
    },
  }
}

/** Writes under `workflow` by re-applying the whole value as the smallest change. */
export function workflowWriter(session: EditorSession): Writer {
  return {
    set: (path, value) => {
      const current = readPipeline(session.doc).value
      const root = isPlainObject(current) ? structuredClone(current) : {}
      setIn(root, ['workflow', ...path], value)
      setPipelineValue(session.doc, root, { origin: session.origin })
    },
    text: () => undefined,
    batch: (fn) => session.doc.transact(fn, session.origin),
  }
}

/** Sets (or with undefined deletes) `path` inside a plain value, creating maps on the way. */
export function setIn(root: Record<string, unknown>, path: Path, value: unknown): void {
  let cur: unknown = root
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!
    const holder = cur as Record<string | number, unknown>
    let next = holder[k]
    if (typeof next !== 'object' || next === null) {
      next = typeof path[i + 1] === 'number' ? [] : {}
      holder[k] = next
    }
    cur = next
  }
  const last = path[path.length - 1]!
  if (Array.isArray(cur) && typeof last === 'number') {
    if (value === undefined) cur.splice(last, 1)
    else cur[last] = value
  } else if (typeof cur === 'object' && cur !== null) {
    const holder = cur as Record<string | number, unknown>
    if (value === undefined) delete holder[last]
    else holder[last] = value
  }
}

export function getIn(value: unknown, path: Path): unknown {
  let cur = value
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k]
    else if (isPlainObject(cur)) cur = cur[String(k)]
    else return undefined
  }
  return cur
}
