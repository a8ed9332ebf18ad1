/**
 * A text input or textarea bound to a Y.Text: typing becomes the smallest insert/delete on the
 * shared text, so two people typing in the same prompt merge per character, and a remote edit
 * maps the local caret instead of resetting it.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactElement } from 'react'
import type * as Y from 'yjs'
import { diffText } from '../yaml-pane/text-diff'

export interface BoundTextProps {
  readonly ytext: Y.Text
  readonly origin: unknown
  readonly multiline: boolean
  readonly id: string
  readonly readOnly: boolean
  readonly placeholder?: string | undefined
  readonly describedBy?: string | undefined
  readonly invalid?: boolean | undefined
  /** Focus on mount with the caret at the end (the control just replaced an unbound one). */
  readonly autoFocus?: boolean
}

/** Maps a caret offset through a Y.Text delta made by someone else. */
export function mapThroughDelta(pos: number, delta: Y.YTextEvent['delta']): number {
  let at = 0
  let out = pos
  for (const op of delta) {
    if (op.retain !== undefined) at += op.retain
    else if (op.insert !== undefined) {
      const len = typeof op.insert === 'string' ? op.insert.length : 1
      if (at < out) out += len
      at += len
    } else if (op.delete !== undefined) {
      if (at < out) out -= Math.min(op.delete, out - at)
    }
  }
  return out
}

/** Applies the difference between the Y.Text and `next` as minimal edits. */
export function writeText(ytext: Y.Text, next: string, origin: unknown): void {
  const changes = diffText(ytext.toString(), next)
  if (changes.length === 0) return
  const apply = () => {
    for (const c of [...changes].reverse()) {
      if (c.to > c.from) ytext.delete(c.from, c.to - c.from)
      if (c.insert !== '') ytext.insert(c.from, c.insert)
    }
  }
  if (ytext.doc) ytext.doc.transact(apply, origin)
  else apply()
}

export function BoundText(props: BoundTextProps): ReactElement {
  const { ytext, origin, multiline } = props
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const [text, setText] = useState(() => ytext.toString())
  const pendingSelection = useRef<[number, number] | null>(null)

  useEffect(() => {
    setText(ytext.toString())
    const observer = (event: Y.YTextEvent) => {
      const next = ytext.toString()
      const el = ref.current
      if (el && el.value !== next && el.ownerDocument.activeElement === el) {
        pendingSelection.current = [
          mapThroughDelta(el.selectionStart ?? 0, event.delta),
          mapThroughDelta(el.selectionEnd ?? 0, event.delta),
        ]
      }
      setText(next)
    }
    ytext.observe(observer)
    return () => ytext.unobserve(observer)
  }, [ytext])

  const autoFocus = props.autoFocus
  useLayoutEffect(() => {
    const el = ref.current
    if (!autoFocus || !el) return
    el.focus()
    el.setSelectionRange(el.value.length, el.value.length)
  }, [autoFocus])

  useLayoutEffect(() => {
    const sel = pendingSelection.current
    if (sel && ref.current) ref.current.setSelectionRange(sel[0], sel[1])
    pendingSelection.current = null
  }, [text])

  const common = {
    ref,
    id: props.id,
    value: text,
    readOnly: props.readOnly,
    disabled: props.readOnly,
    placeholder: props.placeholder,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid || undefined,
    onChange: (e: { target: { value: string } }) => {
      const next = e.target.value
      setText(next)
      writeText(ytext, next, origin)
    },
  }
  return multiline ? (
    <textarea {...common} rows={Math.min(12, Math.max(3, text.split('\n').length + 1))} />
  ) : (
    <input type="text" {...common} />
  )
}
