/**
 * The comments feature's state outside React: whether the panel is open and what it shows, the
 * open-thread count per step for the canvas badges, and the commands. One `CommentsUi` per editor
 * page (`useComments`), attached to the page's session.
 *
 * The badge counts are kept per step id with their own listeners, so a change to one thread
 * re-renders only the badges whose count changed, never the other 999 nodes; and they are
 * recomputed only when the `notes` map changes (never on a drag or an edit of the pipeline).
 */
import { docKeys, openThreadCounts } from '@weft/core'
import type { CommentAuthor } from '@weft/core'
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import type { EditorCommand, EditorCommands } from '../editor/commands.js'
import type { EditorSession, PresenceState } from '../editor/session.js'

/** Which threads the panel lists: all of them, those on the pipeline, or on the selected step. */
export type CommentScope = 'all' | 'pipeline' | 'step'
export type CommentStatusFilter = 'all' | 'open' | 'resolved'

export interface CommentsView {
  readonly open: boolean
  readonly scope: CommentScope
  readonly status: CommentStatusFilter
  /** Where a new thread goes when the panel was opened to add one (a step id or null). */
  readonly target: string | null | undefined
  /** Bumped to move the focus to the new-comment box. */
  readonly composeToken: number
}

/** Transactions of comments: not the session's origin, so editor undo never removes a comment. */
export const COMMENTS_ORIGIN = { comments: true }

const STORAGE_KEY = 'weft:comments'

export class CommentsUi {
  private view: CommentsView
  private readonly listeners = new Set<() => void>()
  private counts = new Map<string, number>()
  private readonly countListeners = new Map<string, Set<() => void>>()
  private detach: (() => void) | undefined
  /** Set by the page: selects steps on the canvas (and everywhere else). */
  select: (ids: string[]) => void = () => {}

  constructor(open = readStoredOpen()) {
    this.view = { open, scope: 'all', status: 'open', target: undefined, composeToken: 0 }
  }

  // --- panel state ---------------------------------------------------------------------------

  get = (): CommentsView => this.view
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
  private set(patch: Partial<CommentsView>): void {
    this.view = { ...this.view, ...patch }
    if ('open' in patch) storeOpen(this.view.open)
    for (const l of this.listeners) l()
  }

  toggle = (): void => this.set({ open: !this.view.open })
  close = (): void => this.set({ open: false })
  setScope = (scope: CommentScope): void => this.set({ scope })
  setStatus = (status: CommentStatusFilter): void => this.set({ status })

  /** Opens the panel on a step's threads (selecting the step), or on the pipeline's (null). */
  openOn = (stepId: string | null, options: { compose?: boolean } = {}): void => {
    if (stepId !== null) this.select([stepId])
    this.set({
      open: true,
      scope: stepId === null ? 'pipeline' : 'step',
      // A badge shows open threads: show them, whatever the filter was.
      status: options.compose ? this.view.status : 'open',
      target: stepId,
      composeToken: options.compose ? this.view.composeToken + 1 : this.view.composeToken,
    })
  }

  // --- badge counts ---------------------------------------------------------------------------

  /** Follows a document's notes map; returns the detach function (also run by the next attach). */
  attach(doc: Y.Doc | undefined): () => void {
    this.detach?.()
    this.detach = undefined
    if (!doc) {
      this.updateCounts(new Map())
      return () => {}
    }
    const notes = doc.getMap(docKeys.notes)
    const recount = () => this.updateCounts(openThreadCounts(doc))
    recount()
    notes.observeDeep(recount)
    const detach = () => notes.unobserveDeep(recount)
    this.detach = detach
    return () => {
      if (this.detach === detach) {
        detach()
        this.detach = undefined
      }
    }
  }

  private updateCounts(next: Map<string, number>): void {
    const prev = this.counts
    this.counts = next
    const changed = new Set<string>()
    for (const [k, v] of next) if (prev.get(k) !== v) changed.add(k)
    for (const k of prev.keys()) if (!next.has(k)) changed.add(k)
    for (const k of changed) for (const l of this.countListeners.get(k) ?? []) l()
  }

  /** Open threads on a step. */
  count(stepId: string): number {
    return this.counts.get(stepId) ?? 0
  }

  subscribeCount(stepId: string, l: () => void): () => void {
    let set = this.countListeners.get(stepId)
    if (!set) this.countListeners.set(stepId, (set = new Set()))
    set.add(l)
    return () => {
      set.delete(l)
      if (set.size === 0) this.countListeners.delete(stepId)
    }
  }
}

function readStoredOpen(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'open'
  } catch {
    return false
  }
}
function storeOpen(open: boolean): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, open ? 'open' : 'closed')
  } catch {
    // Storage may be unavailable (private mode): the panel just does not remember.
  }
}

/** The page's CommentsUi, for the canvas badges (null outside an editor page: no badges). */
export const CommentsContext = createContext<CommentsUi | null>(null)

export function useCommentsUi(): CommentsUi | null {
  return useContext(CommentsContext)
}

export function useCommentsView(ui: CommentsUi): CommentsView {
  return useSyncExternalStore(ui.subscribe, ui.get)
}

/** The signed-in user, as the session's presence publishes them (from `/api/me`). */
export function localAuthor(session: EditorSession): CommentAuthor {
  const state = session.awareness.getLocalState() as Partial<PresenceState> | null
  const user = state?.user
  const author: { id?: string; name: string; email?: string } = {
    name: user?.name || user?.email || 'Anonymous',
  }
  if (user?.id) author.id = user.id
  if (user?.email) author.email = user.email
  return author
}

/** Whether `author` is the local user (who alone may edit or delete their comment). */
export function isMe(author: CommentAuthor, me: CommentAuthor): boolean {
  if (author.id || me.id) return author.id === me.id
  if (author.email || me.email) return author.email === me.email
  return author.name === me.name
}

/** The commands of the comments feature (see editor/commands.ts). */
export function commentCommands(
  ui: CommentsUi,
  getSelection: () => readonly string[],
): EditorCommand[] {
  return [
    {
      id: 'comments.toggle',
      title: 'Show or hide comments',
      group: 'View',
      keywords: 'comments threads discussion panel',
      keys: ['Alt+M'],
      run: ui.toggle,
    },
    {
      id: 'comments.add',
      title: 'Comment on the selected step',
      group: 'Comments',
      keywords: 'comment thread discuss note',
      edits: true,
      enabled: () => getSelection().length === 1,
      run: () => {
        const id = getSelection()[0]
        if (id) ui.openOn(id, { compose: true })
      },
    },
    {
      id: 'comments.addToPipeline',
      title: 'Comment on the pipeline',
      group: 'Comments',
      keywords: 'comment thread discuss note workflow',
      edits: true,
      run: () => ui.openOn(null, { compose: true }),
    },
  ]
}

/**
 * The page's CommentsUi: follows the session's document and registers the commands into the
 * page's registry (the page owns it, so it is passed in rather than read from context).
 */
export function useComments(init: {
  session: EditorSession | undefined
  commands: EditorCommands
  getSelection: () => readonly string[]
  select: (ids: string[]) => void
}): CommentsUi {
  const ui = useMemo(() => new CommentsUi(), [])
  ui.select = init.select
  const { session, commands, getSelection } = init
  useEffect(() => ui.attach(session?.doc), [ui, session])
  useEffect(() => {
    if (!session) return
    return commands.register(commentCommands(ui, getSelection))
    // getSelection reads a ref: registering once per session is enough.
  }, [ui, session, commands])
  return ui
}
