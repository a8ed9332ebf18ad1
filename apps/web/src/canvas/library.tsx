/**
 * The step library: every step type in core's catalogue, searchable by type, label and
 * description, with pipeline_ex's acceptance on each. Drag a type onto the canvas (or into a
 * container), or press Enter / click to add it after the selection. The same list, in `picker`
 * mode, is the "+" menu on an edge.
 */
import { memo, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react'
import { stepCatalogue, type StepTypeSpec } from '@weft/core'

/** The drag-and-drop payload type of a step type dragged from the library. */
export const STEP_TYPE_MIME = 'application/x-weft-step-type'

export function searchSteps(query: string): StepTypeSpec[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...stepCatalogue]
  return stepCatalogue.filter((s) => {
    const hay = `${s.type} ${s.label} ${s.description} ${s.category}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

const acceptanceText = {
  accepted: '',
  'test-only': 'test only',
  rejected: 'not accepted by pipeline_ex',
} as const

export interface StepLibraryProps {
  readonly onPick: (type: string) => void
  readonly readOnly?: boolean
  readonly mode?: 'panel' | 'picker'
  readonly onClose?: () => void
}

export const StepLibrary = memo(function StepLibrary({
  onPick,
  readOnly = false,
  mode = 'panel',
  onClose,
}: StepLibraryProps) {
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const items = useMemo(() => searchSteps(query), [query])
  const onDragStart = (e: DragEvent<HTMLElement>, type: string) => {
    e.dataTransfer.setData(STEP_TYPE_MIME, type)
    e.dataTransfer.setData('text/plain', type)
    e.dataTransfer.effectAllowed = 'copy'
  }
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => Math.min(items.length - 1, a + 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => Math.max(0, a - 1))
    } else if (e.key === 'Enter' && items[active] && !readOnly) {
      e.preventDefault()
      onPick(items[active]!.type)
    } else if (e.key === 'Escape' && onClose) {
      e.preventDefault()
      onClose()
    }
    e.stopPropagation()
  }
  return (
    <div
      className={`weft-library weft-library--${mode}`}
      data-testid={mode === 'panel' ? 'step-library' : 'step-picker'}
      aria-label={mode === 'panel' ? 'Step library' : 'Insert a step'}
      role="region"
    >
      <input
        className="weft-library__search"
        type="search"
        placeholder="Search step types"
        aria-label="Search step types"
        value={query}
        autoFocus={mode === 'picker'}
        onChange={(e) => {
          setQuery(e.target.value)
          setActive(0)
        }}
        onKeyDown={onKey}
      />
      <ul className="weft-library__list" role="listbox" aria-label="Step types">
        {items.map((s, i) => (
          <li
            key={s.type}
            role="option"
            aria-selected={i === active}
            aria-disabled={readOnly}
            className={`weft-library__item${i === active ? ' is-active' : ''} is-${s.acceptance}`}
            data-testid={`library-item-${s.type}`}
            draggable={!readOnly}
            onDragStart={(e) => onDragStart(e, s.type)}
            onClick={() => !readOnly && onPick(s.type)}
            onMouseEnter={() => setActive(i)}
            title={`${s.description}${s.acceptanceNote ? `\n\n${s.acceptanceNote}` : ''}`}
          >
            <div className="weft-library__row">
              <span className="weft-library__type">{s.type}</span>
              <span className="weft-library__label">{s.label}</span>
              {s.acceptance !== 'accepted' ? (
                <span
                  className={`weft-badge weft-badge--mark`}
                  data-testid={`library-mark-${s.type}`}
                  title={s.acceptanceNote}
                >
                  {acceptanceText[s.acceptance]}
                </span>
              ) : null}
            </div>
            <div className="weft-library__desc">{s.description}</div>
          </li>
        ))}
        {items.length === 0 ? <li className="weft-library__empty">No step type matches.</li> : null}
      </ul>
    </div>
  )
})
