import { Dialog } from '../app/dialog.js'
import { formatKeys, useCommandList } from '../editor/commands.js'

/** Keys handled inside the panes rather than through commands, listed for completeness. */
const paneKeys: readonly { group: string; title: string; keys: string }[] = [
  { group: 'Dialogs', title: 'Close a dialog or the palette', keys: 'Escape' },
  { group: 'Navigation', title: 'Move between controls', keys: 'Tab' },
]

/** `?`: every shortcut, grouped like the palette. */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const all = useCommandList()
  const rows = [
    ...all
      .filter((c) => c.keys?.length && c.group !== 'Add step')
      .map((c) => ({
        group: c.group ?? 'Other',
        title: c.title,
        keys: c.keys!.map(formatKeys).join(' / '),
      })),
    ...paneKeys,
  ]
  const groups = [...new Set(rows.map((r) => r.group))]
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcut-sheet">
      <div className="shortcut-groups">
        {groups.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <dl>
              {rows
                .filter((r) => r.group === g)
                .map((r) => (
                  <div key={r.title} className="shortcut-row">
                    <dt>{r.title}</dt>
                    <dd>
                      <kbd>{r.keys}</kbd>
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </Dialog>
  )
}
