export type { Theme } from './theme.js'
export { applyTheme, currentTheme, setTheme, toggleTheme, useTheme } from './theme.js'
