/**
 * The Share dialog of a pipeline (from the editor header and the pipelines list): who has access
 * and why, and, for its owners, sharing with a user or one of their teams as editor or viewer,
 * changing or removing a share, and moving the pipeline to a team they administer. Everyone else
 * sees the same list without controls; the server refuses what the UI does not offer anyway.
 */
import { useCallback, useEffect, useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { PipelineAccess, Role, Team } from '../api/client.js'
import { Dialog } from '../app/dialog.js'
import './teams.css'

type ShareRole = 'editor' | 'viewer'

/** The editor loads this dialog eagerly, so it keeps to the API client (no page modules). */
function explain(e: unknown): string {
  if (e instanceof ApiError && e.offline) return 'The server cannot be reached; try again.'
  return e instanceof Error ? e.message : String(e)
}

const VIA: Record<string, string> = {
  owner: 'owner',
  direct: 'shared with them',
  team: 'through the owning team',
  'team-share': 'through a team it is shared with',
}

export function ShareDialog({
  pipeline,
  onClose,
  onChanged,
}: {
  pipeline: { id: string; name: string }
  onClose: () => void
  /** After a change that may alter the caller's own list (a transfer). */
  onChanged?: () => void
}) {
  const [access, setAccess] = useState<PipelineAccess>()
  const [teams, setTeams] = useState<readonly Team[]>([])
  const [email, setEmail] = useState('')
  const [team, setTeam] = useState('')
  const [role, setRole] = useState<ShareRole>('editor')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  const load = useCallback(() => {
    api.getAccess(pipeline.id).then(setAccess, (e: unknown) => setError(explain(e)))
  }, [pipeline.id])
  useEffect(() => {
    load()
    api.listTeams().then(setTeams, () => undefined)
  }, [load])

  const act = (p: Promise<unknown>, after?: () => void) => {
    setBusy(true)
    setError(undefined)
    p.then(
      () => {
        after?.()
        load()
      },
      (e: unknown) => setError(explain(e)),
    ).finally(() => setBusy(false))
  }

  const owner = access?.role === 'owner'
  const shareTeam = (teamId: string, r: ShareRole | null) =>
    act(api.setTeamAccess(pipeline.id, teamId, r))
  const shareUser = (email: string, r: Role | null) => act(api.setAccess(pipeline.id, email, r))
  /** A chosen team wins over a typed email. */
  const submit = () => {
    if (team !== '') act(api.setTeamAccess(pipeline.id, team, role), () => setTeam(''))
    else if (email.trim() !== '')
      act(api.setAccess(pipeline.id, email.trim(), role), () => setEmail(''))
  }
  const adminTeams = teams.filter(
    (t) => (t.role === 'owner' || t.role === 'admin') && t.id !== access?.ownerTeam?.id,
  )

  return (
    <Dialog onClose={onClose} labelledBy="share-title" className="share-dialog">
      <h2 id="share-title" className="dialog-title">
        {owner ? 'Share' : 'Access to'} “{pipeline.name}”
      </h2>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {access === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted">
            {access.ownerTeam
              ? `Owned by the team ${access.ownerTeam.name}: its owners and admins own it, members edit, viewers view.`
              : 'A personal pipeline.'}{' '}
            You are {access.role}.
          </p>
          {owner ? (
            <form
              className="share-form"
              aria-label="Share with"
              onSubmit={(e) => {
                e.preventDefault()
                submit()
              }}
            >
              <label className="field">
                <span>User email</span>
                <input
                  type="email"
                  placeholder="name@example.com"
                  value={email}
                  disabled={team !== ''}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </label>
              {teams.length ? (
                <label className="field">
                  <span>…or one of your teams</span>
                  <select value={team} onChange={(e) => setTeam(e.target.value)}>
                    <option value="">—</option>
                    {teams.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <label className="field">
                <span>As</span>
                <select
                  aria-label="Role to give"
                  value={role}
                  onChange={(e) => setRole(e.target.value as ShareRole)}
                >
                  <option value="editor">editor</option>
                  <option value="viewer">viewer</option>
                </select>
              </label>
              <button
                type="submit"
                className="primary"
                disabled={busy || (team === '' && email.trim() === '')}
              >
                Share
              </button>
            </form>
          ) : null}

          <h3>Shares</h3>
          <ul className="share-list" aria-label="Shares">
            {access.grants.map((g) => {
              const key = g.kind === 'user' ? `u:${g.userId}` : `t:${g.teamId}`
              const label = g.kind === 'user' ? g.email : `Team ${g.name}`
              const owningTeam = g.kind === 'team' && g.teamId === access.ownerTeam?.id
              const editable = owner && !owningTeam && g.role !== 'owner'
              return (
                <li key={key} data-grant={label}>
                  <span className="who" title={label}>
                    {label}
                  </span>
                  {editable ? (
                    <select
                      aria-label={`Role of ${label}`}
                      value={g.role}
                      disabled={busy}
                      onChange={(e) => {
                        const r = e.target.value as ShareRole
                        if (g.kind === 'user') shareUser(g.email, r)
                        else shareTeam(g.teamId, r)
                      }}
                    >
                      <option value="editor">editor</option>
                      <option value="viewer">viewer</option>
                    </select>
                  ) : (
                    <span className={`role role-${g.role}`}>{owningTeam ? 'owns it' : g.role}</span>
                  )}
                  {editable ? (
                    <button
                      type="button"
                      className="danger-link"
                      disabled={busy}
                      aria-label={`Remove ${label}`}
                      onClick={() =>
                        g.kind === 'user' ? shareUser(g.email, null) : shareTeam(g.teamId, null)
                      }
                    >
                      Remove
                    </button>
                  ) : null}
                </li>
              )
            })}
          </ul>

          <details>
            <summary>Who has access, and why ({access.effective.length})</summary>
            <ul className="share-list" aria-label="Who has access">
              {access.effective.map((e) => (
                <li key={e.userId}>
                  <span className="who">{e.email}</span>
                  <span className={`role role-${e.role}`}>{e.role}</span>
                  <span className="muted">
                    {e.reasons
                      .map((r) => `${VIA[r.via] ?? r.via}${r.teamName ? ` (${r.teamName})` : ''}`)
                      .join('; ')}
                  </span>
                </li>
              ))}
            </ul>
          </details>

          {owner && adminTeams.length ? (
            <form
              className="share-form"
              aria-label="Move to a team"
              onSubmit={(e) => {
                e.preventDefault()
                const select = (e.currentTarget.elements.namedItem('team') as HTMLSelectElement)
                  .value
                if (select) {
                  act(api.transferPipeline(pipeline.id, { team: select }), () => onChanged?.())
                }
              }}
            >
              <label className="field">
                <span>Move to a team you administer</span>
                <select name="team" defaultValue="">
                  <option value="">—</option>
                  {adminTeams.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={busy}>
                Move
              </button>
            </form>
          ) : null}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
