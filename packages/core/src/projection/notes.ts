/**
 * Comment threads: discussion on a step or on the whole pipeline, kept in the doc's `notes` map
 * (docs/decisions/0001-yjs-doc-shape.md) so they sync live and offline with everything else and
 * are never exported to YAML (`exportYaml` reads only `root`, `steps` and `source`).
 *
 *   notes   Y.Map   thread id → Y.Map {
 *                     stepId: string | null      null: on the pipeline
 *                     at: number                 when the thread was started (ms, from the caller)
 *                     resolved: boolean
 *                     resolvedBy?: Author        who resolved it (removed on reopen)
 *                     comments: Y.Array<Y.Map { id, author, text, at, editedAt? }>
 *                   }
 *
 * Each comment is its own Y.Map inside a Y.Array, so concurrent replies both land (in the same
 * order on every peer) and an edit of one comment merges with a reply to the thread. `resolved`
 * is a key of the thread map, so resolve versus reply merges too; resolve versus reopen is last
 * writer wins, the same on every peer.
 *
 * The older per-step notes (`addStepNote`: step id → Y.Array of plain notes) share the map; the
 * two never collide because a thread is a Y.Map and a note list a Y.Array.
 *
 * Every operation is one transaction with `options.origin`. Core has no clock: times are passed
 * in. Who may edit or delete a comment (its author) is the UI's rule; core just does it.
 */
import * as Y from 'yjs'
import { randomId } from './import.js'
import { docKeys, isPlainObject, stepsMap } from './shape.js'

export interface CommentAuthor {
  /** The account id, when the author has one. */
  readonly id?: string
  readonly name: string
  readonly email?: string
}

export interface ThreadComment {
  readonly id: string
  readonly author: CommentAuthor
  readonly text: string
  /** Milliseconds since the epoch, supplied by the caller. */
  readonly at: number
  /** Set by `editComment` when it is given a time. */
  readonly editedAt?: number
}

export interface CommentThread {
  readonly id: string
  /** The step the thread is on, or null for the pipeline as a whole. */
  readonly stepId: string | null
  /** True when `stepId` names a step that is no longer in the document. */
  readonly stepDeleted: boolean
  /** When the thread was started. */
  readonly at: number
  readonly resolved: boolean
  readonly resolvedBy?: CommentAuthor
  /** In the order they were added (the same on every peer). */
  readonly comments: readonly ThreadComment[]
}

export interface NoteOptions {
  readonly origin?: unknown
}

export interface NewComment {
  readonly author: CommentAuthor
  readonly text: string
  /** Milliseconds since the epoch. */
  readonly at: number
  /** Id generator (tests); random by default. */
  readonly newId?: () => string
}

export interface NewThread extends NewComment {
  /** The step to comment on, or null for the pipeline. */
  readonly stepId: string | null
}

export const noteErrorCodes = {
  stepNotFound: 'OP_STEP_NOT_FOUND',
  threadNotFound: 'OP_THREAD_NOT_FOUND',
  commentNotFound: 'OP_COMMENT_NOT_FOUND',
  emptyComment: 'OP_EMPTY_COMMENT',
} as const
export type NoteErrorCode = (typeof noteErrorCodes)[keyof typeof noteErrorCodes]

export type NoteResult<T = void> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: NoteErrorCode; readonly message: string }

const fail = (code: NoteErrorCode, message: string): NoteResult<never> => ({
  ok: false,
  code,
  message,
})
const done = <T>(value: T): NoteResult<T> => ({ ok: true, value })

function notesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(docKeys.notes)
}

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> | undefined {
  const t = notesMap(doc).get(threadId)
  return t instanceof Y.Map && t.get('comments') instanceof Y.Array ? t : undefined
}

function commentList(thread: Y.Map<unknown>): Y.Array<unknown> {
  return thread.get('comments') as Y.Array<unknown>
}

/** Only the known fields, as plain strings: what is stored is what the UI will show. */
function cleanAuthor(author: CommentAuthor): CommentAuthor {
  const out: { id?: string; name: string; email?: string } = { name: String(author.name) }
  if (typeof author.id === 'string' && author.id) out.id = author.id
  if (typeof author.email === 'string' && author.email) out.email = author.email
  return out
}

function readAuthor(v: unknown): CommentAuthor {
  if (!isPlainObject(v)) return { name: 'unknown' }
  const out: { id?: string; name: string; email?: string } = {
    name: typeof v.name === 'string' && v.name ? v.name : 'unknown',
  }
  if (typeof v.id === 'string') out.id = v.id
  if (typeof v.email === 'string') out.email = v.email
  return out
}

function newCommentMap(input: NewComment, id: string): Y.Map<unknown> {
  const c = new Y.Map<unknown>()
  c.set('id', id)
  c.set('author', cleanAuthor(input.author))
  c.set('text', input.text)
  c.set('at', input.at)
  return c
}

function isBlank(text: string): boolean {
  return typeof text !== 'string' || text.trim() === ''
}

/** Starts a thread on a step (or, with `stepId: null`, on the pipeline); returns its id. */
export function addThread(
  doc: Y.Doc,
  input: NewThread,
  options: NoteOptions = {},
): NoteResult<string> {
  if (isBlank(input.text)) return fail(noteErrorCodes.emptyComment, 'A comment needs some text.')
  if (input.stepId !== null && !stepsMap(doc).has(input.stepId))
    return fail(noteErrorCodes.stepNotFound, `No step with id '${input.stepId}'.`)
  const newId = input.newId ?? randomId
  const id = newId()
  doc.transact(() => {
    // Integrated first: Yjs cannot read a type that is not in a document yet.
    const thread = notesMap(doc).set(id, new Y.Map<unknown>())
    thread.set('stepId', input.stepId)
    thread.set('at', input.at)
    thread.set('resolved', false)
    const comments = new Y.Array<unknown>()
    thread.set('comments', comments)
    comments.push([newCommentMap(input, newId())])
  }, options.origin ?? null)
  return done(id)
}

/** Adds a comment at the end of a thread; returns the comment's id. */
export function replyToThread(
  doc: Y.Doc,
  threadId: string,
  input: NewComment,
  options: NoteOptions = {},
): NoteResult<string> {
  if (isBlank(input.text)) return fail(noteErrorCodes.emptyComment, 'A comment needs some text.')
  const thread = threadMap(doc, threadId)
  if (!thread) return fail(noteErrorCodes.threadNotFound, `No thread with id '${threadId}'.`)
  const id = (input.newId ?? randomId)()
  doc.transact(() => {
    commentList(thread).push([newCommentMap(input, id)])
  }, options.origin ?? null)
  return done(id)
}

/** Resolves a thread (recording who did) or reopens it. */
export function setThreadResolved(
  doc: Y.Doc,
  threadId: string,
  resolved: boolean,
  by?: CommentAuthor,
  options: NoteOptions = {},
): NoteResult {
  const thread = threadMap(doc, threadId)
  if (!thread) return fail(noteErrorCodes.threadNotFound, `No thread with id '${threadId}'.`)
  doc.transact(() => {
    thread.set('resolved', resolved)
    if (resolved && by) thread.set('resolvedBy', cleanAuthor(by))
    else if (thread.has('resolvedBy')) thread.delete('resolvedBy')
  }, options.origin ?? null)
  return done(undefined)
}

function findComment(
  doc: Y.Doc,
  threadId: string,
  commentId: string,
): NoteResult<{ list: Y.Array<unknown>; index: number; comment: Y.Map<unknown> }> {
  const thread = threadMap(doc, threadId)
  if (!thread) return fail(noteErrorCodes.threadNotFound, `No thread with id '${threadId}'.`)
  const list = commentList(thread)
  for (let i = 0; i < list.length; i++) {
    const c = list.get(i)
    if (c instanceof Y.Map && c.get('id') === commentId) return done({ list, index: i, comment: c })
  }
  return fail(noteErrorCodes.commentNotFound, `No comment with id '${commentId}' in the thread.`)
}

/** Replaces a comment's text; `at` (when given) is recorded as `editedAt`. */
export function editComment(
  doc: Y.Doc,
  threadId: string,
  commentId: string,
  text: string,
  options: NoteOptions & { readonly at?: number } = {},
): NoteResult {
  if (isBlank(text)) return fail(noteErrorCodes.emptyComment, 'A comment needs some text.')
  const found = findComment(doc, threadId, commentId)
  if (!found.ok) return found
  doc.transact(() => {
    found.value.comment.set('text', text)
    if (options.at !== undefined) found.value.comment.set('editedAt', options.at)
  }, options.origin ?? null)
  return done(undefined)
}

/**
 * Removes a comment. A thread left with no comments is no longer listed, but stays in the map,
 * so a reply made concurrently elsewhere is not lost (the thread comes back with it).
 */
export function deleteComment(
  doc: Y.Doc,
  threadId: string,
  commentId: string,
  options: NoteOptions = {},
): NoteResult {
  const found = findComment(doc, threadId, commentId)
  if (!found.ok) return found
  doc.transact(() => {
    found.value.list.delete(found.value.index, 1)
  }, options.origin ?? null)
  return done(undefined)
}

function readComment(v: unknown): ThreadComment | undefined {
  if (!(v instanceof Y.Map)) return undefined
  const id = v.get('id')
  const text = v.get('text')
  if (typeof id !== 'string' || typeof text !== 'string') return undefined
  const at = v.get('at')
  const editedAt = v.get('editedAt')
  const c: { id: string; author: CommentAuthor; text: string; at: number; editedAt?: number } = {
    id,
    author: readAuthor(v.get('author')),
    text,
    at: typeof at === 'number' ? at : 0,
  }
  if (typeof editedAt === 'number') c.editedAt = editedAt
  return c
}

function readThread(doc: Y.Doc, id: string, t: Y.Map<unknown>): CommentThread | undefined {
  const list = t.get('comments')
  if (!(list instanceof Y.Array)) return undefined
  const comments: ThreadComment[] = []
  for (const v of list.toArray()) {
    const c = readComment(v)
    if (c) comments.push(c)
  }
  if (comments.length === 0) return undefined
  const rawStep = t.get('stepId')
  const stepId = typeof rawStep === 'string' ? rawStep : null
  const at = t.get('at')
  const resolved = t.get('resolved') === true
  const thread: {
    id: string
    stepId: string | null
    stepDeleted: boolean
    at: number
    resolved: boolean
    resolvedBy?: CommentAuthor
    comments: ThreadComment[]
  } = {
    id,
    stepId,
    stepDeleted: stepId !== null && !stepsMap(doc).has(stepId),
    at: typeof at === 'number' ? at : comments[0]!.at,
    resolved,
    comments,
  }
  const by = t.get('resolvedBy')
  if (resolved && by !== undefined) thread.resolvedBy = readAuthor(by)
  return thread
}

/**
 * Every thread with at least one comment, as plain objects, oldest first (ties by id, so every
 * peer lists them in the same order).
 */
export function listThreads(doc: Y.Doc): CommentThread[] {
  const out: CommentThread[] = []
  notesMap(doc).forEach((v, id) => {
    if (!(v instanceof Y.Map)) return
    const t = readThread(doc, id, v)
    if (t) out.push(t)
  })
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** The threads on one step, or with `null` on the pipeline itself. */
export function threadsForStep(doc: Y.Doc, stepId: string | null): CommentThread[] {
  return listThreads(doc).filter((t) => t.stepId === stepId)
}

/** One thread by id, or undefined (also when it has no comments left). */
export function getThread(doc: Y.Doc, threadId: string): CommentThread | undefined {
  const t = notesMap(doc).get(threadId)
  return t instanceof Y.Map ? readThread(doc, threadId, t) : undefined
}

/**
 * Open (unresolved, non-empty) threads per step id: what the canvas badges show. Reads only the
 * notes map, so it stays cheap however many steps the pipeline has.
 */
export function openThreadCounts(doc: Y.Doc): Map<string, number> {
  const counts = new Map<string, number>()
  notesMap(doc).forEach((v) => {
    if (!(v instanceof Y.Map) || v.get('resolved') === true) return
    const stepId = v.get('stepId')
    const list = v.get('comments')
    if (typeof stepId !== 'string' || !(list instanceof Y.Array) || list.length === 0) return
    counts.set(stepId, (counts.get(stepId) ?? 0) + 1)
  })
  return counts
}
