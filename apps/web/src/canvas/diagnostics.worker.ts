/** Validates exported YAML off the main thread (a 1,000-step pipeline takes a few hundred ms). */
import { validateYaml } from '@weft/core'

export interface DiagnosticsRequest {
  readonly seq: number
  readonly text: string
}

export interface DiagnosticsReply {
  readonly seq: number
  readonly diagnostics: readonly {
    readonly severity: string
    readonly message: string
    readonly path: readonly (string | number)[]
  }[]
}

const ctx = self as unknown as {
  onmessage: ((e: MessageEvent<DiagnosticsRequest>) => void) | null
  postMessage(message: DiagnosticsReply): void
}

ctx.onmessage = (e) => {
  let diagnostics: DiagnosticsReply['diagnostics'] = []
  try {
    diagnostics = validateYaml(e.data.text).diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      path: d.path,
    }))
  } catch {
    // validation reports rather than throws; nothing to show if it ever does
  }
  ctx.postMessage({ seq: e.data.seq, diagnostics })
}
