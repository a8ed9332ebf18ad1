/**
 * Version history (decision 0009): the pipeline's versions with who edited and when, named ones
 * highlighted; name the current state; open a version to see what changed (against now or
 * another version) or its YAML; rename it; restore it after a confirmation. Restoring is a change
 * made on the server inside the live document, so it reaches this editor (and everyone else's)
 * through the socket like any other edit. Every text is rendered by React (escaped).
 *
 * Test ids: `history-toggle`, `history-panel`, `version-name-input`, `version-name-save`,
 * `version-<number>` (with `data-kind`), `version-detail`, `version-compare`, `version-diff`,
 * `version-yaml`, `version-restore`, `restore-confirm`, `history-error`.
 */
import type { DiffHunk } from '@weft/core'
import { hunkHeader } from '@weft/core'
import { useCallback, useEffect, useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { VersionDiff, VersionInfo, VersionPerson } from '../api/client.js'
import { Dialog } from '../app/dialog.js'
import { displayName, initials, userColour } from '../collab/presence.js'
import './history.css'

const REFRESH_MS = 30_000

export const VIEWER_REASON = 'You have view access: only editors can name or restore versions.'

export function HistoryButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={open}
      onClick={onToggle}
      title="Version history"
      data-testid="history-toggle"
    >
      History
    </button>
  )
}

/** What a version is called in lists and titles. */
export function versionTitle(v: Pick<VersionInfo, 'name' | 'number' | 'kind'>): string {
  if (v.name) return v.name
  return `Version ${v.number}`
}

/** "3 min ago" for the last hour, then the local date and time. */
export function whenText(iso: string, now: number): string {
  const at = Date.parse(iso)
  const seconds = Math.round((now - at) / 1000)
  if (seconds < 45) return 'just now'
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`
  return new Date(at).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
}

function problem(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.offline) return 'The server cannot be reached; history needs a connection.'
    return error.message
  }
  return String(error)
}

export function HistoryPanel({
  pipelineId,
  readOnly,
  onClose,
}: {
  pipelineId: string
  readOnly: boolean
  onClose: () => void
}) {
  const [versions, setVersions] = useState<VersionInfo[]>([])
  const [next, setNext] = useState<number | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string>()
  const [selected, setSelected] = useState<string>()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    setLoading(true)
    try {
      const page = await api.listVersions(pipelineId)
      setVersions(page.versions)
      setNext(page.next)
      setError(undefined)
    } catch (e) {
      setError(problem(e))
    } finally {
      setLoading(false)
    }
  }, [pipelineId])

  useEffect(() => {
    void load()
    // Others name and restore versions too, and automatic ones appear as people edit.
    const timer = setInterval(() => void load(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [load])

  const more = async () => {
    if (next === null) return
    try {
      const page = await api.listVersions(pipelineId, next)
      setVersions((vs) => [...vs, ...page.versions])
      setNext(page.next)
    } catch (e) {
      setError(problem(e))
    }
  }

  const saveName = async () => {
    const trimmed = name.trim()
    if (!trimmed) return
    setBusy(true)
    try {
      const version = await api.nameVersion(pipelineId, trimmed)
      setName('')
      await load()
      setSelected(version.id)
    } catch (e) {
      setError(problem(e))
    } finally {
      setBusy(false)
    }
  }

  const current = versions.find((v) => v.id === selected)
  const now = Date.now()

  return (
    <aside className="pane-history" aria-label="Version history" data-testid="history-panel">
      <header className="history-head">
        <h2>Version history</h2>
        <button type="button" className="link-button" onClick={() => void load()}>
          Refresh
        </button>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close history">
          ✕
        </button>
      </header>

      <form
        className="history-name"
        onSubmit={(e) => {
          e.preventDefault()
          void saveName()
        }}
      >
        <input
          data-testid="version-name-input"
          aria-label="Name this version"
          placeholder="Name this version…"
          maxLength={200}
          value={name}
          disabled={readOnly || busy}
          title={readOnly ? VIEWER_REASON : 'Keeps the pipeline as it is now under this name'}
          onChange={(e) => setName(e.target.value)}
        />
        <button
          type="submit"
          data-testid="version-name-save"
          disabled={readOnly || busy || name.trim() === ''}
          title={readOnly ? VIEWER_REASON : undefined}
        >
          Save
        </button>
      </form>

      {error ? (
        <p className="history-error" role="alert" data-testid="history-error">
          {error}
        </p>
      ) : null}

      {current ? (
        <VersionDetail
          key={current.id}
          pipelineId={pipelineId}
          version={current}
          versions={versions}
          readOnly={readOnly}
          onBack={() => setSelected(undefined)}
          onChanged={load}
        />
      ) : (
        <>
          {loading && versions.length === 0 ? <p className="muted">Loading…</p> : null}
          {!loading && versions.length === 0 && !error ? (
            <p className="muted">
              No versions yet. One is kept automatically after each burst of editing, or name this
              version above.
            </p>
          ) : null}
          <ol className="version-list">
            {versions.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className="version-item"
                  data-testid={`version-${v.number}`}
                  data-kind={v.kind}
                  onClick={() => setSelected(v.id)}
                >
                  <span className="version-title">{versionTitle(v)}</span>
                  <span className="version-when" title={new Date(v.createdAt).toLocaleString()}>
                    {whenText(v.createdAt, now)}
                  </span>
                  <span className="version-meta">
                    <People people={v.authors} />
                    <span className="muted">{kindText(v)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ol>
          {next !== null ? (
            <button type="button" className="link-button" onClick={() => void more()}>
              Older versions
            </button>
          ) : null}
        </>
      )}
    </aside>
  )
}

function kindText(v: VersionInfo): string {
  const by = v.createdBy ? ` by ${displayName(v.createdBy.email)}` : ''
  if (v.kind === 'named') return `named${by}`
  if (v.kind === 'restore') return `restore${by}`
  // The first version, kept when the pipeline was created.
  if (v.createdBy) return `created${by}`
  return 'automatic'
}

function People({ people }: { people: readonly VersionPerson[] }) {
  if (people.length === 0) return null
  const names = people.map((p) => displayName(p.email))
  return (
    <span className="version-people" title={people.map((p) => p.email).join(', ')}>
      <span className="version-avatars" aria-hidden="true">
        {people.slice(0, 4).map((p) => (
          <span key={p.id} className="version-avatar" style={{ backgroundColor: userColour(p.id) }}>
            {initials(displayName(p.email))}
          </span>
        ))}
      </span>
      <span className="version-names">{names.join(', ')}</span>
    </span>
  )
}

type View = 'changes' | 'yaml'

function VersionDetail({
  pipelineId,
  version,
  versions,
  readOnly,
  onBack,
  onChanged,
}: {
  pipelineId: string
  version: VersionInfo
  versions: readonly VersionInfo[]
  readOnly: boolean
  onBack: () => void
  onChanged: () => Promise<void>
}) {
  const [view, setView] = useState<View>('changes')
  const [against, setAgainst] = useState('now')
  const [diff, setDiff] = useState<VersionDiff>()
  const [yaml, setYaml] = useState<string>()
  const [error, setError] = useState<string>()
  const [confirming, setConfirming] = useState(false)
  const [restoring, setRestoring] = useState(false)
  const [renaming, setRenaming] = useState<string>()

  useEffect(() => {
    let live = true
    setDiff(undefined)
    api.versionDiff(pipelineId, version.id, against).then(
      (d) => live && setDiff(d),
      (e: unknown) => live && setError(problem(e)),
    )
    return () => {
      live = false
    }
  }, [pipelineId, version.id, against])

  useEffect(() => {
    if (view !== 'yaml' || yaml !== undefined) return
    let live = true
    api.versionYaml(pipelineId, version.id).then(
      (y) => live && setYaml(y),
      (e: unknown) => live && setError(problem(e)),
    )
    return () => {
      live = false
    }
  }, [pipelineId, version.id, view, yaml])

  const restore = async () => {
    setRestoring(true)
    try {
      await api.restoreVersion(pipelineId, version.id)
      setConfirming(false)
      await onChanged()
      onBack()
    } catch (e) {
      setError(problem(e))
      setConfirming(false)
    } finally {
      setRestoring(false)
    }
  }

  const rename = async (name: string) => {
    try {
      await api.renameVersion(pipelineId, version.id, name)
      setRenaming(undefined)
      await onChanged()
    } catch (e) {
      setError(problem(e))
    }
  }

  const title = versionTitle(version)
  return (
    <section className="version-detail" data-testid="version-detail" aria-label={title}>
      <div className="version-detail-head">
        <button type="button" className="link-button" onClick={onBack}>
          ← All versions
        </button>
        <h3>{title}</h3>
        <span className="muted">{new Date(version.createdAt).toLocaleString()}</span>
        <span className="version-meta">
          <People people={version.authors} />
          <span className="muted">{kindText(version)}</span>
        </span>
      </div>

      {renaming !== undefined ? (
        <form
          className="history-name"
          onSubmit={(e) => {
            e.preventDefault()
            if (renaming.trim()) void rename(renaming.trim())
          }}
        >
          <input
            aria-label="Version name"
            value={renaming}
            maxLength={200}
            autoFocus
            onChange={(e) => setRenaming(e.target.value)}
          />
          <button type="submit" disabled={renaming.trim() === ''}>
            Rename
          </button>
          <button type="button" onClick={() => setRenaming(undefined)}>
            Cancel
          </button>
        </form>
      ) : null}

      <div className="version-actions">
        <button
          type="button"
          data-testid="version-restore"
          disabled={readOnly}
          title={readOnly ? VIEWER_REASON : 'Make the pipeline equal to this version again'}
          onClick={() => setConfirming(true)}
        >
          Restore this version
        </button>
        <button
          type="button"
          disabled={readOnly}
          title={readOnly ? VIEWER_REASON : undefined}
          onClick={() => setRenaming(version.name ?? '')}
        >
          {version.name ? 'Rename' : 'Name'}
        </button>
      </div>

      <div className="segmented" role="tablist" aria-label="Show">
        {(['changes', 'yaml'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            onClick={() => setView(v)}
          >
            {v === 'changes' ? 'Changes' : 'YAML'}
          </button>
        ))}
      </div>

      {error ? (
        <p className="history-error" role="alert">
          {error}
        </p>
      ) : null}

      {view === 'changes' ? (
        <>
          <label className="version-compare">
            Compare with{' '}
            <select
              data-testid="version-compare"
              value={against}
              onChange={(e) => setAgainst(e.target.value)}
            >
              <option value="now">now</option>
              {versions
                .filter((v) => v.id !== version.id)
                .map((v) => (
                  <option key={v.id} value={v.id}>
                    {versionTitle(v)}
                    {v.name ? ` (version ${v.number})` : ''}
                  </option>
                ))}
            </select>
          </label>
          {diff ? <DiffView diff={diff} /> : <p className="muted">Comparing…</p>}
        </>
      ) : (
        <pre className="version-yaml" data-testid="version-yaml">
          {yaml ?? 'Loading…'}
        </pre>
      )}

      {confirming ? (
        <Dialog title={`Restore “${title}”?`} onClose={() => !restoring && setConfirming(false)}>
          <p>
            The pipeline becomes what it was in this version, as a new change. What it is now is
            kept in the history, and edits others are making right now are kept too.
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setConfirming(false)} disabled={restoring}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              data-testid="restore-confirm"
              disabled={restoring}
              onClick={() => void restore()}
            >
              {restoring ? 'Restoring…' : 'Restore'}
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  )
}

/** The diff from the version to what it is compared with: removed lines red, added green. */
export function DiffView({ diff }: { diff: VersionDiff }) {
  if (diff.hunks.length === 0) {
    return (
      <p className="muted" data-testid="version-diff" data-empty="true">
        No differences.
      </p>
    )
  }
  return (
    <div className="version-diff" data-testid="version-diff">
      <p className="muted">
        <span className="diff-added-count">+{diff.added}</span>{' '}
        <span className="diff-removed-count">−{diff.removed}</span> lines
      </p>
      {diff.hunks.map((hunk, i) => (
        <Hunk key={i} hunk={hunk} />
      ))}
    </div>
  )
}

function Hunk({ hunk }: { hunk: DiffHunk }) {
  return (
    <table className="diff-hunk">
      <thead>
        <tr>
          <th colSpan={3} className="diff-hunk-head">
            {hunkHeader(hunk)}
          </th>
        </tr>
      </thead>
      <tbody>
        {hunk.lines.map((line, i) => (
          <tr key={i} className={`diff-line diff-${line.kind}`} data-kind={line.kind}>
            <td className="diff-no">{line.oldLine ?? ''}</td>
            <td className="diff-no">{line.newLine ?? ''}</td>
            <td className="diff-text">
              <span className="diff-sign" aria-hidden="true">
                {line.kind === 'add' ? '+' : line.kind === 'remove' ? '−' : ' '}
              </span>
              {line.text}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
