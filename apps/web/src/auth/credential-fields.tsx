/** The email and password inputs of every form that takes credentials, labelled the same way. */

export function EmailField({
  value,
  onChange,
}: {
  value: string
  onChange: (value: string) => void
}) {
  return (
    <label className="field">
      <span>Email</span>
      <input
        type="email"
        name="email"
        autoComplete="username"
        required
        autoFocus
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  )
}

/**
 * `current` asks for a password the user has; `new` sets one, so password managers offer to
 * generate it and the browser checks the server's minimum length before submitting.
 */
export function PasswordField({
  purpose,
  label,
  value,
  onChange,
}: {
  purpose: 'current' | 'new'
  label: string
  value: string
  onChange: (value: string) => void
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="password"
        name="password"
        autoComplete={`${purpose}-password`}
        required
        {...(purpose === 'new' ? { minLength: 8 } : {})}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  )
}
