export type { PipelineSummary } from './summary.js'
export { summarizeDocument, summarizeState } from './summary.js'
