/**
 * The email-and-password form shared by sign-up and setup: the same fields, the same checks the
 * server makes (so most mistakes are caught before a round trip), and the server's message, which
 * names the field, when it still says no.
 */
import { useState } from 'react'
import type { ReactNode } from 'react'
import { ApiError } from '../api/client.js'
import { EmailField, PasswordField } from './credential-fields.js'

export interface AccountInput {
  readonly email: string
  readonly password: string
  readonly name: string
}

export function AccountForm({
  label,
  title,
  intro,
  submit,
  busyText,
  onSubmit,
  footer,
}: {
  label: string
  title: string
  intro: ReactNode
  submit: string
  busyText: string
  onSubmit: (input: AccountInput) => Promise<unknown>
  footer?: ReactNode
}) {
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <main className="page center">
      <form
        className="card sign-in"
        aria-label={label}
        onSubmit={(e) => {
          e.preventDefault()
          if (password.length < 8) {
            setError('The password must be at least 8 characters.')
            return
          }
          setBusy(true)
          setError(undefined)
          onSubmit({ email, password, name })
            .catch((err: unknown) => setError(explain(err)))
            .finally(() => setBusy(false))
        }}
      >
        <h1 className="brand">{title}</h1>
        <p className="muted">{intro}</p>
        <label className="field">
          <span>Name (optional)</span>
          <input
            name="name"
            autoComplete="name"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <EmailField value={email} onChange={setEmail} />
        <PasswordField
          purpose="new"
          label="Password (8 characters or more)"
          value={password}
          onChange={setPassword}
        />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? busyText : submit}
        </button>
        {footer}
      </form>
    </main>
  )
}

export function explain(err: unknown): string {
  if (err instanceof ApiError && err.offline) {
    return 'The server cannot be reached. Check your connection and try again.'
  }
  return err instanceof Error ? err.message : String(err)
}

/** A page with one message and a way back to signing in. */
export function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="page center">
      <section className="card sign-in" aria-label={title}>
        <h1 className="brand">{title}</h1>
        <p>{children}</p>
        <a href="/#/sign-in">Sign in</a>
      </section>
    </main>
  )
}
