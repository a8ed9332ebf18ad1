/**
 * A prompt as an ordered, editable list of typed parts (promptPartCatalogue): change a part's
 * type, edit its fields (text content bound to the shared Y.Text), move parts up and down, remove
 * them and add new ones. Parts that are not maps, or whose type is unknown, are kept and flagged.
 */
import { promptPartCatalogue, type Path, type PromptPartSpec } from '@weft/core'
import { useId, useState, type ReactElement } from 'react'
import { isPlainObject } from './controls'
import { DiagnosticList, Field, FieldList, pathKey, useForm } from './fields'

const partSpec = (type: unknown): PromptPartSpec | undefined =>
  promptPartCatalogue.find((p) => p.type === type)

/** A new part of `type` with its required fields present (empty), so the form shows them. */
export function newPart(type: string): Record<string, unknown> {
  const part: Record<string, unknown> = { type }
  for (const f of partSpec(type)?.fields ?? []) {
    if (f.required) part[f.key] = ''
  }
  return part
}

export function PromptEditor({ path, value }: { path: Path; value: unknown }): ReactElement {
  const { writer, readOnly } = useForm()
  const parts = Array.isArray(value) ? value : []
  const [addType, setAddType] = useState('static')
  const addId = useId()

  const move = (i: number, j: number) =>
    writer.batch(() => {
      writer.set([...path, i], parts[j])
      writer.set([...path, j], parts[i])
    })
  const add = () => {
    if (Array.isArray(value)) writer.set([...path, parts.length], newPart(addType))
    else writer.set(path, [newPart(addType)])
  }

  return (
    <div className="weft-prompt">
      {parts.length === 0 ? <p className="weft-field-unset">No parts yet.</p> : null}
      <ol className="weft-prompt-parts">
        {parts.map((part, i) => (
          <li key={i} className="weft-prompt-part" data-testid={`prompt-part-${i}`}>
            <PartCard
              part={part}
              path={[...path, i]}
              index={i}
              count={parts.length}
              onMove={move}
              onRemove={() => writer.set([...path, i], undefined)}
            />
          </li>
        ))}
      </ol>
      <div className="weft-prompt-add">
        <label htmlFor={addId}>New part</label>
        <select
          id={addId}
          value={addType}
          disabled={readOnly}
          onChange={(e) => setAddType(e.target.value)}
        >
          {promptPartCatalogue.map((p) => (
            <option key={p.type} value={p.type} title={p.doc}>
              {p.label} ({p.type})
            </option>
          ))}
        </select>
        <button type="button" disabled={readOnly} onClick={add}>
          Add part
        </button>
      </div>
    </div>
  )
}

function PartCard(props: {
  part: unknown
  path: Path
  index: number
  count: number
  onMove: (i: number, j: number) => void
  onRemove: () => void
}): ReactElement {
  const { part, path, index: i, count } = props
  const { writer, readOnly, diagnostics } = useForm()
  const typeId = useId()
  const n = i + 1
  const type = isPlainObject(part) ? part.type : undefined
  const spec = partSpec(type)
  const known = spec !== undefined

  const actions = (
    <span className="weft-item-actions">
      <button
        type="button"
        disabled={readOnly || i === 0}
        aria-label={`Move part ${n} up`}
        onClick={() => props.onMove(i, i - 1)}
      >
        ↑
      </button>
      <button
        type="button"
        disabled={readOnly || i === count - 1}
        aria-label={`Move part ${n} down`}
        onClick={() => props.onMove(i, i + 1)}
      >
        ↓
      </button>
      <button
        type="button"
        disabled={readOnly}
        aria-label={`Remove part ${n}`}
        onClick={props.onRemove}
      >
        ✕
      </button>
    </span>
  )

  if (!isPlainObject(part)) {
    // Not a map: pipeline_ex crashes on it. Keep it, show it, let the user fix it.
    return (
      <div className="weft-part-card" data-severity="error">
        <div className="weft-part-header">
          <span>Part {n}</span>
          {actions}
        </div>
        <Field
          spec={{
            key: String(i),
            label: `Part ${n} (not a part map)`,
            kind: 'any',
            doc: 'Prompt parts must be maps like `{type: static, content: "..."}`.',
          }}
          path={path}
          value={part}
        />
      </div>
    )
  }

  const typeDiagnostics = diagnostics.at([...path, 'type'])
  const partLevel = diagnostics.at(path)
  return (
    <div className="weft-part-card" title={spec?.doc}>
      <div className="weft-part-header">
        <label htmlFor={typeId}>Part {n}</label>
        <select
          id={typeId}
          data-testid={`field-${pathKey([...path, 'type'])}`}
          value={known ? String(type) : '\u0000unknown'}
          disabled={readOnly}
          aria-invalid={!known || undefined}
          onChange={(e) => writer.set([...path, 'type'], e.target.value)}
        >
          {!known ? (
            <option
              value={'\u0000unknown'}
            >{`${type === undefined ? '(no type)' : String(type)} (unknown type)`}</option>
          ) : null}
          {promptPartCatalogue.map((p) => (
            <option key={p.type} value={p.type}>
              {p.label} ({p.type})
            </option>
          ))}
        </select>
        {spec?.rendersEmpty ? (
          <span className="weft-badge weft-badge-ignored" title={spec.doc}>
            renders empty
          </span>
        ) : null}
        {actions}
      </div>
      <DiagnosticList diagnostics={[...partLevel, ...typeDiagnostics]} />
      {/* `type` is drawn in the header. */}
      <FieldList
        key={String(type)}
        fields={spec?.fields ?? []}
        path={path}
        value={part}
        alsoKnown={['type']}
      />
    </div>
  )
}
