/**
 * "New pipeline": a name, and a gallery of starting points — Blank first, then the templates
 * shipped with Weft, then the team's. Search narrows the cards; the arrow keys, Home and End move
 * between them; Enter creates from the selected one (from the name field too).
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { api } from '../api/client.js'
import type { Team } from '../api/client.js'
import { Dialog } from '../app/dialog.js'
import { newPipelineYaml } from '../pipelines/new-pipeline.js'
import { templatesApi, type TemplateInfo } from './api.js'
import { BLANK, matchTemplates } from './match.js'
import './templates.css'

export function NewPipelineGallery({
  onClose,
  onCreated,
}: {
  onClose: () => void
  onCreated: (id: string) => void
}) {
  const [templates, setTemplates] = useState<readonly TemplateInfo[]>()
  const [loadError, setLoadError] = useState<string>()
  const [query, setQuery] = useState('')
  const [selectedId, setSelectedId] = useState(BLANK.id)
  const [name, setName] = useState('untitled')
  const [nameEdited, setNameEdited] = useState(false)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  /** Teams you may create in (member or above); '' is yourself. */
  const [teams, setTeams] = useState<readonly Team[]>([])
  const [owner, setOwner] = useState('')
  useEffect(() => {
    api.listTeams().then(
      (list) => setTeams(list.filter((t) => t.role !== 'viewer')),
      () => undefined,
    )
  }, [])
  const cardRefs = useRef(new Map<string, HTMLElement>())

  useEffect(() => {
    let live = true
    templatesApi.list().then(
      (list) => live && setTemplates(list),
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : String(e)),
    )
    return () => {
      live = false
    }
  }, [])

  const cards = useMemo(
    () => matchTemplates([BLANK, ...(templates ?? [])], query),
    [templates, query],
  )
  const selected = cards.find((c) => c.id === selectedId) ?? cards[0]

  const select = (card: TemplateInfo, focus = false) => {
    setSelectedId(card.id)
    if (!nameEdited) setName(card.id === BLANK.id ? 'untitled' : card.name)
    if (focus) cardRefs.current.get(card.id)?.focus()
  }

  const create = (card: TemplateInfo | undefined = selected) => {
    if (!card || busy) return
    setBusy(true)
    setError(undefined)
    const trimmed = name.trim()
    const team = owner === '' ? undefined : owner
    const made =
      card.id === BLANK.id
        ? api.createPipeline(newPipelineYaml(name), team)
        : // Keep the template's bytes unless the name was really changed.
          templatesApi.create(card.id, trimmed && trimmed !== card.name ? trimmed : undefined, team)
    made.then(
      ({ id }) => onCreated(id),
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err))
        setBusy(false)
      },
    )
  }

  const onCardKey = (e: React.KeyboardEvent, index: number) => {
    const move = (to: number) => {
      e.preventDefault()
      const card = cards[Math.max(0, Math.min(cards.length - 1, to))]
      if (card) select(card, true)
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') move(index + 1)
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') move(index - 1)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(cards.length - 1)
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      const card = cards[index]!
      select(card)
      create(card)
    }
  }

  return (
    <Dialog title="New pipeline" onClose={onClose} className="template-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create()
        }}
      >
        <div className="template-fields">
          <label className="field">
            <span>Name</span>
            <input
              autoFocus
              value={name}
              onChange={(e) => {
                setName(e.target.value)
                setNameEdited(true)
              }}
              onFocus={(e) => e.target.select()}
            />
          </label>
          {teams.length ? (
            <label className="field">
              <span>Owner</span>
              <select aria-label="Owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
                <option value="">You</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    Team {t.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field">
            <span>Start from</span>
            <input
              type="search"
              placeholder="Search templates"
              aria-label="Search templates"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown' && selected) {
                  e.preventDefault()
                  select(selected, true)
                }
              }}
            />
          </label>
        </div>

        {loadError ? (
          <p className="muted template-note" role="status">
            Templates are unavailable ({loadError}); you can still start blank.
          </p>
        ) : templates === undefined ? (
          <p className="muted template-note">Loading templates…</p>
        ) : null}

        {cards.length === 0 ? (
          <p className="muted template-note">No template matches.</p>
        ) : (
          <div className="template-grid" role="listbox" aria-label="Templates">
            {cards.map((card, index) => {
              const isSelected = card.id === selected?.id
              return (
                <div
                  key={card.id}
                  ref={(el) => {
                    if (el) cardRefs.current.set(card.id, el)
                    else cardRefs.current.delete(card.id)
                  }}
                  role="option"
                  aria-selected={isSelected}
                  aria-label={card.name}
                  tabIndex={isSelected ? 0 : -1}
                  data-template-id={card.id}
                  className={`template-card${isSelected ? ' selected' : ''}`}
                  onClick={() => select(card)}
                  onDoubleClick={() => {
                    select(card)
                    create(card)
                  }}
                  onKeyDown={(e) => onCardKey(e, index)}
                >
                  <span className="template-name">{card.name}</span>
                  <span className="template-desc muted">{card.description}</span>
                  <span className="template-types">
                    {card.stepTypes.map((t) => (
                      <span key={t} className="template-type">
                        {t}
                      </span>
                    ))}
                  </span>
                  <span className="template-meta muted">
                    {card.id === BLANK.id
                      ? 'Blank'
                      : card.source === 'team'
                        ? `Team · ${card.owner ?? ''}`
                        : 'Weft'}
                    {' · '}
                    {card.stepCount} {card.stepCount === 1 ? 'step' : 'steps'}
                  </span>
                </div>
              )
            })}
          </div>
        )}

        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !selected}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  )
}
