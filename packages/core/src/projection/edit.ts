/**
 * applyYamlEdit: a three-way merge of a YAML edit into a live document.
 *
 * `importYaml(doc, next)` makes the document equal to `next`, so anything that changed in the
 * document since the writer read it (a live editor's work) is reverted wherever `next` still holds
 * the old value. When the writer says what it started from (`base`), only the difference between
 * `base` and `next` is applied, and it merges with everything else as any peer's edit would.
 *
 * How: in a scratch copy of the document, bring it to `base` (as one client), then to `next` (as
 * another); the second transaction is exactly the edit, expressed on the document's own items.
 * That update is applied to the real document. If the edit touches content that only the revert
 * to `base` recreated (someone deleted what the writer edited), the update cannot attach; the
 * deletion wins, as it does for concurrent peers, unless `onDetached` says otherwise.
 */
import * as Y from 'yjs'
import { deepEqual } from '../yaml/equal.js'
import { readYaml } from '../yaml/read.js'
import { importYaml, type ImportOptions, type ImportResult } from './import.js'
import { readPipeline } from './read.js'

export interface EditResult extends ImportResult {
  /**
   * `merged`: the base→next edit was applied on top of the document's current state;
   * `imported`: there was no usable base, so the document was made equal to `next`.
   */
  readonly mode: 'merged' | 'imported'
}

export function applyYamlEdit(
  doc: Y.Doc,
  base: string | undefined,
  next: string,
  options: ImportOptions = {},
): EditResult {
  const nextSource = readYaml(next)
  if (!nextSource.ok) return { ok: false, diagnostics: nextSource.diagnostics, mode: 'imported' }
  if (base === undefined || !readYaml(base).ok) {
    return { ...importYaml(doc, next, options), mode: 'imported' }
  }
  // A retried write (same base, same next) finds its edit already there; applying it again
  // would add its new steps a second time.
  if (deepEqual(readPipeline(doc).value, nextSource.value)) {
    return { ok: true, diagnostics: nextSource.diagnostics, mode: 'merged' }
  }
  const scratch = new Y.Doc({ gc: false })
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
    importYaml(scratch, base, options)
    // The edit gets a client id of its own, so its update does not depend on the revert's.
    scratch.clientID = new Y.Doc().clientID
    const edit: Uint8Array[] = []
    const record = (update: Uint8Array) => edit.push(update)
    scratch.on('update', record)
    const result = importYaml(scratch, next, options)
    scratch.off('update', record)
    if (edit.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(edit), options.origin ?? null)
    return { ...result, mode: 'merged' }
  } finally {
    scratch.destroy()
  }
}
