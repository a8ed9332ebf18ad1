/**
 * Search on the pipelines page: the filter bar (step type, tag, owner) and the server search
 * behind the search box. Words go to `GET /api/search` as you type (debounced, older requests
 * cancelled); with no words, the list is filtered here by tag. Offline, the last list is
 * filtered here by name and description, as before.
 */
import { stepCatalogue } from '@weft/core'
import { useEffect, useMemo, useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { PipelineSummary, SearchFilters, SearchHit } from '../api/client.js'

const TYPES = stepCatalogue.map((s) => s.type).sort()
const DEBOUNCE_MS = 150

export interface SearchState {
  /** Server hits for the words, or undefined when the list is filtered locally. */
  readonly hits: readonly SearchHit[] | undefined
  readonly searching: boolean
  readonly error: string | undefined
}

/** Filters the page's list when there are no words to search for (or the server is away). */
export function filterLocally(
  list: readonly PipelineSummary[],
  query: string,
  filters: SearchFilters,
): PipelineSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  return list.filter((p) => {
    if (filters.tag && !(p.tags ?? []).includes(filters.tag)) return false
    const hay = `${p.name} ${p.description ?? ''} ${(p.tags ?? []).join(' ')}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

export function useServerSearch(
  query: string,
  filters: SearchFilters,
  offline: boolean,
): SearchState {
  const [state, setState] = useState<SearchState>({
    hits: undefined,
    searching: false,
    error: undefined,
  })
  const q = query.trim()
  const { type, tag, owner } = filters
  useEffect(() => {
    if (q === '' || offline) {
      setState({ hits: undefined, searching: false, error: undefined })
      return
    }
    const abort = new AbortController()
    setState((s) => ({ ...s, searching: true }))
    const timer = setTimeout(() => {
      api
        .search(q, { type, tag, owner }, abort.signal)
        .then((hits) => setState({ hits, searching: false, error: undefined }))
        .catch((err: unknown) => {
          if (abort.signal.aborted) return
          setState({
            hits: undefined,
            searching: false,
            // A 400 says which filter is wrong; offline falls back to the local list.
            error:
              err instanceof ApiError && err.offline
                ? undefined
                : String(err instanceof Error ? err.message : err),
          })
        })
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      abort.abort()
    }
  }, [q, type, tag, owner, offline])
  return state
}

/** The tags on pipelines the user can see, for the tag filter; refreshed with the list. */
export function useTagFacets(version: unknown): ReadonlyArray<{ tag: string; count: number }> {
  const [tags, setTags] = useState<ReadonlyArray<{ tag: string; count: number }>>([])
  useEffect(() => {
    let live = true
    api
      .tags()
      .then((t) => live && setTags(t))
      .catch(() => {})
    return () => {
      live = false
    }
  }, [version])
  return tags
}

export function FilterBar({
  filters,
  onChange,
  tags,
  hasWords,
}: {
  filters: SearchFilters
  onChange: (filters: SearchFilters) => void
  tags: ReadonlyArray<{ tag: string; count: number }>
  hasWords: boolean
}) {
  const [owner, setOwner] = useState(filters.owner ?? '')
  useEffect(() => setOwner(filters.owner ?? ''), [filters.owner])
  const tagOptions = useMemo(() => {
    const known = tags.map((t) => t.tag)
    // A tag picked from a chip stays selectable even before the facet list has it.
    return filters.tag && !known.includes(filters.tag) ? [filters.tag, ...known] : known
  }, [tags, filters.tag])
  const set = (patch: SearchFilters) => onChange({ ...filters, ...patch })
  return (
    <div className="filter-bar" role="group" aria-label="Search filters">
      <label>
        <span>Step type</span>
        <select
          aria-label="Filter by step type"
          value={filters.type ?? ''}
          onChange={(e) => set({ type: e.target.value || undefined })}
          title={hasWords ? undefined : 'Applies to words you search for'}
        >
          <option value="">Any</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Tag</span>
        <select
          aria-label="Filter by tag"
          value={filters.tag ?? ''}
          onChange={(e) => set({ tag: e.target.value || undefined })}
        >
          <option value="">Any</option>
          {tagOptions.map((t) => {
            const count = tags.find((x) => x.tag === t)?.count
            return (
              <option key={t} value={t}>
                {count === undefined ? t : `${t} (${count})`}
              </option>
            )
          })}
        </select>
      </label>
      <label>
        <span>Owner</span>
        <input
          aria-label="Filter by owner"
          type="email"
          placeholder="email"
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
          onBlur={() => set({ owner: owner.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ owner: owner.trim() || undefined })
          }}
          title={hasWords ? undefined : 'Applies to words you search for'}
        />
      </label>
      {filters.type || filters.tag || filters.owner ? (
        <button type="button" className="link" onClick={() => onChange({})}>
          Clear filters
        </button>
      ) : null}
      {!hasWords && (filters.type || filters.owner) ? (
        <span className="muted">Step type and owner apply to the words you search for.</span>
      ) : null}
    </div>
  )
}

/** Where a hit matched, in words, for its row. */
export function matchedText(hit: SearchHit): string {
  if (hit.matchedStep) return `matched in step ${hit.matchedStep.name}`
  switch (hit.matchedIn) {
    case 'exact-name':
      return 'name matches'
    case 'name':
      return 'matched in name or tags'
    case 'description':
      return 'matched in description'
    default:
      return 'matched in steps'
  }
}
