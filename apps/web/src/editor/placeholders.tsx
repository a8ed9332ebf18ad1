/**
 * Stand-in for a pane that has not landed yet, so the editor page builds and runs. Each reads the
 * shared document the way the real pane will (through @weft/core), so the page stays usable.
 */
import { readPipeline } from '@weft/core'
import { useEffect, useState } from 'react'
import type { PaneProps } from './panes.js'

interface OutlineStep {
  id: string
  depth: number
  name: string
  type: string
}

export function outline(doc: PaneProps['session']['doc']): OutlineStep[] {
  const view = readPipeline(doc)
  return view.steps.map((s) => {
    let v: unknown = view.value
    for (const k of s.path) v = (v as Record<string | number, unknown> | undefined)?.[k]
    const step = (v ?? {}) as { name?: unknown; type?: unknown }
    return {
      id: s.id,
      depth: Math.max(0, s.path.length / 2 - 1),
      name: typeof step.name === 'string' ? step.name : '',
      type: typeof step.type === 'string' ? step.type : '',
    }
  })
}

function useStepList(session: PaneProps['session']): OutlineStep[] {
  const [steps, setSteps] = useState(() => outline(session.doc))
  useEffect(() => {
    const update = () => setSteps(outline(session.doc))
    update()
    session.doc.on('update', update)
    return () => session.doc.off('update', update)
  }, [session])
  return steps
}

export function PlaceholderCanvas({ session, selection, onSelect }: PaneProps) {
  const steps = useStepList(session)
  return (
    <div className="placeholder-pane" aria-label="Steps">
      <ol className="outline">
        {steps.map((s) => (
          <li key={s.id} style={{ paddingLeft: `${s.depth * 1.25}rem` }}>
            <button
              type="button"
              className={selection.includes(s.id) ? 'outline-step selected' : 'outline-step'}
              aria-pressed={selection.includes(s.id)}
              onClick={() => onSelect([s.id])}
            >
              <span className="step-name">{s.name}</span>{' '}
              <span className="step-type">{s.type}</span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  )
}
