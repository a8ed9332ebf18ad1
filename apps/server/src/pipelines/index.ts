export type { PipelineSummary } from './summary.js'
export { stepTexts, summarizeDocument, summarizeState } from './summary.js'
