/**
 * Sign-up as the server allows it (WEFT_SIGNUP): a form when sign-up is open or the visitor came
 * by an invite link (`/join#<code>`), otherwise a page saying how to get an account.
 */
import { useEffect, useState } from 'react'
import { api } from '../api/client.js'
import type { SignupMode } from '../api/client.js'
import { AccountForm, explain, Notice } from './account-form.js'

export function SignUpPage({ invite, onSignedIn }: { invite?: string; onSignedIn: () => void }) {
  const [mode, setMode] = useState<SignupMode>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    document.title = 'Sign up · Weft'
    api.signupMode().then(
      (r) => setMode(r.mode),
      (e: unknown) => setError(explain(e)),
    )
  }, [])

  if (error) return <Notice title="Sign up">{error}</Notice>
  if (mode === undefined) return <div className="page center muted">Loading…</div>
  if (mode === 'closed') {
    return (
      <Notice title="Sign-up is closed">
        This server does not take sign-ups. Ask an admin to create your account.
      </Notice>
    )
  }
  if (mode === 'invite' && !invite) {
    return (
      <Notice title="Sign-up is by invitation">
        Ask an admin of this server for an invite link, then open it.
      </Notice>
    )
  }
  return (
    <AccountForm
      label="Sign up"
      title="Weft"
      intro={invite ? 'You were invited: create your account.' : 'Create your account.'}
      submit="Create account"
      busyText="Creating…"
      onSubmit={async ({ email, password, name }) => {
        await api.signUp({
          email,
          password,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(invite ? { invite } : {}),
        })
        onSignedIn()
      }}
      footer={
        <p className="muted">
          Have an account? <a href="/#/sign-in">Sign in</a>
        </p>
      }
    />
  )
}
