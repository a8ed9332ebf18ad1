/**
 * Prompt parts (reference §11): the elements of every `prompt:` list. Only the keys pipeline_ex
 * reads are typed; the documented-but-ignored ones (§11.2) are left to the loose objects and
 * described by the catalogue instead.
 */
import * as v from 'valibot'

export const StaticPromptPartSchema = v.looseObject({
  type: v.literal('static'),
  content: v.string(),
})

export const FilePromptPartSchema = v.looseObject({
  type: v.literal('file'),
  path: v.string(),
})

export const PreviousResponsePromptPartSchema = v.looseObject({
  type: v.literal('previous_response'),
  step: v.string(),
  extract: v.optional(v.string()),
  strict: v.optional(v.boolean()),
})

export const SessionContextPromptPartSchema = v.looseObject({
  type: v.literal('session_context'),
  session_id: v.string(),
  include_last_n: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
})

export const ClaudeContinuePromptPartSchema = v.looseObject({
  type: v.literal('claude_continue'),
  session_id: v.string(),
  new_prompt: v.optional(v.string()),
})

export const PromptPartSchema = v.variant('type', [
  StaticPromptPartSchema,
  FilePromptPartSchema,
  PreviousResponsePromptPartSchema,
  SessionContextPromptPartSchema,
  ClaudeContinuePromptPartSchema,
])

/** Always a list: pipeline_ex rejects (or crashes on) a plain string `prompt` (§11). */
export const PromptSchema = v.array(PromptPartSchema)

export type StaticPromptPart = v.InferOutput<typeof StaticPromptPartSchema>
export type FilePromptPart = v.InferOutput<typeof FilePromptPartSchema>
export type PreviousResponsePromptPart = v.InferOutput<typeof PreviousResponsePromptPartSchema>
export type SessionContextPromptPart = v.InferOutput<typeof SessionContextPromptPartSchema>
export type ClaudeContinuePromptPart = v.InferOutput<typeof ClaudeContinuePromptPartSchema>
export type PromptPart = v.InferOutput<typeof PromptPartSchema>
export type Prompt = v.InferOutput<typeof PromptSchema>
