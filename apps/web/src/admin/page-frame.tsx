/** The frame of the account and admin pages, their tables, and the box that shows a secret once. */
import { useState } from 'react'
import type { ReactNode } from 'react'
import type { Me } from '../api/client.js'

export function PageFrame({
  me,
  onSignOut,
  title,
  children,
}: {
  me: Me
  onSignOut: () => void
  title: string
  children: ReactNode
}) {
  return (
    <div className="page">
      <header className="topbar">
        <a className="brand" href="/#/">
          Weft
        </a>
        <div className="spacer" />
        <span className="muted" title={me.email}>
          {me.email}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main className="admin-main">
        <p>
          <a href="/#/">← Pipelines</a>
        </p>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  )
}

/** A secret the server shows only once: selectable, with a copy button. */
export function ShownOnce({ label, value, note }: { label: string; value: string; note: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="shown-once" role="status">
      <label className="field">
        <span>{label}</span>
        <input readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} />
      </label>
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <p className="muted">{note}</p>
    </div>
  )
}

export interface Column<T> {
  readonly header: string
  readonly cell: (row: T) => ReactNode
}

/** A table of records (tokens, invites, users), with a Revoke button per row when `revoke` is given. */
export function RecordTable<T extends { readonly id: string }>({
  rows,
  columns,
  revoke,
}: {
  rows: readonly T[]
  columns: readonly Column<T>[]
  revoke?: (row: T) => void
}) {
  return (
    <table className="admin-table">
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header}>{c.header}</th>
          ))}
          {revoke ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            {columns.map((c) => (
              <td key={c.header}>{c.cell(row)}</td>
            ))}
            {revoke ? (
              <td>
                <button type="button" className="danger-link" onClick={() => revoke(row)}>
                  Revoke
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
