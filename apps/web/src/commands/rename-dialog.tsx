import { useState } from 'react'
import { Dialog } from '../app/dialog.js'

/** Asks for a step's new name; references to it are rewritten by core's renameStep. */
export function RenameDialog({
  current,
  onRename,
  onClose,
}: {
  current: string
  /** Returns an error message, or undefined when the rename happened. */
  onRename: (name: string) => string | undefined
  onClose: () => void
}) {
  const [name, setName] = useState(current)
  const [error, setError] = useState<string>()
  return (
    <Dialog title="Rename step" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const message = onRename(name)
          if (message) setError(message)
          else onClose()
        }}
      >
        <label className="field">
          <span>New name (references to it are updated)</span>
          <input
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            onFocus={(e) => e.target.select()}
            aria-invalid={!!error}
          />
        </label>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  )
}
