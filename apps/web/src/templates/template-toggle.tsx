/**
 * "Mark as template" / "Unmark template" on an owner's row of the pipelines page. Which pipelines
 * are team templates comes from the gallery (`useTemplateMarks`), fetched once per page.
 */
import { useCallback, useEffect, useState } from 'react'
import { templatesApi } from './api.js'
import './templates.css'

export interface TemplateMarks {
  /** Ids of the pipelines that are team templates, once known. */
  readonly marked: ReadonlySet<string> | undefined
  set(pipelineId: string, template: boolean): Promise<void>
}

export function useTemplateMarks(): TemplateMarks {
  const [marked, setMarked] = useState<ReadonlySet<string>>()
  useEffect(() => {
    let live = true
    templatesApi.list().then(
      (list) => {
        if (live) setMarked(new Set(list.flatMap((t) => (t.pipelineId ? [t.pipelineId] : []))))
      },
      () => undefined, // offline or refused: no toggles
    )
    return () => {
      live = false
    }
  }, [])
  const set = useCallback(async (pipelineId: string, template: boolean) => {
    await templatesApi.mark(pipelineId, template)
    setMarked((old) => {
      const next = new Set(old)
      if (template) next.add(pipelineId)
      else next.delete(pipelineId)
      return next
    })
  }, [])
  return { marked, set }
}

export function TemplateToggle({
  pipeline,
  marks,
  disabled,
}: {
  pipeline: { id: string; name: string }
  marks: TemplateMarks
  disabled?: boolean
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  if (marks.marked === undefined) return null
  const isTemplate = marks.marked.has(pipeline.id)
  return (
    <button
      type="button"
      className={`link-button template-toggle${error ? ' failed' : ''}`}
      disabled={disabled || busy}
      aria-pressed={isTemplate}
      aria-label={`${isTemplate ? 'Unmark' : 'Mark'} ${pipeline.name} as template`}
      title={
        error ??
        (isTemplate
          ? 'Everyone on this server can start a pipeline from it. Click to unmark.'
          : 'Offer this pipeline in everyone’s “New pipeline” gallery.')
      }
      onClick={() => {
        setBusy(true)
        setError(undefined)
        marks.set(pipeline.id, !isTemplate).then(
          () => setBusy(false),
          (e: unknown) => {
            setError(e instanceof Error ? e.message : String(e))
            setBusy(false)
          },
        )
      }}
    >
      {isTemplate ? '★ Template' : '☆ Mark as template'}
    </button>
  )
}
