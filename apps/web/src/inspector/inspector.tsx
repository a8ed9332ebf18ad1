/**
 * The inspector: a form for the selected step, generated from core's step catalogue, or the
 * workflow's settings when nothing is selected. Every value the document holds is shown (unknown
 * keys and values of the wrong shape included) and flagged where it is wrong; every edit goes
 * through core's operations with the session's origin.
 */
import {
  getStepType,
  readPipeline,
  workflowFields,
  type Diagnostic,
  type FieldSpec,
  type PipelineView,
} from '@weft/core'
import { useMemo, useSyncExternalStore, type ReactElement } from 'react'
import type * as Y from 'yjs'
import { useDocDiagnostics } from '../editor/diagnostics'
import type { EditorSession } from '../editor/session'
import { pipelineTypes, touchesPipeline } from '../yaml-pane/doc-changes'
import { isPlainObject } from './controls'
import { FieldDiagnostics } from './field-diagnostics'
import {
  DiagnosticList,
  FieldList,
  FormContext,
  type ChildStep,
  type FormContextValue,
} from './fields'
import { getIn, stepWriter, workflowWriter } from './writer'
import { transactionCount } from '../collab/transaction-count'
import './inspector.css'

export interface InspectorProps {
  readonly session: EditorSession
  readonly selection: readonly string[]
  readonly onSelect: (ids: string[]) => void
}

/** A counter that moves on every transaction that changes the pipeline, for memoising reads. */
export function useDocVersion(doc: Y.Doc): number {
  const store = useMemo(() => {
    let version = 0
    let seen = transactionCount(doc)
    const types = pipelineTypes(doc)
    return {
      subscribe(onChange: () => void) {
        // A transaction between the render that read the document and this subscribe: read again.
        if (transactionCount(doc) !== seen) version++
        const handler = (tr: Y.Transaction) => {
          if (!touchesPipeline(tr, types)) return
          version++
          onChange()
        }
        doc.on('afterTransaction', handler)
        return () => {
          doc.off('afterTransaction', handler)
          seen = transactionCount(doc)
        }
      },
      get: () => version,
    }
  }, [doc])
  return useSyncExternalStore(store.subscribe, store.get, store.get)
}

const stepName = (v: unknown): string =>
  isPlainObject(v) && (typeof v.name === 'string' || typeof v.name === 'number')
    ? String(v.name)
    : ''
const stepTypeOf = (v: unknown): string =>
  isPlainObject(v) && typeof v.type === 'string' ? v.type : ''

/** Name and type, for steps whose type the catalogue does not know. */
const baseFields: readonly FieldSpec[] = getStepType('claude')!.fields.filter(
  (f) => f.key === 'name' || f.key === 'type',
)

export function Inspector({ session, selection, onSelect }: InspectorProps): ReactElement {
  const version = useDocVersion(session.doc)
  const view = useMemo(() => readPipeline(session.doc), [session.doc, version])
  // Validation is the slow part: the document's one shared validation, off the main thread in
  // the browser (so typing stays ahead of it), shared with the canvas and the YAML linter.
  const diagnostics = useDocDiagnostics(session.doc).diagnostics

  let body: ReactElement
  if (selection.length === 0) {
    body = (
      <WorkflowForm session={session} view={view} diagnostics={diagnostics} onSelect={onSelect} />
    )
  } else if (selection.length > 1) {
    body = (
      <div className="weft-inspector-multi">
        <p>{selection.length} steps selected.</p>
        <ul>
          {selection.map((id) => {
            const entry = view.stepById(id)
            const v = entry ? getIn(view.value, entry.path) : undefined
            return (
              <li key={id}>
                <button type="button" className="weft-link" onClick={() => onSelect([id])}>
                  {stepName(v) || '(unnamed)'} <span className="weft-muted">{stepTypeOf(v)}</span>
                </button>
              </li>
            )
          })}
        </ul>
      </div>
    )
  } else {
    const id = selection[0]!
    body = view.stepById(id) ? (
      <StepForm
        key={id}
        session={session}
        id={id}
        view={view}
        diagnostics={diagnostics}
        onSelect={onSelect}
      />
    ) : (
      <p className="weft-muted">The selected step no longer exists.</p>
    )
  }

  return (
    <aside
      className="weft-inspector"
      data-testid="inspector"
      aria-label="Inspector"
      data-readonly={session.readOnly || undefined}
    >
      {body}
    </aside>
  )
}

interface FormProps {
  readonly session: EditorSession
  readonly view: PipelineView
  readonly diagnostics: readonly Diagnostic[]
  readonly onSelect: (ids: string[]) => void
}

function childSlots(view: PipelineView, parentId: string): Map<string, ChildStep[]> {
  const slots = new Map<string, ChildStep[]>()
  for (const s of view.steps) {
    if (s.parentId !== parentId) continue
    const v = getIn(view.value, s.path)
    const key = JSON.stringify(s.slot)
    const list = slots.get(key) ?? []
    list.push({ id: s.id, name: stepName(v), type: stepTypeOf(v) })
    slots.set(key, list)
  }
  return slots
}

function StepForm({ session, id, view, diagnostics, onSelect }: FormProps & { id: string }) {
  const entry = view.stepById(id)!
  const value = getIn(view.value, entry.path)
  const type = stepTypeOf(value)
  const spec = getStepType(type)
  const ctx: FormContextValue = useMemo(
    () => ({
      writer: stepWriter(session, id),
      diagnostics: new FieldDiagnostics(diagnostics, entry.path),
      readOnly: session.readOnly,
      origin: session.origin,
      slots: childSlots(view, id),
      onSelect,
    }),
    [session, id, diagnostics, entry.path, view, onSelect],
  )
  const fields = spec?.fields ?? baseFields
  const claimed = new Set<string | number>(isPlainObject(value) ? Object.keys(value) : [])
  for (const f of fields) claimed.add(f.key)
  const stepLevel = ctx.diagnostics.unclaimed(claimed)

  return (
    <FormContext.Provider value={ctx}>
      <header className="weft-inspector-header">
        <h2>{stepName(value) || '(unnamed step)'}</h2>
        <p className="weft-muted">
          {spec ? spec.label : type ? `Unknown type “${type}”` : 'No type'}
          {spec && spec.acceptance !== 'accepted' ? (
            <span className="weft-badge weft-badge-rejected" title={spec.acceptanceNote}>
              {spec.acceptance === 'test-only' ? 'test only' : 'not accepted by pipeline_ex'}
            </span>
          ) : null}
        </p>
        {spec ? <p className="weft-step-description">{spec.description}</p> : null}
      </header>
      <DiagnosticList diagnostics={stepLevel} />
      {isPlainObject(value) ? (
        <form className="weft-inspector-form" onSubmit={(e) => e.preventDefault()}>
          <FieldList fields={fields} path={[]} value={value} />
        </form>
      ) : (
        <p className="weft-diag weft-diag-error">
          This step is not a map, so it has no fields; fix it in the YAML pane.
        </p>
      )}
    </FormContext.Provider>
  )
}

function WorkflowForm({ session, view, diagnostics, onSelect }: FormProps) {
  const root = view.value
  const workflow = isPlainObject(root) ? root.workflow : undefined
  const ctx: FormContextValue = useMemo(
    () => ({
      writer: workflowWriter(session),
      diagnostics: new FieldDiagnostics(diagnostics, ['workflow']),
      readOnly: session.readOnly,
      origin: session.origin,
      slots: childSlots(view, ''),
      onSelect,
    }),
    [session, diagnostics, view, onSelect],
  )
  const rootLevel = diagnostics.filter(
    (d) => d.path.length === 0 || (d.path[0] !== 'workflow' && d.path.length > 0),
  )
  const stepCount = view.steps.filter((s) => s.parentId === '').length
  return (
    <FormContext.Provider value={ctx}>
      <header className="weft-inspector-header">
        <h2>Pipeline settings</h2>
        <p className="weft-muted">
          {stepCount} top-level step{stepCount === 1 ? '' : 's'}. Select a step to edit it.
        </p>
      </header>
      <DiagnosticList diagnostics={[...rootLevel, ...ctx.diagnostics.at([])]} />
      {isPlainObject(workflow) ? (
        <form className="weft-inspector-form" onSubmit={(e) => e.preventDefault()}>
          <FieldList fields={workflowFields} path={[]} value={workflow} skip={['steps']} />
        </form>
      ) : (
        <p className="weft-diag weft-diag-error">
          This document has no <code>workflow</code> map, so pipeline_ex cannot load it; fix it in
          the YAML pane.
        </p>
      )}
    </FormContext.Provider>
  )
}
