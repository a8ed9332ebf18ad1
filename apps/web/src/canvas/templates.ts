/**
 * What a new step of each type starts as: the fields the loader (or the run) needs, empty, so the
 * inspector has something to fill in, and a name no other step has.
 */
import { getStepType } from '@weft/core'

const staticPrompt = () => [{ type: 'static', content: '' }]

const starters: Record<string, () => Record<string, unknown>> = {
  claude: () => ({ prompt: staticPrompt() }),
  gemini: () => ({ prompt: staticPrompt() }),
  claude_smart: () => ({ prompt: staticPrompt() }),
  claude_session: () => ({ prompt: staticPrompt() }),
  claude_extract: () => ({ prompt: staticPrompt() }),
  claude_robust: () => ({ prompt: staticPrompt() }),
  gemini_instructor: () => ({ prompt: staticPrompt() }),
  claude_batch: () => ({ tasks: [{ task_id: 'task_1', prompt: staticPrompt() }] }),
  parallel_claude: () => ({ parallel_tasks: [{ id: 'task_1', prompt: staticPrompt() }] }),
  set_variable: () => ({ variables: { name: '' } }),
  for_loop: () => ({ iterator: 'item', data_source: '', steps: [] }),
  while_loop: () => ({ condition: '', max_iterations: 10, steps: [] }),
  data_transform: () => ({ input_source: '', operations: [] }),
  file_ops: () => ({ operation: 'copy', source: '', destination: '' }),
  pipeline: () => ({ pipeline: { name: 'child', steps: [] } }),
  switch: () => ({ expression: '', cases: { a: [] }, default: [] }),
  test_echo: () => ({ value: '' }),
}

/** `base`, or `base_2`, `base_3`, … whichever is not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`
}

export function newStepValue(type: string, taken: ReadonlySet<string>): Record<string, unknown> {
  const spec = getStepType(type)
  const name = uniqueName(type === 'pipeline' ? 'sub_pipeline' : type, taken)
  return { name, type, ...(starters[type]?.() ?? {}), ...(spec ? {} : {}) }
}
