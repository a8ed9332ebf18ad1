/**
 * Version history: the editor's History drawer (list, name, view, diff, restore), over the REST
 * routes of decision 0009. See history-panel.tsx for its test ids.
 */
export { DiffView, HistoryButton, HistoryPanel, versionTitle, whenText } from './history-panel.js'
