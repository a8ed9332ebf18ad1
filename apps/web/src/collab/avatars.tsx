import type { Awareness } from 'y-protocols/awareness'
import { initials, usePeers } from './presence.js'

/**
 * Everyone in the pipeline. One avatar per user: a user with several tabs open appears once, with
 * the number of tabs in the tooltip.
 */
export function Avatars({ awareness }: { awareness: Awareness | undefined }) {
  const peers = usePeers(awareness)
  const byUser = new Map<string, { name: string; color: string; isLocal: boolean; count: number }>()
  for (const p of peers) {
    const key = p.state.user.id ?? p.state.user.email ?? p.state.user.name
    const entry = byUser.get(key)
    if (entry) {
      entry.count++
      entry.isLocal ||= p.isLocal
    } else {
      byUser.set(key, {
        name: p.state.user.name,
        color: p.state.user.color,
        isLocal: p.isLocal,
        count: 1,
      })
    }
  }
  const users = [...byUser.entries()]
  return (
    <ul className="avatars" aria-label="People in this pipeline">
      {users.map(([key, u]) => {
        const label = `${u.name}${u.isLocal ? ' (you)' : ''}${u.count > 1 ? ` · ${u.count} tabs` : ''}`
        return (
          <li
            key={key}
            className="avatar"
            style={{ backgroundColor: u.color }}
            title={label}
            aria-label={label}
            data-user={u.name}
          >
            {initials(u.name)}
          </li>
        )
      })}
    </ul>
  )
}
