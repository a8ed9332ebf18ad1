/**
 * Your pipelines: search (server full text with step type, tag and owner filters, see
 * ../search), tags, create (empty, or from .yaml files chosen or dropped anywhere on the page),
 * open, delete with confirmation. Offline, the list this device saw last is shown.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { ApiDiagnostic, Me, PipelineSummary, SearchFilters } from '../api/client.js'
import { Dialog } from '../app/dialog.js'
import { navigate } from '../app/router.js'
import { dbName } from '../collab/connection.js'
import {
  filterLocally,
  FilterBar,
  matchedText,
  useServerSearch,
  useTagFacets,
} from '../search/search.js'
import { EditTagsDialog, TagChips } from '../search/tags.js'
import { offlineCache } from '../offline/cache.js'
import { ShareDialog } from '../teams/share-dialog.js'
import { NewPipelineGallery, TemplateToggle, useTemplateMarks } from '../templates/index.js'
import { useTheme } from '../theme/theme.js'
import { formatDiagnostic, isYamlFile } from './yaml-files.js'

interface ImportFailure {
  readonly file: string
  readonly message: string
  readonly diagnostics: readonly ApiDiagnostic[]
}

export function PipelinesPage({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [list, setList] = useState<readonly PipelineSummary[] | undefined>(() =>
    offlineCache.pipelines(),
  )
  const [offline, setOffline] = useState(false)
  const [loadError, setLoadError] = useState<string>()
  const [query, setQuery] = useState('')
  const [filters, setFilters] = useState<SearchFilters>({})
  const [ownerFilter, setOwnerFilter] = useState<OwnerFilter>('all')
  const [sharing, setSharing] = useState<PipelineSummary>()
  const [tagging, setTagging] = useState<PipelineSummary>()
  const [creating, setCreating] = useState(false)
  const [toDelete, setToDelete] = useState<PipelineSummary>()
  const [failures, setFailures] = useState<readonly ImportFailure[]>([])
  const [notice, setNotice] = useState<string>()
  const [dragging, setDragging] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const [theme, toggleTheme] = useTheme()
  const templateMarks = useTemplateMarks()

  const refresh = useCallback(async () => {
    try {
      const pipelines = await api.listPipelines()
      offlineCache.setPipelines(pipelines)
      setList(pipelines)
      setOffline(false)
      setLoadError(undefined)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return onSignOut()
      if (e instanceof ApiError && e.offline) setOffline(true)
      else setLoadError(e instanceof Error ? e.message : String(e))
    }
  }, [onSignOut])

  useEffect(() => {
    void refresh()
    document.title = 'Pipelines · Weft'
    const online = () => void refresh()
    window.addEventListener('online', online)
    return () => window.removeEventListener('online', online)
  }, [refresh])

  const importFiles = useCallback(
    async (files: readonly File[]) => {
      setNotice(undefined)
      const failed: ImportFailure[] = []
      const created: string[] = []
      for (const file of files) {
        if (!isYamlFile(file)) {
          failed.push({
            file: file.name,
            message: 'Only .yaml and .yml files can be imported.',
            diagnostics: [],
          })
          continue
        }
        try {
          const text = await file.text()
          const { id } = await api.createPipeline(text)
          created.push(id)
        } catch (e) {
          const error = e instanceof ApiError ? e : undefined
          failed.push({
            file: file.name,
            message: error?.offline
              ? 'The server cannot be reached; importing needs a connection.'
              : (error?.message ?? String(e)),
            diagnostics: error?.diagnostics ?? [],
          })
        }
      }
      setFailures(failed)
      if (created.length === 1 && failed.length === 0) {
        navigate({ page: 'editor', pipelineId: created[0]! })
        return
      }
      if (created.length) setNotice(`Imported ${created.length} pipeline(s).`)
      await refresh()
    },
    [refresh],
  )

  // Drag-and-drop of .yaml files anywhere on the page.
  useEffect(() => {
    let depth = 0
    const hasFiles = (e: DragEvent) =>
      !!e.dataTransfer && [...e.dataTransfer.types].includes('Files')
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth++
      setDragging(true)
    }
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth = 0
      setDragging(false)
      void importFiles([...(e.dataTransfer?.files ?? [])])
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragleave', leave)
    window.addEventListener('dragover', over)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('dragover', over)
      window.removeEventListener('drop', drop)
    }
  }, [importFiles])

  const search = useServerSearch(query, filters, offline)
  const facets = useTagFacets(list)
  // Search hits carry no owner: it comes from the list, which has every pipeline you can see.
  const listById = useMemo(() => new Map((list ?? []).map((p) => [p.id, p])), [list])
  const shown = useMemo(
    () =>
      (search.hits ?? filterLocally(list ?? [], query, filters)).filter((p) =>
        matchesOwner(listById.get(p.id) ?? p, ownerFilter, me),
      ),
    [search.hits, list, query, filters, listById, ownerFilter, me],
  )
  const ownerTeams = useMemo(() => {
    const teams = new Map<string, string>()
    for (const p of list ?? []) if (p.owner?.kind === 'team') teams.set(p.owner.id, p.owner.name)
    return [...teams].sort((a, b) => a[1].localeCompare(b[1]))
  }, [list])
  const pickTag = (tag: string) =>
    setFilters((f) => ({ ...f, tag: f.tag === tag ? undefined : tag }))

  return (
    <div className="page pipelines-page">
      <header className="topbar">
        <span className="brand">Weft</span>
        <div className="spacer" />
        <a href="#/teams">Teams</a>
        {me.isAdmin ? <a href="#/admin">Admin</a> : null}
        <a href="#/account" className="muted" title={`${me.email}: password and API tokens`}>
          {me.email}
        </a>
        <button
          type="button"
          className="icon-button"
          onClick={toggleTheme}
          aria-label="Switch light / dark theme"
          title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          ◐
        </button>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>

      <main className="pipelines-main">
        <div className="toolbar">
          <h1>Pipelines</h1>
          <input
            type="search"
            className="search"
            placeholder="Search pipelines"
            aria-label="Search pipelines"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button
            type="button"
            className="primary"
            disabled={offline}
            onClick={() => setCreating(true)}
          >
            New pipeline
          </button>
          <button type="button" disabled={offline} onClick={() => fileInput.current?.click()}>
            Import YAML…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            multiple
            hidden
            data-testid="import-input"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])]
              e.target.value = ''
              void importFiles(files)
            }}
          />
        </div>
        <FilterBar
          filters={filters}
          onChange={setFilters}
          tags={facets}
          hasWords={query.trim() !== ''}
        />
        <label className="owner-filter">
          <span className="muted">Show </span>
          <select
            aria-label="Show pipelines owned by"
            value={ownerFilter}
            onChange={(e) => setOwnerFilter(e.target.value as OwnerFilter)}
          >
            <option value="all">all owners</option>
            <option value="me">yours</option>
            <option value="shared">shared with you</option>
            {ownerTeams.map(([id, name]) => (
              <option key={id} value={`team:${id}`}>
                team {name}
              </option>
            ))}
          </select>
        </label>
        <p className="muted hint">Or drop .yaml files anywhere on this page.</p>
        {search.error ? (
          <div className="banner" role="alert">
            {search.error}
          </div>
        ) : null}

        {offline ? (
          <div className="banner" role="status">
            Offline: showing the pipelines this device saw last. Pipelines opened before open from
            this device's copy.
          </div>
        ) : null}
        {loadError ? (
          <div className="banner" role="alert">
            {loadError}
          </div>
        ) : null}
        {notice ? (
          <div className="banner ok" role="status">
            {notice}
          </div>
        ) : null}
        {failures.length ? (
          <ImportFailures failures={failures} onDismiss={() => setFailures([])} />
        ) : null}

        {list === undefined ? (
          <p className="muted">Loading…</p>
        ) : shown.length === 0 ? (
          <p className="muted empty">
            {list.length === 0
              ? 'No pipelines yet. Create one or import a YAML file.'
              : search.searching
                ? 'Searching…'
                : 'No pipeline matches.'}
          </p>
        ) : (
          <ul
            className="pipeline-list"
            aria-label="Pipelines"
            aria-busy={search.searching}
            data-results={search.hits ? 'search' : 'list'}
          >
            {shown.map((p) => (
              <li key={p.id} className="pipeline-row" data-pipeline-id={p.id}>
                <div className="pipeline-cell">
                  <a className="pipeline-link" href={`#/p/${encodeURIComponent(p.id)}`}>
                    <span className="pipeline-title">{p.name}</span>
                    {p.description ? (
                      <span className="muted pipeline-desc">{p.description}</span>
                    ) : null}
                  </a>
                  <TagChips tags={p.tags} active={filters.tag} onPick={pickTag} />
                  {listById.get(p.id)?.owner ? (
                    <span className="muted owner-tag" data-owner>
                      {ownerLabel(listById.get(p.id)!.owner!, me)}
                    </span>
                  ) : null}
                  {'matchedIn' in p ? (
                    <span className="muted matched">
                      {matchedText(p as Parameters<typeof matchedText>[0])}
                    </span>
                  ) : null}
                </div>
                <span className={`role role-${p.role}`}>{p.role}</span>
                <time className="muted" dateTime={p.updatedAt} title={p.updatedAt}>
                  {relativeTime(p.updatedAt)}
                </time>
                <span className="row-actions">
                  <button
                    type="button"
                    className="link"
                    disabled={offline}
                    aria-label={
                      p.role === 'owner' ? `Share ${p.name}` : `Who has access to ${p.name}`
                    }
                    onClick={() => setSharing(p)}
                  >
                    {p.role === 'owner' ? 'Share' : 'Access'}
                  </button>
                  {p.role !== 'viewer' ? (
                    <button
                      type="button"
                      className="link"
                      disabled={offline}
                      aria-label={`Edit tags of ${p.name}`}
                      onClick={() => setTagging(p)}
                    >
                      Tags
                    </button>
                  ) : null}
                  {p.role === 'owner' ? (
                    <>
                      <TemplateToggle pipeline={p} marks={templateMarks} disabled={offline} />
                      <button
                        type="button"
                        className="danger-link"
                        disabled={offline}
                        aria-label={`Delete ${p.name}`}
                        onClick={() => setToDelete(p)}
                      >
                        Delete
                      </button>
                    </>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </main>

      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop .yaml files to import them
        </div>
      ) : null}

      {creating ? (
        <NewPipelineGallery
          onClose={() => setCreating(false)}
          onCreated={(id) => navigate({ page: 'editor', pipelineId: id })}
        />
      ) : null}

      {sharing ? (
        <ShareDialog
          pipeline={sharing}
          onClose={() => setSharing(undefined)}
          onChanged={() => void refresh()}
        />
      ) : null}

      {tagging ? (
        <EditTagsDialog
          pipeline={tagging}
          onClose={() => setTagging(undefined)}
          onSaved={async () => {
            setTagging(undefined)
            await refresh()
          }}
        />
      ) : null}

      {toDelete ? (
        <ConfirmDelete
          pipeline={toDelete}
          onClose={() => setToDelete(undefined)}
          onDeleted={async () => {
            offlineCache.forgetPipeline(toDelete.id)
            if (typeof indexedDB !== 'undefined') indexedDB.deleteDatabase(dbName(toDelete.id))
            setToDelete(undefined)
            await refresh()
          }}
        />
      ) : null}
    </div>
  )
}

function ImportFailures({
  failures,
  onDismiss,
}: {
  failures: readonly ImportFailure[]
  onDismiss: () => void
}) {
  return (
    <section className="import-failures" role="alert" aria-label="Refused files">
      <h2>Not imported</h2>
      {failures.map((f, i) => (
        <div key={i} className="import-failure">
          <p>
            <strong>{f.file}</strong>: {f.message}
          </p>
          {f.diagnostics.length ? (
            <ul className="diagnostics">
              {f.diagnostics.map((d, j) => (
                <li key={j} className={`diagnostic ${d.severity}`}>
                  <code>
                    {f.file}:{formatDiagnostic(d)}
                  </code>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  )
}

function ConfirmDelete({
  pipeline,
  onClose,
  onDeleted,
}: {
  pipeline: PipelineSummary
  onClose: () => void
  onDeleted: () => Promise<void>
}) {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <Dialog title="Delete pipeline?" onClose={onClose}>
      <p>
        Delete <strong>{pipeline.name}</strong> for everyone who has access to it? This cannot be
        undone.
      </p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setBusy(true)
            api
              .deletePipeline(pipeline.id)
              .then(onDeleted)
              .catch((err: unknown) => {
                setError(err instanceof Error ? err.message : String(err))
                setBusy(false)
              })
          }}
        >
          Delete
        </button>
      </div>
    </Dialog>
  )
}

function relativeTime(iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const s = Math.round((t - Date.now()) / 1000)
  const fmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const abs = Math.abs(s)
  if (abs < 60) return fmt.format(s, 'second')
  if (abs < 3600) return fmt.format(Math.round(s / 60), 'minute')
  if (abs < 86400) return fmt.format(Math.round(s / 3600), 'hour')
  return fmt.format(Math.round(s / 86400), 'day')
}

/** `all`, `me` (your personal pipelines), `shared` (others' shared with you), or `team:<id>`. */
type OwnerFilter = 'all' | 'me' | 'shared' | `team:${string}`

function matchesOwner(p: PipelineSummary, filter: OwnerFilter, me: Me): boolean {
  if (filter === 'all' || !p.owner) return true
  if (filter === 'me') return p.owner.kind === 'user' && p.owner.id === me.id
  if (filter === 'shared') return p.owner.kind === 'user' && p.owner.id !== me.id
  return p.owner.kind === 'team' && `team:${p.owner.id}` === filter
}

function ownerLabel(owner: NonNullable<PipelineSummary['owner']>, me: Me): string {
  if (owner.kind === 'team') return `Team ${owner.name}`
  return owner.id === me.id ? 'You' : owner.email
}
