/**
 * Edges: control flow solid, data and config dashed/dotted, warnings amber and errors red with
 * the reason on hover (an SVG <title> on a wide invisible hit path). Control edges into a step
 * offer a "+" (on hover or when selected) to insert a step there.
 */
import { createContext, memo, useContext, useEffect, useRef, useState } from 'react'
import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  getSmoothStepPath,
  type EdgeProps,
} from '@xyflow/react'
import type { StepPlace } from '@weft/core'
import type { WeftEdge } from './flow'

export interface EdgeActions {
  /** Opens the step picker to insert at `place`; `at` is the screen point of the "+". */
  insertAt(place: StepPlace, at: { x: number; y: number }): void
}

export const EdgeActionsContext = createContext<EdgeActions>({ insertAt: () => {} })

export const WeftEdgeView = memo(function WeftEdgeView(props: EdgeProps<WeftEdge>) {
  const { id, data, selected, markerEnd } = props
  const actions = useContext(EdgeActionsContext)
  const [hover, setHover] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const kind = data?.kind ?? 'control'
  const status = data?.status ?? 'valid'
  const curved = kind === 'data' || kind === 'config'
  const [path, labelX, labelY] = curved
    ? getBezierPath(props)
    : getSmoothStepPath({ ...props, borderRadius: 10, offset: kind === 'loop_back' ? 28 : 20 })
  const enter = () => {
    clearTimeout(timer.current)
    setHover(true)
  }
  const leave = () => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setHover(false), 250)
  }
  const insert = data?.insert
  const showInsert = insert !== undefined && (hover || selected)
  const label = data?.label
  const reason = data?.reason
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        {...(markerEnd !== undefined ? { markerEnd } : {})}
        interactionWidth={0}
      />
      <path
        d={path}
        className="weft-edge__hit"
        fill="none"
        strokeOpacity={0}
        strokeWidth={16}
        onMouseEnter={enter}
        onMouseLeave={leave}
      >
        <title>{reason ? `${status}: ${reason}` : `${kind}${label ? `: ${label}` : ''}`}</title>
      </path>
      {label || showInsert || (status !== 'valid' && reason) ? (
        <EdgeLabelRenderer>
          <div
            className={`weft-edge-label weft-edge-label--${status} nodrag nopan`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            onMouseEnter={enter}
            onMouseLeave={leave}
            title={reason}
          >
            {status !== 'valid' ? (
              <span
                className="weft-edge-label__status"
                data-testid={`edge-${status}`}
                aria-label={reason}
              >
                {status === 'error' ? '!' : '⚠'}
              </span>
            ) : null}
            {label ? <span className="weft-edge-label__text">{label}</span> : null}
            {showInsert ? (
              <button
                type="button"
                className="weft-edge-label__insert"
                aria-label="Insert a step here"
                title="Insert a step here"
                onClick={(e) => {
                  e.stopPropagation()
                  actions.insertAt(insert, { x: e.clientX, y: e.clientY })
                }}
              >
                +
              </button>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  )
})

export const edgeTypes = { weft: WeftEdgeView }
