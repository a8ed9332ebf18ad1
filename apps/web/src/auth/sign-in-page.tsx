import { useState } from 'react'
import { api, ApiError } from '../api/client.js'
import { EmailField, PasswordField } from './credential-fields.js'

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <main className="page center">
      <form
        className="card sign-in"
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault()
          setBusy(true)
          setError(undefined)
          api
            .login(email, password)
            .then(onSignedIn, (err: unknown) => {
              if (err instanceof ApiError && err.offline)
                setError('The server cannot be reached. Check your connection and try again.')
              else if (err instanceof ApiError && (err.status === 401 || err.status === 400))
                setError('Wrong email or password.')
              else setError(err instanceof Error ? err.message : String(err))
            })
            .finally(() => setBusy(false))
        }}
      >
        <h1 className="brand">Weft</h1>
        <p className="muted">Sign in to edit your pipelines.</p>
        <EmailField value={email} onChange={setEmail} />
        <PasswordField purpose="current" label="Password" value={password} onChange={setPassword} />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted">
          No account? <a href="#/sign-up">Sign up</a>
        </p>
      </form>
    </main>
  )
}
