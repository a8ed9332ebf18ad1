/**
 * Gemini configuration (reference §10): a step's `token_budget` and the workflow-level
 * `gemini_functions` declarations that steps name in `functions:`.
 */
import * as v from 'valibot'

/** Only these four keys are read; the documented ranges are not enforced anywhere (§10.1). */
export const TokenBudgetSchema = v.looseObject({
  max_output_tokens: v.optional(v.pipe(v.number(), v.integer())),
  temperature: v.optional(v.number()),
  top_p: v.optional(v.number()),
  top_k: v.optional(v.pipe(v.number(), v.integer())),
})

/** `parameters` is JSON-Schema-ish and never looked into by pipeline_ex, so neither do we. */
export const GeminiFunctionSchema = v.looseObject({
  description: v.string(),
  parameters: v.record(v.string(), v.unknown()),
})

export const GeminiFunctionsSchema = v.record(v.string(), GeminiFunctionSchema)

export type TokenBudget = v.InferOutput<typeof TokenBudgetSchema>
export type GeminiFunction = v.InferOutput<typeof GeminiFunctionSchema>
export type GeminiFunctions = v.InferOutput<typeof GeminiFunctionsSchema>
