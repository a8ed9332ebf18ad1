/**
 * CodeMirror state for what the YAML pane draws over the text: the selected steps' lines, and
 * other people's carets, selections and selected steps (from awareness). Both are state fields
 * set by effects and mapped through every change, so a remote edit moves them with the text.
 */
import {
  RangeSetBuilder,
  StateEffect,
  StateField,
  type EditorState,
  type Extension,
} from '@codemirror/state'
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view'

export interface LineSpan {
  readonly from: number
  readonly to: number
}

function lineDecorations(
  state: EditorState,
  spans: readonly LineSpan[],
  deco: (i: number) => Decoration,
): DecorationSet {
  const lines: { pos: number; deco: Decoration }[] = []
  spans.forEach((span, i) => {
    const len = state.doc.length
    const first = state.doc.lineAt(Math.min(span.from, len)).number
    const last = state.doc.lineAt(Math.min(Math.max(span.from, span.to), len)).number
    for (let n = first; n <= last; n++) lines.push({ pos: state.doc.line(n).from, deco: deco(i) })
  })
  lines.sort((a, b) => a.pos - b.pos)
  const builder = new RangeSetBuilder<Decoration>()
  for (const l of lines) builder.add(l.pos, l.pos, l.deco)
  return builder.finish()
}

// --- The selected steps' lines -----------------------------------------------------------------

export const setSelectedLines = StateEffect.define<readonly LineSpan[]>()

const selectedLine = Decoration.line({ class: 'weft-yaml-selected' })

export const selectedLinesField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes)
    for (const e of tr.effects) {
      if (e.is(setSelectedLines)) next = lineDecorations(tr.state, e.value, () => selectedLine)
    }
    return next
  },
  provide: (f) => EditorView.decorations.from(f),
})

// --- Other people ------------------------------------------------------------------------------

export interface RemotePeer {
  readonly clientId: number
  readonly name: string
  readonly color: string
  /** Caret/selection in the YAML pane, or null. */
  readonly yaml: { readonly anchor: number; readonly head: number } | null
  /** The lines of the steps they have selected. */
  readonly steps: readonly LineSpan[]
}

export const setRemotePeers = StateEffect.define<readonly RemotePeer[]>()

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly color: string,
  ) {
    super()
  }
  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.color === this.color
  }
  toDOM(): HTMLElement {
    const caret = document.createElement('span')
    caret.className = 'weft-yaml-peer-caret'
    caret.style.setProperty('--weft-peer-color', this.color)
    caret.setAttribute('aria-label', `${this.name}'s cursor`)
    const label = document.createElement('span')
    label.className = 'weft-yaml-peer-name'
    label.textContent = this.name
    caret.appendChild(label)
    return caret
  }
  override ignoreEvent(): boolean {
    return true
  }
}

function peerDecorations(state: EditorState, peers: readonly RemotePeer[]): DecorationSet {
  const len = state.doc.length
  const clamp = (n: number) => Math.max(0, Math.min(Math.round(n), len))
  const ranges: { from: number; to: number; deco: Decoration }[] = []
  for (const p of peers) {
    const style = `--weft-peer-color: ${p.color}`
    for (const span of p.steps) {
      const first = state.doc.lineAt(clamp(span.from)).number
      const last = state.doc.lineAt(clamp(Math.max(span.from, span.to))).number
      for (let n = first; n <= last; n++) {
        const pos = state.doc.line(n).from
        ranges.push({
          from: pos,
          to: pos,
          deco: Decoration.line({ class: 'weft-yaml-peer-step', attributes: { style } }),
        })
      }
    }
    if (!p.yaml) continue
    const anchor = clamp(p.yaml.anchor)
    const head = clamp(p.yaml.head)
    if (anchor !== head) {
      ranges.push({
        from: Math.min(anchor, head),
        to: Math.max(anchor, head),
        deco: Decoration.mark({
          class: 'weft-yaml-peer-selection',
          attributes: { style, title: p.name },
        }),
      })
    }
    ranges.push({
      from: head,
      to: head,
      deco: Decoration.widget({ widget: new CaretWidget(p.name, p.color), side: 1 }),
    })
  }
  return Decoration.set(
    ranges.map((r) => r.deco.range(r.from, r.to)),
    true,
  )
}

export const remotePeersField = StateField.define<{
  peers: readonly RemotePeer[]
  decorations: DecorationSet
}>({
  create: () => ({ peers: [], decorations: Decoration.none }),
  update(value, tr) {
    for (const e of tr.effects) {
      if (e.is(setRemotePeers))
        return { peers: e.value, decorations: peerDecorations(tr.state, e.value) }
    }
    return tr.docChanged ? { ...value, decorations: value.decorations.map(tr.changes) } : value
  },
  provide: (f) => EditorView.decorations.from(f, (v) => v.decorations),
})

export const paneDecorations: Extension = [selectedLinesField, remotePeersField]
