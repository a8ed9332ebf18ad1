/**
 * The inspector's controls, generated from catalogue FieldSpecs. `<Field>` draws one field: its
 * label (with the doc as tooltip and accessible description), the control its kind and value
 * call for, the runtime default, and the diagnostics at its path.
 */
import type { Diagnostic, FieldSpec, Path } from '@weft/core'
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react'
import { BoundText } from './bound-text'
import {
  checkValue,
  controlFor,
  defaultText,
  isPlainObject,
  parseNumberInput,
  unknownKeys,
  type ControlKind,
} from './controls'
import { worstSeverity, type FieldDiagnostics } from './field-diagnostics'
import { PromptEditor } from './prompt-editor'
import type { Writer } from './writer'
import { parseYamlSnippet, toYamlSnippet } from './yaml-value'

export interface ChildStep {
  readonly id: string
  readonly name: string
  readonly type: string
}

export interface FormContextValue {
  readonly writer: Writer
  readonly diagnostics: FieldDiagnostics
  readonly readOnly: boolean
  readonly origin: unknown
  /** Child steps by slot (JSON of the slot path relative to the step). */
  readonly slots: ReadonlyMap<string, readonly ChildStep[]>
  readonly onSelect: (ids: string[]) => void
}

export const FormContext = createContext<FormContextValue | null>(null)

export function useForm(): FormContextValue {
  const ctx = useContext(FormContext)
  if (!ctx) throw new Error('Inspector fields need a FormContext')
  return ctx
}

export const pathKey = (path: Path): string => path.join('.')
const slotKey = (path: Path) => JSON.stringify(path)

/** True when a child-step slot sits at or under `path`: such values are edited on the canvas. */
function holdsSteps(slots: ReadonlyMap<string, unknown>, path: Path): boolean {
  for (const key of slots.keys()) {
    const slot = JSON.parse(key) as Path
    if (slot.length >= path.length && path.every((seg, i) => slot[i] === seg)) return true
  }
  return false
}

const localDiagnostic = (path: Path, message: string): Diagnostic => ({
  code: 'INSPECTOR_VALUE',
  severity: 'warning',
  message,
  path,
  line: 0,
  column: 0,
})

export function DiagnosticList({
  id,
  diagnostics,
}: {
  id?: string
  diagnostics: readonly Diagnostic[]
}): ReactElement | null {
  if (diagnostics.length === 0) return null
  return (
    <ul className="weft-field-diags" id={id} aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li key={i} className={`weft-diag weft-diag-${d.severity}`} data-code={d.code}>
          <span className="weft-diag-severity">{d.severity}</span> {d.message}
        </li>
      ))}
    </ul>
  )
}

export interface FieldProps {
  readonly spec: FieldSpec
  readonly path: Path
  readonly value: unknown
  /** Draws the label as "Item 2" etc. inside lists. */
  readonly label?: string
}

/** One field, with its label, doc, default, control and diagnostics. */
export function Field({ spec, path, value, label }: FieldProps): ReactElement {
  const ctx = useForm()
  const uid = useId()
  const id = `${uid}-${pathKey(path)}`
  let control: ControlKind = controlFor(spec, value)
  const childSteps = ctx.slots.get(slotKey(path))
  if (childSteps) control = 'steps'
  const containsSteps = control === 'yaml' && holdsSteps(ctx.slots, path)

  const core = control === 'yaml' ? ctx.diagnostics.under(path) : ctx.diagnostics.at(path)
  const problem = checkValue(spec, value)
  const diagnostics =
    problem && core.length === 0 ? [...core, localDiagnostic(path, problem)] : core
  const severity = worstSeverity(diagnostics)
  const def = defaultText(spec)
  const docId = `${id}-doc`
  const diagId = `${id}-diag`
  const describedBy = diagnostics.length > 0 ? `${docId} ${diagId}` : docId
  const group =
    control === 'object' || control === 'list' || control === 'prompt' || control === 'steps'
  const labelText = label ?? spec.label

  const header = (
    <>
      {labelText}
      {spec.required === 'loader' ? (
        <span className="weft-required" title="Required by pipeline_ex's loader">
          {' '}
          *
        </span>
      ) : null}
      {spec.effect === 'ignored' ? (
        <span
          className="weft-badge weft-badge-ignored"
          title="pipeline_ex does not act on this key"
        >
          ignored
        </span>
      ) : null}
    </>
  )

  const body = (
    <Control
      control={control}
      spec={spec}
      path={path}
      value={value}
      id={id}
      describedBy={describedBy}
      invalid={severity === 'error' || problem !== null}
      readOnly={ctx.readOnly || containsSteps}
      childSteps={childSteps ?? []}
    />
  )

  const doc = (
    <p className="weft-field-doc" id={docId}>
      {spec.doc}
      {def ? <span className="weft-field-default"> ({def})</span> : null}
      {containsSteps ? ' It holds steps: edit them on the canvas or in the YAML pane.' : null}
    </p>
  )

  return (
    <div
      className={`weft-field weft-field-${control}`}
      data-testid={`field-${pathKey(path)}`}
      data-severity={severity}
      data-control={control}
    >
      {group ? (
        <fieldset aria-describedby={describedBy}>
          <legend title={spec.doc}>{header}</legend>
          {doc}
          {body}
        </fieldset>
      ) : (
        <>
          <label htmlFor={id} title={spec.doc}>
            {header}
          </label>
          {body}
          {doc}
        </>
      )}
      <DiagnosticList id={diagId} diagnostics={diagnostics} />
    </div>
  )
}

interface ControlProps {
  readonly control: ControlKind
  readonly spec: FieldSpec
  readonly path: Path
  readonly value: unknown
  readonly id: string
  readonly describedBy: string
  readonly invalid: boolean
  readonly readOnly: boolean
  readonly childSteps: readonly ChildStep[]
}

function Control(p: ControlProps): ReactElement {
  switch (p.control) {
    case 'text':
    case 'multiline':
      return <TextControl {...p} multiline={p.control === 'multiline'} />
    case 'number':
      return <NumberControl {...p} />
    case 'boolean':
      return <BooleanControl {...p} />
    case 'select':
      return <SelectControl {...p} />
    case 'list':
      return <ListControl {...p} />
    case 'object':
      return <ObjectControl {...p} />
    case 'prompt':
      return <PromptEditor path={p.path} value={p.value} />
    case 'steps':
      return <StepsControl {...p} />
    case 'yaml':
      return <YamlControl {...p} />
  }
}

const scalarText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v)

/**
 * A text box that keeps what the user typed while it has focus (so "1." or a half-typed word is
 * not rewritten under them) and follows the document otherwise.
 */
function DraftInput(props: {
  id: string
  value: unknown
  describedBy: string
  invalid: boolean
  readOnly: boolean
  placeholder?: string | undefined
  multiline?: boolean
  inputMode?: 'decimal' | 'text'
  /** Called on every change; return value is what was written. */
  onChange?: (text: string) => unknown
  /** Called on blur and Enter (single line). */
  onCommit?: (text: string) => void
}): ReactElement {
  const shown = scalarText(props.value)
  const [draft, setDraft] = useState(shown)
  const written = useRef<unknown>(props.value)
  const focused = useRef(false)
  useEffect(() => {
    if (!focused.current || !Object.is(props.value, written.current)) {
      setDraft(shown)
      written.current = props.value
    }
  }, [props.value, shown])
  const common = {
    id: props.id,
    value: draft,
    disabled: props.readOnly,
    readOnly: props.readOnly,
    placeholder: props.placeholder,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid || undefined,
    onFocus: () => {
      focused.current = true
    },
    onBlur: () => {
      focused.current = false
      if (props.onCommit && draft !== shown) props.onCommit(draft)
    },
    onChange: (e: { target: { value: string } }) => {
      setDraft(e.target.value)
      if (props.onChange) written.current = props.onChange(e.target.value)
    },
  }
  return props.multiline ? (
    <textarea {...common} rows={Math.min(12, Math.max(3, draft.split('\n').length + 1))} />
  ) : (
    <input
      type="text"
      inputMode={props.inputMode}
      {...common}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && props.onCommit) {
          e.preventDefault()
          props.onCommit(draft)
        } else if (e.key === 'Escape' && props.onCommit) setDraft(shown)
      }}
    />
  )
}

function TextControl(p: ControlProps & { multiline: boolean }): ReactElement {
  const { writer, origin } = useForm()
  const placeholder = defaultText(p.spec)
  const ytext = writer.text(p.path)
  // The first character typed into an empty text field creates its Y.Text, and the control
  // becomes a bound one: keep the focus and caret across that switch.
  const switching = useRef(false)
  if (ytext) {
    const autoFocus = switching.current
    switching.current = false
    return (
      <BoundText
        autoFocus={autoFocus}
        ytext={ytext}
        origin={origin}
        multiline={p.multiline}
        id={p.id}
        readOnly={p.readOnly}
        placeholder={placeholder}
        describedBy={p.describedBy}
        invalid={p.invalid}
      />
    )
  }
  // The step name renames (with every reference) once, when the user is done typing.
  switching.current = false
  if (p.path.length === 1 && p.path[0] === 'name' && writer.rename) {
    const rename = writer.rename
    return (
      <DraftInput
        {...p}
        placeholder={placeholder}
        onCommit={(text) => {
          if (text !== scalarText(p.value)) rename(text)
        }}
      />
    )
  }
  return (
    <DraftInput
      {...p}
      placeholder={placeholder}
      multiline={p.multiline}
      onChange={(text) => {
        const v = text === '' ? undefined : text
        switching.current = true
        writer.set(p.path, v)
        return v
      }}
    />
  )
}

function NumberControl(p: ControlProps): ReactElement {
  const { writer } = useForm()
  return (
    <DraftInput
      {...p}
      inputMode="decimal"
      placeholder={defaultText(p.spec)}
      onChange={(text) => {
        const v = parseNumberInput(text)
        writer.set(p.path, v)
        return v
      }}
    />
  )
}

function BooleanControl(p: ControlProps): ReactElement {
  const { writer } = useForm()
  const set = typeof p.value === 'boolean'
  const checked = set ? (p.value as boolean) : p.spec.default === true
  return (
    <span className="weft-boolean">
      <input
        type="checkbox"
        id={p.id}
        checked={checked}
        disabled={p.readOnly}
        aria-describedby={p.describedBy}
        aria-invalid={p.invalid || undefined}
        onChange={(e) => writer.set(p.path, e.target.checked)}
      />
      {p.value === undefined ? (
        <span className="weft-field-unset">
          not set{p.spec.default !== undefined ? ` (${defaultText(p.spec)})` : ''}
        </span>
      ) : !set ? (
        <code className="weft-field-raw">{JSON.stringify(p.value)}</code>
      ) : null}
      {p.value !== undefined ? (
        <button
          type="button"
          className="weft-link"
          disabled={p.readOnly}
          onClick={() => writer.set(p.path, undefined)}
          aria-label={`Unset ${p.spec.label}`}
        >
          Unset
        </button>
      ) : null}
    </span>
  )
}

const NOT_ALLOWED = '\u0000current'

function SelectControl(p: ControlProps): ReactElement {
  const { writer } = useForm()
  const values = p.spec.enum ?? []
  const current = p.value === undefined || p.value === null ? '' : p.value
  const outOfEnum = current !== '' && !(typeof current === 'string' && values.includes(current))
  const def = p.spec.default
  return (
    <select
      id={p.id}
      value={outOfEnum ? NOT_ALLOWED : (current as string)}
      disabled={p.readOnly}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid || undefined}
      onChange={(e) => {
        const v = e.target.value
        if (v === NOT_ALLOWED) return
        writer.set(p.path, v === '' ? undefined : v)
      }}
    >
      <option value="">{def === undefined ? '— not set —' : `— default (${String(def)}) —`}</option>
      {outOfEnum ? <option value={NOT_ALLOWED}>{`${String(current)} (not allowed)`}</option> : null}
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </select>
  )
}

function emptyItem(spec: FieldSpec | undefined): unknown {
  switch (spec?.kind) {
    case 'number':
    case 'integer':
      return 0
    case 'boolean':
      return false
    case 'map':
      return {}
    case 'list':
    case 'prompt':
    case 'steps':
      return []
    case 'enum':
      return spec.enum?.[0] ?? ''
    default:
      return ''
  }
}

function ListControl(p: ControlProps): ReactElement {
  const { writer } = useForm()
  const items = Array.isArray(p.value) ? p.value : []
  const item = p.spec.item!
  const move = (i: number, j: number) =>
    writer.batch(() => {
      writer.set([...p.path, i], items[j])
      writer.set([...p.path, j], items[i])
    })
  return (
    <div className="weft-list">
      {items.length === 0 ? <p className="weft-field-unset">Empty.</p> : null}
      <ol>
        {items.map((v, i) => (
          <li key={i} className="weft-list-item">
            <Field spec={item} path={[...p.path, i]} value={v} label={`${item.label} ${i + 1}`} />
            <span className="weft-item-actions">
              <button
                type="button"
                disabled={p.readOnly || i === 0}
                aria-label={`Move ${item.label} ${i + 1} up`}
                onClick={() => move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                disabled={p.readOnly || i === items.length - 1}
                aria-label={`Move ${item.label} ${i + 1} down`}
                onClick={() => move(i, i + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                disabled={p.readOnly}
                aria-label={`Remove ${item.label} ${i + 1}`}
                onClick={() => writer.set([...p.path, i], undefined)}
              >
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      <button
        type="button"
        disabled={p.readOnly}
        onClick={() =>
          Array.isArray(p.value)
            ? writer.set([...p.path, items.length], emptyItem(item))
            : writer.set(p.path, [emptyItem(item)])
        }
      >
        Add {item.label.toLowerCase()}
      </button>
    </div>
  )
}

/** Fields of a map with known keys: used fields first, then unknown keys, then unset ignored ones. */
export function FieldList({
  fields,
  path,
  value,
  skip = [],
  alsoKnown = [],
}: {
  fields: readonly FieldSpec[]
  path: Path
  value: unknown
  /** Known keys drawn elsewhere (not as fields here). */
  skip?: readonly string[]
  /** Keys that are not fields but are not unknown either (a prompt part's `type`). */
  alsoKnown?: readonly string[]
}): ReactElement {
  const obj = isPlainObject(value) ? value : {}
  const shown = fields.filter((f) => !skip.includes(f.key))
  const main = shown.filter((f) => f.effect !== 'ignored' || obj[f.key] !== undefined)
  const rest = shown.filter((f) => f.effect === 'ignored' && obj[f.key] === undefined)
  const extra = unknownKeys(fields, value).filter((k) => !alsoKnown.includes(k))
  return (
    <>
      {main.map((f) => (
        <Field key={f.key} spec={f} path={[...path, f.key]} value={obj[f.key]} />
      ))}
      {extra.length > 0 ? <UnknownKeys keys={extra} path={path} value={obj} /> : null}
      {rest.length > 0 ? <IgnoredFields fields={rest} path={path} /> : null}
    </>
  )
}

/** Unset keys pipeline_ex ignores, behind a disclosure (rendered only when open). */
function IgnoredFields({ fields, path }: { fields: readonly FieldSpec[]; path: Path }) {
  const [open, setOpen] = useState(false)
  return (
    <details
      className="weft-ignored"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Documented but ignored by pipeline_ex ({fields.length})</summary>
      {open
        ? fields.map((f) => (
            <Field key={f.key} spec={f} path={[...path, f.key]} value={undefined} />
          ))
        : null}
    </details>
  )
}

function ObjectControl(p: ControlProps): ReactElement {
  const { diagnostics } = useForm()
  const hasValue = isPlainObject(p.value) && Object.keys(p.value).length > 0
  const [open, setOpen] = useState(hasValue || diagnostics.under(p.path).length > 0)
  // Closed sections are not rendered: a claude step's options alone are thirty-odd fields.
  return (
    <details
      className="weft-object"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>{hasValue ? `${Object.keys(p.value as object).length} set` : 'Not set'}</summary>
      {open ? <FieldList fields={p.spec.fields ?? []} path={p.path} value={p.value} /> : null}
    </details>
  )
}

function StepsControl(p: ControlProps): ReactElement {
  const { onSelect } = useForm()
  const count = p.childSteps.length
  return (
    <div className="weft-steps">
      <p className="weft-field-unset">
        {count === 0 ? 'No steps.' : `${count} step${count === 1 ? '' : 's'}`} — add and move them
        on the canvas.
      </p>
      <ul>
        {p.childSteps.map((s) => (
          <li key={s.id}>
            <button type="button" className="weft-link" onClick={() => onSelect([s.id])}>
              {s.name || '(unnamed)'} <span className="weft-muted">{s.type}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * A YAML snippet editor for free-form values and values the field's control cannot hold. It
 * writes on blur (or Ctrl/Cmd+Enter) when the snippet parses; otherwise it keeps the text and
 * says where it is wrong.
 */
function YamlControl(p: ControlProps): ReactElement {
  const { writer } = useForm()
  const snippet = toYamlSnippet(p.value)
  const [draft, setDraft] = useState(snippet)
  const [error, setError] = useState<string | null>(null)
  const focused = useRef(false)
  useEffect(() => {
    if (!focused.current) {
      setDraft(snippet)
      setError(null)
    }
  }, [snippet])
  const commit = () => {
    if (draft === snippet) return
    const parsed = parseYamlSnippet(draft)
    if (!parsed.ok) {
      setError(parsed.message)
      return
    }
    setError(null)
    writer.set(p.path, parsed.value)
  }
  return (
    <>
      <textarea
        id={p.id}
        className="weft-yaml-snippet"
        spellCheck={false}
        value={draft}
        disabled={p.readOnly}
        readOnly={p.readOnly}
        aria-describedby={p.describedBy}
        aria-invalid={p.invalid || error !== null || undefined}
        placeholder={defaultText(p.spec) ?? 'YAML'}
        rows={Math.min(12, Math.max(2, draft.split('\n').length + 1))}
        onFocus={() => {
          focused.current = true
        }}
        onBlur={() => {
          focused.current = false
          commit()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            commit()
          }
        }}
        onChange={(e) => setDraft(e.target.value)}
      />
      {error ? (
        <p className="weft-diag weft-diag-error" role="alert">
          {error} Your text is kept; it is applied once it parses.
        </p>
      ) : null}
    </>
  )
}

/** Keys the catalogue does not know: kept, shown as YAML, editable and removable. */
export function UnknownKeys({
  keys,
  path,
  value,
}: {
  keys: readonly string[]
  path: Path
  value: Record<string, unknown>
}): ReactElement {
  const { writer, readOnly } = useForm()
  return (
    <div className="weft-unknown" data-testid={`unknown-${pathKey(path) || 'root'}`}>
      <p className="weft-muted">
        Other keys (pipeline_ex does not know them here; kept as they are):
      </p>
      {keys.map((k) => (
        <div key={k} className="weft-unknown-key">
          <Field
            spec={{
              key: k,
              label: k,
              kind: 'any',
              doc: 'A key pipeline_ex does not know. It is kept in the file and ignored when the pipeline runs.',
            }}
            path={[...path, k]}
            value={value[k]}
          />
          <button
            type="button"
            disabled={readOnly}
            aria-label={`Remove key ${k}`}
            onClick={() => writer.set([...path, k], undefined)}
          >
            Remove
          </button>
        </div>
      ))}
    </div>
  )
}

export function Section({ title, children }: { title: string; children: ReactNode }): ReactElement {
  return (
    <section className="weft-inspector-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  )
}
