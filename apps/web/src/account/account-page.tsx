/**
 * Your account: change the password (your other sessions end), and personal API tokens for the
 * CLI and scripts (create with a name and optional expiry, the secret shown once; list; revoke).
 */
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api/client.js'
import type { ApiToken, Me } from '../api/client.js'
import { PageFrame, RecordTable, ShownOnce } from '../admin/page-frame.js'
import { explain } from '../auth/account-form.js'
import { PasswordField } from '../auth/credential-fields.js'
import '../admin/admin.css'

export function AccountPage({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [passwordNote, setPasswordNote] = useState<{ ok: boolean; text: string }>()
  const [tokens, setTokens] = useState<readonly ApiToken[]>()
  const [tokenName, setTokenName] = useState('')
  const [tokenDays, setTokenDays] = useState('')
  const [newToken, setNewToken] = useState<string>()
  const [error, setError] = useState<string>()

  const refresh = useCallback(() => {
    api.listTokens().then(setTokens, (e: unknown) => setError(explain(e)))
  }, [])
  useEffect(() => {
    document.title = 'Account · Weft'
    refresh()
  }, [refresh])

  return (
    <PageFrame me={me} onSignOut={onSignOut} title="Account">
      <section className="card admin-section" aria-label="Change password">
        <h2>Change password</h2>
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (next.length < 8) {
              setPasswordNote({
                ok: false,
                text: 'The new password must be at least 8 characters.',
              })
              return
            }
            api.changePassword(current, next).then(
              () => {
                setCurrent('')
                setNext('')
                setPasswordNote({ ok: true, text: 'Changed. Your other sessions were signed out.' })
              },
              (err: unknown) => setPasswordNote({ ok: false, text: explain(err) }),
            )
          }}
        >
          <PasswordField
            purpose="current"
            label="Current password"
            value={current}
            onChange={setCurrent}
          />
          <PasswordField
            purpose="new"
            label="New password (8 characters or more)"
            value={next}
            onChange={setNext}
          />
          <button type="submit" className="primary">
            Change password
          </button>
        </form>
        {passwordNote ? (
          <p role={passwordNote.ok ? 'status' : 'alert'} className={passwordNote.ok ? '' : 'error'}>
            {passwordNote.text}
          </p>
        ) : null}
      </section>

      <section className="card admin-section" aria-label="API tokens">
        <h2>API tokens</h2>
        <p className="muted">
          For <code>weft login</code> and scripts: send as <code>Authorization: Bearer …</code>. The
          API is described in the <a href="/api/docs">API reference</a>.
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault()
            setError(undefined)
            api
              .createToken(tokenName.trim(), tokenDays ? Number(tokenDays) : undefined)
              .then((t) => {
                setNewToken(t.token)
                setTokenName('')
                setTokenDays('')
                refresh()
              })
              .catch((err: unknown) => setError(explain(err)))
          }}
        >
          <label className="field">
            <span>Name</span>
            <input
              required
              maxLength={100}
              value={tokenName}
              onChange={(e) => setTokenName(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Expires after (days, optional)</span>
            <input
              type="number"
              min={1}
              max={3650}
              value={tokenDays}
              onChange={(e) => setTokenDays(e.target.value)}
            />
          </label>
          <button type="submit" className="primary">
            Create token
          </button>
        </form>
        {newToken ? (
          <ShownOnce
            label="New token"
            value={newToken}
            note="Copy it now: it is shown only once."
          />
        ) : null}
        {tokens === undefined ? null : tokens.length === 0 ? (
          <p className="muted">No tokens.</p>
        ) : (
          <RecordTable
            rows={tokens}
            columns={[
              { header: 'Name', cell: (t) => t.name },
              { header: 'Created', cell: (t) => new Date(t.createdAt).toLocaleDateString() },
              {
                header: 'Expires',
                cell: (t) => (t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : 'never'),
              },
            ]}
            revoke={(t) => {
              api.revokeToken(t.id).then(refresh, (e: unknown) => setError(explain(e)))
            }}
          />
        )}
      </section>
    </PageFrame>
  )
}
