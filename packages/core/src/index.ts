/**
 * @weft/core: the pipeline_ex YAML v2 format, read, validated and written exactly as pipeline_ex
 * does, and projected to and from a Yjs document. Pure: no I/O, DOM, Node APIs or timers.
 *
 * Every export is listed by name; `index.test.ts` snapshots the list so that the public surface
 * only changes on purpose.
 */

// diagnostics
export type { Diagnostic, Path, Severity, SourcePosition } from './diagnostics.js'
export { compareDiagnostics, pathToString } from './diagnostics.js'

// yaml
export type { YamlSource } from './yaml/read.js'
export { readYaml, yamlCodes } from './yaml/read.js'
export { formatYaml } from './yaml/format.js'

// format (begin)
// format (end)

// validation (begin)
// validation (end)

// projection (begin)
// projection (end)

// graph (begin)
// graph (end)
