/**
 * The editor: one pipeline's document, opened from this device's copy first and then synced; the
 * canvas in the centre, the YAML pane as a toggleable split, the inspector on the right, and at
 * tablet widths one pane at a time behind tabs.
 */
import { docKeys, exportYaml } from '@weft/core'
import {
  memo,
  startTransition,
  Suspense,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import type * as Y from 'yjs'
import { api, ApiError } from '../api/client.js'
import { takePreloaded, takeSettled } from '../api/preload.js'
import type { Me, PipelineMeta } from '../api/client.js'
import { useMediaQuery } from '../app/use-media-query.js'
import { whenIdle } from '../app/when-idle.js'
import { Avatars } from '../collab/avatars.js'
import { closeCodes, PipelineConnection } from '../collab/connection.js'
import { docStore } from '../collab/doc-store.js'
import type { ConnectionState } from '../collab/connection.js'
import { publishLocalUser } from '../collab/presence.js'
import { StatusChip } from '../collab/status-chip.js'
import { CommentsButton, CommentsContext, CommentsPane, useComments } from '../comments/index.js'
import { CommandPalette } from '../commands/command-palette.js'
import { RenameDialog } from '../commands/rename-dialog.js'
import { ShortcutSheet } from '../commands/shortcut-sheet.js'
import { downloadText, shellCommands } from '../commands/shell-commands.js'
import { renameStepTo, stepName, stepNames } from '../commands/step-actions.js'
import { HistoryButton, HistoryPanel } from '../history/index.js'
import { offlineCache } from '../offline/cache.js'
import { ShareDialog } from '../teams/share-dialog.js'
import { toggleTheme } from '../theme/theme.js'
import { dispatchShortcut, EditorCommands, EditorCommandsContext, formatKeys } from './commands.js'
import { createEditorSession } from './create-session.js'
import { docDiagnostics } from './diagnostics.js'
import { Canvas, Inspector, loadSidePanes, nextFrame, YamlPane } from './panes.js'
import type { EditorSession } from './session.js'

type Tab = 'canvas' | 'yaml' | 'inspector'
type Overlay = { kind: 'palette' } | { kind: 'shortcuts' } | { kind: 'rename'; id: string }

const noState: ConnectionState = { status: 'connecting', unsaved: false }
const noopSubscribe = () => () => {}

export function EditorPage({
  pipelineId,
  me,
  onSignedOut,
}: {
  pipelineId: string
  me: Me
  onSignedOut: () => void
}) {
  const [generation, setGeneration] = useState(0)
  const [meta, setMeta] = useState<PipelineMeta | undefined>(() =>
    offlineCache.pipeline(pipelineId),
  )
  const [metaError, setMetaError] = useState<ApiError>()
  // A copy main.tsx has already loaded is used in the first render (warm opens; see below).
  const [conn, setConn] = useState<PipelineConnection | undefined>(() =>
    meta !== undefined ? takeSettled(`connection:${pipelineId}`) : undefined,
  )
  const ready = useRef(conn)
  const [openError, setOpenError] = useState<string>()

  useEffect(() => {
    let live = true
    setMetaError(undefined)
    // main.tsx starts this request before the app's code runs; later ones (retries) ask again.
    const request =
      (generation === 0 ? takePreloaded<PipelineMeta>(`pipeline:${pipelineId}`) : undefined) ??
      api.getPipeline(pipelineId)
    request.then(
      (m) => {
        if (!live) return
        offlineCache.setPipeline(m)
        setMeta(m)
      },
      (e: unknown) => {
        if (!live) return
        const error = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e))
        if (error.status === 401) onSignedOut()
        setMetaError(error)
      },
    )
    return () => {
      live = false
    }
  }, [pipelineId, generation, onSignedOut])

  const haveMeta = meta !== undefined
  useEffect(() => {
    if (!haveMeta) return
    let live = true
    let opened: PipelineConnection | undefined
    // main.tsx started loading this device's copy (and connecting) before the app's code ran.
    const early =
      ready.current ??
      (generation === 0
        ? takePreloaded<PipelineConnection>(`connection:${pipelineId}`)?.catch(() => undefined)
        : undefined)
    ready.current = undefined
    const open = async () => {
      const c = await early
      if (!c) return PipelineConnection.open(pipelineId, { epoch: meta?.epoch })
      c.connect({ epoch: meta?.epoch })
      return c
    }
    open().then(
      (c) => {
        if (!live) return c.destroy()
        opened = c
        setConn(c)
      },
      (e: unknown) => live && setOpenError(String(e)),
    )
    return () => {
      live = false
      opened?.destroy()
      setConn(undefined)
    }
    // The epoch only matters for a copy that has none of its own; do not reconnect when it changes.
  }, [pipelineId, haveMeta, generation])

  const state = useSyncExternalStore(
    conn?.subscribe ?? noopSubscribe,
    conn?.getState ?? (() => noState),
  )

  useEffect(() => {
    if (conn) publishLocalUser(conn.awareness, me)
  }, [conn, me])

  useEffect(() => {
    if (state.closed?.code === closeCodes.signedOut) onSignedOut()
  }, [state.closed, onSignedOut])

  const readOnly = meta?.role === 'viewer'
  useEffect(() => {
    conn?.setReadOnly(readOnly)
  }, [conn, readOnly])
  const session = useMemo(
    () =>
      conn
        ? createEditorSession({ pipelineId, doc: conn.doc, awareness: conn.awareness, readOnly })
        : undefined,
    [conn, pipelineId, readOnly],
  )
  useEffect(() => () => session?.undoManager.destroy(), [session])
  useEffect(() => {
    if (!session) return
    const hook = inspectionHook(session)
    window.__weft = hook
    return () => {
      if (window.__weft === hook) delete window.__weft
    }
  }, [session])

  const name = useLiveName(conn?.doc) ?? meta?.name ?? 'Pipeline'
  useEffect(() => {
    document.title = `${name} · Weft`
  }, [name])

  const discard = async () => {
    if (!conn) return
    await conn.discardLocalCopy()
    setConn(undefined)
    setGeneration((g) => g + 1)
  }

  if (!meta) {
    return (
      <div className="page center">
        {metaError ? (
          <div className="notice" role="alert">
            <p>{metaProblem(metaError)}</p>
            <a href="#/">Back to pipelines</a>
          </div>
        ) : (
          <p className="muted">Opening…</p>
        )}
      </div>
    )
  }

  return (
    <EditorLayout
      key={generation}
      session={session}
      state={state}
      name={name}
      meta={meta}
      metaError={metaError}
      openError={openError}
      onDiscard={discard}
      onRetry={() => conn?.reconnect()}
    />
  )
}

declare global {
  interface Window {
    /** Read-only view of the open pipeline, for browser tests and support (see inspectionHook). */
    __weft?: ReturnType<typeof inspectionHook>
  }
}

/**
 * What the open document holds, independent of what the panes happen to render (the canvas
 * culls nodes outside the viewport, CodeMirror renders only visible lines). Read-only.
 */
function inspectionHook(session: EditorSession) {
  return {
    pipelineId: session.pipelineId,
    readOnly: session.readOnly,
    yaml: () => exportYaml(session.doc),
    stepNames: () => [...stepNames(session)].sort(),
  }
}

function metaProblem(error: ApiError): string {
  if (error.offline)
    return 'This pipeline has not been opened on this device yet, and the server cannot be reached. Open it once while online to keep a copy here.'
  if (error.status === 404) return 'There is no such pipeline, or it was deleted.'
  if (error.status === 403) return 'You do not have access to this pipeline.'
  return error.message
}

/** workflow.name, kept current as the document changes (here or elsewhere). */
function useLiveName(doc: Y.Doc | undefined): string | undefined {
  const store = useMemo(
    () =>
      doc &&
      docStore(doc, {
        read: workflowName,
        touches: (top) => top === doc.getMap(docKeys.root),
      }),
    [doc],
  )
  return useSyncExternalStore(store?.subscribe ?? noopSubscribe, store?.get ?? noName)
}

const noName = (): string | undefined => undefined

function workflowName(doc: Y.Doc): string | undefined {
  const wf = doc.getMap(docKeys.root).get('workflow') as Y.Map<unknown> | undefined
  const n = wf && typeof wf.get === 'function' ? wf.get('name') : undefined
  return typeof n === 'string' && n ? n : typeof n === 'object' && n ? String(n) : undefined
}

function EditorLayout({
  session,
  state,
  name,
  meta,
  metaError,
  openError,
  onDiscard,
  onRetry,
}: {
  session: EditorSession | undefined
  state: ConnectionState
  name: string
  meta: PipelineMeta
  metaError: ApiError | undefined
  openError: string | undefined
  onDiscard: () => Promise<void>
  onRetry: () => void
}) {
  const narrow = useMediaQuery('(max-width: 1024px)')
  const [showYaml, setShowYaml] = useState(() => localStorage.getItem('weft:yaml') !== 'hidden')
  const [tab, setTab] = useState<Tab>('canvas')
  const [overlay, setOverlay] = useState<Overlay>()
  const [showHistory, setShowHistory] = useState(false)
  const [sharing, setSharing] = useState(false)
  const [selection, setSelection] = useState<string[]>([])
  const selectionRef = useRef(selection)
  selectionRef.current = selection

  const commands = useMemo(() => new EditorCommands(), [])
  commands.readOnly = session?.readOnly ?? true

  const select = useCallback(
    (ids: string[]) => {
      setSelection(ids)
      selectionRef.current = ids
      session?.awareness.setLocalStateField('selection', ids)
      commands.changed()
    },
    [session, commands],
  )
  const comments = useComments({
    session,
    commands,
    getSelection: () => selectionRef.current,
    select,
  })

  const toggleYaml = useCallback(() => {
    if (narrow) {
      setTab((t) => (t === 'yaml' ? 'canvas' : 'yaml'))
      return
    }
    setShowYaml((v) => {
      localStorage.setItem('weft:yaml', v ? 'hidden' : 'shown')
      return !v
    })
  }, [narrow])

  useEffect(() => {
    commands.changed()
  }, [commands, session])

  useEffect(() => {
    if (!session) return
    const unregister = commands.register(
      shellCommands({
        session,
        getSelection: () => selectionRef.current,
        select,
        openPalette: () => setOverlay({ kind: 'palette' }),
        openShortcuts: () => setOverlay({ kind: 'shortcuts' }),
        openRename: (id) => setOverlay({ kind: 'rename', id }),
        toggleYaml,
        toggleTheme,
        exportFileName: () => `${name.replace(/[^\w.-]+/g, '_') || 'pipeline'}.yaml`,
      }),
    )
    const onStack = () => commands.changed()
    session.undoManager.on('stack-item-added', onStack)
    session.undoManager.on('stack-item-popped', onStack)
    session.undoManager.on('stack-cleared', onStack)
    return () => {
      unregister()
      session.undoManager.off('stack-item-added', onStack)
      session.undoManager.off('stack-item-popped', onStack)
      session.undoManager.off('stack-cleared', onStack)
    }
  }, [session, commands, select, toggleYaml, name])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (overlay) return
      dispatchShortcut(commands, e)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [commands, overlay])

  // The YAML pane and the inspector load and mount once the canvas is on screen and the main
  // thread is idle (their chunks, then a transition), so that building them never delays the
  // first interaction with the canvas (docs/decisions/0006-web-startup.md).
  const [sidePanes, setSidePanes] = useState(false)
  useEffect(() => {
    if (!session || sidePanes) return
    let live = true
    const doc = session.doc
    const cancel = whenIdle(() => {
      // Their code, and the export the YAML pane starts from (made in the worker), or 1.5 s.
      const exported = Promise.race([
        docDiagnostics(doc).settled(),
        new Promise((resolve) => setTimeout(resolve, 1500)),
      ])
      void Promise.all([loadSidePanes(), exported])
        .catch(() => undefined)
        .then(() => {
          if (live) startTransition(() => setSidePanes(true))
        })
    })
    return () => {
      live = false
      cancel()
    }
  }, [session, sidePanes])
  // The side panes follow the selection a render later, so a click shows on the canvas at once.
  const sideSelection = useDeferredValue(selection)

  const closeOverlay = useCallback(() => setOverlay(undefined), [])
  const yamlVisible = narrow || showYaml
  const closed = state.closed
  const readOnly = session?.readOnly ?? meta.role === 'viewer'

  return (
    <EditorCommandsContext.Provider value={commands}>
      <div
        className="editor"
        data-readonly={readOnly}
        data-narrow={narrow}
        data-yaml={yamlVisible}
        data-tab={tab}
      >
        <header className="topbar">
          <a className="back" href="#/" aria-label="Back to pipelines" title="Back to pipelines">
            ←
          </a>
          <h1 className="pipeline-name" title={name}>
            {name}
          </h1>
          {readOnly ? (
            <span className="badge" title="You can see everything live but cannot change anything">
              View only
            </span>
          ) : null}
          <StatusChip state={session ? state : undefined} readOnly={readOnly} />
          <div className="spacer" />
          <Avatars awareness={session?.awareness} />
          <button
            type="button"
            className="icon-button"
            onClick={() => setOverlay({ kind: 'palette' })}
            title={`Commands (${formatKeys('Mod+K')})`}
          >
            ⌘ Commands
          </button>
          <button
            type="button"
            className="icon-button"
            aria-pressed={yamlVisible}
            onClick={toggleYaml}
            title={`YAML (${formatKeys('Mod+Shift+Y')})`}
            hidden={narrow}
          >
            YAML
          </button>
          <CommentsButton ui={comments} />
          <HistoryButton open={showHistory} onToggle={() => setShowHistory((v) => !v)} />
          <button
            type="button"
            className="icon-button"
            onClick={() => setSharing(true)}
            title={meta.role === 'owner' ? 'Share with people and teams' : 'Who has access'}
          >
            {meta.role === 'owner' ? 'Share' : 'Access'}
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={toggleTheme}
            title={`Theme (${formatKeys('Mod+Shift+L')})`}
            aria-label="Switch light / dark theme"
          >
            ◐
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => setOverlay({ kind: 'shortcuts' })}
            title="Keyboard shortcuts (?)"
            aria-label="Keyboard shortcuts"
          >
            ?
          </button>
        </header>

        {closed ? (
          <ClosedBanner
            code={closed.code}
            reason={closed.reason}
            onDiscard={onDiscard}
            onRetry={onRetry}
            onDownload={() =>
              session &&
              downloadText(
                `${name.replace(/[^\w.-]+/g, '_')}.local-copy.yaml`,
                exportYaml(session.doc),
              )
            }
          />
        ) : metaError && (metaError.status === 403 || metaError.status === 404) ? (
          <div className="banner" role="alert">
            {metaProblem(metaError)}
          </div>
        ) : null}
        {openError ? (
          <div className="banner" role="alert">
            This device's copy could not be opened: {openError}
          </div>
        ) : null}

        {narrow ? (
          <nav className="pane-tabs" role="tablist" aria-label="Panes">
            {(['canvas', 'inspector', 'yaml'] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
              >
                {t === 'canvas' ? 'Canvas' : t === 'yaml' ? 'YAML' : 'Inspector'}
              </button>
            ))}
          </nav>
        ) : null}

        {session ? (
          <div className="workspace" data-testid="editor-panes">
            <section
              className="pane pane-canvas"
              aria-label="Canvas"
              data-active={tab === 'canvas'}
            >
              <CommentsContext.Provider value={comments}>
                <MemoCanvas session={session} selection={selection} onSelect={select} />
              </CommentsContext.Provider>
            </section>
            {yamlVisible ? (
              <section className="pane pane-yaml" aria-label="YAML" data-active={tab === 'yaml'}>
                {sidePanes ? (
                  <LazyYamlPane
                    session={session}
                    selection={sideSelection}
                    onSelect={select}
                    active={!narrow || tab === 'yaml'}
                    // One export per frame however many transactions arrive (the first sync).
                    schedule={nextFrame}
                  />
                ) : null}
              </section>
            ) : null}
            <aside
              className="pane pane-inspector"
              aria-label="Inspector"
              data-active={tab === 'inspector'}
            >
              {sidePanes ? (
                <LazyInspector session={session} selection={sideSelection} onSelect={select} />
              ) : null}
            </aside>
            <CommentsPane ui={comments} session={session} selection={selection} onSelect={select} />
            {showHistory ? (
              <HistoryPanel
                pipelineId={meta.id}
                readOnly={readOnly}
                onClose={() => setShowHistory(false)}
              />
            ) : null}
          </div>
        ) : (
          <div className="workspace center muted">Loading this device's copy…</div>
        )}

        {overlay?.kind === 'palette' ? <CommandPalette onClose={closeOverlay} /> : null}
        {overlay?.kind === 'shortcuts' ? <ShortcutSheet onClose={closeOverlay} /> : null}
        {sharing ? (
          <ShareDialog pipeline={{ id: meta.id, name }} onClose={() => setSharing(false)} />
        ) : null}
        {overlay?.kind === 'rename' && session ? (
          <RenameDialog
            current={stepName(session, overlay.id) ?? ''}
            onClose={closeOverlay}
            onRename={(n) => {
              const r = renameStepTo(session, overlay.id, n)
              return r.ok ? undefined : r.message
            }}
          />
        ) : null}
      </div>
    </EditorCommandsContext.Provider>
  )
}

// The page re-renders as the connection's status moves (connecting, syncing, saved) while the
// canvas opens; the canvas itself re-renders only when its props change.
const MemoCanvas = memo(Canvas)

const LazyYamlPane = memo(function LazyYamlPane(props: Parameters<typeof YamlPane>[0]) {
  return (
    <Suspense fallback={<p className="muted pane-loading">Loading the YAML…</p>}>
      <YamlPane {...props} />
    </Suspense>
  )
})

const LazyInspector = memo(function LazyInspector(props: Parameters<typeof Inspector>[0]) {
  return (
    <Suspense fallback={<p className="muted pane-loading">Loading the inspector…</p>}>
      <Inspector {...props} />
    </Suspense>
  )
})

function ClosedBanner({
  code,
  reason,
  onDiscard,
  onRetry,
  onDownload,
}: {
  code: number
  reason: string
  onDiscard: () => Promise<void>
  onRetry: () => void
  onDownload: () => void
}) {
  const [busy, setBusy] = useState(false)
  const discard = (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true)
        void onDiscard().finally(() => setBusy(false))
      }}
    >
      Discard this device's copy
    </button>
  )
  // The copy on this device cannot be synced any more: save it as a file, or drop it.
  const keepOrDiscard = (
    <>
      <button type="button" onClick={onDownload}>
        Download this copy as YAML
      </button>
      {discard}
    </>
  )
  let text: string
  let actions = <></>
  switch (code) {
    case closeCodes.signedOut:
      text = 'You are signed out. Your changes are kept on this device; sign in again to sync them.'
      actions = <a href="#/sign-in">Sign in</a>
      break
    case closeCodes.accessRemoved:
      text = 'Your access to this pipeline was removed. Changes made here can no longer be saved.'
      actions = keepOrDiscard
      break
    case closeCodes.notFound:
      text = 'This pipeline no longer exists on the server.'
      actions = keepOrDiscard
      break
    case closeCodes.epochMismatch:
      text =
        "This device's copy belongs to a history of the pipeline that the server no longer has (the server was restored or reset), so it cannot be merged. Download it if you want to keep your changes, then discard it to load the server's version."
      actions = keepOrDiscard
      break
    default:
      text = `The server closed the connection (${code}${reason ? `: ${reason}` : ''}).`
      actions = (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )
  }
  return (
    <div className="banner" role="alert" data-close-code={code}>
      <span>{text}</span>
      <span className="banner-actions">{actions}</span>
    </div>
  )
}
