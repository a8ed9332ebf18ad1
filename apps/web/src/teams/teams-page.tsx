/**
 * Teams: the teams you are in, creating one, and a team's members with their roles. What you can
 * change follows your team role, as the server enforces it (docs/decisions/0008): admins add,
 * change and remove members (not owners) and rename; owners also make owners and delete the
 * team; anyone can leave, except the last owner. Owners and admins also see the team's audit log.
 */
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api/client.js'
import type { AuditEntry, Me, Team, TeamMember, TeamRole } from '../api/client.js'
import { PageFrame } from '../admin/page-frame.js'
import { navigate } from '../app/router.js'
import { explain } from '../auth/account-form.js'
import '../admin/admin.css'
import './teams.css'

const ROLES: readonly TeamRole[] = ['owner', 'admin', 'member', 'viewer']
const rank: Record<TeamRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 }

export function TeamsPage({
  me,
  onSignOut,
  teamId,
}: {
  me: Me
  onSignOut: () => void
  teamId?: string
}) {
  const [teams, setTeams] = useState<readonly Team[]>()
  const [name, setName] = useState('')
  const [error, setError] = useState<string>()

  const refresh = useCallback(() => {
    api.listTeams().then(setTeams, (e: unknown) => setError(explain(e)))
  }, [])
  useEffect(() => {
    document.title = 'Teams · Weft'
    refresh()
  }, [refresh])

  return (
    <PageFrame me={me} onSignOut={onSignOut} title="Teams">
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <section className="card admin-section" aria-label="Your teams">
        <h2>Your teams</h2>
        {teams === undefined ? (
          <p className="muted">Loading…</p>
        ) : teams.length === 0 ? (
          <p className="muted">You are in no team yet.</p>
        ) : (
          <ul className="team-list">
            {teams.map((t) => (
              <li key={t.id} aria-current={t.id === teamId ? 'true' : undefined}>
                <a href={`#/teams/${encodeURIComponent(t.id)}`}>{t.name}</a>{' '}
                <span className={`role team-role-${t.role}`}>{t.role}</span>{' '}
                <span className="muted">
                  {t.memberCount} member{t.memberCount === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ul>
        )}
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault()
            setError(undefined)
            api.createTeam(name.trim()).then(
              (team) => {
                setName('')
                refresh()
                navigate({ page: 'teams', teamId: team.id })
              },
              (err: unknown) => setError(explain(err)),
            )
          }}
        >
          <label className="field">
            <span>New team name</span>
            <input
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={name.trim() === ''}>
            Create team
          </button>
        </form>
      </section>
      {teamId ? <TeamDetail key={teamId} me={me} teamId={teamId} onChanged={refresh} /> : null}
    </PageFrame>
  )
}

function TeamDetail({ me, teamId, onChanged }: { me: Me; teamId: string; onChanged: () => void }) {
  const [team, setTeam] = useState<Team & { members: TeamMember[] }>()
  const [missing, setMissing] = useState(false)
  const [error, setError] = useState<string>()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<TeamRole>('member')
  const [rename, setRename] = useState<string>()
  const [audit, setAudit] = useState<readonly AuditEntry[]>()

  const load = useCallback(() => {
    api.getTeam(teamId).then(
      (t) => {
        setTeam(t)
        if (rank[t.role] >= rank.admin) {
          api.teamAudit(teamId).then(
            (a) => setAudit(a.entries),
            () => undefined,
          )
        }
      },
      (e: unknown) => {
        if ((e as { status?: number }).status === 404) setMissing(true)
        else setError(explain(e))
      },
    )
  }, [teamId])
  useEffect(load, [load])

  const act = (p: Promise<unknown>, after?: () => void) => {
    setError(undefined)
    p.then(
      () => {
        if (after) after()
        else load()
        onChanged()
      },
      (e: unknown) => setError(explain(e)),
    )
  }

  if (missing) return <p className="muted">No such team, or you are not in it.</p>
  if (!team) return <p className="muted">Loading…</p>
  const mine = team.role
  const canManage = rank[mine] >= rank.admin
  /** Admins manage members below owner; only owners make or touch owners. */
  const canChange = (m: TeamMember) => canManage && (mine === 'owner' || m.role !== 'owner')
  const roleChoices = mine === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner')

  return (
    <section className="card admin-section" aria-label={`Team ${team.name}`}>
      <div className="team-head">
        {rename === undefined ? (
          <h2>{team.name}</h2>
        ) : (
          <form
            className="admin-form"
            onSubmit={(e) => {
              e.preventDefault()
              act(api.renameTeam(teamId, rename.trim()), () => {
                setRename(undefined)
                load()
              })
            }}
          >
            <label className="field">
              <span>Team name</span>
              <input
                autoFocus
                required
                maxLength={100}
                value={rename}
                onChange={(e) => setRename(e.target.value)}
              />
            </label>
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setRename(undefined)}>
              Cancel
            </button>
          </form>
        )}
        <span className="muted">You are {mine}.</span>
        <span className="spacer" />
        {canManage && rename === undefined ? (
          <button type="button" onClick={() => setRename(team.name)}>
            Rename
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => act(api.removeMember(teamId, 'me'), () => navigate({ page: 'teams' }))}
        >
          Leave team
        </button>
        {mine === 'owner' ? (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Delete the team ${team.name}? Its pipelines must be gone first.`))
                act(api.deleteTeam(teamId), () => navigate({ page: 'teams' }))
            }}
          >
            Delete team
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <table className="admin-table" aria-label="Members">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {team.members.map((m) => (
            <tr key={m.userId} data-member={m.email}>
              <td>
                {m.email}
                {m.userId === me.id ? <span className="muted"> (you)</span> : null}
              </td>
              <td>
                {canChange(m) ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) =>
                      act(api.setMember(teamId, m.email, e.target.value as TeamRole))
                    }
                  >
                    {roleChoices.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className={`role team-role-${m.role}`}>{m.role}</span>
                )}
              </td>
              <td>
                {canChange(m) && m.userId !== me.id ? (
                  <button
                    type="button"
                    className="danger-link"
                    aria-label={`Remove ${m.email}`}
                    onClick={() => act(api.removeMember(teamId, m.userId))}
                  >
                    Remove
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canManage ? (
        <form
          className="admin-form"
          aria-label="Add member"
          onSubmit={(e) => {
            e.preventDefault()
            act(api.setMember(teamId, email.trim(), role), () => {
              setEmail('')
              load()
            })
          }}
        >
          <label className="field">
            <span>Add by email</span>
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label className="field">
            <span>Role</span>
            <select
              aria-label="New member's role"
              value={role}
              onChange={(e) => setRole(e.target.value as TeamRole)}
            >
              {roleChoices.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Add member
          </button>
        </form>
      ) : null}
      <p className="muted">
        Team pipelines: owners and admins own them, members edit, viewers view.
      </p>
      {audit ? <AuditList entries={audit} /> : null}
    </section>
  )
}

function AuditList({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <details className="team-audit">
      <summary>Audit log ({entries.length})</summary>
      <ul>
        {entries.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>{' '}
            <strong>{e.actorEmail}</strong> <code>{e.action}</code> {e.subject ?? ''}
            {typeof e.details.role === 'string' ? ` → ${e.details.role}` : ''}
          </li>
        ))}
      </ul>
    </details>
  )
}
