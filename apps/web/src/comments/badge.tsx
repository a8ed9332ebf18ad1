/**
 * The count of open threads on a step, drawn on its canvas node; a click opens the comments panel
 * on that step. Each badge subscribes to its own step's count only, so a new comment re-renders
 * one node, and a node with no open thread renders nothing.
 */
import { memo, useCallback, useSyncExternalStore } from 'react'
import './comments.css'
import { useCommentsUi } from './comments-ui.js'

const noSubscription = () => () => {}

export const StepCommentBadge = memo(function StepCommentBadge({
  id,
  name,
}: {
  id: string
  name: string
}) {
  const ui = useCommentsUi()
  const subscribe = useCallback(
    (l: () => void) => (ui ? ui.subscribeCount(id, l) : noSubscription()),
    [ui, id],
  )
  const count = useSyncExternalStore(subscribe, () => ui?.count(id) ?? 0)
  if (!ui || count === 0) return null
  const label = `${count} open comment thread${count > 1 ? 's' : ''}`
  return (
    <button
      type="button"
      className="weft-badge weft-badge--comments nodrag nopan"
      data-testid={`step-comment-badge-${name}`}
      aria-label={`${label} on ${name}: show`}
      title={`${label}: show`}
      onClick={(e) => {
        e.stopPropagation()
        ui.openOn(id)
      }}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <svg width="9" height="9" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M1 1h14v10H6l-5 4z" fill="currentColor" />
      </svg>
      {count}
    </button>
  )
})
