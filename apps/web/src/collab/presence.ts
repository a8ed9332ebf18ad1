/**
 * Presence through awareness (never the document): who is here, with a name and a colour, plus
 * what each pane publishes (cursor, selection, YAML caret; see PresenceState in editor/session).
 */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { PresenceState } from '../editor/session.js'

/** Distinct, readable on light and dark backgrounds. */
const COLOURS = [
  '#d1495b',
  '#00798c',
  '#edae49',
  '#66a182',
  '#8d6cab',
  '#e07a5f',
  '#3d5a80',
  '#b5838d',
]

/** The same colour for a user on every device (derived from a stable id). */
export function userColour(key: string): string {
  let h = 0
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0
  return COLOURS[h % COLOURS.length] ?? COLOURS[0]!
}

/** "ada@example.com" → "ada"; names shown on avatars and cursors. */
export function displayName(email: string): string {
  const local = email.split('@')[0] ?? email
  return local || email
}

export function initials(name: string): string {
  const words = name
    .replace(/[._-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
  const first = words[0]?.[0] ?? '?'
  const second = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : (words[0]?.[1] ?? '')
  return (first + second).toUpperCase()
}

export interface LocalUser {
  readonly id: string
  readonly email: string
  readonly name?: string
}

export function publishLocalUser(awareness: Awareness, user: LocalUser): void {
  const name = user.name ?? displayName(user.email)
  const state: PresenceState = {
    user: { name, color: userColour(user.id || user.email), id: user.id, email: user.email },
    cursor: null,
    selection: [],
    yaml: null,
  }
  const prev = awareness.getLocalState() as Partial<PresenceState> | null
  awareness.setLocalState({ ...state, ...(prev ?? {}), user: state.user })
}

export interface Peer {
  readonly clientId: number
  readonly isLocal: boolean
  readonly state: PresenceState
}

/** Everyone present (this client first), re-rendering on awareness changes. */
export function usePeers(awareness: Awareness | undefined): readonly Peer[] {
  const [peers, setPeers] = useState<readonly Peer[]>([])
  useEffect(() => {
    if (!awareness) return
    const read = () => {
      const list: Peer[] = []
      awareness.getStates().forEach((state, clientId) => {
        const s = state as Partial<PresenceState>
        if (!s.user || typeof s.user.name !== 'string') return
        list.push({ clientId, isLocal: clientId === awareness.clientID, state: s as PresenceState })
      })
      list.sort((a, b) => Number(b.isLocal) - Number(a.isLocal) || a.clientId - b.clientId)
      setPeers(list)
    }
    read()
    awareness.on('change', read)
    return () => awareness.off('change', read)
  }, [awareness])
  return peers
}
