export type { Metrics } from './metrics.js'
export { createMetrics } from './metrics.js'
