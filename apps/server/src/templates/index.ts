export type { ShippedTemplate } from './shipped.js'
export { loadShippedTemplates, SHIPPED_PREFIX, TEAM_PREFIX } from './shipped.js'
export type { TemplateSummary } from './summary.js'
export { summarizeTemplate } from './summary.js'
