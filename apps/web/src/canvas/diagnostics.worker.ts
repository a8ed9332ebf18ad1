/** Validates exported YAML off the main thread (a 1,000-step pipeline takes a few hundred ms). */
import { validateYaml, type Diagnostic } from '@weft/core'

export interface DiagnosticsRequest {
  readonly seq: number
  readonly text: string
}

export interface DiagnosticsReply {
  readonly seq: number
  /** Core's diagnostics as they are (plain data), for the inspector and the YAML linter too. */
  readonly diagnostics: readonly Diagnostic[]
}

const ctx = self as unknown as {
  onmessage: ((e: MessageEvent<DiagnosticsRequest>) => void) | null
  postMessage(message: DiagnosticsReply): void
}

ctx.onmessage = (e) => {
  let diagnostics: DiagnosticsReply['diagnostics'] = []
  try {
    diagnostics = validateYaml(e.data.text).diagnostics
  } catch {
    // validation reports rather than throws; nothing to show if it ever does
  }
  ctx.postMessage({ seq: e.data.seq, diagnostics })
}
