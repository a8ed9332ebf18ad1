// TEMPORARY until packages/core/src/format/catalogue.ts lands.
export const acceptedStepTypes: readonly string[] = [
  'set_variable',
  'claude',
  'gemini',
  'parallel_claude',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
  'for_loop',
  'while_loop',
  'data_transform',
  'file_ops',
  'pipeline',
]
export const promptRequiredTypes: readonly string[] = [
  'claude',
  'gemini',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_robust',
]
export const loopBodyTypes: readonly string[] = [
  'claude',
  'gemini',
  'parallel_claude',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
  'set_variable',
  'for_loop',
  'while_loop',
]
export function knownKeys(_context: string): readonly string[] {
  return []
}
