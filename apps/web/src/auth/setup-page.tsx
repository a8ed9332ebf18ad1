/**
 * First start of a fresh install: the one-time link from the server log (`/setup#<code>`) opens
 * this page, which makes the first admin. The code stays in the fragment and goes to the server
 * only in the request body.
 */
import { useEffect, useState } from 'react'
import { api } from '../api/client.js'
import { AccountForm, explain, Notice } from './account-form.js'

export function SetupPage({ code, onSignedIn }: { code: string; onSignedIn: () => void }) {
  const [needed, setNeeded] = useState<boolean>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    document.title = 'Set up · Weft'
    api.setupNeeded().then(
      (r) => setNeeded(r.needed),
      (e: unknown) => setError(explain(e)),
    )
  }, [])

  if (error) return <Notice title="Set up Weft">{error}</Notice>
  if (needed === undefined) return <div className="page center muted">Loading…</div>
  if (!needed) {
    return <Notice title="Weft is set up">This server already has its admin.</Notice>
  }
  if (!code) {
    return (
      <Notice title="Set up Weft">
        Open the one-time setup link from the server log; it ends with #code.
      </Notice>
    )
  }
  return (
    <AccountForm
      label="Set up Weft"
      title="Set up Weft"
      intro="Create the first admin account. This link works once."
      submit="Create admin"
      busyText="Creating…"
      onSubmit={async ({ email, password, name }) => {
        await api.setUp({ code, email, password, ...(name.trim() ? { name: name.trim() } : {}) })
        onSignedIn()
      }}
    />
  )
}
