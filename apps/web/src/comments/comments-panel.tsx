/**
 * The comments side panel: threads on the pipeline and on its steps, filtered by where they are
 * and whether they are resolved; start a thread, reply, resolve or reopen, and edit or delete
 * your own comments. Everything is read from and written to the shared document (core's
 * `notes.ts`), so it is live for everyone and works offline. All text is rendered by React.
 */
import {
  addThread,
  deleteComment,
  docKeys,
  editComment,
  replyToThread,
  setThreadResolved,
} from '@weft/core'
import type { CommentAuthor, CommentThread, ThreadComment } from '@weft/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { KeyboardEvent, ReactNode } from 'react'
import { formatKeys } from '../editor/commands.js'
import type { EditorSession } from '../editor/session.js'
import { COMMENTS_ORIGIN, isMe, localAuthor, useCommentsView } from './comments-ui.js'
import type { CommentScope, CommentStatusFilter, CommentsUi } from './comments-ui.js'
import { useThreads } from './use-threads.js'
import './comments.css'

/** Why the writing controls are disabled for a viewer (the server refuses their writes). */
export const VIEWER_REASON =
  'You have view access: you can read comments, but only editors can add, reply or resolve.'

/** Longest comment the panel accepts (characters). */
export const MAX_COMMENT = 5000

export interface CommentsPaneProps {
  readonly ui: CommentsUi
  readonly session: EditorSession
  readonly selection: readonly string[]
  readonly onSelect: (ids: string[]) => void
}

/** The panel as a pane of the editor's workspace, rendered only while it is open. */
export function CommentsPane(props: CommentsPaneProps) {
  const view = useCommentsView(props.ui)
  if (!view.open) return null
  return (
    <aside className="pane pane-comments" aria-label="Comments" data-testid="comments-panel">
      <CommentsPanel {...props} />
    </aside>
  )
}

/** The toolbar button that shows and hides the panel. */
export function CommentsButton({ ui }: { ui: CommentsUi }) {
  const view = useCommentsView(ui)
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={view.open}
      onClick={ui.toggle}
      title={`Comments (${formatKeys('Alt+M')})`}
      data-testid="comments-toggle"
    >
      Comments
    </button>
  )
}

const scopes: readonly { value: CommentScope; label: string }[] = [
  { value: 'all', label: 'Everywhere' },
  { value: 'pipeline', label: 'Pipeline' },
  { value: 'step', label: 'Selected step' },
]
const statuses: readonly { value: CommentStatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
]

export function CommentsPanel({ ui, session, selection, onSelect }: CommentsPaneProps) {
  const view = useCommentsView(ui)
  const { threads, stepNames } = useThreads(session.doc)
  const readOnly = session.readOnly
  const steps = session.doc.getMap(docKeys.steps)
  const selectedStep = selection.length === 1 && steps.has(selection[0]!) ? selection[0]! : null
  const selected = useMemo(() => new Set(selection), [selection])

  const shown = threads.filter(
    (t) =>
      (view.status === 'all' || (view.status === 'open') !== t.resolved) &&
      (view.scope === 'all' ||
        (view.scope === 'pipeline'
          ? t.stepId === null
          : t.stepId !== null && selected.has(t.stepId))),
  )
  const openCount = threads.filter((t) => !t.resolved).length

  const where = (t: CommentThread): ReactNode => {
    if (t.stepId === null) return 'On the pipeline'
    if (t.stepDeleted) return <em>On a deleted step</em>
    const name = stepNames.get(t.stepId) ?? 'a step'
    return (
      <>
        On step{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => onSelect([t.stepId!])}
          title="Select this step"
        >
          {name}
        </button>
      </>
    )
  }

  return (
    <div className="comments">
      <header className="comments-head">
        <h2>Comments</h2>
        <span className="muted" data-testid="comments-open-count">
          {openCount} open
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="icon-button"
          onClick={ui.close}
          aria-label="Close comments"
          title={`Close (${formatKeys('Alt+M')})`}
        >
          ×
        </button>
      </header>
      <div className="comments-filters">
        <Segmented
          label="Where"
          options={scopes}
          value={view.scope}
          onChange={ui.setScope}
          testId="comments-scope"
        />
        <Segmented
          label="Status"
          options={statuses}
          value={view.status}
          onChange={ui.setStatus}
          testId="comments-status"
        />
      </div>
      {readOnly ? (
        <p className="comments-notice" role="note">
          {VIEWER_REASON}
        </p>
      ) : null}
      <NewThread
        ui={ui}
        session={session}
        selectedStep={selectedStep}
        stepName={selectedStep === null ? undefined : stepNames.get(selectedStep)}
      />
      {shown.length === 0 ? (
        <p className="comments-empty muted">
          {view.scope === 'step' && selection.length === 0
            ? 'Select a step to see its comments.'
            : view.status === 'resolved'
              ? 'No resolved threads here.'
              : view.status === 'open'
                ? 'No open threads here.'
                : 'No comments here yet.'}
        </p>
      ) : (
        <ol className="threads">
          {shown.map((t) => (
            <li key={t.id}>
              <Thread thread={t} where={where(t)} session={session} />
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  testId,
}: {
  label: string
  options: readonly { value: T; label: string }[]
  value: T
  onChange: (v: T) => void
  testId: string
}) {
  return (
    <div className="segmented" role="group" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          data-value={o.value}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  )
}

/** Mod+Enter sends; the shortcut is also on the button's tooltip. */
function onSendKey(send: () => void) {
  return (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      send()
    }
  }
}

function NewThread({
  ui,
  session,
  selectedStep,
  stepName,
}: {
  ui: CommentsUi
  session: EditorSession
  selectedStep: string | null
  stepName: string | undefined
}) {
  const view = useCommentsView(ui)
  const [text, setText] = useState('')
  const [error, setError] = useState<string>()
  const [choice, setChoice] = useState<'step' | 'pipeline'>()
  const input = useRef<HTMLTextAreaElement>(null)
  const readOnly = session.readOnly

  useEffect(() => setChoice(undefined), [selectedStep, view.scope, view.composeToken])
  useEffect(() => {
    if (view.composeToken > 0) input.current?.focus()
  }, [view.composeToken])

  const fallback =
    view.target !== undefined
      ? view.target === null
        ? 'pipeline'
        : 'step'
      : view.scope === 'pipeline'
        ? 'pipeline'
        : 'step'
  const onStep = selectedStep !== null && (choice ?? fallback) === 'step'

  const send = () => {
    if (readOnly || !text.trim()) return
    const r = addThread(
      session.doc,
      {
        stepId: onStep ? selectedStep : null,
        author: localAuthor(session),
        text: text.trim(),
        at: Date.now(),
      },
      { origin: COMMENTS_ORIGIN },
    )
    if (!r.ok) {
      setError(r.message)
      return
    }
    setText('')
    setError(undefined)
    // Make sure the new thread is in view.
    if (view.status === 'resolved') ui.setStatus('open')
    if (view.scope !== 'all' && (view.scope === 'step') !== onStep) ui.setScope('all')
  }

  return (
    <div className="new-thread" title={readOnly ? VIEWER_REASON : undefined}>
      <div className="segmented" role="group" aria-label="Comment on">
        <button
          type="button"
          aria-pressed={onStep}
          disabled={selectedStep === null}
          onClick={() => setChoice('step')}
          title={selectedStep === null ? 'Select one step to comment on it' : undefined}
          data-testid="comment-target-step"
        >
          {selectedStep === null ? 'Step' : `Step ${stepName ?? ''}`.trim()}
        </button>
        <button
          type="button"
          aria-pressed={!onStep}
          onClick={() => setChoice('pipeline')}
          data-testid="comment-target-pipeline"
        >
          Pipeline
        </button>
      </div>
      <textarea
        ref={input}
        data-testid="comment-input"
        aria-label={onStep ? `Comment on step ${stepName ?? ''}` : 'Comment on the pipeline'}
        placeholder={
          readOnly
            ? 'Viewers cannot comment'
            : onStep
              ? `Comment on ${stepName ?? 'this step'}…`
              : 'Comment on the pipeline…'
        }
        value={text}
        maxLength={MAX_COMMENT}
        rows={3}
        disabled={readOnly}
        title={readOnly ? VIEWER_REASON : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onSendKey(send)}
      />
      {error ? (
        <p className="comments-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row-actions">
        <button
          type="button"
          className="primary"
          disabled={readOnly || !text.trim()}
          title={readOnly ? VIEWER_REASON : `Comment (${formatKeys('Mod+Enter')})`}
          onClick={send}
          data-testid="comment-send"
        >
          Comment
        </button>
      </div>
    </div>
  )
}

function Thread({
  thread,
  where,
  session,
}: {
  thread: CommentThread
  where: ReactNode
  session: EditorSession
}) {
  const [reply, setReply] = useState('')
  const readOnly = session.readOnly
  const me = localAuthor(session)

  const send = () => {
    if (readOnly || !reply.trim()) return
    const r = replyToThread(
      session.doc,
      thread.id,
      { author: localAuthor(session), text: reply.trim(), at: Date.now() },
      { origin: COMMENTS_ORIGIN },
    )
    if (r.ok) setReply('')
  }
  const resolve = () => {
    if (readOnly) return
    setThreadResolved(session.doc, thread.id, !thread.resolved, localAuthor(session), {
      origin: COMMENTS_ORIGIN,
    })
  }

  return (
    <article
      className="thread"
      data-testid={`thread-${thread.id}`}
      data-resolved={thread.resolved}
      data-step-deleted={thread.stepDeleted}
    >
      <header className="thread-head">
        <span className="thread-where">{where}</span>
        {thread.resolved ? (
          <span className="thread-state" data-testid="thread-state">
            Resolved{thread.resolvedBy ? ` by ${thread.resolvedBy.name}` : ''}
          </span>
        ) : null}
      </header>
      <ol className="thread-comments">
        {thread.comments.map((c) => (
          <Comment
            key={c.id}
            comment={c}
            threadId={thread.id}
            session={session}
            mine={!readOnly && isMe(c.author, me)}
          />
        ))}
      </ol>
      <div className="thread-actions" title={readOnly ? VIEWER_REASON : undefined}>
        <textarea
          data-testid="reply-input"
          aria-label="Reply"
          placeholder={readOnly ? 'Viewers cannot reply' : 'Reply…'}
          rows={1}
          value={reply}
          maxLength={MAX_COMMENT}
          disabled={readOnly}
          title={readOnly ? VIEWER_REASON : undefined}
          onChange={(e) => setReply(e.target.value)}
          onKeyDown={onSendKey(send)}
        />
        <div className="row-actions">
          <button
            type="button"
            disabled={readOnly || !reply.trim()}
            title={readOnly ? VIEWER_REASON : `Reply (${formatKeys('Mod+Enter')})`}
            onClick={send}
            data-testid="reply-send"
          >
            Reply
          </button>
          <button
            type="button"
            disabled={readOnly}
            title={readOnly ? VIEWER_REASON : thread.resolved ? 'Reopen this thread' : 'Resolve'}
            onClick={resolve}
            data-testid="thread-resolve"
          >
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      </div>
    </article>
  )
}

function formatTime(at: number): string {
  const d = new Date(at)
  const now = new Date()
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  return d.toDateString() === now.toDateString()
    ? time
    : `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time}`
}

function Comment({
  comment,
  threadId,
  session,
  mine,
}: {
  comment: ThreadComment
  threadId: string
  session: EditorSession
  mine: boolean
}) {
  const [draft, setDraft] = useState<string>()
  const [confirming, setConfirming] = useState(false)
  const author: CommentAuthor = comment.author

  const save = () => {
    if (draft === undefined || !draft.trim()) return
    if (draft.trim() !== comment.text)
      editComment(session.doc, threadId, comment.id, draft.trim(), {
        origin: COMMENTS_ORIGIN,
        at: Date.now(),
      })
    setDraft(undefined)
  }

  return (
    <li className="comment" data-testid={`comment-${comment.id}`}>
      <div className="comment-meta">
        <strong className="comment-author" title={author.email ?? author.name}>
          {author.name}
        </strong>
        <time dateTime={new Date(comment.at).toISOString()} title={new Date(comment.at).toString()}>
          {formatTime(comment.at)}
        </time>
        {comment.editedAt !== undefined ? <span className="muted">(edited)</span> : null}
      </div>
      {draft !== undefined ? (
        <div className="comment-edit">
          <textarea
            aria-label="Edit comment"
            data-testid="comment-edit-input"
            value={draft}
            maxLength={MAX_COMMENT}
            rows={3}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation()
                setDraft(undefined)
              } else onSendKey(save)(e)
            }}
          />
          <div className="row-actions">
            <button type="button" className="primary" onClick={save} disabled={!draft.trim()}>
              Save
            </button>
            <button type="button" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <p className="comment-text">{comment.text}</p>
      )}
      {mine && draft === undefined ? (
        <div className="comment-tools">
          <button type="button" className="link-button" onClick={() => setDraft(comment.text)}>
            Edit
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="link-button danger"
                data-testid="comment-delete-confirm"
                onClick={() => {
                  deleteComment(session.doc, threadId, comment.id, { origin: COMMENTS_ORIGIN })
                  setConfirming(false)
                }}
              >
                Delete for everyone
              </button>
              <button type="button" className="link-button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button
              type="button"
              className="link-button"
              data-testid="comment-delete"
              onClick={() => setConfirming(true)}
            >
              Delete
            </button>
          )}
        </div>
      ) : null}
    </li>
  )
}
