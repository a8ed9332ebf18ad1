import type { Reporter } from './context.js'
export function checkLint(_r: Reporter, _root: unknown): void {}
