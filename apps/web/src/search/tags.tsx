/**
 * Tags on the pipelines page: the chips on each pipeline (a click filters by that tag) and the
 * editors' dialog to change them. The rules are @weft/core's `checkTags`, the server's own, so
 * a refused tag is named before anything is sent.
 */
import { checkTags, MAX_TAGS } from '@weft/core'
import { useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { PipelineSummary } from '../api/client.js'
import { Dialog } from '../app/dialog.js'

export function TagChips({
  tags,
  active,
  onPick,
}: {
  tags: readonly string[] | undefined
  active?: string | undefined
  onPick?: (tag: string) => void
}) {
  if (!tags?.length) return null
  return (
    <span className="tag-chips" aria-label="Tags">
      {tags.map((tag) =>
        onPick ? (
          <button
            key={tag}
            type="button"
            className={`tag-chip${tag === active ? ' active' : ''}`}
            aria-pressed={tag === active}
            title={`Show pipelines tagged ${tag}`}
            onClick={() => onPick(tag)}
          >
            {tag}
          </button>
        ) : (
          <span key={tag} className="tag-chip">
            {tag}
          </span>
        ),
      )}
    </span>
  )
}

/** Splits what was typed into tags: commas or spaces between them. */
export function parseTagInput(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean)
}

export function EditTagsDialog({
  pipeline,
  onClose,
  onSaved,
}: {
  pipeline: PipelineSummary
  onClose: () => void
  onSaved: (tags: string[]) => void
}) {
  const [text, setText] = useState((pipeline.tags ?? []).join(', '))
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const checked = checkTags(parseTagInput(text))
  const problem = checked.ok ? undefined : checked.message
  return (
    <Dialog title={`Tags of ${pipeline.name}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (!checked.ok) return
          setBusy(true)
          api
            .setTags(pipeline.id, checked.tags)
            .then((saved) => onSaved(saved.tags))
            .catch((err: unknown) => {
              setError(
                err instanceof ApiError && err.offline
                  ? 'The server cannot be reached; tags change when you are online.'
                  : err instanceof Error
                    ? err.message
                    : String(err),
              )
              setBusy(false)
            })
        }}
      >
        <label className="field">
          <span>Tags, separated by commas or spaces</span>
          <input
            autoFocus
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setError(undefined)
            }}
            aria-invalid={problem !== undefined}
            aria-describedby="tag-rules"
          />
        </label>
        <p id="tag-rules" className="muted hint">
          Lower case letters, digits, - and _; up to {MAX_TAGS} tags.
        </p>
        {checked.ok && checked.tags.length ? <TagChips tags={checked.tags} /> : null}
        {problem || error ? (
          <p role="alert" className="error">
            {problem ?? error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !checked.ok}>
            Save tags
          </button>
        </div>
      </form>
    </Dialog>
  )
}
