import { useEffect, useRef } from 'react'
import type { ReactNode } from 'react'

/**
 * A modal dialog: focus moves into it, Escape or a click on the backdrop closes it, and focus
 * returns to where it was.
 */
export function Dialog({
  title,
  onClose,
  children,
  className,
  labelledBy,
}: {
  title?: string
  onClose: () => void
  children: ReactNode
  className?: string
  labelledBy?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    const el = ref.current
    if (el && !el.contains(document.activeElement)) {
      const first = el.querySelector<HTMLElement>('input, textarea, button, [tabindex="0"]')
      ;(first ?? el).focus()
    }
    return () => previous?.focus?.()
  }, [])
  return (
    <div
      className="backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose()
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        {...(labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': title })}
        className={`dialog ${className ?? ''}`}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault()
            e.stopPropagation()
            onClose()
          }
          if (e.key === 'Tab') trapTab(e.nativeEvent, ref.current)
        }}
      >
        {title && !labelledBy ? <h2 className="dialog-title">{title}</h2> : null}
        {children}
      </div>
    </div>
  )
}

function trapTab(event: KeyboardEvent, root: HTMLElement | null): void {
  if (!root) return
  const items = [
    ...root.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex="0"]',
    ),
  ]
  if (items.length === 0) return
  const first = items[0]!
  const last = items[items.length - 1]!
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault()
    first.focus()
  }
}
