/**
 * For admins: invite people (the link is shown once, with a copy button), see and revoke pending
 * invites, and see who has an account.
 */
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api/client.js'
import type { Invite, Me, UserSummary } from '../api/client.js'
import { explain } from '../auth/account-form.js'
import { PageFrame, RecordTable, ShownOnce } from './page-frame.js'
import './admin.css'

export function AdminPage({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [invites, setInvites] = useState<readonly Invite[]>()
  const [users, setUsers] = useState<readonly UserSummary[]>()
  const [error, setError] = useState<string>()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<'member' | 'admin'>('member')
  const [days, setDays] = useState('7')
  const [created, setCreated] = useState<{ link: string; email: string | null }>()
  const [busy, setBusy] = useState(false)

  const refresh = useCallback(async () => {
    try {
      const [i, u] = await Promise.all([api.listInvites(), api.listUsers()])
      setInvites(i)
      setUsers(u)
    } catch (e) {
      setError(explain(e))
    }
  }, [])
  useEffect(() => {
    document.title = 'Admin · Weft'
    void refresh()
  }, [refresh])

  if (!me.isAdmin) {
    return (
      <PageFrame me={me} onSignOut={onSignOut} title="Admin">
        <p>This page is for admins.</p>
      </PageFrame>
    )
  }
  return (
    <PageFrame me={me} onSignOut={onSignOut} title="Admin">
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <section className="card admin-section" aria-label="Invite someone">
        <h2>Invite someone</h2>
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault()
            setBusy(true)
            setError(undefined)
            api
              .createInvite({
                ...(email.trim() ? { email: email.trim() } : {}),
                role,
                expiresInDays: Number(days),
              })
              .then(async (invite) => {
                setCreated({ link: `${location.origin}${invite.link}`, email: invite.email })
                setEmail('')
                await refresh()
              })
              .catch((err: unknown) => setError(explain(err)))
              .finally(() => setBusy(false))
          }}
        >
          <label className="field">
            <span>Email (optional: only this person may use it)</span>
            <input
              type="email"
              name="invite-email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Role</span>
            <select
              name="invite-role"
              value={role}
              onChange={(e) => setRole(e.target.value as 'member' | 'admin')}
            >
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <label className="field">
            <span>Expires after (days)</span>
            <input
              type="number"
              name="invite-days"
              min={1}
              max={90}
              required
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Create invite link
          </button>
        </form>
        {created ? (
          <ShownOnce
            label="Invite link"
            value={created.link}
            note={`Send this link${created.email ? ` to ${created.email}` : ''}. It works once and is shown only now.`}
          />
        ) : null}
      </section>

      <section className="card admin-section" aria-label="Pending invites">
        <h2>Pending invites</h2>
        {invites === undefined ? (
          <p className="muted">Loading…</p>
        ) : invites.length === 0 ? (
          <p className="muted">No pending invites.</p>
        ) : (
          <RecordTable
            rows={invites}
            columns={[
              { header: 'For', cell: (invite) => invite.email ?? 'anyone with the link' },
              { header: 'Role', cell: (invite) => invite.role },
              { header: 'Expires', cell: (invite) => new Date(invite.expiresAt).toLocaleString() },
            ]}
            revoke={(invite) => {
              api.revokeInvite(invite.id).then(refresh, (e: unknown) => setError(explain(e)))
            }}
          />
        )}
      </section>

      <section className="card admin-section" aria-label="Users">
        <h2>Users</h2>
        {users === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <RecordTable
            rows={users}
            columns={[
              { header: 'Email', cell: (user) => user.email },
              { header: 'Name', cell: (user) => user.name },
              { header: 'Role', cell: (user) => (user.isAdmin ? 'admin' : 'member') },
              { header: 'Since', cell: (user) => new Date(user.createdAt).toLocaleDateString() },
            ]}
          />
        )}
      </section>
    </PageFrame>
  )
}
