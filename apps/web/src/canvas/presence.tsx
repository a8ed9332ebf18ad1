/**
 * Other people on the canvas, through awareness only: their cursors (flow coordinates, drawn in
 * the viewport so they stay on the same spot of the pipeline whatever each one's zoom), their
 * selections (a ring in their colour on the nodes), and the node they are dragging (its live
 * position, `canvasDrag` beside the PresenceState fields, so a drag is seen before it is committed
 * to the document at drop).
 */
import { memo, useEffect, useState } from 'react'
import { ViewportPortal } from '@xyflow/react'
import type { Awareness } from 'y-protocols/awareness'
import type { PresenceState } from '../editor/session'
import type { RemoteMark } from './flow'
import type { XY } from './layout'

/** The canvas's extension of PresenceState: positions of nodes being dragged, relative to parent. */
export interface CanvasPresence extends PresenceState {
  canvasDrag?: Record<string, XY> | null
}

interface Remote {
  readonly clientId: number
  readonly state: Partial<CanvasPresence>
}

function remotes(awareness: Awareness): Remote[] {
  const out: Remote[] = []
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return
    const s = state as Partial<CanvasPresence>
    if (!s.user || typeof s.user.name !== 'string') return
    out.push({ clientId, state: s })
  })
  return out.sort((a, b) => a.clientId - b.clientId)
}

export interface RemoteMarks {
  readonly selections: ReadonlyMap<string, readonly RemoteMark[]>
  readonly drags: ReadonlyMap<string, XY>
}

const NO_MARKS: RemoteMarks = { selections: new Map(), drags: new Map() }

/** Others' selections and drags; a new object only when they change (not on cursor moves). */
export function useRemoteMarks(awareness: Awareness): RemoteMarks {
  const [marks, setMarks] = useState<RemoteMarks>(NO_MARKS)
  useEffect(() => {
    // What NO_MARKS shows (nobody else): the first read changes nothing while one is alone.
    let key = '[]'
    const read = () => {
      const list = remotes(awareness)
      const next = JSON.stringify(
        list.map((r) => [
          r.state.user?.name,
          r.state.user?.color,
          r.state.selection ?? [],
          r.state.canvasDrag ?? null,
        ]),
      )
      if (next === key) return
      key = next
      const selections = new Map<string, RemoteMark[]>()
      const drags = new Map<string, XY>()
      for (const r of list) {
        const mark = { name: r.state.user!.name, color: r.state.user!.color || '#888' }
        for (const id of r.state.selection ?? []) {
          const l = selections.get(id)
          if (l) l.push(mark)
          else selections.set(id, [mark])
        }
        for (const [id, p] of Object.entries(r.state.canvasDrag ?? {})) drags.set(id, p)
      }
      setMarks({ selections, drags })
    }
    read()
    awareness.on('change', read)
    return () => awareness.off('change', read)
  }, [awareness])
  return marks
}

interface Cursor {
  readonly clientId: number
  readonly name: string
  readonly color: string
  readonly x: number
  readonly y: number
}

/** Others' pointers with their names; re-renders on their moves only, not the canvas. */
export const RemoteCursors = memo(function RemoteCursors({ awareness }: { awareness: Awareness }) {
  const [cursors, setCursors] = useState<readonly Cursor[]>([])
  useEffect(() => {
    const read = () => {
      const list: Cursor[] = []
      for (const r of remotes(awareness)) {
        const c = r.state.cursor
        if (!c || typeof c.x !== 'number' || typeof c.y !== 'number') continue
        list.push({
          clientId: r.clientId,
          name: r.state.user!.name,
          color: r.state.user!.color || '#888',
          x: c.x,
          y: c.y,
        })
      }
      setCursors(list)
    }
    read()
    awareness.on('change', read)
    return () => awareness.off('change', read)
  }, [awareness])
  if (cursors.length === 0) return null
  return (
    <ViewportPortal>
      {cursors.map((c) => (
        <div
          key={c.clientId}
          className="weft-cursor"
          data-testid={`remote-cursor-${c.name}`}
          style={{ transform: `translate(${c.x}px, ${c.y}px)`, color: c.color }}
          aria-hidden="true"
        >
          <svg width="16" height="20" viewBox="0 0 16 20">
            <path
              d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z"
              fill="currentColor"
              stroke="white"
            />
          </svg>
          <span className="weft-cursor__name" style={{ background: c.color }}>
            {c.name}
          </span>
        </div>
      ))}
    </ViewportPortal>
  )
})
