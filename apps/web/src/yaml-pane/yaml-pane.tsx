/**
 * The YAML pane: a CodeMirror 6 editor always showing `exportYaml(doc)`, two-way bound to the
 * shared document (see sync.ts), with diagnostics as lint markers, step selection both ways,
 * and other people's carets and selections from awareness.
 */
import { autocompletion, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { yaml } from '@codemirror/lang-yaml'
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language'
import { lintGutter, linter, lintKeymap } from '@codemirror/lint'
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search'
import { Annotation, EditorState, Transaction } from '@codemirror/state'
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import { readPipeline } from '@weft/core'
import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { EditorSession, PresenceState } from '../editor/session'
import { paneDecorations, setRemotePeers, setSelectedLines, type RemotePeer } from './decorations'
import { completeAt } from './completion'
import { docDiagnostics } from '../editor/diagnostics'
import { lintShared } from './lint'
import { rangeOf, stepAt, stepRanges, type StepRange } from './step-ranges'
import { nextFrame } from './next-frame'
import { synced, YamlSync, type SyncStatus, type Timer } from './sync'
import type { TextChange } from './text-diff'
import './yaml-pane.css'

export interface YamlPaneProps {
  readonly session: EditorSession
  /** Selected step ids (shared with the canvas and the inspector). */
  readonly selection: readonly string[]
  readonly onSelect: (ids: string[]) => void
  /** Milliseconds of quiet typing before the text is applied; 200 by default. */
  readonly debounceMs?: number
  /** Timer used for the debounce (tests inject one). */
  readonly timer?: Timer
  /**
   * Whether the pane is shown; true by default. A hidden pane (a tablet tab not selected) does
   * not follow document changes until it is shown again.
   */
  readonly active?: boolean
  /**
   * Coalesces the catch-up after document changes (see YamlSyncOptions.schedule); without one
   * the text follows every transaction at once. The editor page passes `nextFrame`.
   */
  readonly schedule?: (fn: () => void) => void
}

/** Marks transactions that carry document changes into the editor (not typed by the user). */
export const remoteChange = Annotation.define<boolean>()

/** Token colours from CodeMirror's default style, mixed with the theme's foreground so they read on light and dark backgrounds. */
const themedHighlight = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) =>
    typeof spec.color === 'string'
      ? { ...spec, color: `color-mix(in srgb, ${spec.color} 60%, var(--weft-fg, #1d1d1f))` }
      : spec,
  ),
)

export { nextFrame }

export function YamlPane(props: YamlPaneProps): ReactElement {
  const { session, selection, active = true } = props
  const hostRef = useRef<HTMLDivElement>(null)
  const [status, setStatus] = useState<SyncStatus>(synced)
  const latest = useRef(props)
  latest.current = props
  const api = useRef<{
    reveal(ids: readonly string[]): void
    discard(): void
    setActive(active: boolean): void
  } | null>(null)

  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    const { doc, awareness, readOnly, undoManager } = session
    let view: EditorView | undefined
    let rangesCache: { text: string; ranges: StepRange[] } | undefined
    let lastCaretStep: string | undefined
    let lastPublished: string | undefined
    let refreshQueued = false
    let destroyed = false

    const ranges = (): StepRange[] => {
      const text = view ? view.state.doc.toString() : sync.text
      if (rangesCache?.text === text) return rangesCache.ranges
      const fresh = stepRanges(text, readPipeline(doc).steps)
      rangesCache = { text, ranges: fresh }
      return fresh
    }
    const spansOf = (ids: readonly string[]) =>
      ids.flatMap((id) => {
        const r = rangeOf(ranges(), id)
        return r ? [r] : []
      })

    const shared = docDiagnostics(doc)
    // The shared validation's export, when it is of this version, is the text to start from.
    const validated = shared.current()
    const initialText =
      validated.version === shared.version && validated.text !== '' ? validated.text : undefined
    const sync: YamlSync = new YamlSync(
      doc,
      {
        getText: (): string => (view ? view.state.doc.toString() : sync.text),
        applyRemote(changes: readonly TextChange[]) {
          if (!view) return
          view.dispatch({
            changes: [...changes],
            annotations: [remoteChange.of(true), Transaction.addToHistory.of(false)],
          })
          queueRefresh()
        },
        onStatus: (s) => {
          if (!destroyed) setStatus(s)
        },
      },
      {
        origin: session.origin,
        readOnly,
        delay: latest.current.debounceMs ?? 200,
        ...(latest.current.timer ? { timer: latest.current.timer } : {}),
        ...(latest.current.schedule ? { schedule: latest.current.schedule } : {}),
        ...(initialText !== undefined ? { initialText } : {}),
      },
    )

    const peers = (): RemotePeer[] => {
      const out: RemotePeer[] = []
      awareness.getStates().forEach((raw, clientId) => {
        if (clientId === awareness.clientID) return
        const state = raw as Partial<PresenceState>
        if (!state.user) return
        out.push({
          clientId,
          name: state.user.name,
          color: state.user.color,
          yaml: state.yaml ?? null,
          steps: spansOf(state.selection ?? []),
        })
      })
      return out
    }

    const refresh = () => {
      refreshQueued = false
      if (!view || destroyed) return
      view.dispatch({
        effects: [
          setSelectedLines.of(spansOf(latest.current.selection)),
          setRemotePeers.of(peers()),
        ],
      })
    }
    // Never dispatch from inside an update: defer to a microtask.
    const queueRefresh = () => {
      if (refreshQueued) return
      refreshQueued = true
      queueMicrotask(refresh)
    }

    const publishCaret = (value: { anchor: number; head: number } | null) => {
      const key = JSON.stringify(value)
      if (key === lastPublished) return
      lastPublished = key
      awareness.setLocalStateField('yaml', value)
    }

    const caretMoved = (head: number) => {
      const id = stepAt(ranges(), head)
      if (id === undefined || id === lastCaretStep) return
      lastCaretStep = id
      const sel = latest.current.selection
      if (sel.length === 1 && sel[0] === id) return
      latest.current.onSelect([id])
    }

    const undoKey = (redo: boolean) => () => {
      if (readOnly) return false
      sync.flush()
      if (redo) undoManager.redo()
      else undoManager.undo()
      return true
    }

    view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: sync.text,
        extensions: [
          lineNumbers(),
          foldGutter(),
          lintGutter(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          syntaxHighlighting(themedHighlight),
          yaml(),
          EditorState.tabSize.of(2),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({
            'aria-label': 'Pipeline YAML',
            ...(readOnly ? { 'aria-readonly': 'true' } : {}),
          }),
          keymap.of([
            { key: 'Mod-z', run: undoKey(false), preventDefault: true, stopPropagation: true },
            { key: 'Mod-Shift-z', run: undoKey(true), preventDefault: true, stopPropagation: true },
            { key: 'Mod-y', run: undoKey(true), preventDefault: true, stopPropagation: true },
            ...completionKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...foldKeymap,
            ...lintKeymap,
            indentWithTab,
          ]),
          linter((v) => lintShared(shared, v.state.doc.toString()), { delay: 400 }),
          autocompletion({
            override: [
              (ctx) => {
                if (readOnly) return null
                const result = completeAt(ctx.state.doc.toString(), ctx.pos)
                if (!result) return null
                // Pop up by itself after a typed character or right after `key: `.
                const afterColon = /:\s$/.test(
                  ctx.state.sliceDoc(Math.max(0, ctx.pos - 2), ctx.pos),
                )
                if (!ctx.explicit && result.from === ctx.pos && !afterColon) return null
                return { from: result.from, options: [...result.options], validFor: /^[\w.-]*$/ }
              },
            ],
          }),
          paneDecorations,
          EditorView.updateListener.of((u) => {
            const local = u.transactions.filter((tr) => !tr.annotation(remoteChange))
            if (local.some((tr) => tr.docChanged)) sync.localEdit()
            if (local.some((tr) => tr.selection !== undefined || tr.docChanged)) {
              const { anchor, head } = u.state.selection.main
              publishCaret({ anchor, head })
              // Typing keeps the caret in its step; only caret moves select another one.
              if (local.some((tr) => tr.selection !== undefined && !tr.docChanged)) {
                queueMicrotask(() => {
                  if (!destroyed) caretMoved(head)
                })
              }
            } else if (u.docChanged && lastPublished !== 'null' && lastPublished !== undefined) {
              // A remote change moved our caret: keep the published offsets current.
              const { anchor, head } = u.state.selection.main
              publishCaret({ anchor, head })
            }
            if (u.focusChanged) {
              if (u.view.hasFocus) {
                const { anchor, head } = u.state.selection.main
                publishCaret({ anchor, head })
              } else {
                publishCaret(null)
                sync.flush()
              }
            }
          }),
        ],
      }),
    })

    const onAwareness = ({
      added,
      updated,
      removed,
    }: {
      added: number[]
      updated: number[]
      removed: number[]
    }) => {
      if ([...added, ...updated, ...removed].some((id) => id !== awareness.clientID)) queueRefresh()
    }
    awareness.on('change', onAwareness)

    api.current = {
      reveal(ids) {
        if (!view) return
        const spans = spansOf(ids)
        const first = spans[0]
        const head = view.state.selection.main.head
        const inside = first !== undefined && head >= first.from && head <= first.to
        view.dispatch({
          effects: [
            setSelectedLines.of(spans),
            ...(first && !inside
              ? [EditorView.scrollIntoView(first.from, { y: 'start', yMargin: 24 })]
              : []),
          ],
        })
      },
      discard: () => sync.discard(),
      setActive: (a) => sync.setActive(a),
    }
    sync.setActive(latest.current.active ?? true)
    queueRefresh()

    return () => {
      destroyed = true
      api.current = null
      awareness.off('change', onAwareness)
      if (lastPublished !== undefined && lastPublished !== 'null')
        awareness.setLocalStateField('yaml', null)
      sync.destroy()
      view?.destroy()
      view = undefined
    }
  }, [session])

  useEffect(() => {
    api.current?.reveal(selection)
  }, [selection])

  useEffect(() => {
    api.current?.setActive(active)
  }, [active])

  const error = status.state === 'error' ? status.error : null
  return (
    <section
      className="weft-yaml-pane"
      data-testid="yaml-pane"
      data-sync={status.state}
      aria-label="YAML"
    >
      <header className="weft-yaml-status" aria-live="polite">
        {session.readOnly ? <span className="weft-yaml-badge">Read-only</span> : null}
        {status.state === 'pending' ? <span className="weft-yaml-badge">Applying…</span> : null}
        {status.outOfSync ? (
          <span className="weft-yaml-badge weft-yaml-outofsync" data-testid="yaml-out-of-sync">
            The pipeline changed elsewhere; your YAML edits merge into it once they parse.
            <button type="button" onClick={() => api.current?.discard()}>
              Discard my edits
            </button>
          </span>
        ) : null}
      </header>
      {error ? (
        <div className="weft-yaml-error" data-testid="yaml-error" role="alert">
          Line {error.line}, column {error.column}: {error.message} — your text is kept; the
          pipeline updates once it parses.
        </div>
      ) : null}
      <div className="weft-yaml-editor" ref={hostRef} />
    </section>
  )
}
