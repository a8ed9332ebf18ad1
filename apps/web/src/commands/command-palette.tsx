import { useMemo, useState } from 'react'
import { Dialog } from '../app/dialog.js'
import { formatKeys, useCommandList, useEditorCommands } from '../editor/commands.js'
import type { EditorCommand } from '../editor/commands.js'

/** Case-insensitive: every word of the query appears in the title, group, id or keywords. */
export function matchCommand(command: EditorCommand, query: string): boolean {
  const hay =
    `${command.title} ${command.group ?? ''} ${command.id} ${command.keywords ?? ''}`.toLowerCase()
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w))
}

/** Ctrl/Cmd+K: every registered command, searchable, run with Enter. */
export function CommandPalette({ onClose }: { onClose: () => void }) {
  const commands = useEditorCommands()
  const all = useCommandList()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const matches = useMemo(
    () => all.filter((c) => !c.hidden && matchCommand(c, query)).slice(0, 200),
    [all, query],
  )
  const current = Math.min(active, Math.max(0, matches.length - 1))

  const run = (c: EditorCommand | undefined) => {
    if (!c || !commands.isEnabled(c)) return
    onClose()
    // After the palette closed and focus went back, so commands that open dialogs keep theirs.
    setTimeout(() => commands.run(c.id), 0)
  }

  return (
    <Dialog title="Command palette" onClose={onClose} className="palette">
      <input
        className="palette-input"
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={matches[current] ? `cmd-${matches[current]!.id}` : undefined}
        aria-label="Search commands"
        placeholder="Type a command…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setActive(0)
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault()
            setActive((current + 1) % Math.max(1, matches.length))
          } else if (e.key === 'ArrowUp') {
            e.preventDefault()
            setActive((current - 1 + matches.length) % Math.max(1, matches.length))
          } else if (e.key === 'Enter') {
            e.preventDefault()
            run(matches[current])
          }
        }}
      />
      <ul className="palette-list" id="palette-list" role="listbox" aria-label="Commands">
        {matches.length === 0 ? <li className="palette-empty">No matching command</li> : null}
        {matches.map((c, i) => {
          const enabled = commands.isEnabled(c)
          return (
            <li
              key={c.id}
              id={`cmd-${c.id}`}
              role="option"
              aria-selected={i === current}
              aria-disabled={!enabled}
              data-command={c.id}
              className={`palette-item${i === current ? ' active' : ''}${enabled ? '' : ' disabled'}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(c)}
            >
              <span className="palette-group">{c.group}</span>
              <span className="palette-title">{c.title}</span>
              {c.keys?.[0] ? <kbd>{formatKeys(c.keys[0])}</kbd> : null}
            </li>
          )
        })}
      </ul>
    </Dialog>
  )
}
