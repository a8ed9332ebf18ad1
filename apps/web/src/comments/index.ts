/**
 * Comments: threads on a step or on the pipeline, with replies and resolve/reopen, kept in the
 * shared document's `notes` map through @weft/core (`addThread`, `replyToThread`,
 * `setThreadResolved`, `editComment`, `deleteComment`, `listThreads`), so they are live for
 * everyone, work offline, and never reach the exported YAML.
 *
 * ## Exports
 * - `useComments({ session, commands, getSelection, select })` — the page's `CommentsUi` (panel
 *   state, badge counts) and its commands: `comments.toggle` (Alt+M), `comments.add` (on the one
 *   selected step), `comments.addToPipeline`. The writing commands are `edits` (off for viewers).
 * - `<CommentsButton ui />` (toolbar), `<CommentsPane ui session selection onSelect />` (the
 *   panel, rendered while open), `CommentsContext` (provided around the canvas: the node badges
 *   read it; without it there are no badges).
 * - `StepCommentBadge` — used by canvas/nodes.tsx.
 *
 * Comment transactions use `COMMENTS_ORIGIN`, not the session's origin, so editor undo never
 * removes or restores a comment. The author is the signed-in user as the session's presence
 * publishes them. Viewers read everything; the writing controls are disabled, with a tooltip
 * saying why (the server refuses their writes anyway).
 *
 * Test ids: `comments-toggle`, `comments-panel`, `comments-scope`, `comments-status`,
 * `comment-input`, `comment-send`, `comment-target-step`, `comment-target-pipeline`,
 * `thread-<id>` (with `data-resolved`), `thread-state`, `reply-input`, `reply-send`,
 * `thread-resolve`, `comment-<id>`, `comment-delete`, `step-comment-badge-<step name>`.
 */
export { StepCommentBadge } from './badge.js'
export {
  COMMENTS_ORIGIN,
  CommentsContext,
  CommentsUi,
  commentCommands,
  localAuthor,
  useComments,
} from './comments-ui.js'
export type { CommentScope, CommentStatusFilter, CommentsView } from './comments-ui.js'
export { CommentsButton, CommentsPane, CommentsPanel, VIEWER_REASON } from './comments-panel.js'
