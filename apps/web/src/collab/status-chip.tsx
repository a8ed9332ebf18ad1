import type { ConnectionState } from './connection.js'

const labels = {
  offline: 'Offline',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  saved: 'Saved',
} as const

const hints = {
  offline: 'Not connected. Your changes are kept on this device and sync when you reconnect.',
  connecting: 'Connecting to the server…',
  syncing: 'Sending your changes; not yet confirmed as saved by the server.',
  saved: 'Every change on this device is saved on the server.',
} as const

/** Offline / syncing / saved, where saved means the server acknowledged the local state as durable. */
export function StatusChip({
  state,
  readOnly = false,
}: {
  state: ConnectionState | undefined
  readOnly?: boolean
}) {
  const status = state?.status ?? 'connecting'
  const label = readOnly && status === 'saved' ? 'Up to date' : labels[status]
  const unsavedOffline = status === 'offline' && state?.unsaved
  return (
    <span
      className={`status-chip status-${status}`}
      data-status={status}
      role="status"
      aria-live="polite"
      title={readOnly && status === 'saved' ? 'Showing the latest version, live.' : hints[status]}
    >
      <span className="status-dot" aria-hidden="true" />
      {label}
      {unsavedOffline ? <span className="status-extra"> · changes kept on this device</span> : null}
    </span>
  )
}
