export type { HistoryOptions, HistoryTimers } from './history.js'
export { History, historyDefaults } from './history.js'
