/** Which dropped or chosen files are pipelines to import. */
export function isYamlFile(file: { name: string }): boolean {
  return /\.ya?ml$/i.test(file.name)
}

export function formatDiagnostic(d: {
  severity: string
  code: string
  message: string
  line?: number
  column?: number
}): string {
  const at = d.line ? `${d.line}:${d.column ?? 1}` : '–'
  return `${at} ${d.severity} ${d.code} ${d.message}`
}
